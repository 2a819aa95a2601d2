package io.trailwatch.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The run's delivery summary, batching and backoff: no server needed. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class DeliveryTest {
  static final Instant T = Instant.parse("2026-11-20T15:05:00Z");

  @Test
  void summaryCountsPerSinkAndSaysWhenDeliveryIsIncomplete() {
    Delivery d = Delivery.of(List.of(DeliveryOutcome.sent("a", "hec", 1, T), DeliveryOutcome.sent("b", "hec", 2, T),
        DeliveryOutcome.pending("c", "hec", 8, T, "HTTP 503 (HEC code 9: Server is busy)"),
        DeliveryOutcome.failed("d", "hec", 1, T, "HTTP 403 (HEC code 4: Invalid token)"),
        DeliveryOutcome.sent("a", "sns", 1, T)));
    assertEquals(Map.of("hec", new Delivery.Counts(2, 1, 1, "HTTP 403 (HEC code 4: Invalid token)", null),
        "sns", new Delivery.Counts(1, 0, 0, null, null)), d.sinks());
    assertTrue(d.incomplete());
    assertEquals("hec: 2 sent, 1 failed, 1 pending (HTTP 403 (HEC code 4: Invalid token)); sns: 1 sent, 0 failed, "
        + "0 pending", d.describe());
    Delivery allSent = Delivery.of(List.of(DeliveryOutcome.sent("a", "sns", 1, T)));
    assertFalse(allSent.incomplete());
    assertFalse(Delivery.none().incomplete());
    assertEquals(new Delivery.Counts(2, 0, 0, null, null), allSent.plus(allSent).sinks().get("sns"));
    assertEquals(new Delivery(Map.of("hec", new Delivery.Counts(2, 1, 1, "HTTP 403 (HEC code 4: Invalid token)", null),
        "sns", new Delivery.Counts(2, 0, 0, null, null))), d.plus(allSent));
  }

  @Test
  void aFailedOrPendingOutcomeNeedsItsReason() {
    assertThrows(IllegalArgumentException.class, () -> DeliveryOutcome.failed("a", "hec", 1, T, null));
    assertThrows(IllegalArgumentException.class, () -> DeliveryOutcome.pending("a", "hec", 1, T, " "));
  }

  @Test
  void batchesStayUnderTheByteAndItemLimitsInOrder() {
    Batches b = Batches.of(new int[] {400, 400, 300, 1200, 100, 500, 600}, 1000, 3);
    assertEquals(List.of(List.of(0, 1), List.of(2, 4, 5), List.of(6)), b.batches());
    assertEquals(List.of(3), b.oversized(), "larger than a request may be");
    assertEquals(List.of(List.of(0, 1, 2), List.of(3)), Batches.of(new int[] {1, 1, 1, 1}, 1000, 3).batches());
    assertEquals(List.of(), Batches.of(new int[0], 1000, 3).batches());
  }

  @Test
  void backoffDoublesUpToTheCapWithFullJitter() {
    List<Duration> waits = new ArrayList<>();
    Backoff b = new Backoff(6, Duration.ofMillis(100), Duration.ofMillis(500), waits::add);
    assertEquals(List.of(100L, 200L, 400L, 500L, 500L), List.of(b.ceilingMillis(1), b.ceilingMillis(2),
        b.ceilingMillis(3), b.ceilingMillis(4), b.ceilingMillis(5)));
    for (int attempt = 1; b.allowsAnother(attempt); attempt++) {
      assertTrue(b.pause(attempt));
    }
    assertEquals(5, waits.size(), "6 attempts, 5 waits between them");
    for (int i = 0; i < waits.size(); i++) {
      long w = waits.get(i).toMillis();
      assertTrue(w >= 0 && w <= b.ceilingMillis(i + 1), "wait " + (i + 1) + " was " + w + " ms");
    }
  }
}
