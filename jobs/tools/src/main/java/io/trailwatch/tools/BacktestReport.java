package io.trailwatch.tools;

import io.trailwatch.backtest.BacktestBudget;
import io.trailwatch.backtest.BacktestSummary;
import io.trailwatch.backtest.BacktestSummary.Cell;
import io.trailwatch.backtest.BacktestSummary.Day;
import io.trailwatch.backtest.BacktestSummary.PolicySummary;
import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.tools.SvgCharts.Series;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The backtest's report: one self-contained HTML page (inline CSS and SVG, no script, nothing
 * fetched) drawn from a {@link BacktestSummary}. It opens with the headline numbers, then alerts
 * per day stacked by severity, small multiples by business unit and by identity type, the two
 * policies side by side (with {@code --compare}), what each quiet rule kept quiet, the top
 * principals and new behaviours, and the run's settings and data. Every chart has a text title
 * and description and a data table behind it.
 */
public final class BacktestReport {
  /** Severities from the bottom of a stack up, with their colours (a red-to-blue scale, then grey). */
  static final List<Series> SEVERITIES = List.of(new Series("critical", "#67001f"), new Series("high", "#d6604d"),
      new Series("medium", "#f4a582"), new Series("low", "#92c5de"), new Series("info", "#bababa"));
  /** The two policies' colours. */
  static final List<Series> POLICY_COLOURS = List.of(new Series("A", "#2166ac"), new Series("B", "#b35806"));
  /** Small multiples drawn per group; the rest are summed into "other". */
  static final int MULTIPLES = 12;

  private static final Map<String, String> QUIET_LABELS = Map.of(
      "learning", "Learning period",
      "warmup", "Warm-up",
      "allow_listed", "Allow-list",
      "baseline_only", "Baseline only");
  private static final Map<String, String> QUIET_MEANING = Map.of(
      "learning", "the principal was first seen less than policy.learning-days ago",
      "warmup", "the business unit's history was shorter than baseline.warmup-days",
      "allow_listed", "every new behaviour matched a policy.allow rule",
      "baseline_only", "the type (AWS services) or service-linked roles never alert");

  private BacktestReport() {}

  /** Writes the report to {@code file}. */
  public static void write(BacktestSummary s, Path file) {
    try {
      if (file.toAbsolutePath().getParent() != null) {
        Files.createDirectories(file.toAbsolutePath().getParent());
      }
      Files.writeString(file, html(s), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw TrailwatchException.of(ErrorCode.OUTPUT_NOT_WRITABLE, "Cannot write the report %s: %s", file,
          e.getMessage());
    }
  }

  public static String html(BacktestSummary s) {
    List<PolicySummary> ps = s.policies();
    PolicySummary a = ps.get(0);
    String range = day(s.settings().from()) + " to " + day(s.settings().to()) + " (" + span(s.settings().hours()) + ")";
    StringBuilder b = new StringBuilder(64 * 1024);
    b.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>trailwatch backtest: ").append(Html.esc(range)).append("</title><style>").append(CSS)
        .append("</style></head><body><main>");
    b.append("<header><h1>Backtest: what hourly detection would have raised</h1><p class=\"sub\">")
        .append(Html.esc(range)).append(" &middot; ").append(s.settings().accounts()).append(" accounts in ")
        .append(Html.esc(String.join(", ", s.settings().businessUnits()))).append("</p></header>");
    headline(b, s);
    budget(b, s.budget());

    section(b, "per-day", "Alerts per day, by severity");
    for (PolicySummary p : ps) {
      if (ps.size() > 1) {
        b.append("<h3>").append(Html.esc(label(p))).append("</h3>");
      }
      String id = ps.size() > 1 ? "per-day-" + ps.indexOf(p) : "per-day-chart";
      b.append(SvgCharts.legend(SEVERITIES));
      b.append(SvgCharts.stacked(id, "Alerts per day by severity, " + label(p), describeDays(p),
          days(p), SEVERITIES, severityMatrix(p.days()), 1040, 280, 0));
      b.append(details(dayTable(p)));
    }
    b.append("</section>");

    multiples(b, "by-bu", "By business unit", a, Cell::businessUnit);
    multiples(b, "by-type", "By identity type", a, Cell::identityType);
    if (ps.size() > 1) {
      compare(b, s);
    }
    quiet(b, ps);
    for (PolicySummary p : ps) {
      perRule(b, p, ps.size() > 1);
    }
    for (PolicySummary p : ps) {
      topPrincipals(b, p, ps.size() > 1);
    }
    for (PolicySummary p : ps) {
      topBehaviors(b, p, ps.size() > 1);
    }
    settings(b, s);
    b.append("<footer>Made by <code>trailwatch backtest</code>; the numbers are in <code>summary.json</code>,")
        .append(" the alerts in <code>alerts.jsonl</code> and the <code>alerts</code> Delta table.</footer>");
    return b.append("</main></body></html>\n").toString();
  }

  private static void headline(StringBuilder b, BacktestSummary s) {
    double days = Math.max(1, s.settings().hours()) / 24.0;
    b.append("<section id=\"headline\" aria-label=\"Headline numbers\"><div class=\"tiles\">");
    for (PolicySummary p : s.policies()) {
      long highUp = p.bySeverity().getOrDefault("critical", 0L) + p.bySeverity().getOrDefault("high", 0L);
      long quiet = p.quiet().values().stream().mapToLong(Long::longValue).sum();
      b.append("<div class=\"tile-group\"><h2>").append(Html.esc(label(p))).append("</h2><dl class=\"tiles\">");
      tile(b, "alerts", num(p.alerts()));
      tile(b, "a day", String.format(Locale.ROOT, "%.1f", p.alerts() / days));
      tile(b, "high or critical", num(highUp));
      tile(b, "principals", num(p.principalsAlerted()));
      tile(b, "kept quiet", num(quiet));
      b.append("</dl></div>");
    }
    b.append("</div>");
    if (s.difference() != null) {
      BacktestSummary.Difference d = s.difference();
      b.append("<p class=\"lead\">").append(num(d.both())).append(" alerts are raised by both; ")
          .append(num(d.onlyA())).append(" only by ").append(Html.esc(d.a())).append(", ").append(num(d.onlyB()))
          .append(" only by ").append(Html.esc(d.b())).append(".</p>");
    }
    b.append("</section>");
  }

  private static void tile(StringBuilder b, String what, String value) {
    b.append("<div class=\"tile\"><dt>").append(Html.esc(what)).append("</dt><dd>").append(Html.esc(value))
        .append("</dd></div>");
  }

  /** Small multiples of one policy's alerts per day, one per group (BU or identity type), on one scale. */
  private static void multiples(StringBuilder b, String id, String title, PolicySummary p,
      Function<Cell, String> group) {
    List<String> days = days(p);
    Map<String, long[][]> byGroup = new LinkedHashMap<>();
    Map<String, Long> totals = new TreeMap<>();
    for (Cell c : p.cells()) {
      totals.merge(group.apply(c), c.alerts(), Long::sum);
    }
    List<String> order = new ArrayList<>(totals.keySet());
    order.sort((x, y) -> Long.compare(totals.get(y), totals.get(x)) != 0 ? Long.compare(totals.get(y),
        totals.get(x)) : x.compareTo(y));
    for (int i = 0; i < order.size(); i++) {
      String g = i < MULTIPLES || order.size() == MULTIPLES + 1 ? order.get(i) : "other";
      byGroup.computeIfAbsent(g, k -> new long[days.size()][SEVERITIES.size()]);
    }
    Map<String, Integer> dayIndex = new LinkedHashMap<>();
    for (int i = 0; i < days.size(); i++) {
      dayIndex.put(days.get(i), i);
    }
    for (Cell c : p.cells()) {
      String g = byGroup.containsKey(group.apply(c)) ? group.apply(c) : "other";
      byGroup.get(g)[dayIndex.get(c.day())][severityIndex(c.severity())] += c.alerts();
    }
    long max = 0;
    for (long[][] m : byGroup.values()) {
      for (long[] col : m) {
        long sum = 0;
        for (long v : col) {
          sum += v;
        }
        max = Math.max(max, sum);
      }
    }
    section(b, id, title + (p.name().isEmpty() ? "" : ", " + label(p)));
    if (byGroup.isEmpty()) {
      b.append("<p>No alerts.</p></section>");
      return;
    }
    b.append("<p class=\"note\">One chart each, on the same scale; stacked by severity as above.</p>")
        .append("<div class=\"multiples\">");
    int n = 0;
    for (Map.Entry<String, long[][]> e : byGroup.entrySet()) {
      long total = 0;
      for (long[] col : e.getValue()) {
        for (long v : col) {
          total += v;
        }
      }
      b.append("<figure><figcaption>").append(Html.esc(e.getKey())).append(" <span class=\"count\">")
          .append(num(total)).append("</span></figcaption>")
          .append(SvgCharts.stacked(id + "-" + (n++), "Alerts per day for " + e.getKey(), num(total) + " alerts for "
              + e.getKey() + " over " + days.size() + " days", days, SEVERITIES, e.getValue(), 340, 150, max))
          .append("</figure>");
    }
    b.append("</div>");
    List<String> head = new ArrayList<>(List.of(title.replace("By ", "")));
    SEVERITIES.forEach(sv -> head.add(sv.name()));
    head.add("total");
    List<List<String>> rows = new ArrayList<>();
    for (Map.Entry<String, long[][]> e : byGroup.entrySet()) {
      long[] sums = new long[SEVERITIES.size()];
      long total = 0;
      for (long[] col : e.getValue()) {
        for (int s = 0; s < col.length; s++) {
          sums[s] += col[s];
          total += col[s];
        }
      }
      List<String> row = new ArrayList<>(List.of(e.getKey()));
      for (long v : sums) {
        row.add(num(v));
      }
      row.add(num(total));
      rows.add(row);
    }
    b.append(details(table(head, rows))).append("</section>");
  }

  private static void compare(StringBuilder b, BacktestSummary s) {
    PolicySummary a = s.policies().get(0);
    PolicySummary p2 = s.policies().get(1);
    List<Series> series = List.of(new Series(label(a), POLICY_COLOURS.get(0).colour()),
        new Series(label(p2), POLICY_COLOURS.get(1).colour()));
    List<String> days = days(a);
    long[][] values = new long[days.size()][2];
    List<List<String>> rows = new ArrayList<>();
    for (int i = 0; i < days.size(); i++) {
      values[i][0] = a.days().get(i).alerts();
      values[i][1] = p2.days().get(i).alerts();
      rows.add(List.of(days.get(i), num(values[i][0]), num(values[i][1]), signed(values[i][1] - values[i][0])));
    }
    section(b, "compare", "The two policies side by side");
    b.append(SvgCharts.legend(series));
    b.append(SvgCharts.grouped("compare-chart", "Alerts per day under each policy", label(a) + ": "
        + num(a.alerts()) + " alerts; " + label(p2) + ": " + num(p2.alerts()) + " alerts", days, series, values,
        1040, 260));
    b.append(details(table(List.of("day", label(a), label(p2), "difference"), rows)));
    BacktestSummary.Difference d = s.difference();
    onlyIn(b, "Only " + label(a) + " raises", d.onlyA(), d.onlyInA());
    onlyIn(b, "Only " + label(p2) + " raises", d.onlyB(), d.onlyInB());
    b.append("</section>");
  }

  private static void onlyIn(StringBuilder b, String title, long count, List<BacktestSummary.AlertLine> lines) {
    b.append("<h3>").append(Html.esc(title)).append(": ").append(num(count)).append(count == 1 ? " alert" : " alerts")
        .append("</h3>");
    if (lines.isEmpty()) {
      return;
    }
    List<List<String>> rows = new ArrayList<>();
    for (BacktestSummary.AlertLine l : lines) {
      rows.add(List.of(l.hour().replace(":00:00Z", "h").replace('T', ' '), l.severity(), l.businessUnit(),
          l.accountId(), l.identityType(), l.principal(), l.reason()));
    }
    b.append(table(List.of("hour", "severity", "BU", "account", "type", "principal", "why"), rows));
    if (count > lines.size()) {
      b.append("<p class=\"note\">The first ").append(lines.size()).append(" of ").append(num(count))
          .append("; all are in the alerts files.</p>");
    }
  }

  private static void quiet(StringBuilder b, List<PolicySummary> ps) {
    List<String> keys = List.copyOf(BacktestSummary.QUIET_KEYS.values());
    List<String> labels = keys.stream().map(QUIET_LABELS::get).toList();
    long[][] values = new long[keys.size()][ps.size()];
    List<Series> series = new ArrayList<>();
    for (int p = 0; p < ps.size(); p++) {
      series.add(new Series(ps.size() > 1 ? ps.get(p).name() : label(ps.get(p)), POLICY_COLOURS.get(p % 2).colour()));
      for (int k = 0; k < keys.size(); k++) {
        values[k][p] = ps.get(p).quiet().getOrDefault(keys.get(k), 0L);
      }
    }
    section(b, "quiet", "What the quiet rules kept quiet");
    b.append("<p class=\"note\">Principal-hours with new behaviour (or, for types that alert on any activity, any")
        .append(" activity) that a rule kept from alerting: each would otherwise have been one alert.")
        .append(" A principal whose new behaviours are only partly allow-listed still alerts, on the rest.</p>");
    b.append(SvgCharts.horizontal("quiet-chart", "Principal-hours kept quiet, by rule", describeQuiet(ps, keys),
        labels, series, values, 1040));
    List<String> head = new ArrayList<>(List.of("rule", "kept quiet when"));
    ps.forEach(p -> head.add(label(p)));
    List<List<String>> rows = new ArrayList<>();
    for (int k = 0; k < keys.size(); k++) {
      List<String> row = new ArrayList<>(List.of(labels.get(k), QUIET_MEANING.get(keys.get(k))));
      for (int p = 0; p < ps.size(); p++) {
        row.add(num(values[k][p]));
      }
      rows.add(row);
    }
    b.append(details(table(head, rows)));
    List<List<String>> moved = new ArrayList<>();
    moved.add(new ArrayList<>(List.of("raised one level: new to the business unit")));
    moved.add(new ArrayList<>(List.of("lowered one level: routine among the account's peers")));
    for (PolicySummary p : ps) {
      moved.get(0).add(num(p.severityMoved().getOrDefault("raised_new_to_business_unit", 0L)));
      moved.get(1).add(num(p.severityMoved().getOrDefault("lowered_routine_in_account", 0L)));
    }
    List<String> movedHead = new ArrayList<>(List.of("prevalence rule"));
    ps.forEach(p -> movedHead.add(label(p) + " (dimensions " + String.join(", ", p.dimensions()) + ")"));
    b.append("<p class=\"note\">Alerts whose severity prevalence moved (against the same alert without the rule).</p>")
        .append(table(movedHead, moved)).append("</section>");
  }

  /** The --budget check: the rate against the limit, and the top contributors of each kind. */
  private static void budget(StringBuilder b, BacktestBudget g) {
    if (g == null) {
      return;
    }
    section(b, "budget", "Alert budget: " + (g.exceeded() ? "over budget" : "within budget"));
    b.append("<p class=\"lead\">").append("Policy ").append(Html.esc(g.policy())).append(" raises ")
        .append(String.format(Locale.ROOT, "%.2f", g.alertRate()))
        .append(" alerts per 1,000 active principals a day (").append(num(g.alerts())).append(" alerts, ")
        .append(num(g.principalsActive())).append(" principals, ")
        .append(String.format(Locale.ROOT, "%.1f", g.days())).append(" days); the budget is ")
        .append(Html.esc(String.valueOf(g.limit()))).append(".</p>");
    List<List<String>> rows = new ArrayList<>();
    contributors(rows, "identity type", g.identityTypes());
    contributors(rows, "dimension", g.dimensions());
    contributors(rows, "principal", g.principals());
    contributors(rows, "new behaviour", g.actions());
    b.append(rows.isEmpty() ? "" : table(List.of("top contributor", "kind", "alerts", "per 1,000 principals a day"),
        rows)).append("</section>");
  }

  private static void contributors(List<List<String>> rows, String kind, List<BacktestBudget.Contributor> cs) {
    cs.forEach(c -> rows.add(List.of(c.name(), kind, num(c.alerts()),
        String.format(Locale.ROOT, "%.2f", c.alertRate()))));
  }

  /**
   * Per rule: alerts per identity type, per dimension and per severity, each with the principals
   * they name, the share of the alerts and the rate per 1,000 active principals a day. Verdict
   * columns (alerts with a verdict, the share benign or expected) go beside these once verdicts
   * exist (issue 28).
   */
  private static void perRule(StringBuilder b, PolicySummary p, boolean named) {
    section(b, "per-rule" + (named ? "-" + p.name() : ""), "Per rule" + (named ? ", " + label(p) : ""));
    b.append("<p class=\"note\">").append(num(p.alerts())).append(" alerts from ").append(num(p.principalsActive()))
        .append(" active principals: ").append(String.format(Locale.ROOT, "%.2f", p.alertRate()))
        .append(" per 1,000 principals a day. An alert counts in each dimension it lists a new value of.</p>");
    List<String> head = List.of("rule", "alerts", "principals", "share", "per 1,000 principals a day");
    ruleTable(b, "By identity type", head, p.breakdown().byIdentityType());
    ruleTable(b, "By dimension", head, p.breakdown().byDimension());
    ruleTable(b, "By severity", head, p.breakdown().bySeverity());
    b.append("</section>");
  }

  private static void ruleTable(StringBuilder b, String title, List<String> head,
      List<BacktestSummary.RuleRow> rules) {
    List<List<String>> rows = new ArrayList<>();
    for (BacktestSummary.RuleRow r : rules) {
      rows.add(List.of(r.rule(), num(r.alerts()), num(r.principals()),
          String.format(Locale.ROOT, "%.1f%%", 100 * r.share()), String.format(Locale.ROOT, "%.2f", r.alertRate())));
    }
    b.append("<h3>").append(Html.esc(title)).append("</h3>")
        .append(rows.isEmpty() ? "<p>No alerts.</p>" : table(head, rows));
  }

  private static void topPrincipals(StringBuilder b, PolicySummary p, boolean named) {
    section(b, "top-principals" + (named ? "-" + p.name() : ""), "Top principals" + (named ? ", " + label(p) : ""));
    List<List<String>> rows = new ArrayList<>();
    for (BacktestSummary.TopPrincipal t : p.topPrincipals()) {
      rows.add(List.of(t.principal(), t.identityType(), t.accountId(), t.businessUnit(), num(t.alerts()),
          t.maxSeverity(), t.firstHour().substring(0, 13).replace('T', ' ') + "h",
          t.lastHour().substring(0, 13).replace('T', ' ') + "h"));
    }
    b.append(rows.isEmpty() ? "<p>No alerts.</p>" : table(List.of("principal", "type", "account", "BU", "alerts",
        "highest", "first", "last"), rows)).append("</section>");
  }

  private static void topBehaviors(StringBuilder b, PolicySummary p, boolean named) {
    section(b, "top-behaviours" + (named ? "-" + p.name() : ""), "Top new behaviours" + (named ? ", " + label(p)
        : ""));
    List<List<String>> rows = new ArrayList<>();
    for (BacktestSummary.TopBehavior t : p.topBehaviors()) {
      rows.add(List.of(t.eventSource(), t.eventName(), num(t.alerts()), num(t.principals()),
          t.sensitivity() == null ? "" : t.sensitivity(), num(t.returning())));
    }
    b.append("<p class=\"note\">How many alerts list each behaviour as new, and for how many principals;"
        + " returning: of those alerts, how many found it returning (seen before its baseline row expired)"
        + " rather than never seen.</p>")
        .append(rows.isEmpty() ? "<p>No alerts.</p>" : table(List.of("event source", "event name", "alerts",
            "principals", "sensitivity", "returning"), rows)).append("</section>");
  }

  private static void settings(StringBuilder b, BacktestSummary s) {
    BacktestSummary.Settings st = s.settings();
    BacktestSummary.Data d = s.data();
    section(b, "settings", "Settings and data");
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("logs", st.logs()));
    rows.add(List.of("accounts", st.accounts() + " in " + String.join(", ", st.businessUnits())));
    rows.add(List.of("hours decided", st.from() + " to " + st.to() + " (" + num(st.hours()) + " hours)"));
    rows.add(List.of("seed history", "from " + st.seedFrom() + String.format(Locale.ROOT, " (%.1f days): ",
        st.seedDays()) + (st.seedFirstEvent() == null ? "no events found"
            : "first event " + st.seedFirstEvent() + ", " + num(d.seedEvents()) + " events (redeliveries included), "
                + num(d.seedBehaviors()) + " behaviours")));
    rows.add(List.of("late files", st.lateFiles()));
    rows.add(List.of("files", num(d.filesPlanned()) + " planned, " + num(d.filesRead()) + " read, "
        + num(d.filesQuarantined()) + " quarantined"));
    rows.add(List.of("records", num(d.recordsRead()) + " read, " + num(d.recordsInRange()) + " in range, "
        + num(d.recordsQuarantined()) + " quarantined; " + num(d.eventsDecided())
        + " events in the decided hours (redeliveries dropped)"));
    rows.add(List.of("bytes read", String.format(Locale.ROOT, "%,.1f MB", d.bytesRead() / 1e6)));
    rows.add(List.of("run time", String.format(Locale.ROOT, "%.1f s: read %.1f s, decisions %.1f s; %,.0f records/s",
        d.seconds(), d.readSeconds(), d.replaySeconds(), d.recordsPerSecond())));
    b.append(table(List.of("setting", "value"), rows));
    List<String> head = new ArrayList<>(List.of("policy"));
    s.policies().forEach(p -> head.add(label(p)));
    List<List<String>> pol = new ArrayList<>();
    pol.add(row("configuration", s.policies(), PolicySummary::source));
    pol.add(row("learning days", s.policies(), p -> String.valueOf(p.settings().learningDays())));
    pol.add(row("warm-up days", s.policies(), p -> String.valueOf(p.settings().warmupDays())));
    pol.add(row("retention days", s.policies(), p -> String.valueOf(p.settings().retentionDays())));
    pol.add(row("allow-list rules", s.policies(), p -> String.valueOf(p.settings().allowRules())));
    pol.add(row("many new behaviours", s.policies(), p -> String.valueOf(p.settings().manyNewBehaviors())));
    pol.add(row("extra sensitive actions", s.policies(), p -> String.valueOf(p.settings().extraSensitiveActions())));
    pol.add(row("baseline rows at the end", s.policies(), p -> num(p.baselineRows())));
    pol.add(row("principals at the end", s.policies(), p -> num(p.principals())));
    b.append(table(head, pol)).append("</section>");
  }

  private static List<String> row(String name, List<PolicySummary> ps, Function<PolicySummary, String> f) {
    List<String> r = new ArrayList<>(List.of(name));
    ps.forEach(p -> r.add(f.apply(p)));
    return r;
  }

  private static String dayTable(PolicySummary p) {
    List<String> head = new ArrayList<>(List.of("day"));
    SEVERITIES.forEach(s -> head.add(s.name()));
    head.addAll(List.of("alerts", "new behaviours", "events"));
    List<List<String>> rows = new ArrayList<>();
    for (Day d : p.days()) {
      List<String> r = new ArrayList<>(List.of(d.day()));
      SEVERITIES.forEach(s -> r.add(num(d.bySeverity().getOrDefault(s.name(), 0L))));
      r.addAll(List.of(num(d.alerts()), num(d.newBehaviors()), num(d.events())));
      rows.add(r);
    }
    return table(head, rows);
  }

  private static long[][] severityMatrix(List<Day> days) {
    long[][] m = new long[days.size()][SEVERITIES.size()];
    for (int i = 0; i < days.size(); i++) {
      for (int s = 0; s < SEVERITIES.size(); s++) {
        m[i][s] = days.get(i).bySeverity().getOrDefault(SEVERITIES.get(s).name(), 0L);
      }
    }
    return m;
  }

  private static int severityIndex(String severity) {
    for (int i = 0; i < SEVERITIES.size(); i++) {
      if (SEVERITIES.get(i).name().equals(severity)) {
        return i;
      }
    }
    throw new IllegalArgumentException("unknown severity " + severity);
  }

  private static String describeDays(PolicySummary p) {
    Day busiest = p.days().stream().max((x, y) -> Long.compare(x.alerts(), y.alerts())).orElse(null);
    StringBuilder sb = new StringBuilder(num(p.alerts()) + " alerts over " + p.days().size() + " days");
    if (busiest != null && busiest.alerts() > 0) {
      sb.append("; the busiest day is ").append(busiest.day()).append(" with ").append(num(busiest.alerts()));
    }
    List<String> parts = new ArrayList<>();
    for (Series s : SEVERITIES) {
      long n = p.bySeverity().getOrDefault(s.name(), 0L);
      if (n > 0) {
        parts.add(num(n) + " " + s.name());
      }
    }
    if (!parts.isEmpty()) {
      sb.append(" (").append(String.join(", ", parts)).append(')');
    }
    return sb.append('.').toString();
  }

  private static String describeQuiet(List<PolicySummary> ps, List<String> keys) {
    List<String> parts = new ArrayList<>();
    for (PolicySummary p : ps) {
      List<String> rules = new ArrayList<>();
      for (String k : keys) {
        rules.add(QUIET_LABELS.get(k) + " " + num(p.quiet().getOrDefault(k, 0L)));
      }
      parts.add(label(p) + ": " + String.join(", ", rules));
    }
    return String.join("; ", parts);
  }

  private static List<String> days(PolicySummary p) {
    return p.days().stream().map(Day::day).toList();
  }

  private static void section(StringBuilder b, String id, String title) {
    b.append("<section id=\"").append(Html.esc(id)).append("\" aria-labelledby=\"").append(Html.esc(id))
        .append("-h\"><h2 id=\"").append(Html.esc(id)).append("-h\">").append(Html.esc(title)).append("</h2>");
  }

  private static String details(String table) {
    return "<details><summary>Data table</summary>" + table + "</details>";
  }

  /**
   * A table whose first column heads its rows. Columns holding long text (principals, reasons)
   * wrap; the others stay on one line, numbers right-aligned.
   */
  static String table(List<String> head, List<List<String>> rows) {
    boolean[] wrap = new boolean[head.size()];
    for (List<String> r : rows) {
      for (int i = 0; i < r.size() && i < wrap.length; i++) {
        wrap[i] |= r.get(i).length() > LONG;
      }
    }
    StringBuilder sb = new StringBuilder("<div class=\"scroll\"><table><thead><tr>");
    head.forEach(h -> sb.append("<th scope=\"col\">").append(Html.esc(h)).append("</th>"));
    sb.append("</tr></thead><tbody>");
    for (List<String> r : rows) {
      sb.append("<tr>");
      for (int i = 0; i < r.size(); i++) {
        String v = r.get(i);
        String cls = i < wrap.length && wrap[i] ? "long" : i > 0 && v.matches("[+\\-−]?[\\d,.]+") ? "n" : "s";
        String tag = i == 0 ? "th" : "td";
        sb.append('<').append(tag).append(i == 0 ? " scope=\"row\"" : "").append(" class=\"").append(cls)
            .append("\">").append(Html.esc(v)).append("</").append(tag).append('>');
      }
      sb.append("</tr>");
    }
    return sb.append("</tbody></table></div>").toString();
  }

  /** Cells longer than this make their column wrap. */
  private static final int LONG = 36;

  /** The policy's name and its configuration's file name (the whole path is in the settings table). */
  private static String label(PolicySummary p) {
    if (p.source() == null || p.source().equals(p.name())) {
      return p.name();
    }
    int slash = Math.max(p.source().lastIndexOf('/'), p.source().lastIndexOf('\\'));
    return p.name() + " (" + p.source().substring(slash + 1) + ")";
  }

  private static String num(long v) {
    return String.format(Locale.ROOT, "%,d", v);
  }

  private static String signed(long v) {
    return v > 0 ? "+" + num(v) : v < 0 ? "−" + num(-v) : "0";
  }

  private static String day(String iso) {
    return iso.length() >= 10 ? iso.substring(0, 10) : iso;
  }

  private static String span(long hours) {
    return hours % 24 == 0 ? hours / 24 + (hours == 24 ? " day" : " days") : hours + " hours";
  }

  private static final String CSS = """
      :root{--ink:#1f2328;--muted:#57606a;--line:#d0d7de;--bg:#ffffff;--panel:#f6f8fa}
      *{box-sizing:border-box}
      body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
      main{max-width:1100px;margin:0 auto;padding:24px 28px 48px}
      h1{font-size:26px;margin:0 0 4px}
      h2{font-size:19px;margin:0 0 10px}
      h3{font-size:16px;margin:18px 0 6px}
      .sub{color:var(--muted);margin:0 0 18px}
      section{border-top:1px solid var(--line);padding:18px 0 8px}
      .tiles{display:flex;flex-wrap:wrap;gap:12px;margin:0}
      .tile-group{flex:1 1 480px}
      .tile-group .tiles{flex-wrap:nowrap;gap:8px}
      .tile{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:8px 12px;flex:1 1 0;min-width:0}
      .tile dt{color:var(--muted);font-size:12px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
      .tile dd{margin:0;font-size:24px;font-weight:600}
      .lead{font-size:16px}
      .note{color:var(--muted);font-size:13px;margin:4px 0 8px}
      .legend{list-style:none;display:flex;flex-wrap:wrap;gap:14px;padding:0;margin:4px 0 6px;font-size:13px}
      .swatch{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:5px;vertical-align:-1px}
      svg.chart{max-width:100%;height:auto;display:block}
      svg .grid{stroke:#e6e8eb;stroke-width:1}
      svg .tick{fill:var(--muted);font-size:11px}
      svg .label{fill:var(--ink);font-size:13px}
      svg .value{fill:var(--ink);font-size:12px}
      .multiples{display:grid;grid-template-columns:repeat(auto-fill,minmax(330px,1fr));gap:10px 16px}
      figure{margin:0}
      figcaption{font-size:13px;font-weight:600;overflow-wrap:anywhere}
      figcaption .count{color:var(--muted);font-weight:400}
      details{margin:6px 0 10px}
      summary{cursor:pointer;color:#0969da;font-size:13px}
      .scroll{overflow-x:auto}
      table{border-collapse:collapse;font-size:13px;margin:6px 0;width:100%}
      th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
      thead th{background:var(--panel)}
      tbody th{font-weight:500}
      .s,.n{white-space:nowrap}
      .long{overflow-wrap:anywhere;min-width:16em}
      .n{text-align:right;font-variant-numeric:tabular-nums}
      code{font-size:13px}
      footer{border-top:1px solid var(--line);margin-top:16px;padding-top:10px;color:var(--muted);font-size:13px}
      """;
}
