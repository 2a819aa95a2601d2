package io.trailwatch.state;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.core.PrincipalKey;
import io.trailwatch.detect.Peers;
import io.trailwatch.detect.PrincipalRows;
import io.trailwatch.testing.SparkTest;
import io.trailwatch.testing.StateFolders;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run reads the principals table once ({@link PrincipalsTable#rows}) and answers the three
 * questions a comparison asks of it in Java ({@link PrincipalRows}). Over random rows, with
 * sightings on the edges of each window, the answers are those of the same questions asked of the
 * table in Spark SQL, as the run asked them before: stored rows of some keys, the first sighting
 * before the hour per business unit, and principals per account and identity type first seen
 * before the hour and last seen within the retention.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PrincipalRowsTest extends SparkTest {
  static final Instant AS_OF = Instant.parse("2026-11-20T14:00:00Z");
  static final int RETENTION_DAYS = 90;
  static final List<String> TYPES = List.of("IAMUser", "AssumedRole", "Root", "AWSService");

  @TempDir Path dir;

  @Test
  void answersFromOneReadAreThoseOfTheTableInSql() {
    StateStore state = StateFolders.empty(spark, dir.resolve("state"));
    Random random = new Random(29);
    Instant since = AS_OF.minus(Duration.ofDays(RETENTION_DAYS));
    List<Row> rows = new ArrayList<>();
    List<PrincipalKey> asked = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      String bu = i % 7 == 0 ? "retail" : i % 5 == 0 ? "platform" : "payments";
      String account = "1111000000" + String.format("%02d", random.nextInt(6));
      String principal = "arn:aws:iam::" + account + ":user/u" + i;
      // A fifth of the sightings fall exactly on an edge: the hour itself, or the retention's start.
      Instant first = switch (random.nextInt(5)) {
        case 0 -> AS_OF;
        case 1 -> since;
        default -> AS_OF.minus(Duration.ofMinutes(random.nextInt(60 * 24 * 200) - 60 * 24 * 5));
      };
      Instant last = switch (random.nextInt(5)) {
        case 0 -> since;
        case 1 -> AS_OF;
        default -> first.plus(Duration.ofMinutes(random.nextInt(60 * 24 * 120)));
      };
      rows.add(RowFactory.create(bu, account, principal, TYPES.get(random.nextInt(TYPES.size())),
          Timestamp.from(first), Timestamp.from(last)));
      if (random.nextInt(3) == 0) {
        asked.add(new PrincipalKey(bu, account, principal));
      }
    }
    asked.add(new PrincipalKey("payments", "111100000001", "arn:aws:iam::111100000001:user/never-seen"));
    spark.createDataFrame(rows, Tables.PRINCIPALS_SCHEMA).repartition(3).write().format("delta").mode("append")
        .save(state.path(Tables.PRINCIPALS));
    List<String> bus = List.of("payments", "retail");
    Dataset<Row> table = state.table(Tables.PRINCIPALS).where(col("business_unit").isin("payments", "retail"));

    PrincipalRows read = state.principals().rows(bus);
    assertEquals(table.count(), read.size());

    List<String> stored = new ArrayList<>();
    for (Row r : table.collectAsList()) {
      PrincipalKey k = new PrincipalKey(r.getAs("business_unit"), r.getAs("account_id"), r.getAs("principal"));
      if (asked.contains(k)) {
        stored.add(k + " " + r.<Timestamp>getAs("first_seen").toInstant() + " "
            + r.<Timestamp>getAs("last_seen").toInstant());
      }
    }
    assertTrue(stored.size() > 50, "keys asked that the table holds: " + stored.size());
    assertEquals(stored.stream().sorted().toList(), read.stored(asked).stream()
        .map(p -> p.key() + " " + p.firstSeen() + " " + p.lastSeen()).sorted().toList());

    TreeMap<String, Instant> history = new TreeMap<>();
    for (Row r : table.filter(col("first_seen").lt(Timestamp.from(AS_OF))).groupBy("business_unit")
        .agg(org.apache.spark.sql.functions.min("first_seen")).collectAsList()) {
      history.put(r.getString(0), r.getTimestamp(1).toInstant());
    }
    assertEquals(history, new TreeMap<>(read.historyStart(AS_OF)));
    assertEquals(List.of("payments", "retail"), List.copyOf(history.keySet()));

    List<String> counts = new ArrayList<>();
    for (Row r : table.filter(col("first_seen").lt(Timestamp.from(AS_OF))
        .and(col("last_seen").geq(Timestamp.from(since))))
        .groupBy("business_unit", "account_id", "identity_type").count().collectAsList()) {
      counts.add(r.getString(0) + " " + r.getString(1) + " " + r.getString(2) + " " + r.getLong(3));
    }
    List<Peers.TypeCount> fromRows = read.countsByType(AS_OF, RETENTION_DAYS);
    assertEquals(counts.stream().sorted().toList(), fromRows.stream()
        .map(t -> t.businessUnit() + " " + t.accountId() + " " + t.identityType() + " " + t.principals())
        .sorted().toList());
    assertTrue(counts.size() > 20, "account and type groups: " + counts.size());
    assertEquals(List.of(), PrincipalRows.NONE.stored(asked));
  }
}
