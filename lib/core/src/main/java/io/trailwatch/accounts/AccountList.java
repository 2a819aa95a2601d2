package io.trailwatch.accounts;

import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.TrailwatchException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an {@link AccountDirectory} found: the accounts with their business unit, the accounts
 * it left out and why, and where the list came from, in the directory's order. Fetched once per run.
 *
 * @param source where the list came from, e.g. {@code accounts.csv} or {@code organizations o-abc123 (top-level-ou)}
 */
public record AccountList(List<Account> accounts, List<UnassignedAccount> unassigned, String source) {
  public AccountList {
    accounts = List.copyOf(accounts);
    unassigned = List.copyOf(unassigned);
  }

  /** Accounts per business unit, by name: what the run ledger records as the run's coverage. */
  public Map<String, Integer> countsByBusinessUnit() {
    Map<String, Integer> out = new TreeMap<>();
    accounts.forEach(a -> out.merge(a.businessUnit(), 1, Integer::sum));
    return out;
  }

  /**
   * The accounts of one business unit (with the same unassigned list), or this list when
   * {@code bu} is null.
   *
   * @throws TrailwatchException {@code UNKNOWN_BU} when no account belongs to it
   */
  public AccountList ofBusinessUnit(String bu) {
    if (bu == null) {
      return this;
    }
    List<Account> of = accounts.stream().filter(a -> a.businessUnit().equals(bu)).toList();
    if (of.isEmpty()) {
      throw TrailwatchException.of(ErrorCode.UNKNOWN_BU, "Cannot select --bu %s: no account of %s belongs to it (known: %s)",
          bu, source, String.join(", ", countsByBusinessUnit().keySet()));
    }
    return new AccountList(of, unassigned, source);
  }
}
