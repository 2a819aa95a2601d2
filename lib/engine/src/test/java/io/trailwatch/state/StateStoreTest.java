package io.trailwatch.state;

import io.trailwatch.detect.Stored;

import io.trailwatch.core.BehaviorKey;
import io.trailwatch.core.PrincipalKey;

import io.trailwatch.core.ErrorCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.testing.SparkTest;
import java.nio.file.Path;
import java.time.Instant;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@org.junit.jupiter.api.Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class StateStoreTest extends SparkTest {
  @TempDir Path dir;

  /**
   * The tables of a new state checkpoint every 50 commits, not Delta's 10: eleven commits (a
   * BU's hourly runs of half a day) leave no checkpoint for an hourly run to write; the daily
   * maintain writes them (MaintenanceTest).
   */
  @Test
  void aNewStatesTablesLeaveCheckpointsToMaintainForDaysOfHourlyCommits() throws Exception {
    StateStore state = new StateStore(spark, dir.toUri().toString());
    state.ensureTables();
    for (String table : Tables.ALL) {
      for (int i = 1; i <= 11; i++) {
        spark.sql("ALTER TABLE delta.`" + state.path(table) + "` SET TBLPROPERTIES ('trailwatch.test'='" + i + "')");
      }
      try (var files = java.nio.file.Files.list(Path.of(java.net.URI.create(state.path(table))).resolve("_delta_log"))) {
        assertEquals(java.util.List.of(), files.map(f -> f.getFileName().toString())
            .filter(n -> n.contains("checkpoint")).toList(), table + " after 12 commits");
      }
    }
  }

  /**
   * A table with no file is read with no Spark job (its checksum says it is empty), and a write
   * is seen by the next read. A table whose checksum is missing is read through Delta, as before.
   */
  @Test
  void anEmptyTableIsReadWithNoSparkJobAndAWriteIsSeenByTheNextRead() throws Exception {
    StateStore state = new StateStore(spark, dir.toUri().toString());
    state.ensureTable(Tables.INGESTED_FILES);
    java.util.List<String> bu = java.util.List.of("payments");
    Instant hour = Instant.parse("2026-11-20T10:00:00Z");
    Instant from = hour.minusSeconds(86_400);
    Instant to = hour.plusSeconds(3_600);

    io.trailwatch.testing.OwnJobs jobs = io.trailwatch.testing.OwnJobs.start(spark);
    assertEquals(java.util.List.of(), state.ingestedFiles().rows(bu, from, to));
    assertEquals(java.util.List.of(), jobs.stop(), "Spark jobs to read an empty table");

    var file = new IngestedFile(new io.trailwatch.ingest.LogFile("file:///logs/a.json.gz", "111111111111",
        "payments", "us-east-1", hour.plusSeconds(300), 123), hour, hour, false);
    state.ingestedFiles().append(java.util.List.of(file), "run-1");
    assertEquals(java.util.List.of(file), state.ingestedFiles().rows(bu, from, to), "the write, read back");

    try (var crcs = java.nio.file.Files.list(Path.of(java.net.URI.create(state.path(Tables.INGESTED_FILES)))
        .resolve("_delta_log"))) {
      for (Path crc : crcs.filter(f -> f.toString().endsWith(".crc") && !f.getFileName().toString().startsWith("."))
          .toList()) {
        java.nio.file.Files.delete(crc);
      }
    }
    StateStore reopened = new StateStore(spark, dir.toUri().toString());
    org.apache.spark.sql.delta.DeltaLog.clearCache();
    assertEquals(java.util.List.of(file), reopened.ingestedFiles().rows(bu, from, to), "read without a checksum");
  }

  /** A state root made by another version: the run stops before reading logs, naming the table and columns. */
  @Test
  void tablesWithoutTheColumnsOfThisVersionAreRefusedByName() {
    StateStore state = new StateStore(spark, dir.toUri().toString());
    StructType older = new StructType();
    for (var f : Tables.ALERTS_SCHEMA.fields()) {
      if (!f.name().equals("detect_hour")) {
        older = older.add(f.name(), f.name().equals("late") ? DataTypes.StringType : f.dataType(), f.nullable());
      }
    }
    io.delta.tables.DeltaTable.create(spark).location(state.path(Tables.ALERTS)).addColumns(older).execute();
    var e = org.junit.jupiter.api.Assertions.assertThrows(io.trailwatch.core.TrailwatchException.class,
        state::ensureTables);
    assertEquals(ErrorCode.STATE_SCHEMA_MISMATCH, e.code());
    assertTrue(e.getMessage().contains(state.path(Tables.ALERTS)), e.getMessage());
    assertTrue(e.getMessage().contains("detect_hour (missing)"), e.getMessage());
    assertTrue(e.getMessage().contains("late (string, expected boolean)"), e.getMessage());
  }

  /** A table of an older version without the columns this one added (nullable): they are added, old rows null. */
  @Test
  void aColumnThisVersionAddedIsAddedToAnOlderTable() {
    StateStore state = new StateStore(spark, dir.toUri().toString());
    StructType older = new StructType();
    for (var f : Tables.RUNS_SCHEMA.fields()) {
      if (!java.util.List.of("accounts", "build", "never_delivered").contains(f.name())) {
        older = older.add(f);
      }
    }
    io.delta.tables.DeltaTable.create(spark).location(state.path(Tables.RUNS)).addColumns(older).execute();
    state.ensureTables();
    assertEquals(java.util.Arrays.asList(Tables.RUNS_SCHEMA.fieldNames()),
        java.util.Arrays.asList(state.table(Tables.RUNS).schema().fieldNames()));
  }

  /**
   * An alerts table of the version before the dimensions: its new_behaviors lack dimension,
   * value, calls, prevalence and severity. The fields are added (old rows read as api behaviour)
   * and the new alerts, with a region value, are appended beside the old ones.
   */
  @Test
  void alertsOfTheVersionBeforeTheDimensionsStayReadableAndTakeNewOnes() {
    StateStore state = new StateStore(spark, dir.toUri().toString());
    StructType oldBehavior = new StructType();
    for (var f : Tables.NEW_BEHAVIOR.fields()) {
      if (java.util.List.of("dimension", "value", "calls", "prevalence", "severity").contains(f.name())) {
        break;
      }
      oldBehavior = oldBehavior.add(f);
    }
    assertEquals(9, oldBehavior.size(), "the struct as it was");
    StructType older = new StructType();
    for (var f : Tables.ALERTS_SCHEMA.fields()) {
      older = older.add(f.name(), f.name().equals("new_behaviors") ? DataTypes.createArrayType(oldBehavior, true)
          : f.dataType(), f.nullable());
    }
    io.delta.tables.DeltaTable.create(spark).location(state.path(Tables.ALERTS)).addColumns(older)
        .partitionedBy("business_unit").execute();
    Instant hour = Instant.parse("2026-11-20T14:00:00Z");
    java.sql.Timestamp t = java.sql.Timestamp.from(hour);
    org.apache.spark.sql.Row oldBehaviour = org.apache.spark.sql.RowFactory.create("iam.amazonaws.com", "CreateUser",
        2L, t, t, false, false, "high", false);
    spark.createDataFrame(java.util.List.of(org.apache.spark.sql.RowFactory.create("old-1", "bu", t, t,
        "111122223333", "arn:aws:iam::111122223333:user/alice", "IAMUser", "high", "reason", false,
        new Object[] {oldBehaviour}, new Object[0], new Object[0], new Object[0], new Object[0], "run-0", t)), older)
        .write().format("delta").mode("append").save(state.path(Tables.ALERTS));

    state.ensureTables();
    io.trailwatch.alerting.NewBehavior region = new io.trailwatch.alerting.NewBehavior(null, null, 12, hour, hour,
        false, true, null, false, "region", "ap-southeast-1",
        java.util.List.of(new io.trailwatch.alerting.NewBehavior.Call("ec2.amazonaws.com:DescribeInstances", 12)),
        new io.trailwatch.policy.Prevalence(0, 1, 0, 3), "medium");
    io.trailwatch.alerting.Alert fresh = io.trailwatch.alerting.Alert.builder().alertId("new-1").hour(hour)
        .detectHour(hour).businessUnit("bu").accountId("111122223333").principal("arn:aws:iam::111122223333:user/bob")
        .identityType("IAMUser").severity(io.trailwatch.policy.Severity.MEDIUM).reason("1 new region")
        .newBehaviors(java.util.List.of(region)).build();
    state.alerts().append(java.util.List.of(fresh), "run-1");

    java.util.List<io.trailwatch.alerting.Alert> both = state.alerts().recorded(java.util.List.of("bu"), hour);
    assertEquals(java.util.List.of("old-1", "new-1"), both.stream().map(io.trailwatch.alerting.Alert::alertId)
        .toList());
    io.trailwatch.alerting.NewBehavior old = both.get(0).newBehaviors().get(0);
    assertEquals("api", old.dimension());
    assertEquals("iam:CreateUser", old.label());
    assertEquals(region, both.get(1).newBehaviors().get(0), "a region value round-trips through the table");
    // The ATT&CK technique column came with the rest: null in the old row, the evidence call's in the new.
    java.util.List<org.apache.spark.sql.Row> techniques = state.table(Tables.ALERTS)
        .selectExpr("alert_id", "new_behaviors[0].mitre_technique_id").orderBy("alert_id").collectAsList();
    assertEquals("new-1", techniques.get(0).getString(0));
    assertEquals("T1580", techniques.get(0).getString(1), "ec2:DescribeInstances: Cloud Infrastructure Discovery");
    assertEquals(null, techniques.get(1).get(1));
  }

  /** The commit fence is asked before each table is created, and a fence that refuses stops the write uncommitted. */
  @Test
  void everyWriteAsksTheCommitFenceFirstAndARefusalLeavesTheTableUnchanged() {
    StateStore state = new StateStore(spark, dir.toUri().toString());
    java.util.List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
    state.fence(asked::add).ensureTables();
    assertEquals(new java.util.TreeSet<>(Tables.ALL), new java.util.TreeSet<>(asked));
    assertEquals(Tables.ALL.size(), asked.size());

    state.fence(table -> {
      throw io.trailwatch.core.TrailwatchException.of(ErrorCode.STATE_NOT_WRITABLE, "fenced off %s", table);
    });
    Instant t = Instant.parse("2026-11-20T14:00:00Z");
    var key = new BehaviorKey("bu1", "111111111111", "arn:aws:iam::111111111111:user/a", "s3.amazonaws.com",
        "GetObject");
    var e = org.junit.jupiter.api.Assertions.assertThrows(io.trailwatch.core.TrailwatchException.class,
        () -> state.baseline().merge(java.util.List.of(new Stored.BehaviorWrite(key, "IAMUser", t, t, null)),
            java.util.List.of("bu1"), 90));
    assertEquals(ErrorCode.STATE_NOT_WRITABLE, e.code());
    var p = org.junit.jupiter.api.Assertions.assertThrows(io.trailwatch.core.TrailwatchException.class,
        () -> state.principals().merge(java.util.List.of(new Stored.PrincipalWrite(new PrincipalKey("bu1",
            "111111111111", "arn:aws:iam::111111111111:user/a"), "IAMUser", t, t)), java.util.List.of("bu1")));
    assertEquals(ErrorCode.STATE_NOT_WRITABLE, p.code());
    assertEquals(0, state.table(Tables.BASELINE).count());
    assertEquals(0, state.table(Tables.PRINCIPALS).count());
  }
}
