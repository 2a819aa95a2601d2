package io.trailwatch.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.detect.Comparison;
import io.trailwatch.detect.HourBehavior;
import io.trailwatch.testing.SparkTest;
import io.trailwatch.testing.StateFolders;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The baseline's MERGE rules and last_seen pruning, on real Delta tables, with whole-table answers. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class BaselineTableTest extends SparkTest {
  static final Instant HOUR = Instant.parse("2026-11-20T14:00:00Z");
  static final String BU = "payments";
  static final String ACCOUNT = "111111111111";
  static final String CI = "arn:aws:iam::111111111111:user/ci";

  @TempDir Path dir;

  static Instant at(Duration fromHour) {
    return HOUR.plus(fromHour);
  }

  static Timestamp ts(Duration fromHour) {
    return Timestamp.from(at(fromHour));
  }

  /** A stored row of {@code name}: first seen 200 days ago, last seen at {@code lastSeen}, expiring 90 days later. */
  static Row stored(String name, Duration lastSeen) {
    return RowFactory.create(BU, ACCOUNT, CI, "IAMUser", "s3.amazonaws.com", name, ts(Duration.ofDays(-200)),
        ts(lastSeen), ts(lastSeen.plusDays(90)));
  }

  /** The hour's behaviour {@code name}: one call at {@code t}, failed or not. */
  static HourBehavior seen(String name, Duration t, boolean failed) {
    return new HourBehavior(BU, ACCOUNT, CI, "IAMUser", "s3.amazonaws.com", name, 1, failed ? 1 : 0, at(t), at(t),
        failed ? null : at(t), failed ? null : at(t), true, List.of(), List.of(), List.of(), List.of(), List.of(), null);
  }

  StateStore stateWith(List<Row> rows) {
    StateStore state = StateFolders.empty(spark, dir);
    state.ensureTables();
    // One file per row, as in a long-lived table.
    for (Row r : rows) {
      spark.createDataFrame(List.of(r), Tables.BASELINE_SCHEMA).write().format("delta").mode("append")
          .save(state.path(Tables.BASELINE));
    }
    return state;
  }

  /** Runs one hour's comparison and MERGE as detect does. */
  static Comparison detectHour(StateStore state, List<HourBehavior> hour) {
    List<String> bus = List.of(BU);
    Comparison c = Comparison.of(hour, state.baseline().stored(bus, Comparison.behaviorKeys(hour)),
        state.principals().rows(bus).stored(Comparison.principalKeys(hour)), HOUR, Set.of());
    state.baseline().merge(c.behaviorWrites(), bus, 90);
    state.principals().merge(c.principalWrites(), bus);
    return c;
  }

  /** event_name, first_seen, last_seen, expires_at of every baseline row, sorted by name. */
  List<String> table(StateStore state) {
    List<String> out = new ArrayList<>();
    for (Row r : state.table(Tables.BASELINE).orderBy("event_name").collectAsList()) {
      out.add(r.getAs("event_name") + " " + r.<Timestamp>getAs("first_seen").toInstant() + " "
          + r.<Timestamp>getAs("last_seen").toInstant() + " " + r.<Timestamp>getAs("expires_at").toInstant());
    }
    return out;
  }

  static String row(String name, Duration first, Duration last) {
    return name + " " + at(first) + " " + at(last) + " " + at(last.plusDays(90));
  }

  @Test
  void mergeChangesExactlyTheRowsItShouldAndARerunChangesNothing() {
    StateStore state = stateWith(List.of(stored("Refresh", Duration.ofDays(-2)), stored("Expired",
        Duration.ofDays(-100)), stored("Recent", Duration.ofHours(-1)), stored("Idle", Duration.ofDays(-30))));
    List<HourBehavior> hour = List.of(seen("Refresh", Duration.ofMinutes(10), false),
        seen("Expired", Duration.ofMinutes(20), false), seen("Recent", Duration.ofMinutes(30), false),
        seen("New", Duration.ofMinutes(40), false), seen("OnlyFailed", Duration.ofMinutes(50), true));

    Comparison first = detectHour(state, hour);
    List<String> expected = List.of(
        // expired 10 days ago: known no more, restarts from this sighting
        row("Expired", Duration.ofMinutes(20), Duration.ofMinutes(20)),
        // not seen for a month and not seen now: untouched
        row("Idle", Duration.ofDays(-200), Duration.ofDays(-30)),
        // first seen this hour
        row("New", Duration.ofMinutes(40), Duration.ofMinutes(40)),
        // last seen an hour ago: less than a day, so not rewritten
        row("Recent", Duration.ofDays(-200), Duration.ofHours(-1)),
        // last seen two days ago: last_seen and expires_at move to this hour
        row("Refresh", Duration.ofDays(-200), Duration.ofMinutes(10)));
    // OnlyFailed: a failed call never makes a behaviour normal, so no row.
    assertEquals(expected, table(state));
    assertEquals(new TreeSet<>(List.of("Expired", "New", "Refresh")), new TreeSet<>(first.behaviorWrites().stream()
        .map(w -> w.key().eventName()).toList()), "the rows the MERGE was given: those it changes, no more");
    assertEquals(new TreeSet<>(List.of("Expired", "New", "OnlyFailed")), new TreeSet<>(first.candidates().stream()
        .map(c -> c.eventName()).toList()), "new to the baseline as of the hour");

    // The same hour again (a rerun after its merge): as of the hour, the same behaviours are new; nothing is written.
    Comparison again = detectHour(state, hour);
    assertEquals(expected, table(state));
    assertEquals(first.candidates().stream().map(c -> c.eventName()).sorted().toList(),
        again.candidates().stream().map(c -> c.eventName()).sorted().toList());
    assertTrue(again.behaviorWrites().isEmpty(), "nothing left to write: " + again.behaviorWrites());
  }

  /**
   * An hour's rows, held in memory, go to each table in one file per commit (one task: two cores
   * wrote two files, and a ledger's file count sets how its reads plan), and a MERGE of them does
   * not have Delta copy them first (they cannot change between its passes).
   */
  @Test
  void anHoursRowsAreWrittenAsOneFilePerCommitAndNotCopiedBeforeTheirMerge() throws Exception {
    StateStore state = stateWith(List.of());
    List<HourBehavior> hour = java.util.stream.IntStream.range(0, 12)
        .mapToObj(i -> seen("Call" + i, Duration.ofMinutes(i), false)).toList();
    io.trailwatch.testing.OwnJobs jobs = io.trailwatch.testing.OwnJobs.start(spark);
    detectHour(state, hour);
    List<String> ran = jobs.stop();
    assertTrue(ran.stream().noneMatch(d -> d.contains("materialize source")), "no copy of the source: " + ran);
    assertEquals(12, state.table(Tables.BASELINE).count());
    assertEquals("1", lastCommit(state, Tables.BASELINE, "numTargetFilesAdded"));
    assertEquals("1", lastCommit(state, Tables.PRINCIPALS, "numTargetFilesAdded"));

    List<IngestedFile> read = java.util.stream.IntStream.range(0, 5).mapToObj(i -> new IngestedFile(
        new io.trailwatch.ingest.LogFile("file:/logs/" + i + ".json.gz", ACCOUNT, BU, "us-east-1", HOUR, 100), HOUR,
        HOUR, false)).toList();
    state.ingestedFiles().append(read, "run-1");
    assertEquals(5, state.table(Tables.INGESTED_FILES).count());
    assertEquals("1", lastCommit(state, Tables.INGESTED_FILES, "numFiles"));
  }

  /** One of the operation metrics of a table's last commit, as its history shows it. */
  static String lastCommit(StateStore state, String table, String metric) {
    Row last = io.delta.tables.DeltaTable.forPath(state.table(table).sparkSession(), state.path(table)).history(1)
        .select("operationMetrics").first();
    return last.<scala.collection.Map<String, String>>getAs("operationMetrics").get(metric).get();
  }

  @Test
  void theMergeReadsOnlyTheFilesWhoseLastSeenTheRowsItUpdatesCanHave() {
    // Thirty behaviours last seen on thirty different days: thirty files.
    List<Row> rows = new ArrayList<>();
    for (int d = 1; d <= 30; d++) {
      rows.add(stored("Day" + d, Duration.ofDays(-d)));
    }
    StateStore state = stateWith(rows);
    // This hour sees two of them again: only their two files can hold rows the MERGE updates.
    List<Long> stored = List.of(Math.floorDiv(at(Duration.ofDays(-3)).getEpochSecond(), 3600),
        Math.floorDiv(at(Duration.ofDays(-17)).getEpochSecond(), 3600));
    String condition = BaselineTable.lastSeenRanges(stored).replaceFirst("^ AND ", "").replace("t.last_seen",
        "last_seen");
    Dataset<Row> table = state.table(Tables.BASELINE);
    assertEquals(30, table.inputFiles().length);
    assertEquals(2, table.where(condition).inputFiles().length, condition);
    assertEquals(0, table.where(BaselineTable.lastSeenRanges(List.of()).replaceFirst("^ AND ", "")
        .replace("t.last_seen", "last_seen")).inputFiles().length, "inserts only: no file is read");
  }

  @Test
  void manyHoursAreJoinedIntoAtMostTheLimitAndStillSkipNoFileThatMatters() {
    List<Row> rows = new ArrayList<>();
    List<Long> hours = new ArrayList<>();
    for (int i = 0; i < 90; i++) {
      Duration last = Duration.ofHours(-(i * 23L + 1));
      rows.add(stored("B" + i, last));
      hours.add(Math.floorDiv(at(last).getEpochSecond(), 3600));
    }
    StateStore state = stateWith(rows);
    String ranges = BaselineTable.lastSeenRanges(hours);
    assertTrue(ranges.split(" OR ").length <= BaselineTable.MAX_RANGES, ranges);
    String condition = ranges.replaceFirst("^ AND ", "").replace("t.last_seen", "last_seen");
    // Every stored row the MERGE could update is still inside the condition.
    assertEquals(90, state.table(Tables.BASELINE).where(condition).count());
  }

  @Test
  void theBuildsComparisonInSparkAgreesWithTheHoursOnTheDriver() {
    StateStore state = stateWith(List.of(stored("Refresh", Duration.ofDays(-2)), stored("Expired",
        Duration.ofDays(-100)), stored("Recent", Duration.ofHours(-1)), stored("Earlier", Duration.ofDays(-1))));
    List<HourBehavior> hour = List.of(seen("Refresh", Duration.ofMinutes(10), false),
        seen("Expired", Duration.ofMinutes(20), false), seen("Recent", Duration.ofMinutes(30), false),
        seen("New", Duration.ofMinutes(40), false), seen("OnlyFailed", Duration.ofMinutes(50), true),
        seen("Earlier", Duration.ofDays(-1).plusMinutes(59), false));
    Set<String> driver = new TreeSet<>();
    Comparison.of(hour, state.baseline().stored(List.of(BU), Comparison.behaviorKeys(hour)), List.of(), HOUR,
        Set.of()).behaviorWrites().forEach(w -> driver.add(w.key().eventName()));

    StructType counted = new StructType()
        .add("business_unit", DataTypes.StringType).add("account_id", DataTypes.StringType)
        .add("principal", DataTypes.StringType).add("identity_type", DataTypes.StringType)
        .add("event_source", DataTypes.StringType).add("event_name", DataTypes.StringType)
        .add("events", DataTypes.LongType).add("failed_events", DataTypes.LongType)
        .add("first_time", DataTypes.TimestampType).add("last_time", DataTypes.TimestampType)
        .add("first_ok_time", DataTypes.TimestampType).add("last_ok_time", DataTypes.TimestampType);
    List<Row> rows = new ArrayList<>();
    for (HourBehavior b : hour) {
      rows.add(RowFactory.create(b.businessUnit(), b.accountId(), b.principal(), b.identityType(), b.eventSource(),
          b.eventName(), b.events(), b.failedEvents(), Timestamp.from(b.firstTime()), Timestamp.from(b.lastTime()),
          b.firstOkTime() == null ? null : Timestamp.from(b.firstOkTime()),
          b.lastOkTime() == null ? null : Timestamp.from(b.lastOkTime())));
    }
    Set<String> inSpark = new TreeSet<>();
    state.baseline().compare(spark.createDataFrame(rows, counted), List.of(BU)).collectAsList()
        .forEach(r -> inSpark.add(r.getAs("event_name")));
    assertEquals(Set.of("Expired", "New", "Refresh"), driver);
    assertEquals(driver, inSpark);
  }

  @Test
  void aLargeBaselineScannedWithGeneratedCodeGivesTheStoredRowsAndHoldersOfTheHoursKeys() {
    // 40,000 rows of distinct principals (hardly compressible): a table above the size from which
    // the hour's scans run with generated code.
    List<Row> rows = new ArrayList<>();
    List<String> names = List.of("GetObject", "PutObject", "ListBuckets", "DeleteObject");
    for (int i = 0; i < 40_000; i++) {
      String principal = "arn:aws:iam::111111111111:user/u-" + java.util.UUID.nameUUIDFromBytes(new byte[] {
          (byte) i, (byte) (i >> 8), (byte) (i >> 16)});
      rows.add(RowFactory.create(BU, ACCOUNT, principal, i % 3 == 0 ? "AssumedRole" : "IAMUser", "s3.amazonaws.com",
          names.get(i % names.size()), ts(Duration.ofDays(-10)), ts(Duration.ofDays(-1)),
          i % 5 == 0 ? ts(Duration.ofDays(-1)) : ts(Duration.ofDays(89))));
    }
    StateStore state = StateFolders.empty(spark, dir);
    state.ensureTables();
    spark.createDataFrame(rows, Tables.BASELINE_SCHEMA).write().format("delta").mode("append")
        .save(state.path(Tables.BASELINE));
    assertTrue(TableStats.of(spark, state.path(Tables.BASELINE), null).bytes() > TableHandle.COMPILED_SCAN_BYTES,
        "the table is large enough for generated code");

    List<io.trailwatch.core.BehaviorKey> keys = new ArrayList<>();
    Set<io.trailwatch.core.BehaviorKey> expected = new java.util.HashSet<>();
    for (int i = 0; i < 40_000; i += 997) {
      Row r = rows.get(i);
      var k = new io.trailwatch.core.BehaviorKey(BU, ACCOUNT, r.getString(2), r.getString(4), r.getString(5));
      keys.add(k);
      expected.add(k);
      keys.add(new io.trailwatch.core.BehaviorKey(BU, ACCOUNT, r.getString(2), r.getString(4), "CreateBucket"));
    }
    List<io.trailwatch.detect.Stored.Behavior> stored = state.baseline().stored(List.of(BU), keys);
    assertEquals(expected, stored.stream().map(io.trailwatch.detect.Stored.Behavior::key)
        .collect(java.util.stream.Collectors.toSet()), "the stored keys, none of the unknown ones");
    assertEquals(expected.size(), stored.size());
    assertTrue(stored.stream().allMatch(b -> b.lastSeen().equals(at(Duration.ofDays(-1)))));

    // Holders as of the hour: not expired then (every fifth row expired a day ago), per identity type.
    java.util.Map<String, Long> want = new java.util.TreeMap<>();
    for (int i = 0; i < rows.size(); i++) {
      if (i % 5 != 0 && (i % names.size() == 0 || i % names.size() == 2)) {
        want.merge(rows.get(i).getString(3) + " " + rows.get(i).getString(5), 1L, Long::sum);
      }
    }
    java.util.Map<String, Long> got = new java.util.TreeMap<>();
    for (io.trailwatch.detect.Peers.Holders h : state.baseline().holders(List.of(BU), List.of(
        new io.trailwatch.detect.Peers.Key(BU, "s3.amazonaws.com", "GetObject"),
        new io.trailwatch.detect.Peers.Key(BU, "s3.amazonaws.com", "ListBuckets"),
        new io.trailwatch.detect.Peers.Key(BU, "s3.amazonaws.com", "CreateBucket")), HOUR)) {
      got.put(h.identityType() + " " + h.eventName(), h.principals());
    }
    assertEquals(want, got);

    // The hour's MERGE into it: a known row refreshed (last seen a day ago), a new one inserted.
    io.trailwatch.core.BehaviorKey known = keys.get(2);
    io.trailwatch.core.BehaviorKey fresh = keys.get(3); // the same principal, an action it never did
    state.baseline().merge(List.of(
        new io.trailwatch.detect.Stored.BehaviorWrite(known, "IAMUser", at(Duration.ofMinutes(5)),
            at(Duration.ofMinutes(7)), at(Duration.ofDays(-1))),
        new io.trailwatch.detect.Stored.BehaviorWrite(fresh, "IAMUser", at(Duration.ofMinutes(5)),
            at(Duration.ofMinutes(9)), null)), List.of(BU), 90);
    Dataset<Row> after = spark.read().format("delta").load(state.path(Tables.BASELINE));
    assertEquals(40_001, after.count());
    java.util.Map<String, Timestamp> lastSeen = new java.util.TreeMap<>();
    for (Row r : after.where(org.apache.spark.sql.functions.col("principal").equalTo(known.principal()))
        .collectAsList()) {
      lastSeen.put(r.<String>getAs("event_name"), r.getAs("last_seen"));
    }
    assertEquals(java.util.Map.of(known.eventName(), ts(Duration.ofMinutes(7)), fresh.eventName(),
        ts(Duration.ofMinutes(9))), lastSeen, "the known row refreshed, the new one inserted");
  }

  @Test
  void storedRowsReadFromTheFilesListedAheadHonourDeletionVectorsAndEveryCommitSince() {
    // Three rows in one file: the hour's MERGE marks the refreshed one deleted there (a deletion vector).
    StateStore state = StateFolders.empty(spark, dir);
    state.ensureTables();
    spark.createDataFrame(List.of(stored("Refresh", Duration.ofDays(-2)), stored("Recent", Duration.ofHours(-1)),
        stored("Idle", Duration.ofDays(-30))), Tables.BASELINE_SCHEMA).coalesce(1).write().format("delta")
        .mode("append").save(state.path(Tables.BASELINE));
    detectHour(state, List.of(seen("Refresh", Duration.ofMinutes(10), false)));
    assertTrue(TableStats.of(spark, state.path(Tables.BASELINE), null).withDeletionVectors() > 0,
        "the MERGE left a deletion vector");
    List<io.trailwatch.core.BehaviorKey> keys = List.of("Refresh", "Recent", "Idle", "Unknown").stream()
        .map(n -> new io.trailwatch.core.BehaviorKey(BU, ACCOUNT, CI, "s3.amazonaws.com", n)).toList();

    // Listed ahead (as a run does while it reads logs), then read by keys: one Spark job, the scan.
    state.prepare(Tables.BASELINE, List.of(BU));
    spark.sparkContext().setJobGroup("stored-after-listing", "stored rows", false);
    List<io.trailwatch.detect.Stored.Behavior> stored;
    try {
      stored = state.baseline().stored(List.of(BU), keys);
    } finally {
      spark.sparkContext().clearJobGroup();
    }
    assertEquals(1, spark.sparkContext().statusTracker().getJobIdsForGroup("stored-after-listing").length,
        "no listing of the table's files before the scan");
    assertEquals(List.of("Idle " + at(Duration.ofDays(-30)), "Recent " + at(Duration.ofHours(-1)),
        "Refresh " + at(Duration.ofMinutes(10))), lastSeen(stored), "the refreshed row once, as the table holds it");

    // A commit after the listing (another hour's MERGE): the table is read as it is now.
    detectHour(state, List.of(seen("Idle", Duration.ofMinutes(20), false)));
    assertEquals(List.of("Idle " + at(Duration.ofMinutes(20)), "Recent " + at(Duration.ofHours(-1)),
        "Refresh " + at(Duration.ofMinutes(10))), lastSeen(state.baseline().stored(List.of(BU), keys)));
  }

  private static List<String> lastSeen(List<io.trailwatch.detect.Stored.Behavior> stored) {
    return stored.stream().map(b -> b.key().eventName() + " " + b.lastSeen()).sorted().toList();
  }
}
