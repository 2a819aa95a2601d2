package io.trailwatch.mirror;

import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;

/**
 * A copy of the baseline outside Delta for point lookups by other tools (the DynamoDB table of
 * {@code io.trailwatch.aws.DynamoDbMirror}; docs/dynamodb.md). The run writes the rows its baseline
 * MERGE changed, filtered by {@link MirrorRule}, after the Delta commit, then marks the baseline
 * version it mirrored, so that a run after a crash between the two can bring the mirror level.
 */
public interface BaselineMirror {
  /** Writes (inserts or replaces) every item; writing the same items again changes nothing. */
  MirrorWrite write(List<MirrorItem> items);

  /**
   * The behaviours known for a principal in an account at {@code now}. Rows whose expiry has
   * passed are absent, whether or not the store has deleted them yet.
   */
  List<MirrorItem> lookup(String accountId, String principal, Instant now);

  /** The baseline table version last mirrored completely for a business unit; empty when never. */
  OptionalLong mirroredVersion(String businessUnit);

  /** Records that the mirror holds every change of a business unit up to baseline table version {@code version}. */
  void markMirrored(String businessUnit, long version);
}
