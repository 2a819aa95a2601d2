package io.trailwatch.testing;

import io.trailwatch.alerting.Alert;
import io.trailwatch.alerting.NewBehavior;
import io.trailwatch.policy.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Alerts for delivery tests and the HEC benchmark: distinct ids, a few accounts, business units
 * and identity types, one to six behaviours each (so events differ in size), deterministic.
 */
public final class SyntheticAlerts {
  public static final Instant HOUR = Instant.parse("2026-11-20T14:00:00Z");
  private static final String[] TYPES = {"IAMUser", "AssumedRole", "Root", "FederatedUser"};
  private static final String[] CALLS = {"iam.amazonaws.com:CreateAccessKey", "s3.amazonaws.com:ListBuckets",
      "ec2.amazonaws.com:RunInstances", "sts.amazonaws.com:GetCallerIdentity", "kms.amazonaws.com:Decrypt",
      "secretsmanager.amazonaws.com:GetSecretValue"};

  private SyntheticAlerts() {}

  /** {@code n} alerts, number {@code i} for principal {@code user-<i>}. */
  public static List<Alert> of(int n) {
    List<Alert> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(alert(i, 1 + i % CALLS.length));
    }
    return out;
  }

  /** Alert number {@code i} with {@code behaviors} new behaviours (more than 6 repeat the calls). */
  public static Alert alert(int i, int behaviors) {
    String account = String.format("1111%08d", i % 37);
    String bu = "bu-" + (i % 3);
    String type = TYPES[i % TYPES.length];
    String principal = "arn:aws:iam::" + account + ":user/user-" + i;
    List<NewBehavior> nb = new ArrayList<>();
    for (int b = 0; b < behaviors; b++) {
      String[] call = CALLS[(i + b) % CALLS.length].split(":");
      Instant first = HOUR.plus(Duration.ofMinutes(b % 60)).plusSeconds(i % 60);
      nb.add(new NewBehavior(call[0], call[1] + (b >= CALLS.length ? b : ""), 1 + b, first,
          first.plusSeconds(30), false, b % 2 == 1, b == 0 ? "high" : null, false));
    }
    Severity severity = Severity.values()[i % Severity.values().length];
    return new Alert(Alert.idFor(bu, account, principal, HOUR, HOUR), HOUR, HOUR, bu, account, principal, type,
        severity, behaviors + " new behaviours for " + type, false, nb,
        List.of("203.0.113." + (i % 250), "198.51.100.7"), List.of("aws-cli/2.15.0 Python/3.11"),
        List.of("us-east-1"), List.of("ev-" + i + "-a", "ev-" + i + "-b"));
  }
}
