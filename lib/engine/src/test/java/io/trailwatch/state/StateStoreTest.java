package io.trailwatch.state;

import io.trailwatch.core.ErrorCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

@org.junit.jupiter.api.Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
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
}
