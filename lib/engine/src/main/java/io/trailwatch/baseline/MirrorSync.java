package io.trailwatch.baseline;

import io.trailwatch.mirror.BaselineMirror;
import io.trailwatch.mirror.MirrorItem;
import io.trailwatch.mirror.MirrorMark;
import io.trailwatch.mirror.MirrorWrite;
import java.util.List;
import java.util.Optional;

/**
 * Brings a mirror level with the Delta baseline of a business unit before a run changes it. A
 * mark that is not pending means the last run mirrored all it changed: nothing to do (other
 * business units' commits move the table version, not this unit's rows). A pending mark means a
 * run stopped between its Delta commit and the end of its mirror write: every row changed since
 * the marked version is written again, and the items of rows deleted since then are deleted. No mark means a new mirror: the whole business unit is
 * copied once.
 */
public final class MirrorSync {
  private MirrorSync() {}

  /** Levels {@code mirror} with {@code delta} for {@code bu} and marks it mirrored at the current version; returns what it wrote. */
  public static MirrorWrite level(BaselineReader delta, BaselineMirror mirror, String bu) {
    Optional<MirrorMark> mark = mirror.mark(bu);
    if (mark.isPresent() && !mark.get().pending()) {
      return MirrorWrite.NONE;
    }
    long version = delta.version();
    List<MirrorItem> rows = mark.isEmpty() ? delta.businessUnit(bu) : delta.changedSince(bu, mark.get().version());
    MirrorWrite done = mirror.write(rows);
    if (mark.isPresent()) {
      done = done.plus(mirror.delete(delta.removedSince(bu, mark.get().version())));
    }
    mirror.markMirrored(bu, version);
    return done;
  }
}
