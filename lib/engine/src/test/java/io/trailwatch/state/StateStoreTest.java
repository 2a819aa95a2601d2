package io.trailwatch.state;

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

  /** A table of an older version without a column this one added (nullable): the column is added, old rows null. */
  @Test
  void aColumnThisVersionAddedIsAddedToAnOlderTable() {
    StateStore state = new StateStore(spark, dir.toUri().toString());
    StructType older = new StructType();
    for (var f : Tables.RUNS_SCHEMA.fields()) {
      if (!f.name().equals("accounts")) {
        older = older.add(f);
      }
    }
    io.delta.tables.DeltaTable.create(spark).location(state.path(Tables.RUNS)).addColumns(older).execute();
    state.ensureTables();
    assertEquals(java.util.Arrays.asList(Tables.RUNS_SCHEMA.fieldNames()),
        java.util.Arrays.asList(state.table(Tables.RUNS).schema().fieldNames()));
  }
}
