package io.trailwatch.mirror;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which baseline rows the mirror writes. Refreshing {@code expires_at} for every behaviour seen
 * every hour would be most of the write cost, so a row is written only when it is new, or when
 * its {@code expires_at} moved by {@link #MIN_MOVE} or more. Two rarer changes are written too,
 * so that the mirror stays equal to the baseline: an earlier {@code first_seen} (a late file),
 * and another identity type or business unit (a behaviour that had expired and came back, an
 * account moved to another BU).
 */
public final class MirrorRule {
  /** How far {@code expires_at} must move before the row is written again. */
  public static final Duration MIN_MOVE = Duration.ofDays(1);

  private MirrorRule() {}

  /**
   * @param previous what the mirror holds for the key, or the stored baseline row before the MERGE;
   *     null when there is none
   * @param next the row as the baseline holds it now
   */
  public static boolean needsWrite(MirrorItem previous, MirrorItem next) {
    if (previous == null) {
      return true;
    }
    if (!previous.key().equals(next.key())) {
      throw new IllegalArgumentException("Cannot compare rows of different keys: " + previous.key() + ", " + next.key());
    }
    return !previous.firstSeen().equals(next.firstSeen())
        || !Objects.equals(previous.identityType(), next.identityType())
        || !Objects.equals(previous.businessUnit(), next.businessUnit())
        || Duration.between(previous.expiresAt(), next.expiresAt()).abs().compareTo(MIN_MOVE) >= 0;
  }

  /** The rows of {@code next} that {@link #needsWrite} against their entry in {@code previous}, in order. */
  public static List<MirrorItem> changed(Map<MirrorItem.Key, MirrorItem> previous, Collection<MirrorItem> next) {
    List<MirrorItem> out = new ArrayList<>();
    for (MirrorItem n : next) {
      if (needsWrite(previous.get(n.key()), n)) {
        out.add(n);
      }
    }
    return out;
  }
}
