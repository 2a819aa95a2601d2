package io.trailwatch.verdict;

import io.trailwatch.alerting.Alert;
import io.trailwatch.alerting.NewBehavior;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the verdicts teach, per rule: for each identity type, dimension and severity, how many
 * alerts there were, how many got a verdict, and the share of those answered {@code benign} or
 * {@code expected} (the rule's noise). An alert counts once under each dimension it has new
 * behaviour in.
 */
public final class Precision {
  /** The three ways alerts are grouped. */
  public enum By { IDENTITY_TYPE, DIMENSION, SEVERITY;
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
  }

  /** One group's counts. */
  public record Row(By by, String value, long alerts, long verdicts, long benign, long expected, long malicious) {
    /** The share of the answered alerts that were benign or expected; null when none was answered. */
    public Double noise() {
      return verdicts == 0 ? null : (benign + expected) / (double) verdicts;
    }

    Row plus(VerdictKind k) {
      return new Row(by, value, alerts + 1, verdicts + (k == null ? 0 : 1), benign + (k == VerdictKind.BENIGN ? 1 : 0),
          expected + (k == VerdictKind.EXPECTED ? 1 : 0), malicious + (k == VerdictKind.MALICIOUS ? 1 : 0));
    }

    public Map<String, Object> toMap() {
      Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put("by", by.label());
      m.put("value", value);
      m.put("alerts", alerts);
      m.put("verdicts", verdicts);
      m.put("benign", benign);
      m.put("expected", expected);
      m.put("malicious", malicious);
      m.put("share_benign_or_expected", noise());
      return m;
    }
  }

  private Precision() {}

  /** The rows of these alerts under the latest verdicts, by group then value. */
  public static List<Row> of(List<Alert> alerts, Verdicts verdicts) {
    Map<By, Map<String, Row>> rows = new TreeMap<>();
    for (Alert a : alerts) {
      VerdictKind k = verdicts.on(a.alertId()).map(Verdict::kind).orElse(null);
      Set<String> dims = new LinkedHashSet<>();
      a.newBehaviors().stream().map(NewBehavior::dimension).forEach(dims::add);
      add(rows, By.IDENTITY_TYPE, a.identityType(), k);
      dims.forEach(d -> add(rows, By.DIMENSION, d, k));
      add(rows, By.SEVERITY, a.severity().label(), k);
    }
    List<Row> out = new ArrayList<>();
    rows.values().forEach(m -> out.addAll(m.values()));
    return out;
  }

  private static void add(Map<By, Map<String, Row>> rows, By by, String value, VerdictKind k) {
    rows.computeIfAbsent(by, x -> new TreeMap<>()).merge(value, new Row(by, value, 0, 0, 0, 0, 0).plus(k),
        (old, one) -> old.plus(k));
  }

  /** One line per row: {@code identity type IAMUser: 12 alerts, 5 verdicts, 80% benign or expected}. */
  public static String render(List<Row> rows, String indent) {
    StringBuilder b = new StringBuilder();
    for (Row r : rows) {
      b.append(indent).append(r.by().label()).append(' ').append(r.value()).append(": ").append(r.alerts())
          .append(r.alerts() == 1 ? " alert, " : " alerts, ").append(r.verdicts())
          .append(r.verdicts() == 1 ? " verdict" : " verdicts")
          .append(r.noise() == null ? "" : String.format(java.util.Locale.ROOT, ", %.0f%% benign or expected",
              100 * r.noise())).append('\n');
    }
    return b.toString();
  }
}
