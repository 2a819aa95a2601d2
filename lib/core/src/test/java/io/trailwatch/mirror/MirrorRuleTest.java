package io.trailwatch.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 1, unit = TimeUnit.MINUTES)
class MirrorRuleTest {
  static final Instant T = Instant.parse("2026-11-20T14:00:00Z");
  static final Duration KEEP = Duration.ofDays(90);

  static MirrorItem row(String name, Instant first, Instant last) {
    return new MirrorItem("payments", "111111111111", "arn:aws:iam::111111111111:user/ci", "IAMUser",
        "s3.amazonaws.com", name, first, last, last.plus(KEEP));
  }

  @Test
  void newRowsAreWritten() {
    assertTrue(MirrorRule.needsWrite(null, row("GetObject", T, T)));
  }

  @Test
  void expiryMovedLessThanADayIsNotWritten() {
    MirrorItem before = row("GetObject", T.minus(Duration.ofDays(10)), T);
    assertFalse(MirrorRule.needsWrite(before, before));
    assertFalse(MirrorRule.needsWrite(before, row("GetObject", before.firstSeen(), T.plus(Duration.ofHours(23)))));
    assertFalse(MirrorRule.needsWrite(before, row("GetObject", before.firstSeen(),
        T.plus(Duration.ofDays(1)).minusSeconds(1))));
  }

  @Test
  void expiryMovedByADayOrMoreIsWritten() {
    MirrorItem before = row("GetObject", T.minus(Duration.ofDays(10)), T);
    assertTrue(MirrorRule.needsWrite(before, row("GetObject", before.firstSeen(), T.plus(Duration.ofDays(1)))));
    assertTrue(MirrorRule.needsWrite(before, row("GetObject", before.firstSeen(), T.plus(Duration.ofDays(40)))));
  }

  @Test
  void anEarlierFirstSightingOrAnotherIdentityTypeIsWritten() {
    MirrorItem before = row("GetObject", T.minus(Duration.ofDays(10)), T);
    assertTrue(MirrorRule.needsWrite(before, row("GetObject", before.firstSeen().minusSeconds(60), T)));
    MirrorItem otherType = new MirrorItem(before.businessUnit(), before.accountId(), before.principal(), "AssumedRole",
        before.eventSource(), before.eventName(), before.firstSeen(), before.lastSeen(), before.expiresAt());
    assertTrue(MirrorRule.needsWrite(before, otherType));
    MirrorItem otherBu = new MirrorItem("platform", before.accountId(), before.principal(), before.identityType(),
        before.eventSource(), before.eventName(), before.firstSeen(), before.lastSeen(), before.expiresAt());
    assertTrue(MirrorRule.needsWrite(before, otherBu));
  }

  @Test
  void changedKeepsOnlyTheRowsToWrite() {
    MirrorItem stillFresh = row("GetObject", T.minus(Duration.ofDays(3)), T.minus(Duration.ofHours(5)));
    MirrorItem aDayOld = row("PutObject", T.minus(Duration.ofDays(3)), T.minus(Duration.ofDays(1)));
    Map<MirrorItem.Key, MirrorItem> previous = Map.of(stillFresh.key(), stillFresh, aDayOld.key(), aDayOld);
    MirrorItem fresh = row("GetObject", stillFresh.firstSeen(), T);
    MirrorItem moved = row("PutObject", aDayOld.firstSeen(), T);
    MirrorItem created = row("DeleteObject", T, T);
    assertEquals(List.of(moved, created), MirrorRule.changed(previous, List.of(fresh, moved, created)));
  }

  @Test
  void rowsOfDifferentKeysAreNotCompared() {
    assertThrows(IllegalArgumentException.class,
        () -> MirrorRule.needsWrite(row("GetObject", T, T), row("PutObject", T, T)));
  }

  @Test
  void anItemIsAbsentOnceItsExpiryHasPassed() {
    MirrorItem r = row("GetObject", T, T);
    assertFalse(r.expiredAt(r.expiresAt().minusSeconds(1)));
    assertTrue(r.expiredAt(r.expiresAt()));
  }
}
