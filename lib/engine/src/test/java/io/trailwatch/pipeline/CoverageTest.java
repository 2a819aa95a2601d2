package io.trailwatch.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trailwatch.core.Hour;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Which hours are missing: from the first detected hour on, those without a completed detect run. */
class CoverageTest {
  static Hour h(int n) {
    return Hour.containing(Instant.parse("2026-11-20T10:00:00Z")).plusHours(n);
  }

  static Coverage detected(int... hours) {
    TreeSet<Hour> set = new TreeSet<>();
    for (int n : hours) {
      set.add(h(n));
    }
    return new Coverage(Optional.of(set.first()), Optional.of(set.last()), set);
  }

  @Test
  void hoursWithoutACompletedRunAreMissingFromTheFirstDetectedHourOn() {
    assertEquals(List.of(h(2), h(3), h(6)), detected(1, 4, 5).missing(h(-5).start(), h(7).start()));
  }

  @Test
  void aBusinessUnitNeverDetectedMissesNothing() {
    assertEquals(List.of(), new Coverage(Optional.empty(), Optional.empty(), new TreeSet<>())
        .missing(h(0).start(), h(24).start()));
  }

  @Test
  void consecutiveHoursAreShownAsARange() {
    assertEquals("2026-11-20T12..2026-11-20T14, 2026-11-20T16", Coverage.describe(List.of(h(2), h(3), h(4), h(6))));
  }
}
