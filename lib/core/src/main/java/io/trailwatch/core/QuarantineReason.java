package io.trailwatch.core;

/**
 * Why input was quarantined. Stable: analysts group by them, and the quarantine table keeps each
 * reason as its {@link #name()}, the same strings as before this was an enum, so old tables read the same.
 */
public enum QuarantineReason {
  // Whole files.
  TRUNCATED_GZIP,
  NOT_JSON,
  MALFORMED_JSON,
  NOT_CLOUDTRAIL,
  HOSTILE_JSON,
  READ_ERROR,
  UNEXPECTED_FILE_NAME,
  // Single records.
  NOT_A_RECORD,
  MISSING_EVENT_TIME,
  BAD_EVENT_TIME,
  MISSING_EVENT_SOURCE,
  /** An eventSource no AWS service has (one starting with '@'): a forged record. */
  BAD_EVENT_SOURCE,
  MISSING_EVENT_NAME,
  MISSING_USER_IDENTITY,
  NO_PRINCIPAL_ID,
  BAD_FIELD_TYPE,
  /** The file had more bad records than the per-file limit: the rest are counted, not listed. */
  MORE_BAD_RECORDS
}
