package io.trailwatch.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.state.StateStore;
import io.trailwatch.state.Tables;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;

/**
 * Compares the baseline and principals tables of two states that learned the same events in
 * different steps: the same keys, identity types and first_seen exactly, and last_seen (with
 * expires_at) of one state ahead of the other's by less than some period.
 */
final class StateComparison {
  private static final List<String> BASELINE_KEY = List.of("business_unit", "account_id", "principal", "event_source",
      "event_name");
  private static final List<String> PRINCIPALS_KEY = List.of("business_unit", "account_id", "principal");

  private StateComparison() {}

  /**
   * Every row of {@code ahead} has a row of {@code behind} with the same key, identity type and
   * first_seen, and the other way round; {@code ahead}'s last_seen (and expires_at) is that of
   * {@code behind} or later, by less than {@code lag}.
   */
  static void assertSameButLastSeenLag(StateStore ahead, StateStore behind, Duration lag) {
    compare(ahead, behind, Tables.BASELINE, BASELINE_KEY, List.of("last_seen", "expires_at"), lag);
    compare(ahead, behind, Tables.PRINCIPALS, PRINCIPALS_KEY, List.of("last_seen"), lag);
  }

  private static void compare(StateStore ahead, StateStore behind, String table, List<String> key,
      List<String> lagging, Duration lag) {
    Map<String, Row> a = byKey(ahead, table, key);
    Map<String, Row> b = byKey(behind, table, key);
    assertEquals(a.keySet(), b.keySet(), table + ": the same keys");
    List<String> wrong = new ArrayList<>();
    for (Map.Entry<String, Row> e : a.entrySet()) {
      Row x = e.getValue();
      Row y = b.get(e.getKey());
      if (!x.<String>getAs("identity_type").equals(y.getAs("identity_type"))) {
        wrong.add(e.getKey() + " identity_type " + x.getAs("identity_type") + " vs " + y.getAs("identity_type"));
      }
      if (!x.getAs("first_seen").equals(y.getAs("first_seen"))) {
        wrong.add(e.getKey() + " first_seen " + x.getAs("first_seen") + " vs " + y.getAs("first_seen"));
      }
      for (String c : lagging) {
        Instant ax = x.<Timestamp>getAs(c).toInstant();
        Instant bx = y.<Timestamp>getAs(c).toInstant();
        Duration by = Duration.between(bx, ax);
        if (by.isNegative() || by.compareTo(lag) >= 0) {
          wrong.add(e.getKey() + " " + c + " " + ax + " vs " + bx);
        }
      }
    }
    assertTrue(wrong.isEmpty(), table + ": " + wrong.size() + " rows differ: "
        + wrong.subList(0, Math.min(20, wrong.size())));
  }

  private static Map<String, Row> byKey(StateStore state, String table, List<String> key) {
    Map<String, Row> out = new TreeMap<>();
    for (Row r : state.table(table).collectAsList()) {
      StringBuilder k = new StringBuilder();
      for (String c : key) {
        k.append(r.<String>getAs(c)).append(' ');
      }
      out.put(k.toString().trim(), r);
    }
    return out;
  }
}
