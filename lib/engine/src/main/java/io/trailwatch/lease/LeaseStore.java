package io.trailwatch.lease;

import java.util.Optional;

/**
 * The lease objects of a state (one per business unit), in a store with conditional writes: a
 * write names the version it replaces, and only one of two racing writers wins. S3 implements it
 * with {@code If-None-Match: *} and {@code If-Match: <etag>} ({@code S3LeaseStore} in lib/aws).
 */
public interface LeaseStore {
  /** A lease as stored, with its version (the S3 ETag). */
  record Versioned(LeaseHolder holder, String version) {}

  /** The business unit's lease object now; empty when there is none. */
  Optional<Versioned> read(String businessUnit);

  /**
   * Writes the business unit's lease if it is still at {@code expected} (null: only if there is no
   * lease object). Returns the new version, or empty when another writer got there first.
   */
  Optional<String> write(String businessUnit, LeaseHolder holder, String expected);

  /** Where the business unit's lease is, for messages. */
  String where(String businessUnit);
}
