package io.trailwatch.state;

import static io.trailwatch.testing.CloudTrailFixtures.iamUser;
import static io.trailwatch.testing.CloudTrailFixtures.record;
import static io.trailwatch.testing.CloudTrailFixtures.writeLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.accounts.Account;
import io.trailwatch.alerting.Alert;
import io.trailwatch.config.MaintenanceConfig;
import io.trailwatch.config.TrailwatchConfig;
import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.Hour;
import io.trailwatch.core.RunSummary;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.core.Window;
import io.trailwatch.ingest.LocalLogPlanner;
import io.trailwatch.ingest.LocalOpener;
import io.trailwatch.pipeline.Pipeline;
import io.trailwatch.pipeline.Progress;
import io.trailwatch.testing.SparkTest;
import io.trailwatch.testing.StateFolders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code maintain} on small hand-made states: which expired rows go (and that they are then new
 * again), what is refused before anything changes, and the baseline's order after compaction.
 *
 * <p>Three tests start from the same state ({@link #detectedUpToH}) and two of them from its
 * maintain: both are made once for the class, on first use, and each test gets copies.
 */
@Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
class MaintenanceTest extends SparkTest {
  /**
   * maintain's own session: it changes session settings while it runs, and another class may run
   * maintain in the shared session at the same time.
   */
  static org.apache.spark.sql.SparkSession ownSession;

  @org.junit.jupiter.api.BeforeAll
  static void maintainSession() {
    ownSession = spark.newSession();
  }

  static final String PAY = "111111111111";
  static final String PLAT = "222222222222";
  static final List<Account> ACCOUNTS = List.of(new Account(PAY, "pay-prod", "payments"),
      new Account(PLAT, "plat-prod", "platform"));
  static final Hour H = Hour.parse("--hour", "2026-11-20T14");
  static final String CI = "arn:aws:iam::111111111111:user/ci";

  @TempDir static Path shared;
  /** The state {@link #detectedUpToH} describes, and a copy of it after one default maintain, with its report. */
  static Path detected;
  static Path maintained;
  static MaintenanceReport firstMaintain;

  @TempDir Path dir;
  Path logs;

  @BeforeEach
  void setUp() throws IOException {
    logs = dir.resolve("logs");
    Files.createDirectories(logs.resolve("AWSLogs"));
  }

  StateStore state(String name) {
    return new StateStore(spark, dir.resolve(name).toUri().toString());
  }

  Pipeline pipeline(StateStore state) {
    return new Pipeline(spark, TrailwatchConfig.defaults(), new LocalLogPlanner(logs), new LocalOpener(), state,
        Progress.SILENT);
  }

  static Maintenance maintenance(StateStore state, MaintenanceConfig cfg) {
    return new Maintenance(ownSession, state, cfg, Clock.systemUTC(), m -> { }, Maintenance.Hook.NONE);
  }

  void log(String account, Instant t, String identity, String source, String name) throws IOException {
    log(logs, account, t, identity, source, name);
  }

  static void log(Path logs, String account, Instant t, String identity, String source, String name)
      throws IOException {
    writeLog(logs, account, "us-east-1", t.plusSeconds(600), List.of(record(identity, account, source, name, t, null)));
  }

  /**
   * ci listed buckets 100 days before H (expired 10 days before H), described instances 95 days
   * before (expired 5 days before H), reads objects every week; platform's deploy user updates a
   * service. The baseline is built from all of it, then H is detected. Made once for the class
   * (its logs beside it: H's file is in the ledger of files read, and a test's logs hold only the
   * files of later hours); this returns a copy in the test's folder {@code name}.
   */
  StateStore detectedUpToH(String name) throws IOException {
    StateFolders.copy(detected(), dir.resolve(name));
    return state(name);
  }

  private static synchronized Path detected() throws IOException {
    if (detected == null) {
      Path logs = shared.resolve("logs");
      Files.createDirectories(logs.resolve("AWSLogs"));
      log(logs, PAY, H.start().minus(Duration.ofDays(100)), iamUser(PAY, "ci"), "s3.amazonaws.com", "ListBuckets");
      log(logs, PAY, H.start().minus(Duration.ofDays(95)), iamUser(PAY, "ci"), "ec2.amazonaws.com",
          "DescribeInstances");
      for (int d = 98; d >= 1; d -= 7) {
        log(logs, PAY, H.start().minus(Duration.ofDays(d)), iamUser(PAY, "ci"), "s3.amazonaws.com", "GetObject");
        log(logs, PLAT, H.start().minus(Duration.ofDays(d)), iamUser(PLAT, "deploy"), "ecs.amazonaws.com",
            "UpdateService");
      }
      log(logs, PAY, H.start().plusSeconds(60), iamUser(PAY, "ci"), "s3.amazonaws.com", "GetObject");
      Path folder = shared.resolve("detected");
      Pipeline p = new Pipeline(spark, TrailwatchConfig.defaults(), new LocalLogPlanner(logs), new LocalOpener(),
          StateFolders.empty(spark, folder), Progress.SILENT);
      p.buildBaseline(new Window(H.start().minus(Duration.ofDays(101)), H.start()), ACCOUNTS);
      p.detect(H, ACCOUNTS);
      detected = folder;
    }
    return detected;
  }

  /**
   * A copy in the test's folder {@code name} of {@link #detectedUpToH} after a maintain with the
   * default settings; that maintain runs once for the class and its report is {@link #firstMaintain}.
   */
  StateStore maintainedAfterH(String name) throws IOException {
    synchronized (MaintenanceTest.class) {
      if (maintained == null) {
        Path folder = shared.resolve("maintained");
        StateFolders.copy(detected(), folder);
        firstMaintain = maintenance(new StateStore(spark, folder.toUri().toString()), MaintenanceConfig.defaults())
            .run(Maintenance.Request.of(MaintenanceConfig.defaults()));
        maintained = folder;
      }
    }
    StateFolders.copy(maintained, dir.resolve(name));
    return state(name);
  }

  static List<String> baselineRows(StateStore state) {
    return baselineRows(state, org.apache.spark.sql.functions.lit(true));
  }

  /** The baseline's rows that {@code filter} keeps, one line each, in key order. */
  static List<String> baselineRows(StateStore state, org.apache.spark.sql.Column filter) {
    return state.table(Tables.BASELINE).where(filter)
        .orderBy("business_unit", "account_id", "principal", "event_source", "event_name").collectAsList().stream()
        .map(r -> r.getAs("business_unit") + " " + r.getAs("principal") + " " + r.getAs("event_name") + " first "
            + r.getAs("first_seen") + " last " + r.getAs("last_seen") + " expires " + r.getAs("expires_at")
            + " (" + r.getAs("account_id") + ", " + r.getAs("event_source") + ", " + r.getAs("identity_type") + ")")
        .toList();
  }

  @Test
  void anExpiredRowMovedByMaintainIsReturningAsIfStillInTheBaseline() throws IOException {
    StateStore plain = detectedUpToH("plain");
    StateStore maintained = maintainedAfterH("state");
    MaintenanceReport report = firstMaintain;
    MaintenanceReport.Table baseline = report.tables().get(0);
    assertEquals(Tables.BASELINE, baseline.table());
    assertEquals(1, baseline.rowsRemoved(), report.render());
    assertEquals(List.of("payments", "platform"), report.businessUnits());
    assertEquals(List.of(
        "payments " + CI + " DescribeInstances", "payments " + CI + " GetObject",
        "platform arn:aws:iam::222222222222:user/deploy UpdateService"),
        baselineRows(maintained).stream().map(s -> s.substring(0, s.indexOf(" first "))).toList(),
        "expired 10 days before the last run (more than the 7-day grace): deleted; 5 days: kept");

    // The next hour, ci lists buckets and describes instances again: both expired, so both new and
    // returning, whether the expired row was moved to the memory of expired behaviours or is still there.
    Instant t = H.plusHours(1).start().plusSeconds(120);
    log(PAY, t, iamUser(PAY, "ci"), "s3.amazonaws.com", "ListBuckets");
    log(PAY, t, iamUser(PAY, "ci"), "ec2.amazonaws.com", "DescribeInstances");
    RunSummary withMaintenance = pipeline(maintained).detect(H.plusHours(1), ACCOUNTS);
    RunSummary without = pipeline(plain).detect(H.plusHours(1), ACCOUNTS);
    assertEquals(1, withMaintenance.alerts().size(), () -> withMaintenance.alerts().toString());
    Alert alert = withMaintenance.alerts().get(0);
    assertEquals(CI, alert.principal());
    assertEquals(List.of("DescribeInstances:false:returning: last seen 2026-08-17 (95 days ago)",
        "ListBuckets:false:returning: last seen 2026-08-12 (100 days ago)"), alert.newBehaviors().stream()
        .map(b -> b.eventName() + ":" + b.known() + ":" + b.history()).sorted().toList());
    assertEquals(without.alerts(), withMaintenance.alerts(), "the same alerts, ids and severities");
    assertEquals(without.newBehaviors(), withMaintenance.newBehaviors());
    assertEquals(baselineRows(plain), baselineRows(maintained),
        "the deleted row comes back exactly as the expired one is restarted");
  }

  /** The memory of expired behaviours, one line a row, in key order. */
  static List<String> expiredRows(StateStore state) {
    return state.table(Tables.EXPIRED_BEHAVIORS)
        .orderBy("business_unit", "account_id", "principal", "event_source", "event_name").collectAsList().stream()
        .map(r -> r.getAs("business_unit") + " " + r.getAs("account_id") + " " + r.getAs("principal") + " "
            + r.getAs("identity_type") + " " + r.getAs("event_source") + " " + r.getAs("event_name") + " first "
            + r.<Timestamp>getAs("first_seen").toInstant() + " last " + r.<Timestamp>getAs("last_seen").toInstant()
            + " expired " + r.<Timestamp>getAs("expired_at").toInstant())
        .toList();
  }

  @Test
  void maintainMovesExpiredRowsOnceAndForgetsThemPastTheReturningHorizon() throws IOException {
    StateStore state = maintainedAfterH("state");
    Instant listed = H.start().minus(Duration.ofDays(100));
    List<String> moved = List.of("payments " + PAY + " " + CI + " IAMUser s3.amazonaws.com ListBuckets first " + listed
        + " last " + listed + " expired " + listed.plus(Duration.ofDays(90)));
    assertEquals(moved, expiredRows(state), "the row maintain deleted from the baseline, and only it");
    // lookup lists what would come back as returning: the expired row still in the baseline, and the moved one.
    assertEquals(List.of("DescribeInstances last " + H.start().minus(Duration.ofDays(95)) + " expires "
        + H.start().minus(Duration.ofDays(5)), "ListBuckets last " + listed + " expires " + listed.plus(
        Duration.ofDays(90))), new io.trailwatch.baseline.BaselineReader(spark, state).lookupExpired(null, CI,
        H.start().plus(Duration.ofHours(1)), 730).stream().map(i -> i.eventName() + " last " + i.lastSeen()
        + " expires " + i.expiresAt()).toList());

    MaintenanceReport again = maintenance(state, MaintenanceConfig.defaults())
        .run(Maintenance.Request.of(MaintenanceConfig.defaults()));
    assertEquals(moved, expiredRows(state), "a second maintain moves nothing: " + again.render());
    // A maintain that stopped after keeping the rows and before deleting them keeps them again: still one row.
    state.expiredBehaviors().keep(spark.createDataFrame(List.of(RowFactory.create("payments", PAY, CI, "IAMUser",
        "s3.amazonaws.com", "ListBuckets", Timestamp.from(listed), Timestamp.from(listed),
        Timestamp.from(listed.plus(Duration.ofDays(90))))), Tables.BASELINE_SCHEMA), "payments");
    assertEquals(moved, expiredRows(state));

    MaintenanceReport horizon = maintenance(state, MaintenanceConfig.defaults()).withReturningHorizonDays(99)
        .run(Maintenance.Request.of(MaintenanceConfig.defaults()));
    assertEquals(List.of(), expiredRows(state), "last seen 100 days before the last run: past a 99-day horizon");
    assertEquals(1, horizon.tables().stream().filter(t -> t.table().equals(Tables.EXPIRED_BEHAVIORS)).findFirst()
        .orElseThrow().rowsRemoved(), horizon.render());
  }

  @Test
  void aRetentionUnderTheConfiguredOneIsRefusedBeforeAnythingChanges() throws IOException {
    StateStore state = detectedUpToH("state");
    Map<String, Long> versions = versions(state);
    TrailwatchException e = assertThrows(TrailwatchException.class, () -> maintenance(state,
        MaintenanceConfig.defaults()).run(new Maintenance.Request(null, 7, 24)));
    assertEquals(ErrorCode.BAD_MAINTENANCE_OPTION, e.code());
    assertTrue(e.getMessage().contains("--retain-hours 24"), e.getMessage());
    assertEquals(versions, versions(state));

    TrailwatchException unknown = assertThrows(TrailwatchException.class, () -> maintenance(state,
        MaintenanceConfig.defaults()).run(Maintenance.Request.of(MaintenanceConfig.defaults()).forBusinessUnit("hr")));
    assertEquals(ErrorCode.UNKNOWN_BU, unknown.code());
    assertTrue(unknown.getMessage().contains("payments, platform"), unknown.getMessage());
    assertEquals(versions, versions(state));

    TrailwatchException none = assertThrows(TrailwatchException.class, () -> maintenance(state("nothing"),
        MaintenanceConfig.defaults()).run(Maintenance.Request.of(MaintenanceConfig.defaults())));
    assertEquals(ErrorCode.NO_STATE, none.code());
  }

  /**
   * VACUUM deletes what it may and maintain reports it: an old file the log never named (a failed
   * write's leftover) goes; a young one, an old one in a folder Delta hides, and an old file of the
   * table stay. The next maintain finds nothing to delete and commits nothing.
   */
  @Test
  void anOldFileTheTableDoesNotHoldIsVacuumedAndNothingElse() throws IOException {
    StateStore state = detectedUpToH("state");
    Path baseline = Path.of(java.net.URI.create(state.path(Tables.BASELINE)));
    Path partition = baseline.resolve("business_unit=payments");
    Path tracked;
    try (var files = Files.list(partition)) {
      tracked = files.filter(f -> f.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
    java.nio.file.attribute.FileTime eightDaysAgo = java.nio.file.attribute.FileTime.from(
        Instant.now().minus(Duration.ofDays(8)));
    Path leftover = Files.copy(tracked, partition.resolve("part-99999-leftover.c000.snappy.parquet"));
    Path young = Files.copy(tracked, partition.resolve("part-99998-young.c000.snappy.parquet"));
    Path hidden = Files.createDirectories(baseline.resolve("_scratch")).resolve("old.parquet");
    Files.copy(tracked, hidden);
    for (Path p : List.of(leftover, hidden, tracked)) {
      Files.setLastModifiedTime(p, eightDaysAgo);
    }
    long rows = state.table(Tables.BASELINE).count();

    MaintenanceReport report = maintenance(state, MaintenanceConfig.defaults())
        .run(Maintenance.Request.of(MaintenanceConfig.defaults()));
    MaintenanceReport.Table t = report.tables().get(0);
    assertEquals(List.of(1L, Files.size(tracked)), List.of(t.filesVacuumed(), t.bytesReclaimed()), report.render());
    assertEquals(List.of(false, true, true, true), List.of(Files.exists(leftover), Files.exists(young),
        Files.exists(hidden), Files.exists(tracked)));
    assertEquals(rows - t.rowsRemoved(), state.table(Tables.BASELINE).count(), "no row lost with the files");
    for (MaintenanceReport.Table other : report.tables().subList(1, report.tables().size())) {
      assertEquals(0, other.filesVacuumed(), report.render());
    }

    MaintenanceReport again = maintenance(state, MaintenanceConfig.defaults())
        .run(Maintenance.Request.of(MaintenanceConfig.defaults()));
    assertTrue(again.unchanged(), again.render());
  }

  /** Rows in random order of last_seen, in several files; after maintain, each file holds its own range of last_seen. */
  @Test
  void theBaselineIsCompactedInLastSeenOrder() {
    StateStore state = StateFolders.empty(spark, dir.resolve("big"));
    state.ensureTables();
    List<Row> rows = new ArrayList<>();
    java.util.Random random = new java.util.Random(7);
    for (int i = 0; i < 120_000; i++) {
      Instant last = H.start().minus(Duration.ofMinutes(random.nextInt(60 * 24 * 80)));
      rows.add(RowFactory.create("payments", PAY, "arn:aws:iam::111111111111:role/r" + random.nextInt(5000),
          "AssumedRole", "s3.amazonaws.com", "Op" + i, Timestamp.from(last.minus(Duration.ofDays(3))),
          Timestamp.from(last), Timestamp.from(last.plus(Duration.ofDays(90)))));
    }
    spark.createDataFrame(rows, Tables.BASELINE_SCHEMA).repartition(24).write().format("delta").mode("append")
        .save(state.path(Tables.BASELINE));
    assertTrue(ranges(state).size() >= 20);

    MaintenanceConfig cfg = new MaintenanceConfig(null, 0, false, null, null, 1);
    MaintenanceReport report = maintenance(state, cfg).run(Maintenance.Request.of(cfg));
    assertTrue(report.tables().get(0).compacted(), report.render());
    List<Instant[]> ranges = ranges(state);
    assertTrue(ranges.size() >= 2, "files of about 1 MB: " + ranges.size());
    for (int i = 1; i < ranges.size(); i++) {
      assertTrue(!ranges.get(i)[0].isBefore(ranges.get(i - 1)[1]), "file ranges of last_seen overlap");
    }
    assertEquals(120_000, state.table(Tables.BASELINE).count());
    // Inside each file, row groups of their own ranges too, with the min and max a reader skips by
    // (a MERGE's last_seen range reads only the groups that can hold its rows).
    int groups = 0;
    for (String file : state.table(Tables.BASELINE).inputFiles()) {
      List<long[]> inFile = rowGroupRanges(file);
      groups += inFile.size();
      for (int i = 1; i < inFile.size(); i++) {
        assertTrue(inFile.get(i)[0] >= inFile.get(i - 1)[1], "row groups' ranges of last_seen overlap in " + file);
      }
    }
    assertTrue(groups > ranges.size(), "several row groups in a file: " + groups + " in " + ranges.size() + " files");
    assertTrue(maintenance(state, cfg).run(Maintenance.Request.of(cfg)).unchanged(), "compacted once is enough");
  }

  /** The [min, max] of last_seen (microseconds) in each row group of a Parquet file, in file order. */
  List<long[]> rowGroupRanges(String file) {
    List<long[]> out = new ArrayList<>();
    try (org.apache.parquet.hadoop.ParquetFileReader r = org.apache.parquet.hadoop.ParquetFileReader.open(
        org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(file),
            spark.sessionState().newHadoopConf()))) {
      for (org.apache.parquet.hadoop.metadata.BlockMetaData block : r.getFooter().getBlocks()) {
        for (org.apache.parquet.hadoop.metadata.ColumnChunkMetaData c : block.getColumns()) {
          if (c.getPath().toDotString().equals("last_seen")) {
            assertTrue(c.getStatistics().hasNonNullValue(), "min and max of last_seen in " + file);
            out.add(new long[] {(Long) c.getStatistics().genericGetMin(), (Long) c.getStatistics().genericGetMax()});
          }
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out;
  }

  /** The [min, max] of last_seen in each data file of the baseline, by min. */
  static List<Instant[]> ranges(StateStore state) {
    return state.table(Tables.BASELINE).groupBy(org.apache.spark.sql.functions.input_file_name())
        .agg(org.apache.spark.sql.functions.min("last_seen"), org.apache.spark.sql.functions.max("last_seen"))
        .collectAsList().stream()
        .map(r -> new Instant[] {r.getTimestamp(1).toInstant(), r.getTimestamp(2).toInstant()})
        .sorted(Comparator.comparing(a -> a[0])).toList();
  }

  static Map<String, Long> versions(StateStore state) {
    Map<String, Long> out = new java.util.TreeMap<>();
    for (String t : Tables.ALL) {
      out.put(t, TableStats.of(spark, state.path(t), List.of()).version());
    }
    return out;
  }
}
