package io.trailwatch.state;

import io.trailwatch.core.ErrorCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.detect.Baselines;
import io.trailwatch.detect.Behaviors;
import io.trailwatch.testing.SparkTest;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateStoreTest extends SparkTest {
  static final Instant HOUR = Instant.parse("2026-11-20T14:00:00Z");
  static final StructType SEEN = new StructType()
      .add("business_unit", DataTypes.StringType).add("account_id", DataTypes.StringType)
      .add("principal", DataTypes.StringType).add("identity_type", DataTypes.StringType)
      .add("event_source", DataTypes.StringType).add("event_name", DataTypes.StringType)
      .add("events", DataTypes.LongType).add("failed_events", DataTypes.LongType)
      .add("first_time", DataTypes.TimestampType).add("last_time", DataTypes.TimestampType)
      .add("first_ok_time", DataTypes.TimestampType).add("last_ok_time", DataTypes.TimestampType);

  @TempDir Path dir;

  static Timestamp at(Duration fromHour) {
    return Timestamp.from(HOUR.plus(fromHour));
  }

  static Row stored(String name, Duration lastSeen) {
    return RowFactory.create("payments", "111111111111", "arn:aws:iam::111111111111:user/ci", "IAMUser",
        "s3.amazonaws.com", name, at(Duration.ofDays(-200)), at(lastSeen), at(lastSeen.plusDays(90)));
  }

  static Row seen(String name, Duration t) {
    return RowFactory.create("payments", "111111111111", "arn:aws:iam::111111111111:user/ci", "IAMUser",
        "s3.amazonaws.com", name, 1L, 0L, at(t), at(t), at(t), at(t));
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

  /** Refresh, restart after expiry, untouched and new rows, with the last_seen ranges in the condition. */
  @Test
  void mergeWithLastSeenRangesChangesExactlyTheRowsItShould() throws Exception {
    StateStore state = new StateStore(spark, dir.toUri().toString());
    state.ensureTables();
    // Spread over files, as a long-lived table: one file per row.
    for (Row r : List.of(stored("Refresh", Duration.ofDays(-2)), stored("Expired", Duration.ofDays(-100)),
        stored("Recent", Duration.ofHours(-1)), stored("Idle", Duration.ofDays(-30)))) {
      spark.createDataFrame(List.of(r), Tables.BASELINE_SCHEMA).write().format("delta").mode("append")
          .save(state.path(Tables.BASELINE));
    }
    Dataset<Row> hour = spark.createDataFrame(List.of(seen("Refresh", Duration.ofMinutes(10)),
        seen("Expired", Duration.ofMinutes(20)), seen("Recent", Duration.ofMinutes(30)),
        seen("New", Duration.ofMinutes(40))), SEEN);
    for (int run = 0; run < 2; run++) {
      Dataset<Row> src = Baselines.compare(hour, state.of(Tables.BASELINE, List.of("payments")), Behaviors.KEY, HOUR)
          .filter("needs_write");
      if (!src.isEmpty()) {
        state.mergeBaseline(src, List.of("payments"), 90);
      }
    }
    Map<String, Row> rows = new HashMap<>();
    for (Row r : state.table(Tables.BASELINE).collectAsList()) {
      assertTrue(rows.put(r.getString(5), r) == null, "one row per behaviour: " + r);
    }
    assertEquals(Set.of("Refresh", "Expired", "Recent", "Idle", "New"), rows.keySet());
    assertEquals(at(Duration.ofMinutes(10)), rows.get("Refresh").getTimestamp(7));
    assertEquals(at(Duration.ofDays(-200)), rows.get("Refresh").getTimestamp(6));
    assertEquals(at(Duration.ofMinutes(20)), rows.get("Expired").getTimestamp(6), "restarts from the new sighting");
    assertEquals(at(Duration.ofHours(-1)), rows.get("Recent").getTimestamp(7), "not due: untouched");
    assertEquals(at(Duration.ofDays(-30)), rows.get("Idle").getTimestamp(7));
    assertEquals(at(Duration.ofMinutes(40)), rows.get("New").getTimestamp(6));
  }

  static final long H = 491_870; // 2026-02-10T14:00Z in epoch hours

  @Test
  void onlyInsertsReadNoStoredRow() {
    assertEquals(" AND t.last_seen IS NULL", StateStore.lastSeenRanges(List.of()));
  }

  @Test
  void storedHoursBecomeRangesThatHoldThem() {
    String c = StateStore.lastSeenRanges(List.of(H, H - 24, H, H + 1));
    assertEquals(" AND ((t.last_seen >= TIMESTAMP'2026-02-09T14:00:00Z' AND t.last_seen < TIMESTAMP'2026-02-09T15:00:00Z')"
        + " OR (t.last_seen >= TIMESTAMP'2026-02-10T14:00:00Z' AND t.last_seen < TIMESTAMP'2026-02-10T15:00:00Z')"
        + " OR (t.last_seen >= TIMESTAMP'2026-02-10T15:00:00Z' AND t.last_seen < TIMESTAMP'2026-02-10T16:00:00Z'))", c);
  }

  @Test
  void manyHoursAreJoinedIntoAtMostTheLimitAndStillCoverEveryHour() {
    List<Long> hours = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      hours.add(H - (i * 37L) % 2160);
    }
    String c = StateStore.lastSeenRanges(hours);
    int ranges = c.split(" OR ").length;
    assertTrue(ranges <= StateStore.MAX_RANGES, c);
    for (long h : hours) {
      String at = java.time.Instant.ofEpochSecond(h * 3600).toString();
      // Each hour lies in some range [from, to): check textually by parsing the ranges back.
      boolean in = false;
      for (String part : c.split(" OR ")) {
        String[] ts = part.split("TIMESTAMP'");
        String from = ts[1].substring(0, 20);
        String to = ts[2].substring(0, 20);
        in |= at.compareTo(from) >= 0 && at.compareTo(to) < 0;
      }
      assertTrue(in, at + " not covered");
    }
  }
}
