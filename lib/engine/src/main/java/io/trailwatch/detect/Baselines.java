package io.trailwatch.detect;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import io.trailwatch.policy.Candidate;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Compares an hour's behaviours with the baseline <em>as it was</em> at the start of the hour:
 * rows first seen at or after that time do not count, so a rerun of the hour (after its merge)
 * finds the same new behaviour and makes the same alerts.
 */
public final class Baselines {
  private Baselines() {}

  /**
   * {@code last_seen} moves at most once a day: expiry stays exact to a day, while an hour of
   * routine behaviour rewrites no baseline file at all.
   */
  public static final String REFRESH = "INTERVAL 1 DAYS";

  /**
   * The stored row's {@code last_seen} as {@link #compare} found it (null: no stored row). The
   * MERGE uses it to read only the baseline files that can hold the rows it changes.
   */
  public static final String STORED_LAST_SEEN = "stored_last_seen";

  /** The stored row's {@code first_seen} as {@link #compare} found it (null: no stored row). */
  public static final String STORED_FIRST_SEEN = "stored_first_seen";

  /**
   * {@code rows} (behaviours or principals) joined with their stored row, adding {@code known}
   * (stored, first seen before {@code asOf} and not expired then: false is new) and
   * {@code needs_write} (the MERGE would change the stored row), {@link #STORED_FIRST_SEEN} and
   * {@link #STORED_LAST_SEEN}.
   * Only rows that need a write go to the MERGE: Delta rewrites every file a MERGE matches, needed
   * or not.
   */
  public static Dataset<Row> compare(Dataset<Row> rows, Dataset<Row> stored, String[] key, Instant asOf) {
    Timestamp t = Timestamp.from(asOf);
    List<Column> cols = new ArrayList<>();
    for (String k : key) {
      cols.add(col(k));
    }
    boolean behaviours = rows.columns().length > 0 && List.of(rows.columns()).contains("first_ok_time");
    Column expires = behaviours ? col("s_expires_at") : lit(null).cast("timestamp");
    cols.add(col("first_seen").as("s_first_seen"));
    cols.add(col("last_seen").as("s_last_seen"));
    cols.add(behaviours ? col("expires_at").as("s_expires_at") : lit(null).cast("timestamp").as("s_expires_at"));
    Column first = col(behaviours ? "first_ok_time" : "first_time");
    Column last = col(behaviours ? "last_ok_time" : "last_time");
    Column stale = col("s_first_seen").isNull()
        .or(expires.isNotNull().and(expires.leq(first)))
        .or(last.geq(expr("s_last_seen + " + REFRESH)))
        .or(first.lt(col("s_first_seen")));
    Column writable = behaviours ? col("events").gt(col("failed_events")) : lit(true);
    // Only the stored rows of this hour's keys take part: the (small) keys are broadcast and filter
    // the stored rows as they are scanned, so the baseline is never shuffled, whatever its size.
    List<Column> keyCols = new ArrayList<>();
    for (String k : key) {
      keyCols.add(col(k));
    }
    Dataset<Row> hit = stored.select(cols.toArray(new Column[0]))
        .join(broadcast(rows.select(keyCols.toArray(new Column[0]))), scala(key), "left_semi");
    return rows.join(hit, scala(key), "left")
        .withColumn("known", col("s_first_seen").isNotNull().and(col("s_first_seen").lt(t))
            .and(expires.isNull().or(expires.gt(t))))
        .withColumn("needs_write", writable.and(stale))
        .withColumnRenamed("s_last_seen", STORED_LAST_SEEN)
        .withColumnRenamed("s_first_seen", STORED_FIRST_SEEN)
        .drop("s_expires_at");
  }

  /**
   * What the policy decides on, from an hour's compared behaviours ({@link #compare}, collected):
   * new behaviour, and every behaviour of identity types that alert on any activity; each with its
   * principal's first sighting before {@code asOf} from the compared principals (null: new).
   */
  public static List<Candidate> candidates(List<Row> compared, List<Row> comparedPrincipals, List<Row> behaviors,
      Instant asOf, List<String> anyActivityTypes) {
    // The context lists stay with the collected behaviours; the comparison carries only counts and times.
    Map<List<Object>, Row> context = new HashMap<>();
    for (Row b : behaviors) {
      context.put(behaviorKey(b), b);
    }
    Map<List<String>, Instant> principalFirstSeen = new HashMap<>();
    for (Row p : comparedPrincipals) {
      Timestamp first = p.getAs(STORED_FIRST_SEEN);
      if (first != null && first.toInstant().isBefore(asOf)) {
        principalFirstSeen.put(principalKey(p), first.toInstant());
      }
    }
    List<Candidate> out = new ArrayList<>();
    for (Row r : compared) {
      if (r.<Boolean>getAs("known") && !anyActivityTypes.contains(r.<String>getAs("identity_type"))) {
        continue;
      }
      Row c = context.get(behaviorKey(r));
      out.add(new Candidate(r.getAs("business_unit"), r.getAs("account_id"), r.getAs("principal"),
          r.getAs("identity_type"), r.getAs("event_source"), r.getAs("event_name"), r.<Long>getAs("events"),
          r.<Long>getAs("failed_events"), r.<Timestamp>getAs("first_time").toInstant(),
          r.<Timestamp>getAs("last_time").toInstant(), r.<Boolean>getAs("read_only"), r.<Boolean>getAs("known"),
          principalFirstSeen.get(principalKey(r)), c.getList(c.fieldIndex("source_ips")),
          c.getList(c.fieldIndex("user_agents")), c.getList(c.fieldIndex("regions")),
          c.getList(c.fieldIndex("event_ids"))));
    }
    return out;
  }

  private static List<Object> behaviorKey(Row r) {
    List<Object> k = new ArrayList<>(Behaviors.KEY.length);
    for (String c : Behaviors.KEY) {
      k.add(r.getAs(c));
    }
    return k;
  }

  private static List<String> principalKey(Row r) {
    return List.of(r.<String>getAs("business_unit"), r.<String>getAs("account_id"), r.<String>getAs("principal"));
  }

  static scala.collection.Seq<String> scala(String[] cols) {
    return scala.collection.JavaConverters.asScalaBuffer(List.of(cols)).toSeq();
  }
}
