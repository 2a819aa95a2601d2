package io.trailwatch.state;

import io.trailwatch.testing.SharedData;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.testing.SparkTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sql/ddl.sql describes the tables the jobs create, and every query in sql/queries.sql runs on them. */
class SqlFilesTest extends SparkTest {
  static final Path SQL = SharedData.projectRoot().resolve("sql");

  @TempDir Path dir;

  /** Statements end with ';' at the end of a line; comment lines are dropped. */
  static List<String> statements(String file, String root) throws Exception {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (String line : Files.readAllLines(SQL.resolve(file))) {
      if (line.strip().startsWith("--")) {
        continue;
      }
      String l = line.replace("${state}", root);
      if (l.strip().endsWith(";")) {
        cur.append(l, 0, l.lastIndexOf(';')).append('\n');
        out.add(cur.toString().strip());
        cur.setLength(0);
      } else {
        cur.append(l).append('\n');
      }
    }
    if (!cur.toString().isBlank()) {
      out.add(cur.toString().strip());
    }
    out.removeIf(String::isEmpty);
    return out;
  }

  @Test
  void ddlMatchesTheTablesTheJobsCreate() throws Exception {
    for (String stmt : statements("ddl.sql", dir.resolve("sql-state").toString())) {
      spark.sql(stmt);
    }
    StateStore jobs = new StateStore(spark, dir.resolve("job-state").toUri().toString());
    jobs.ensureTables();
    StateStore fromSql = new StateStore(spark, dir.resolve("sql-state").toUri().toString());
    for (String t : Tables.ALL) {
      assertEquals(shape(jobs.table(t).schema()), shape(fromSql.table(t).schema()), t);
      assertEquals(layout(jobs.path(t)), layout(fromSql.path(t)), t);
    }
  }

  @Test
  void everyAnalystQueryRuns() throws Exception {
    StateStore state = new StateStore(spark, dir.resolve("state").toUri().toString());
    state.ensureTables();
    List<String> queries = statements("queries.sql", dir.resolve("state").toString());
    assertTrue(queries.size() >= 7, queries.toString());
    for (String q : queries) {
      spark.sql(q).collectAsList();
    }
  }

  /** Partition columns and whether deletion vectors are on: what MERGE cost and concurrent jobs rely on. */
  List<Object> layout(String path) {
    Row d = io.delta.tables.DeltaTable.forPath(spark, path).detail()
        .selectExpr("partitionColumns", "properties['delta.enableDeletionVectors']").first();
    return List.of(d.getList(0), String.valueOf(d.get(1)));
  }

  /** Names and types (nested nullability aside): what a reader of the table relies on. */
  static Map<String, String> shape(StructType t) {
    Map<String, String> m = new TreeMap<>();
    for (StructField f : t.fields()) {
      m.put(f.name(), f.dataType().simpleString() + (f.nullable() ? "" : " not null"));
    }
    return m;
  }
}
