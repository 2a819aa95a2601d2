package io.trailwatch.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.core.BehaviorKey;
import io.trailwatch.core.PrincipalKey;
import io.trailwatch.detect.BaselineRule;
import io.trailwatch.detect.Stored;
import io.trailwatch.testing.SparkTest;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one baseline rule in its three forms agrees on many random rows: the real Delta MERGE
 * (SQL), the build's comparison (Spark columns) and the Java rule that an hour's comparison and a
 * backtest use. Times fall on whole hours in a short range, with a two-day retention, so that the
 * edges (expiry at the sighting, last_seen moved by exactly a day) come up often.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class BaselineRuleTest extends SparkTest {
  static final Instant BASE = Instant.parse("2026-11-01T00:00:00Z");
  static final String BU = "payments";
  static final int RETENTION_DAYS = 2;
  static final int ROWS = 400;

  @TempDir Path dir;

  static Instant hour(Random r, int range) {
    return BASE.plus(Duration.ofHours(r.nextInt(range)));
  }

  static String name(int i) {
    return String.format("Call%04d", i);
  }

  @Test
  void theMergeTheBuildsComparisonAndTheJavaRuleAgreeOnRandomBehaviours() {
    Random r = new Random(23);
    BaselineRule rule = BaselineRule.behaviors(RETENTION_DAYS);
    StateStore state = new StateStore(spark, dir.toUri().toString());
    state.ensureTables();
    Map<String, Stored.Behavior> stored = new TreeMap<>();
    List<Row> storedRows = new ArrayList<>();
    List<Stored.BehaviorWrite> writes = new ArrayList<>();
    List<Row> sightings = new ArrayList<>();
    Map<String, Boolean> writable = new HashMap<>();
    for (int i = 0; i < ROWS; i++) {
      BehaviorKey key = new BehaviorKey(BU, "111111111111", "arn:aws:iam::111111111111:user/ci", "s3.amazonaws.com",
          name(i));
      Stored.Behavior s = null;
      if (i % 5 != 0) {
        Instant first = hour(r, 150);
        Instant last = first.plus(Duration.ofHours(r.nextInt(60)));
        s = new Stored.Behavior(key, first, last, last.plus(Duration.ofDays(RETENTION_DAYS)));
        stored.put(name(i), s);
        storedRows.add(RowFactory.create(BU, key.accountId(), key.principal(), "IAMUser", key.eventSource(),
            key.eventName(), Timestamp.from(first), Timestamp.from(last), Timestamp.from(s.expiresAt())));
      }
      Instant first = hour(r, 250);
      Instant last = first.plus(Duration.ofHours(r.nextInt(30)));
      writes.add(new Stored.BehaviorWrite(key, "IAMUser", first, last, s == null ? null : s.lastSeen()));
      long events = 1 + r.nextInt(3);
      long failed = r.nextInt(4) == 0 ? events : 0;
      writable.put(name(i), BaselineRule.writable(events, failed));
      sightings.add(RowFactory.create(BU, key.accountId(), key.principal(), "IAMUser", key.eventSource(),
          key.eventName(), Timestamp.from(first), Timestamp.from(last), events, failed));
    }
    spark.createDataFrame(storedRows, Tables.BASELINE_SCHEMA).write().format("delta").mode("append")
        .save(state.path(Tables.BASELINE));

    // Spark columns: the rows the build's comparison would write.
    StructType counted = BaselineTable.WRITE_SCHEMA.add("events", DataTypes.LongType, false)
        .add("failed_events", DataTypes.LongType, false);
    TreeSet<String> sparkWrites = new TreeSet<>();
    state.baseline().compare(spark.createDataFrame(sightings, counted), List.of(BU)).collectAsList()
        .forEach(row -> sparkWrites.add(row.getAs("event_name")));

    // Java: the rows the rule changes, and what it makes of every row.
    TreeSet<String> javaWrites = new TreeSet<>();
    Map<String, List<Instant>> expected = new TreeMap<>();
    stored.forEach((n, s) -> expected.put(n, List.of(s.firstSeen(), s.lastSeen(), s.expiresAt())));
    for (Stored.BehaviorWrite w : writes) {
      String n = w.key().eventName();
      Stored.Behavior s = stored.get(n);
      boolean changes = BaselineRule.changes(s == null ? null : s.times(), w.firstOkTime(), w.lastOkTime());
      Stored.Behavior m = Stored.Behavior.merged(s, w, rule);
      assertEquals(changes, s == null || !m.equals(s), n + ": changes() and merged() disagree");
      if (changes && writable.get(n)) {
        javaWrites.add(n);
        expected.put(n, List.of(m.firstSeen(), m.lastSeen(), m.expiresAt()));
      }
    }
    assertEquals(javaWrites, sparkWrites);
    assertTrue(javaWrites.size() > ROWS / 4 && javaWrites.size() < ROWS, "a mix of writes: " + javaWrites.size());

    // SQL: the MERGE of the writable sightings (unchanging ones too: the MERGE must leave them).
    List<Stored.BehaviorWrite> merged = writes.stream().filter(w -> writable.get(w.key().eventName())).toList();
    state.baseline().merge(merged, List.of(BU), RETENTION_DAYS);
    Map<String, List<Instant>> table = new TreeMap<>();
    for (Row row : state.table(Tables.BASELINE).collectAsList()) {
      table.put(row.getAs("event_name"), List.of(row.<Timestamp>getAs("first_seen").toInstant(),
          row.<Timestamp>getAs("last_seen").toInstant(), row.<Timestamp>getAs("expires_at").toInstant()));
    }
    assertEquals(expected, table);
  }

  @Test
  void thePrincipalsMergeAndTheJavaRuleAgreeOnRandomPrincipals() {
    Random r = new Random(42);
    StateStore state = new StateStore(spark, dir.toUri().toString());
    state.ensureTables();
    Map<String, Stored.Principal> stored = new TreeMap<>();
    List<Row> storedRows = new ArrayList<>();
    List<Stored.PrincipalWrite> writes = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      PrincipalKey key = new PrincipalKey(BU, "111111111111", "arn:aws:iam::111111111111:user/" + name(i));
      Stored.Principal s = null;
      if (i % 5 != 0) {
        Instant first = hour(r, 150);
        s = new Stored.Principal(key, first, first.plus(Duration.ofHours(r.nextInt(60))));
        stored.put(key.principal(), s);
        storedRows.add(RowFactory.create(BU, key.accountId(), key.principal(), "IAMUser",
            Timestamp.from(s.firstSeen()), Timestamp.from(s.lastSeen())));
      }
      Instant first = hour(r, 250);
      writes.add(new Stored.PrincipalWrite(key, "IAMUser", first, first.plus(Duration.ofHours(r.nextInt(30)))));
    }
    spark.createDataFrame(storedRows, Tables.PRINCIPALS_SCHEMA).write().format("delta").mode("append")
        .save(state.path(Tables.PRINCIPALS));

    Map<String, List<Instant>> expected = new TreeMap<>();
    stored.forEach((n, s) -> expected.put(n, List.of(s.firstSeen(), s.lastSeen())));
    int changed = 0;
    for (Stored.PrincipalWrite w : writes) {
      Stored.Principal s = stored.get(w.key().principal());
      Stored.Principal m = Stored.Principal.merged(s, w);
      boolean changes = BaselineRule.changes(s == null ? null : s.times(), w.firstTime(), w.lastTime());
      assertEquals(changes, s == null || !m.equals(s), w.key().principal());
      changed += changes ? 1 : 0;
      expected.put(w.key().principal(), List.of(m.firstSeen(), m.lastSeen()));
    }
    assertTrue(changed > ROWS / 4 && changed < ROWS, "a mix of writes: " + changed);

    state.principals().merge(writes, List.of(BU));
    Map<String, List<Instant>> table = new TreeMap<>();
    for (Row row : state.table(Tables.PRINCIPALS).collectAsList()) {
      table.put(row.getAs("principal"), List.of(row.<Timestamp>getAs("first_seen").toInstant(),
          row.<Timestamp>getAs("last_seen").toInstant()));
    }
    assertEquals(expected, table);
  }
}
