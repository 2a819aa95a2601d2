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

  /**
   * The identity type of a coverage alert (a trail gone silent, docs/coverage.md): its principal is
   * the logging-tamper call's, or {@code trail:<account or organisation>}, and it has no new behaviour.
   */
  public static final String TRAIL_SILENT = "trail-silent";

  public Alert {
    newBehaviors = List.copyOf(newBehaviors);
    sourceIps = List.copyOf(sourceIps);
    userAgents = List.copyOf(userAgents);
    regions = List.copyOf(regions);
    eventIds = List.copyOf(eventIds);
  }

  /** A coverage alert (a trail gone silent) rather than a principal's behaviour. */
  public boolean trailSilent() {
    return TRAIL_SILENT.equals(identityType);
  }

  /** Whose alert this is. */
  public io.trailwatch.core.PrincipalKey principalKey() {
    return new io.trailwatch.core.PrincipalKey(businessUnit, accountId, principal);
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

  /** The same alert at another severity, with {@code note} added to its reason (a principal under watch). */
  public Alert escalated(Severity to, String note) {
    return new Alert(alertId, hour, detectHour, businessUnit, accountId, principal, identityType, to,
        reason + "; " + note, late, newBehaviors, sourceIps, userAgents, regions, eventIds);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Named construction of a Alert; lists default to empty, flags to false. */
  public static final class Builder {
    private String alertId;
    private Instant hour;
    private Instant detectHour;
    private String businessUnit;
    private String accountId;
    private String principal;
    private String identityType;
    private Severity severity;
    private String reason;
    private boolean late;
    private List<NewBehavior> newBehaviors = List.of();
    private List<String> sourceIps = List.of();
    private List<String> userAgents = List.of();
    private List<String> regions = List.of();
    private List<String> eventIds = List.of();

    private Builder() {}

    public Builder alertId(String v) {
      alertId = v;
      return this;
    }

    public Builder hour(Instant v) {
      hour = v;
      return this;
    }

    public Builder detectHour(Instant v) {
      detectHour = v;
      return this;
    }

    public Builder businessUnit(String v) {
      businessUnit = v;
      return this;
    }

    public Builder accountId(String v) {
      accountId = v;
      return this;
    }

    public Builder principal(String v) {
      principal = v;
      return this;
    }

    public Builder identityType(String v) {
      identityType = v;
      return this;
    }

    public Builder severity(Severity v) {
      severity = v;
      return this;
    }

    public Builder reason(String v) {
      reason = v;
      return this;
    }

    public Builder late(boolean v) {
      late = v;
      return this;
    }

    public Builder newBehaviors(List<NewBehavior> v) {
      newBehaviors = v;
      return this;
    }

    public Builder sourceIps(List<String> v) {
      sourceIps = v;
      return this;
    }

    public Builder userAgents(List<String> v) {
      userAgents = v;
      return this;
    }

    public Builder regions(List<String> v) {
      regions = v;
      return this;
    }

    public Builder eventIds(List<String> v) {
      eventIds = v;
      return this;
    }

    public Alert build() {
      if (alertId == null || hour == null || detectHour == null || businessUnit == null || accountId == null || principal == null || identityType == null || severity == null || reason == null) {
        throw new IllegalStateException("A alert needs alertId, hour, detectHour, businessUnit, accountId, principal, identityType, severity, reason");
      }
      return new Alert(alertId, hour, detectHour, businessUnit, accountId, principal, identityType, severity, reason, late, newBehaviors, sourceIps, userAgents, regions, eventIds);
    }
  }
}
