package io.trailwatch.cli;

import io.trailwatch.core.ErrorCode;
import io.trailwatch.aws.DynamoDbMirror;
import io.trailwatch.aws.S3Location;
import io.trailwatch.aws.S3Settings;
import io.trailwatch.aws.S3a;
import io.trailwatch.config.ConfigLoader;
import io.trailwatch.config.TrailwatchConfig;
import io.trailwatch.delivery.AlertSink;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.accounts.Account;
import io.trailwatch.accounts.AccountList;
import io.trailwatch.ingest.LogOpener;
import io.trailwatch.ingest.LogPlanner;
import io.trailwatch.pipeline.PerBusinessUnit;
import io.trailwatch.pipeline.Pipeline;
import io.trailwatch.pipeline.Progress;
import io.trailwatch.pipeline.Sparks;
import io.trailwatch.state.StateLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * The options that say where logs, accounts ({@code --accounts} or {@code --org}), state and config
 * are: shared by baseline and detect.
 */
final class Options {
  @Option(names = "--logs", required = true, paramLabel = "DIR|S3",
      description = "CloudTrail bucket (s3://bucket[/prefix]) or a folder laid out like one: "
          + "AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/")
  String logs;

  @Option(names = "--state", required = true, paramLabel = "DIR|S3",
      description = "Folder or s3://bucket/prefix of the Delta tables: each business unit's in bu=<name>/ "
          + "(baseline, principals, alerts, runs, quarantine, ingested_files, deliveries); created if missing")
  String state;

  @ArgGroup(exclusive = true, multiplicity = "1")
  AccountSource accounts;

  @Option(names = "--dynamodb-table", paramLabel = "NAME",
      description = "Mirror the baseline's changed rows to this DynamoDB table (default: dynamodb.table of the config)")
  String dynamodbTable;

  @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration (default: built-in defaults)")
  Path config;

  @Option(names = "--master", paramLabel = "URL", defaultValue = "local[*]",
      description = "Spark master (default: ${DEFAULT-VALUE}); 'cluster' keeps what spark-submit set")
  String master;

  TrailwatchConfig loadConfig() {
    return ConfigLoader.load(config);
  }

  /**
   * The accounts from {@code --accounts CSV} or {@code --org}, fetched once, with the accounts in
   * no business unit (listed on stderr) and the count per business unit (for the run ledger).
   */
  AccountList accountList() {
    return accounts.list(loadConfig().accounts(), System.err);
  }

  List<Account> loadAccounts() {
    return accountList().accounts();
  }

  LogPlanner planner() {
    return LogSource.planner(logs);
  }

  LogOpener opener() {
    return LogSource.opener(logs);
  }

  String stateRoot() {
    return stateRoot(state);
  }

  /** {@code --state} as Hadoop names it: {@code s3a://bucket/prefix} or {@code file:/...}. */
  static String stateRoot(String state) {
    if (S3Location.isS3(state)) {
      return S3Location.parse("--state", state).s3a();
    }
    Path p = Path.of(state).toAbsolutePath();
    if (Files.exists(p) && !Files.isDirectory(p)) {
      throw TrailwatchException.of(ErrorCode.STATE_NOT_A_FOLDER, "Cannot use --state %s: it is a file, not a folder", state);
    }
    return p.toUri().toString();
  }

  SparkSession spark() {
    return spark(java.util.Map.of());
  }

  /** The session, started with these Spark settings besides trailwatch's ({@link JitBySize}). */
  SparkSession spark(java.util.Map<String, String> settings) {
    return spark(master, S3Location.isS3(state) || S3Location.isS3(logs), settings);
  }

  /** The session for {@code --master}, with the s3a settings when state or logs are on S3. */
  static SparkSession spark(String master, boolean s3) {
    return spark(master, s3, java.util.Map.of());
  }

  private static SparkSession spark(String master, boolean s3, java.util.Map<String, String> settings) {
    SparkSession spark = Sparks.session("trailwatch", "cluster".equals(master) ? null : master, 8, settings);
    if (s3) {
      S3a.configure(spark, S3Settings.fromEnvironment());
    }
    return spark;
  }

  PerBusinessUnit pipeline(SparkSession spark, TrailwatchConfig cfg, Progress progress) {
    return pipeline(spark, cfg, progress, List.of());
  }

  /** A pipeline per business unit of the run, each on that BU's tables under {@code --state} ({@link StateLayout}). */
  PerBusinessUnit pipeline(SparkSession spark, TrailwatchConfig cfg, Progress progress, List<AlertSink> sinks) {
    return pipeline(spark, cfg, progress, sinks, io.trailwatch.lease.Leases.NONE, java.time.Duration.ZERO);
  }

  /** The same, each BU's run holding its lease ({@link LeaseOption}), waiting up to {@code wait} for it. */
  PerBusinessUnit pipeline(SparkSession spark, TrailwatchConfig cfg, Progress progress, List<AlertSink> sinks,
      io.trailwatch.lease.Leases leases, java.time.Duration wait) {
    return pipeline(spark, cfg, progress, sinks, leases, wait, planner());
  }

  /** The same, listing logs with {@code logPlanner} (a listing done ahead: {@link JitBySize#planner}). */
  PerBusinessUnit pipeline(SparkSession spark, TrailwatchConfig cfg, Progress progress, List<AlertSink> sinks,
      io.trailwatch.lease.Leases leases, java.time.Duration wait, LogPlanner logPlanner) {
    DynamoDbMirror m = mirror(cfg);
    return new PerBusinessUnit(new StateLayout(spark, stateRoot()), store -> Pipeline.builder(spark).config(cfg)
        .logs(logPlanner, opener()).state(store).progress(progress).sinks(sinks).mirror(m).build(), leases, wait);
  }

  /** The DynamoDB mirror of the baseline, when a table is named; null otherwise. */
  private DynamoDbMirror mirror(TrailwatchConfig cfg) {
    String table = dynamodbTable != null ? dynamodbTable : cfg.dynamodb().table();
    return table == null || table.isBlank() ? null : DynamoDbMirror.create(table);
  }
}
