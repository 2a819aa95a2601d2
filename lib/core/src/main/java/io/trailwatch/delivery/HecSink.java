package io.trailwatch.delivery;

import io.trailwatch.alerting.Alert;
import io.trailwatch.core.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers alerts to a Splunk HTTP Event Collector: health check once, then the alerts as
 * HEC events ({@link HecEvents}) in requests under {@link HecSettings#maxBatchBytes()}, each
 * retried with backoff on passing failures, then (with acks on) the acknowledgement polls.
 *
 * <p>Outcomes: an alert is SENT when HEC accepted its request (with acks: acknowledged it);
 * FAILED when HEC refused it for good (400, 401, 403, 413, or larger than a request may be);
 * PENDING when HEC was unhealthy, unreachable, busy beyond the retry budget, timed out, or did
 * not acknowledge in time; also when the token requires acknowledgement and {@code acks} is off
 * (HEC 400 code 10): that is reported once, as {@link ErrorCode#HEC_ACKS_REQUIRED} on the
 * outcomes, and the alerts go once the setting is fixed. Once a request gives up or the token is refused, the remaining
 * requests are not tried in this call: no retry storm against a HEC that is down or a token
 * that is wrong.
 */
public final class HecSink implements AlertSink {
  public static final String NAME = "hec";
  static final String NEEDS_ACKS_REASON = "not sent: this HEC token requires indexer acknowledgement: set "
      + "delivery.hec.acks: true (or turn acknowledgement off on the token)";
  private static final Logger LOG = LoggerFactory.getLogger(HecSink.class);

  private final HecSettings settings;
  private final HecClient client;

  public HecSink(HecSettings settings) {
    this(settings, Clock.systemUTC(), Sleeper.SYSTEM);
  }

  /** With a clock and a sleeper of the caller's (tests: no real waits). */
  public HecSink(HecSettings settings, Clock clock, Sleeper sleeper) {
    this.settings = settings;
    this.client = new HecClient(settings, clock, sleeper);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Health check() {
    return client.health();
  }

  @Override
  public List<DeliveryOutcome> send(List<Alert> alerts) {
    return post(alerts, (i, sentAt) -> HecEvents.bytes(alerts.get(i), settings, sentAt));
  }

  /** Each verdict as an update event of its alert: the alert's event fields, the same {@code alert_id}, and the verdict. */
  @Override
  public List<DeliveryOutcome> update(List<io.trailwatch.verdict.VerdictUpdate> updates) {
    return post(updates.stream().map(io.trailwatch.verdict.VerdictUpdate::alert).toList(),
        (i, sentAt) -> HecEvents.updateBytes(updates.get(i), settings, sentAt));
  }

  private List<DeliveryOutcome> post(List<Alert> alerts,
      java.util.function.BiFunction<Integer, Instant, byte[]> eventOf) {
    DeliveryOutcome[] out = new DeliveryOutcome[alerts.size()];
    if (alerts.isEmpty()) {
      return List.of();
    }
    Health health = check();
    if (!health.ok()) {
      Instant now = client.now();
      for (int i = 0; i < out.length; i++) {
        out[i] = DeliveryOutcome.pending(alerts.get(i).alertId(), NAME, 0, now,
            "not sent: HEC health check failed: " + health.detail());
      }
      return List.of(out);
    }
    Instant sentAt = client.now();
    byte[][] events = new byte[alerts.size()][];
    int[] sizes = new int[events.length];
    for (int i = 0; i < events.length; i++) {
      events[i] = eventOf.apply(i, sentAt);
      sizes[i] = events[i].length + 1;
    }
    Batches batches = Batches.of(sizes, settings.maxBatchBytes(), Integer.MAX_VALUE);
    for (int i : batches.oversized()) {
      out[i] = DeliveryOutcome.failed(alerts.get(i).alertId(), NAME, 0, client.now(), "not sent: its HEC event is "
          + sizes[i] + " bytes, more than hec.max-batch-bytes (" + settings.maxBatchBytes() + ")");
    }
    Map<Long, HecClient.Posted> awaiting = new LinkedHashMap<>();
    Map<Long, List<Integer>> awaitingBatch = new LinkedHashMap<>();
    Verdict stop = null;
    for (List<Integer> batch : batches.batches()) {
      if (stop != null) {
        mark(out, alerts, batch, stop);
        continue;
      }
      HecClient.Posted p = client.post(body(events, batch));
      switch (p.result()) {
        case ACCEPTED -> {
          if (!settings.acks()) {
            mark(out, alerts, batch, new Verdict(DeliveryStatus.SENT, p.attempts(), p.lastAttempt(), null));
          } else if (p.ackId() == null) {
            mark(out, alerts, batch, new Verdict(DeliveryStatus.FAILED, p.attempts(), p.lastAttempt(),
                "HEC accepted the request but gave no ackId: indexer acknowledgement is off for this token "
                    + "(turn it on, or hec.acks off)"));
          } else {
            awaiting.put(p.ackId(), p);
            awaitingBatch.put(p.ackId(), batch);
          }
        }
        case REFUSED -> mark(out, alerts, batch, Verdict.of(DeliveryStatus.FAILED, p));
        case TOKEN_REFUSED -> {
          mark(out, alerts, batch, Verdict.of(DeliveryStatus.FAILED, p));
          stop = new Verdict(DeliveryStatus.FAILED, 0, p.lastAttempt(), "not sent: the token was refused: " + p.reason());
        }
        case NEEDS_ACKS -> {
          // Once for the whole call, not a failure per alert: they stay pending until the setting is fixed.
          stop = new Verdict(DeliveryStatus.PENDING, 0, p.lastAttempt(), NEEDS_ACKS_REASON + " (" + p.reason() + ")",
              ErrorCode.HEC_ACKS_REQUIRED);
          LOG.error("{}: {}", ErrorCode.HEC_ACKS_REQUIRED, stop.reason());
          mark(out, alerts, batch, new Verdict(DeliveryStatus.PENDING, p.attempts(), p.lastAttempt(), stop.reason(),
              stop.error()));
        }
        case GAVE_UP -> {
          mark(out, alerts, batch, Verdict.of(DeliveryStatus.PENDING, p));
          stop = new Verdict(DeliveryStatus.PENDING, 0, p.lastAttempt(), "not sent: an earlier request gave up: "
              + p.reason());
        }
      }
    }
    if (!awaiting.isEmpty()) {
      acknowledge(out, alerts, awaiting, awaitingBatch);
    }
    return List.of(out);
  }

  private void acknowledge(DeliveryOutcome[] out, List<Alert> alerts, Map<Long, HecClient.Posted> awaiting,
      Map<Long, List<Integer>> batchOf) {
    HecClient.Acks acks = client.awaitAcks(awaiting.keySet());
    awaiting.forEach((id, p) -> {
      Verdict v = acks.acknowledged().contains(id)
          ? new Verdict(DeliveryStatus.SENT, p.attempts(), p.lastAttempt(), null)
          : new Verdict(DeliveryStatus.PENDING, p.attempts(), p.lastAttempt(), "sent but not acknowledged within "
              + seconds(settings.ackTimeout()) + " (ackId " + id + ")"
              + (acks.problem() == null ? "" : "; last ack poll: " + acks.problem()));
      mark(out, alerts, batchOf.get(id), v);
    });
  }

  /** One request's verdict, given to each alert it carried; {@code error} when it is a configuration error. */
  private record Verdict(DeliveryStatus status, int attempts, Instant at, String reason, ErrorCode error) {
    Verdict(DeliveryStatus status, int attempts, Instant at, String reason) {
      this(status, attempts, at, reason, null);
    }

    static Verdict of(DeliveryStatus status, HecClient.Posted p) {
      return new Verdict(status, p.attempts(), p.lastAttempt(), p.reason());
    }
  }

  private static void mark(DeliveryOutcome[] out, List<Alert> alerts, List<Integer> batch, Verdict v) {
    for (int i : batch) {
      out[i] = new DeliveryOutcome(alerts.get(i).alertId(), NAME, v.status(), v.attempts(), v.at(), v.reason(),
          v.error());
    }
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() / 1000.0 + " s";
  }

  private static byte[] body(byte[][] events, List<Integer> batch) {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    for (int i : batch) {
      bos.writeBytes(events[i]);
      bos.write('\n');
    }
    return bos.toByteArray();
  }

  /** Names the collector, never the token. */
  @Override
  public String toString() {
    return "HecSink[" + settings.url() + (settings.index() == null ? "" : ", index " + settings.index()) + "]";
  }
}
