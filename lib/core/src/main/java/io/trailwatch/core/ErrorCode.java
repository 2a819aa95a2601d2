package io.trailwatch.core;

import io.trailwatch.core.TrailwatchException.Kind;

/**
 * Every error trailwatch reports, each with its kind: whose problem it is, and so the exit code
 * ({@link Kind#exitCode()}). Tests assert on these, never on message text.
 */
public enum ErrorCode {
  // The command line and the configuration: the user fixes them. Exit 2, one line.
  /** A command line that does not parse: an unknown or missing option, options that exclude each other. */
  BAD_COMMAND_LINE(Kind.USER),
  BAD_HOUR(Kind.USER),
  BAD_DATE(Kind.USER),
  BAD_RANGE(Kind.USER),
  UNKNOWN_BU(Kind.USER),
  /** An --account that the accounts file (or the --bu) does not hold. */
  UNKNOWN_ACCOUNT(Kind.USER),
  BAD_ACCOUNTS_FILE(Kind.USER),
  ACCOUNTS_NOT_FOUND(Kind.USER),
  ACCOUNTS_NOT_READABLE(Kind.USER),
  CONFIG_NOT_FOUND(Kind.USER),
  CONFIG_NOT_READABLE(Kind.USER),
  BAD_CONFIG_SYNTAX(Kind.USER),
  BAD_CONFIG_VALUE(Kind.USER),
  UNKNOWN_CONFIG_KEY(Kind.USER),
  BAD_S3_URI(Kind.USER),
  BAD_S3_ENDPOINT(Kind.USER),
  LOGS_NOT_FOUND(Kind.USER),
  LOGS_NOT_CLOUDTRAIL(Kind.USER),
  STATE_NOT_A_FOLDER(Kind.USER),
  /** A table made by another version, or changed by hand, lacks columns this version needs. */
  STATE_SCHEMA_MISMATCH(Kind.USER),
  /** The state root holds tables of the layout before per-BU folders (one table for every BU). */
  STATE_OLD_LAYOUT(Kind.USER),
  /** A command that reads every business unit's tables found none under the state root. */
  NO_BUSINESS_UNITS(Kind.USER),
  OUTPUT_NOT_WRITABLE(Kind.USER),
  LIBDEFLATE_UNAVAILABLE(Kind.USER),
  /** A Splunk HEC setting (URL, timeouts, sizes) is wrong. */
  BAD_HEC_SETTING(Kind.USER),
  BAD_HEC_CA_BUNDLE(Kind.USER),
  /** The HEC token requires indexer acknowledgement (HEC 400 code 10) and delivery.hec.acks is off. */
  HEC_ACKS_REQUIRED(Kind.USER),
  /** The secret (the HEC token) is not where the configuration says: no variable, no file, empty. */
  SECRET_NOT_FOUND(Kind.USER),
  SECRET_NOT_READABLE(Kind.USER),
  // Accounts from AWS Organizations, the DynamoDB mirror and lookup.
  UNKNOWN_OU(Kind.USER),
  DYNAMODB_TABLE_NOT_FOUND(Kind.USER),
  DYNAMODB_TABLE_MISMATCH(Kind.USER),
  NO_DYNAMODB_TABLE(Kind.USER),
  BAD_DYNAMODB_TABLE(Kind.USER),
  BAD_ACCOUNT_ID(Kind.USER),
  BAD_LOOKUP_SOURCE(Kind.USER),
  LOOKUP_NEEDS_ACCOUNT(Kind.USER),
  NO_BASELINE(Kind.USER),
  BAD_AWS_ENDPOINT(Kind.USER),
  /** glue-sync: a --database name Glue and Athena do not take. */
  BAD_GLUE_DATABASE(Kind.USER),
  /** {@code deliver} without a sink to deliver to. */
  NO_SINK(Kind.USER),
  /** maintain: a flag out of range, or a VACUUM retention shorter than the retention check allows. */
  BAD_MAINTENANCE_OPTION(Kind.USER),
  /** maintain: no trailwatch table under --state. */
  NO_STATE(Kind.USER),
  // Tools (generate, demo, bench).
  BAD_GENERATOR_OPTION(Kind.USER),
  BAD_BENCH_OPTION(Kind.USER),
  BENCH_BUCKET_IN_USE(Kind.USER),
  DEMO_DIR_NOT_EMPTY(Kind.USER),
  DUCKDB_MISSING(Kind.USER),
  NO_ENDPOINT(Kind.USER),
  /** lease: the command to run while holding a business unit's lease cannot be started. */
  BAD_LEASE_COMMAND(Kind.USER),
  /** baseline: --chunk-days out of range. */
  BAD_BASELINE_OPTION(Kind.USER),
  /** A backtest's --from/--to/--seed-days or --report is wrong. */
  BAD_BACKTEST_OPTION(Kind.USER),
  /** verdict: a verdict other than expected, benign or malicious. */
  BAD_VERDICT(Kind.USER),
  /** verdict: a --scope other than behaviour, principal or account. */
  BAD_VERDICT_SCOPE(Kind.USER),
  /** verdict: an --expires that is neither a number of days ({@code 30d}) nor {@code never}. */
  BAD_VERDICT_EXPIRY(Kind.USER),
  /** verdict: an empty --by (every verdict names who gave it). */
  VERDICT_NEEDS_AUTHOR(Kind.USER),
  /** verdict: an alert id the business unit's alerts table does not hold. */
  UNKNOWN_ALERT(Kind.USER),
  /** verdict --file: a line that is not a verdict (not JSON, a field missing or wrong). */
  BAD_VERDICT_FILE(Kind.USER),
  /** A backtest's --out is a non-empty folder that an earlier backtest did not make. */
  BACKTEST_OUT_NOT_EMPTY(Kind.USER),
  /** The configurations a backtest compares do not read the logs the same way (ingest, identity, alerts). */
  COMPARE_CONFIG_MISMATCH(Kind.USER),

  // Something outside trailwatch failed: the cause is named. Exit 3.
  LOGS_ACCESS_DENIED(Kind.EXTERNAL),
  LOGS_NOT_READABLE(Kind.EXTERNAL),
  /** The state's store (S3 endpoint, folder) cannot be reached: connection refused, timeout, unknown host. */
  STATE_UNREACHABLE(Kind.EXTERNAL),
  /** The state's bucket does not exist. */
  STATE_NOT_FOUND(Kind.EXTERNAL),
  /** The state's store refused access (HTTP 403, file permissions). */
  STATE_ACCESS_DENIED(Kind.EXTERNAL),
  /** Any other failure to read or write a table of the state. */
  STATE_IO_FAILED(Kind.EXTERNAL),
  /** A table could not be created. */
  STATE_NOT_WRITABLE(Kind.EXTERNAL),
  /** Another job committed to the same table at the same time, and retrying did not help. */
  STATE_COMMIT_CONFLICT(Kind.EXTERNAL),
  BENCH_FILL_FAILED(Kind.EXTERNAL),
  /** A benchmark step run in its own JVM (bench --fresh-jvm) failed or printed no result. */
  BENCH_CHILD_FAILED(Kind.EXTERNAL),
  ORGANIZATIONS_FAILED(Kind.EXTERNAL),
  ORGANIZATIONS_ACCESS_DENIED(Kind.EXTERNAL),
  ASSUME_ROLE_FAILED(Kind.EXTERNAL),
  DYNAMODB_FAILED(Kind.EXTERNAL),
  /** A backtest's scratch folder (the reduced behaviours under --out) could not be written or read. */
  BACKTEST_SCRATCH_FAILED(Kind.EXTERNAL),
  /** AWS Secrets Manager did not give the secret (denied, throttled, unreachable). */
  SECRET_MANAGER_FAILED(Kind.EXTERNAL),
  /** Another run holds the business unit's lease (one writer per BU): the message names the holder. */
  BU_BUSY(Kind.EXTERNAL),
  /** The run lost its business unit's lease (renewal failed, expired, taken over) and stopped before writing. */
  BU_LEASE_LOST(Kind.EXTERNAL),
  /** The Glue Data Catalog refused or failed a call (glue-sync). */
  GLUE_FAILED(Kind.EXTERNAL),

  // Bugs: exit 4, with the stack trace. What cannot fail (JSON of a record, the JVM's TLS, a SHA-256) is a BUG if it does.
  INTERRUPTED(Kind.INTERNAL),
  BUG(Kind.INTERNAL);

  private final Kind kind;

  ErrorCode(Kind kind) {
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
