package io.trailwatch.alerting;

import io.trailwatch.policy.Severity;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * One alert: a principal that did something new (or anything, for Root) in one hour. {@code hour}
 * is when it happened; {@code detectHour} the hourly run that found it, later than {@code hour}
 * (and {@code late}) when its log file was delivered after that hour's run.
 */
public record Alert(
    String alertId,
    Instant hour,
    Instant detectHour,
    String businessUnit,
    String accountId,
    String principal,
    String identityType,
    Severity severity,
    String reason,
    boolean late,
    List<NewBehavior> newBehaviors,
    List<String> sourceIps,
    List<String> userAgents,
    List<String> regions,
    List<String> eventIds) {

  public Alert {
    newBehaviors = List.copyOf(newBehaviors);
    sourceIps = List.copyOf(sourceIps);
    userAgents = List.copyOf(userAgents);
    regions = List.copyOf(regions);
    eventIds = List.copyOf(eventIds);
  }

  /**
   * The same principal in the same hour, found by the same run, always gets the same id, so reruns
   * add nothing new. A late finding (by a later run) is a separate alert with its own id.
   */
  public static String idFor(String businessUnit, String accountId, String principal, Instant hour,
      Instant detectHour) {
    String late = hour.equals(detectHour) ? "" : "\nlate@" + detectHour;
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] h = md.digest((businessUnit + "\n" + accountId + "\n" + principal + "\n" + hour + late)
          .getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(h, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
