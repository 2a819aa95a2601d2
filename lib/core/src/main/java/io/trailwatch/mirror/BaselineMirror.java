package io.trailwatch.mirror;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A copy of the baseline outside Delta for point lookups by other tools (the DynamoDB table of
 * {@code io.trailwatch.aws.DynamoDbMirror}; docs/dynamodb.md).
 *
 * <p>A run of business unit {@code bu} that mirrors: {@link #markPending}{@code (bu, version before
 * its MERGE)}, the baseline MERGE, {@link #write} of the rows the MERGE changed (filtered by
 * {@link MirrorRule}) and {@link #delete} of those it deleted, {@link #markMirrored}{@code (bu,
 * version after)}. A crash between the Delta
 * commit and the end of the write leaves the mark pending, and the next run first mirrors every
 * change since that version ({@code io.trailwatch.baseline.MirrorSync}).
 */
public interface BaselineMirror {
  /** Writes (inserts or replaces) every item; writing the same items again changes nothing. */
  MirrorWrite write(List<MirrorItem> items);

  /**
   * Deletes the items of rows the baseline no longer holds (a rebuild deleted them); deleting a
   * key the mirror does not hold, or deleting it again, changes nothing.
   */
  MirrorWrite delete(List<MirrorItem.Key> keys);

  /**
   * The behaviours known for a principal in an account at {@code now}, by event source and name.
   * Rows whose expiry has passed are absent, whether or not the store has deleted them yet.
   */
  List<MirrorItem> lookup(String accountId, String principal, Instant now);

  /** How far the mirror of a business unit has followed the baseline; empty when it never has (a new mirror). */
  Optional<MirrorMark> mark(String businessUnit);

  /** Before a run changes the baseline of {@code businessUnit}: its table version then. */
  void markPending(String businessUnit, long versionBefore);

  /** After the mirror write: the mirror holds every change of {@code businessUnit} up to table version {@code version}. */
  void markMirrored(String businessUnit, long version);
}
