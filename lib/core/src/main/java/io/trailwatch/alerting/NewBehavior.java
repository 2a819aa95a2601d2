package io.trailwatch.alerting;

import io.trailwatch.dimensions.Dimension;
import io.trailwatch.policy.Prevalence;
import io.trailwatch.policy.SensitiveActions;
import java.time.Instant;
import java.util.List;

/**
 * One new behaviour in an alert: an api call ({@code eventSource}, {@code eventName}), or a new
 * value of another dimension ({@code dimension}, {@code value}; the event fields are null) with the
 * calls made with it as evidence. {@code failed}: every call of it in the hour failed (it did not
 * become normal). {@code sensitivity}: its level in the sensitive-actions catalogue (for a value:
 * of the most sensitive call made with it), or null. {@code known}: it was already in the baseline
 * (only in Root's any-activity alerts). {@code prevalence}: how many peers have it (null when not
 * looked up: known behaviour, or an alert made without the state). {@code severity}: this
 * behaviour's own level, after sensitivity, prevalence and returning. {@code lastSeen}: a returning
 * behaviour's last sighting before its baseline row expired; null when never seen ({@link #history}).
 */
public record NewBehavior(String eventSource, String eventName, long count, Instant firstTime, Instant lastTime,
    boolean failed, boolean readOnly, String sensitivity, boolean known, String dimension, String value,
    List<Call> calls, Prevalence prevalence, String severity, Instant lastSeen) {

  /** A call made with a new value, and how many times in the hour. */
  public record Call(String call, long count) {}

  public NewBehavior {
    dimension = dimension == null ? Dimension.API.label() : dimension;
    calls = calls == null ? List.of() : List.copyOf(calls);
  }

  /** An api behaviour without prevalence or its own severity. */
  public NewBehavior(String eventSource, String eventName, long count, Instant firstTime, Instant lastTime,
      boolean failed, boolean readOnly, String sensitivity, boolean known) {
    this(eventSource, eventName, count, firstTime, lastTime, failed, readOnly, sensitivity, known, null, null, null,
        null, null, null);
  }

  /** A behaviour never seen before (or known). */
  public NewBehavior(String eventSource, String eventName, long count, Instant firstTime, Instant lastTime,
      boolean failed, boolean readOnly, String sensitivity, boolean known, String dimension, String value,
      List<Call> calls, Prevalence prevalence, String severity) {
    this(eventSource, eventName, count, firstTime, lastTime, failed, readOnly, sensitivity, known, dimension, value,
        calls, prevalence, severity, null);
  }

  /** Whether it was seen before, until its baseline row expired. */
  public boolean returning() {
    return !known && lastSeen != null;
  }

  /**
   * Whether it was seen before, as an analyst reads it: {@code returning: last seen 2026-07-03 (140
   * days ago)} (days before its first call this hour), {@code never seen}, or {@code known}.
   */
  public String history() {
    if (known) {
      return "known";
    }
    if (lastSeen == null) {
      return "never seen";
    }
    long days = java.time.Duration.between(lastSeen, firstTime).toDays();
    return "returning: last seen " + lastSeen.toString().substring(0, 10) + " (" + days
        + (days == 1 ? " day ago)" : " days ago)");
  }

  public boolean isApi() {
    return Dimension.API.label().equals(dimension);
  }

  /**
   * The MITRE ATT&CK technique of the call in the shipped catalogue ({@code T1562.008} for
   * {@code cloudtrail:StopLogging}); for a value of another dimension, that of the first call made
   * with it that has one; null when none has.
   */
  public String mitreTechniqueId() {
    if (isApi()) {
      return SensitiveActions.technique(eventSource, eventName);
    }
    return calls.stream().map(c -> c.call().split(":", 2)).filter(kv -> kv.length == 2)
        .map(kv -> SensitiveActions.technique(kv[0], kv[1])).filter(java.util.Objects::nonNull).findFirst()
        .orElse(null);
  }

  /** How an analyst reads it: {@code iam:CreateUser}, or {@code region ap-southeast-1}. */
  public String label() {
    return isApi() ? eventSource.replace(".amazonaws.com", "") + ":" + eventName : dimension + " " + value;
  }
}
