package io.trailwatch.pipeline;

import io.trailwatch.baseline.BaselineReader;
import io.trailwatch.baseline.MirrorSync;
import io.trailwatch.mirror.BaselineMirror;
import io.trailwatch.mirror.MirrorItem;
import io.trailwatch.mirror.MirrorWrite;
import java.util.List;

/**
 * The mirror stage: the baseline rows a run changed go to the point-lookup mirror (DynamoDB)
 * after the baseline commit. Each business unit is marked pending at the table's version before
 * the MERGE and mirrored after the write, so a run that dies between the two leaves a pending
 * mark, and the next run first brings the mirror level with Delta ({@link MirrorSync#level}).
 */
final class Mirroring {
  private final BaselineReader delta;
  private final BaselineMirror mirror;
  private final Progress progress;

  Mirroring(BaselineReader delta, BaselineMirror mirror, Progress progress) {
    this.delta = delta;
    this.mirror = mirror;
    this.progress = progress;
  }

  /** Before the baseline MERGE: levels each business unit left pending, then marks them pending; the version before. */
  long before(List<String> businessUnits) {
    MirrorWrite levelled = MirrorWrite.NONE;
    for (String bu : businessUnits) {
      levelled = levelled.plus(MirrorSync.level(delta, mirror, bu));
    }
    if (levelled.items() > 0) {
      progress.step("mirror: levelled " + levelled.items() + " items left pending by an earlier run");
    }
    long version = delta.version();
    businessUnits.forEach(bu -> mirror.markPending(bu, version));
    return version;
  }

  /**
   * After a baseline MERGE that inserts and updates only (an hour, a build's chunk): writes the
   * rows it changed since {@code versionBefore}, and marks them mirrored.
   */
  MirrorWrite after(List<String> businessUnits, long versionBefore) {
    return after(businessUnits, versionBefore, false);
  }

  /**
   * After a baseline MERGE that also deletes (a rebuild's replace): {@link #after}, and the items
   * of the rows it deleted are deleted (else they would linger until their TTL).
   */
  MirrorWrite afterReplace(List<String> businessUnits, long versionBefore) {
    return after(businessUnits, versionBefore, true);
  }

  private MirrorWrite after(List<String> businessUnits, long versionBefore, boolean deletes) {
    MirrorWrite written = MirrorWrite.NONE;
    MirrorWrite deleted = MirrorWrite.NONE;
    for (String bu : businessUnits) {
      List<MirrorItem> changed = delta.changedSince(bu, versionBefore);
      written = written.plus(mirror.write(changed));
      List<MirrorItem.Key> removed = deletes ? delta.removedSince(bu, versionBefore) : List.of();
      if (!removed.isEmpty()) {
        deleted = deleted.plus(mirror.delete(removed));
      }
    }
    long version = delta.version();
    businessUnits.forEach(bu -> mirror.markMirrored(bu, version));
    progress.step("mirror: " + written.items() + " items in " + written.requests() + " requests ("
        + written.retried() + " retried)" + (deleted.items() == 0 ? "" : ", " + deleted.items() + " deleted in "
        + deleted.requests() + " requests (" + deleted.retried() + " retried)"));
    return written.plus(deleted);
  }
}
