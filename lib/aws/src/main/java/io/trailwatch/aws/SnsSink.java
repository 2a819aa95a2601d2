package io.trailwatch.aws;

import io.trailwatch.alerting.Alert;
import io.trailwatch.alerting.AlertJson;
import io.trailwatch.delivery.AlertSink;
import io.trailwatch.delivery.Backoff;
import io.trailwatch.delivery.Batches;
import io.trailwatch.delivery.DeliveryOutcome;
import io.trailwatch.delivery.DeliveryStatus;
import io.trailwatch.delivery.Sleeper;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.PublishBatchRequestEntry;
import software.amazon.awssdk.services.sns.model.PublishBatchResponse;
import software.amazon.awssdk.services.sns.model.PublishBatchResultEntry;

/**
 * Publishes one SNS message per alert (its JSON, {@link AlertJson}) to a standard topic, with
 * the String message attributes {@code severity}, {@code account_id} and {@code business_unit}
 * for subscription filter policies. {@code PublishBatch}, 10 entries and 256 KiB a call. Failed
 * entries are retried with backoff; an entry that failed by the sender's fault, or a call refused
 * for a client or permission reason, is FAILED; what passing failures leave is PENDING.
 */
public final class SnsSink implements AlertSink {
  public static final String NAME = "sns";
  static final int MAX_ENTRIES = 10;
  /** SNS's limit on a whole PublishBatch payload: messages and attributes. */
  static final int MAX_BATCH_BYTES = 262_144;
  /** Refusals that hold for the whole topic: no point in sending the other batches. */
  private static final Set<String> TOPIC_REFUSALS = Set.of("NotFound", "AuthorizationError", "AccessDenied",
      "AccessDeniedException", "InvalidClientTokenId", "UnrecognizedClientException", "ExpiredToken",
      "KMSAccessDenied", "KMSDisabled", "KMSNotFound", "InvalidSecurity");

  /** SNS's own passing errors, besides those {@link Retrying} knows. */
  private static final Set<String> RETRY_CODES = Set.of("Throttled", "KMSThrottling", "InternalFailure",
      "InternalError", "ServiceUnavailable");

  private final SnsClient sns;
  private final String topicArn;
  private final Backoff backoff;
  private final Clock clock;
  private final boolean ownsClient;

  /** With the caller's client (which the caller closes), backoff and clock. */
  public SnsSink(SnsClient sns, String topicArn, Backoff backoff, Clock clock) {
    this(sns, topicArn, backoff, clock, false);
  }

  private SnsSink(SnsClient sns, String topicArn, Backoff backoff, Clock clock, boolean ownsClient) {
    this.sns = sns;
    this.topicArn = topicArn;
    this.backoff = backoff;
    this.clock = clock;
    this.ownsClient = ownsClient;
  }

  /**
   * A sink with a client of its own (SDK retries off: this sink retries, 8 attempts, waits up to
   * 0.2 s doubling to 20 s), closed by {@link #close()}.
   *
   * @param endpoint a local endpoint (tests), or null for AWS
   */
  public static SnsSink create(String topicArn, String endpoint, String region) {
    return new SnsSink(AwsClients.build(SnsClient.builder(), endpoint, region, false), topicArn,
        new Backoff(8, Duration.ofMillis(200), Duration.ofSeconds(20), Sleeper.SYSTEM), Clock.systemUTC(), true);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<DeliveryOutcome> send(List<Alert> alerts) {
    DeliveryOutcome[] out = new DeliveryOutcome[alerts.size()];
    PublishBatchRequestEntry[] entries = new PublishBatchRequestEntry[alerts.size()];
    int[] sizes = new int[alerts.size()];
    for (int i = 0; i < entries.length; i++) {
      entries[i] = entry(i, alerts.get(i));
      sizes[i] = size(entries[i]);
    }
    Batches batches = Batches.of(sizes, MAX_BATCH_BYTES, MAX_ENTRIES);
    for (int i : batches.oversized()) {
      out[i] = outcome(alerts.get(i), DeliveryStatus.FAILED, 0, clock.instant(), "not sent: its SNS message is "
          + sizes[i] + " bytes, more than SNS allows (" + MAX_BATCH_BYTES + ")");
    }
    String stop = null;
    DeliveryStatus stopStatus = null;
    for (List<Integer> batch : batches.batches()) {
      if (stop != null) {
        for (int i : batch) {
          out[i] = outcome(alerts.get(i), stopStatus, 0, clock.instant(), stop);
        }
        continue;
      }
      Ending end = publish(batch, entries, alerts, out);
      if (end != null) {
        stop = end.reason();
        stopStatus = end.status();
      }
    }
    return List.of(out);
  }

  /** Why the remaining batches are not sent, when a batch ended so. */
  private record Ending(DeliveryStatus status, String reason) {}

  /** Publishes one batch with retries of its failed entries; fills {@code out} for each of them. */
  private Ending publish(List<Integer> batch, PublishBatchRequestEntry[] entries, List<Alert> alerts,
      DeliveryOutcome[] out) {
    List<Integer> left = new ArrayList<>(batch);
    Map<Integer, String> why = new LinkedHashMap<>();
    for (int attempt = 1; ; attempt++) {
      Instant at = clock.instant();
      List<PublishBatchRequestEntry> request = left.stream().map(i -> entries[i]).toList();
      try {
        PublishBatchResponse r = sns.publishBatch(b -> b.topicArn(topicArn).publishBatchRequestEntries(request));
        for (PublishBatchResultEntry ok : r.successful()) {
          int i = Integer.parseInt(ok.id());
          out[i] = outcome(alerts.get(i), DeliveryStatus.SENT, attempt, at, null);
          left.remove(Integer.valueOf(i));
        }
        for (BatchResultErrorEntry e : r.failed()) {
          int i = Integer.parseInt(e.id());
          String reason = "PublishBatch to " + topicArn + ": entry failed: " + e.code() + ": " + e.message();
          if (Boolean.TRUE.equals(e.senderFault())) {
            out[i] = outcome(alerts.get(i), DeliveryStatus.FAILED, attempt, at, reason);
            left.remove(Integer.valueOf(i));
          } else {
            why.put(i, reason);
          }
        }
      } catch (AwsServiceException e) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        String message = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
        String reason = "PublishBatch to " + topicArn + ": " + code + " (HTTP " + e.statusCode() + ")"
            + (message == null || message.isBlank() ? "" : ": " + message);
        if (!Retrying.retryable(e) && !RETRY_CODES.contains(code) && e.statusCode() < 500) {
          for (int i : left) {
            out[i] = outcome(alerts.get(i), DeliveryStatus.FAILED, attempt, at, reason);
          }
          return TOPIC_REFUSALS.contains(code) || e.statusCode() == 403
              ? new Ending(DeliveryStatus.FAILED, "not sent: the topic refused an earlier batch: " + reason) : null;
        }
        left.forEach(i -> why.put(i, reason));
      } catch (SdkClientException e) {
        String reason = "PublishBatch to " + topicArn + ": " + e.getMessage();
        if (!Retrying.retryable(e)) {
          for (int i : left) {
            out[i] = outcome(alerts.get(i), DeliveryStatus.FAILED, attempt, at, reason);
          }
          return new Ending(DeliveryStatus.FAILED, "not sent: an earlier batch could not be sent: " + reason);
        }
        left.forEach(i -> why.put(i, reason));
      }
      if (left.isEmpty()) {
        return null;
      }
      if (!backoff.allowsAnother(attempt) || !backoff.pause(attempt)) {
        for (int i : left) {
          out[i] = outcome(alerts.get(i), DeliveryStatus.PENDING, attempt, at, why.get(i) + " (gave up after "
              + attempt + " attempts)");
        }
        return new Ending(DeliveryStatus.PENDING, "not sent: an earlier batch gave up: " + why.get(left.get(0)));
      }
    }
  }

  private static PublishBatchRequestEntry entry(int i, Alert a) {
    Map<String, MessageAttributeValue> attrs = new LinkedHashMap<>();
    attribute(attrs, "severity", a.severity().label());
    attribute(attrs, "account_id", a.accountId());
    attribute(attrs, "business_unit", a.businessUnit());
    return PublishBatchRequestEntry.builder().id(String.valueOf(i)).message(AlertJson.toJson(a))
        .messageAttributes(attrs).build();
  }

  /** SNS refuses an empty attribute value: an empty one is left out. */
  private static void attribute(Map<String, MessageAttributeValue> attrs, String name, String value) {
    if (value != null && !value.isEmpty()) {
      attrs.put(name, MessageAttributeValue.builder().dataType("String").stringValue(value).build());
    }
  }

  /** The bytes SNS counts towards its payload limit: the message and each attribute's name, type and value. */
  private static int size(PublishBatchRequestEntry e) {
    int n = utf8(e.message());
    for (Map.Entry<String, MessageAttributeValue> a : e.messageAttributes().entrySet()) {
      n += utf8(a.getKey()) + utf8(a.getValue().dataType()) + utf8(a.getValue().stringValue());
    }
    return n;
  }

  private static int utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  private static DeliveryOutcome outcome(Alert a, DeliveryStatus status, int attempts, Instant at, String reason) {
    return new DeliveryOutcome(a.alertId(), NAME, status, attempts, at, reason);
  }

  @Override
  public void close() {
    if (ownsClient) {
      sns.close();
    }
  }

  @Override
  public String toString() {
    return "SnsSink[" + topicArn + "]";
  }
}
