package io.trailwatch.alerting;

import io.trailwatch.policy.Severity;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/** One alert: a principal that did something new (or anything, for Root) in one hour. */
public record Alert(
    String alertId,
    Instant hour,
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

  /** The same principal in the same hour always gets the same id, so reruns add nothing new. */
  public static String idFor(String businessUnit, String accountId, String principal, Instant hour) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] h = md.digest((businessUnit + "\n" + accountId + "\n" + principal + "\n" + hour)
          .getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(h, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
