package io.trailwatch.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StateStoreTest {
  static final long H = 491_870; // 2026-02-10T14:00Z in epoch hours

  @Test
  void onlyInsertsReadNoStoredRow() {
    assertEquals(" AND t.last_seen IS NULL", StateStore.lastSeenRanges(List.of()));
  }

  @Test
  void storedHoursBecomeRangesThatHoldThem() {
    String c = StateStore.lastSeenRanges(List.of(H, H - 24, H, H + 1));
    assertEquals(" AND ((t.last_seen >= TIMESTAMP'2026-02-09T14:00:00Z' AND t.last_seen < TIMESTAMP'2026-02-09T15:00:00Z')"
        + " OR (t.last_seen >= TIMESTAMP'2026-02-10T14:00:00Z' AND t.last_seen < TIMESTAMP'2026-02-10T15:00:00Z')"
        + " OR (t.last_seen >= TIMESTAMP'2026-02-10T15:00:00Z' AND t.last_seen < TIMESTAMP'2026-02-10T16:00:00Z'))", c);
  }

  @Test
  void manyHoursAreJoinedIntoAtMostTheLimitAndStillCoverEveryHour() {
    List<Long> hours = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      hours.add(H - (i * 37L) % 2160);
    }
    String c = StateStore.lastSeenRanges(hours);
    int ranges = c.split(" OR ").length;
    assertTrue(ranges <= StateStore.MAX_RANGES, c);
    for (long h : hours) {
      String at = java.time.Instant.ofEpochSecond(h * 3600).toString();
      // Each hour lies in some range [from, to): check textually by parsing the ranges back.
      boolean in = false;
      for (String part : c.split(" OR ")) {
        String[] ts = part.split("TIMESTAMP'");
        String from = ts[1].substring(0, 20);
        String to = ts[2].substring(0, 20);
        in |= at.compareTo(from) >= 0 && at.compareTo(to) < 0;
      }
      assertTrue(in, at + " not covered");
    }
  }
}
