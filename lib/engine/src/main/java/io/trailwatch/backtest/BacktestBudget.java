package io.trailwatch.backtest;

import io.trailwatch.backtest.BacktestSummary.PolicySummary;
import io.trailwatch.backtest.BacktestSummary.RuleRow;
import io.trailwatch.dimensions.Dimension;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@code backtest --budget N} decides for one policy: its alerts per 1,000 active principals
 * per day over the range against the limit, and, so that the answer says what to change, the
 * identity types, dimensions, principals and actions that raise the most alerts.
 */
public record BacktestBudget(String policy, double limit, double alertRate, long alerts, long principalsActive,
    double days, boolean exceeded, List<Contributor> identityTypes, List<Contributor> dimensions,
    List<Contributor> principals, List<Contributor> actions) {
  /** Contributors named per kind. */
  public static final int TOP = 3;

  /** One contributor: its alerts, and its own share of the rate (alerts per 1,000 principals per day). */
  public record Contributor(String name, long alerts, double alertRate) {}

  public BacktestBudget {
    identityTypes = List.copyOf(identityTypes);
    dimensions = List.copyOf(dimensions);
    principals = List.copyOf(principals);
    actions = List.copyOf(actions);
  }

  /** Checks {@code p}, replayed over {@code hours} hours, against {@code limit} alerts per 1,000 principals a day. */
  public static BacktestBudget check(PolicySummary p, long hours, double limit) {
    double rate = p.alertRate();
    List<Contributor> principals = new ArrayList<>();
    p.topPrincipals().stream().limit(TOP).forEach(t -> principals.add(new Contributor(
        t.principal() + " (" + t.identityType() + ", " + t.accountId() + ")", t.alerts(),
        BacktestSummary.alertRate(t.alerts(), p.principalsActive(), hours))));
    List<Contributor> actions = new ArrayList<>();
    p.topBehaviors().stream().limit(TOP).forEach(t -> actions.add(new Contributor(behavior(t), t.alerts(),
        BacktestSummary.alertRate(t.alerts(), p.principalsActive(), hours))));
    return new BacktestBudget(p.name(), limit, rate, p.alerts(), p.principalsActive(), hours / 24.0, rate > limit,
        top(p.breakdown().byIdentityType()), top(p.breakdown().byDimension()), principals, actions);
  }

  private static List<Contributor> top(List<RuleRow> rows) {
    return rows.stream().filter(r -> r.alerts() > 0).limit(TOP)
        .map(r -> new Contributor(r.rule(), r.alerts(), r.alertRate())).toList();
  }

  /** {@code iam:CreateAccessKey}, or {@code region ap-southeast-1} for a value of another dimension. */
  private static String behavior(BacktestSummary.TopBehavior t) {
    if (Dimension.ofLabel(t.eventSource()) != null && Dimension.ofLabel(t.eventSource()) != Dimension.API) {
      return t.eventSource() + " " + t.eventName();
    }
    return t.eventSource().replace(".amazonaws.com", "") + ":" + t.eventName();
  }

  /** The verdict as the command prints it: one line, then the top contributors of each kind. */
  public List<String> lines() {
    List<String> out = new ArrayList<>();
    out.add(String.format(Locale.ROOT, "budget: %s raises %.2f alerts per 1,000 principals a day (%,d alerts, %,d"
        + " active principals, %.1f days); budget %s: %s", policy, alertRate, alerts, principalsActive, days,
        number(limit), exceeded ? "OVER BUDGET" : "within budget"));
    if (alerts > 0) {
      out.add("  top identity types: " + named(identityTypes));
      out.add("  top dimensions:     " + named(dimensions));
      out.add("  top principals:     " + named(principals));
      out.add("  top new behaviours: " + named(actions));
    }
    return out;
  }

  private static String named(List<Contributor> cs) {
    List<String> parts = new ArrayList<>();
    cs.forEach(c -> parts.add(String.format(Locale.ROOT, "%s %,d (%.2f)", c.name(), c.alerts(), c.alertRate())));
    return String.join(", ", parts);
  }

  private static String number(double v) {
    return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.valueOf(v);
  }
}
