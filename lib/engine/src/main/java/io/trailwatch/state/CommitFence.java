package io.trailwatch.state;

/**
 * Checked by every write of a business unit's Delta tables immediately before it commits. A run
 * that no longer holds its business unit's lease must not write: the check throws
 * {@code TrailwatchException} with {@code ErrorCode.BU_LEASE_LOST} instead.
 */
@FunctionalInterface
public interface CommitFence {
  /** Checks nothing: for tests and tools that own their state outright. */
  CommitFence NONE = table -> {};

  /** Throws when the writer may no longer commit to {@code table} (a table name of {@link Tables}). */
  void check(String table);
}
