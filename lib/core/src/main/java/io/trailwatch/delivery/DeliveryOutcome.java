package io.trailwatch.delivery;

import io.trailwatch.core.ErrorCode;
import java.time.Instant;
import java.util.Objects;

/**
 * What became of one alert at one sink in one {@link AlertSink#send} call.
 *
 * @param alertId the alert's stable id
 * @param sink the sink's {@link AlertSink#name()}, e.g. {@code hec}
 * @param status sent, failed (permanent) or pending (retry later)
 * @param attempts requests made for it in this call (0 when it was not sent at all, e.g. HEC unhealthy)
 * @param lastAttempt when the last request for it started, or when the call decided not to send it
 * @param reason why it is failed or pending (no secret in it), null when sent
 * @param error the configuration error that kept it from going (e.g. {@link ErrorCode#HEC_ACKS_REQUIRED}), or null
 */
public record DeliveryOutcome(String alertId, String sink, DeliveryStatus status, int attempts, Instant lastAttempt,
    String reason, ErrorCode error) {

  public DeliveryOutcome(String alertId, String sink, DeliveryStatus status, int attempts, Instant lastAttempt,
      String reason) {
    this(alertId, sink, status, attempts, lastAttempt, reason, null);
  }

  public DeliveryOutcome {
    Objects.requireNonNull(alertId, "alertId");
    Objects.requireNonNull(sink, "sink");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(lastAttempt, "lastAttempt");
    if (status != DeliveryStatus.SENT && (reason == null || reason.isBlank())) {
      throw new IllegalArgumentException("a " + status.label() + " outcome needs a reason");
    }
  }

  public static DeliveryOutcome sent(String alertId, String sink, int attempts, Instant lastAttempt) {
    return new DeliveryOutcome(alertId, sink, DeliveryStatus.SENT, attempts, lastAttempt, null);
  }

  public static DeliveryOutcome failed(String alertId, String sink, int attempts, Instant lastAttempt, String reason) {
    return new DeliveryOutcome(alertId, sink, DeliveryStatus.FAILED, attempts, lastAttempt, reason);
  }

  public static DeliveryOutcome pending(String alertId, String sink, int attempts, Instant lastAttempt,
      String reason) {
    return new DeliveryOutcome(alertId, sink, DeliveryStatus.PENDING, attempts, lastAttempt, reason);
  }
}
