package io.trailwatch.ingest;

import io.trailwatch.accounts.Account;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A listing done ahead (to choose the JIT before Spark starts) handed to the run that would list
 * the same again: a call with the same window for whole business units of the listed accounts is
 * answered from it, any other call goes to the planner.
 */
public final class PlannedOnce implements LogPlanner {
  private final LogPlanner planner;
  private final List<Account> accounts;
  private final Instant from;
  private final Instant to;
  private final Plan plan;

  public PlannedOnce(LogPlanner planner, List<Account> accounts, Instant from, Instant to, Plan plan) {
    this.planner = planner;
    this.accounts = List.copyOf(accounts);
    this.from = from;
    this.to = to;
    this.plan = plan;
  }

  @Override
  public Plan plan(List<Account> some, Instant fileTimeFrom, Instant fileTimeTo) {
    Set<String> units = some.stream().map(Account::businessUnit).collect(Collectors.toSet());
    Set<Account> wholeUnits = accounts.stream().filter(a -> units.contains(a.businessUnit()))
        .collect(Collectors.toSet());
    if (!fileTimeFrom.equals(from) || !fileTimeTo.equals(to) || !wholeUnits.equals(new HashSet<>(some))) {
      return planner.plan(some, fileTimeFrom, fileTimeTo);
    }
    Set<String> others = accounts.stream().map(Account::businessUnit).filter(u -> !units.contains(u))
        .collect(Collectors.toSet());
    return plan.without(others);
  }

  @Override
  public String describe() {
    return planner.describe();
  }
}
