package io.trailwatch.alerting;

import java.util.List;
import java.util.stream.Collectors;

/** Alerts as a plain-text table for the terminal. Attacker text is already free of control characters. */
public final class AlertTable {
  private AlertTable() {}

  public static String render(List<Alert> alerts) {
    if (alerts.isEmpty()) {
      return "No alerts.\n";
    }
    String[] head = {"SEVERITY", "BU", "ACCOUNT", "TYPE", "PRINCIPAL", "NEW BEHAVIOUR", "SOURCE IPS"};
    String[][] rows = new String[alerts.size()][];
    for (int i = 0; i < alerts.size(); i++) {
      Alert a = alerts.get(i);
      String behaviors = a.newBehaviors().stream()
          .map(b -> b.label() + (b.failed() ? "(failed)" : "") + (b.returning() ? "(returning)" : ""))
          .collect(Collectors.joining(" "));
      rows[i] = new String[] {a.severity().label() + (a.late() ? " late" : ""), a.businessUnit(), a.accountId(),
          a.identityType(), cut(shortPrincipal(a.principal()), 70), cut(behaviors, 80),
          cut(String.join(" ", a.sourceIps()), 40)};
    }
    int[] w = new int[head.length];
    for (int c = 0; c < head.length; c++) {
      w[c] = head[c].length();
      for (String[] r : rows) {
        w[c] = Math.max(w[c], r[c].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    line(sb, head, w);
    for (String[] r : rows) {
      line(sb, r, w);
    }
    return sb.toString();
  }

  private static void line(StringBuilder sb, String[] cols, int[] w) {
    for (int c = 0; c < cols.length; c++) {
      sb.append(cols[c]);
      if (c < cols.length - 1) {
        sb.append(" ".repeat(w[c] - cols[c].length() + 2));
      }
    }
    sb.append('\n');
  }

  private static String shortPrincipal(String p) {
    return p.replace("aws-reserved/sso.amazonaws.com/", "");
  }

  private static String cut(String s, int n) {
    return s.length() <= n ? s : s.substring(0, n - 1) + "…";
  }
}
