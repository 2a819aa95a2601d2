package io.trailwatch.ingest;

/** Quarantine reason codes. Stable: analysts group by them. */
public final class Reasons {
  // Whole files.
  public static final String TRUNCATED_GZIP = "TRUNCATED_GZIP";
  public static final String NOT_JSON = "NOT_JSON";
  public static final String MALFORMED_JSON = "MALFORMED_JSON";
  public static final String NOT_CLOUDTRAIL = "NOT_CLOUDTRAIL";
  public static final String HOSTILE_JSON = "HOSTILE_JSON";
  public static final String READ_ERROR = "READ_ERROR";
  public static final String UNEXPECTED_FILE_NAME = "UNEXPECTED_FILE_NAME";
  // Single records.
  public static final String NOT_A_RECORD = "NOT_A_RECORD";
  public static final String MISSING_EVENT_TIME = "MISSING_EVENT_TIME";
  public static final String BAD_EVENT_TIME = "BAD_EVENT_TIME";
  public static final String MISSING_EVENT_SOURCE = "MISSING_EVENT_SOURCE";
  /** An eventSource no AWS service has (one starting with '@'): a forged record. */
  public static final String BAD_EVENT_SOURCE = "BAD_EVENT_SOURCE";
  public static final String MISSING_EVENT_NAME = "MISSING_EVENT_NAME";
  public static final String MISSING_USER_IDENTITY = "MISSING_USER_IDENTITY";
  public static final String NO_PRINCIPAL_ID = "NO_PRINCIPAL_ID";
  public static final String BAD_FIELD_TYPE = "BAD_FIELD_TYPE";
  public static final String MORE_BAD_RECORDS = "MORE_BAD_RECORDS";

  private Reasons() {}
}
