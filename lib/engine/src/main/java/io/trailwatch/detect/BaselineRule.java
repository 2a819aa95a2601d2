package io.trailwatch.detect;

import static org.apache.spark.sql.functions.expr;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Column;

/**
 * The one rule of the baseline and principals tables, in the three forms it runs in: Java (an
 * hour's comparison on the driver, a backtest's memory), Spark columns (a baseline build's
 * comparison) and the MERGE's SQL. A stored row is written only when:
 * <ul>
 *   <li>there is none: it is inserted with the sighting's first and last time;
 *   <li>it expired at or before the sighting's first time: it restarts from the sighting
 *       (principals never expire);
 *   <li>the sighting moves {@code last_seen} by {@link #REFRESH_PERIOD} or more, or is earlier
 *       than {@code first_seen}: first and last seen widen, expiry follows last seen.
 * </ul>
 * Any other sighting leaves the row as it is, so an hour of routine behaviour rewrites no file.
 * A sighting of behaviour whose every call failed is never written: a failed call is never
 * normal ({@link #writable}). A test checks the three forms against each other on random rows.
 */
public final class BaselineRule {
  /**
   * {@code last_seen} moves at most once a day: expiry stays exact to a day, while an hour of
   * routine behaviour rewrites no baseline file at all.
   */
  public static final Duration REFRESH_PERIOD = Duration.ofDays(1);
  /** {@link #REFRESH_PERIOD} in SQL. */
  public static final String REFRESH = "INTERVAL 1 DAYS";

  /** The sighting's first and last time in the MERGE's source rows, per table. */
  private final String firstColumn;
  private final String lastColumn;
  /** How long a behaviour is kept after it was last seen; null: rows never expire (principals). */
  private final Duration retention;

  private BaselineRule(String firstColumn, String lastColumn, Duration retention) {
    this.firstColumn = firstColumn;
    this.lastColumn = lastColumn;
    this.retention = retention;
  }

  /** The baseline's: behaviours expire {@code retentionDays} after they were last seen (succeeding). */
  public static BaselineRule behaviors(int retentionDays) {
    return new BaselineRule("first_ok_time", "last_ok_time", Duration.ofDays(retentionDays));
  }

  /** The principals': the same refresh, no expiry (the learning period counts from the first sighting). */
  public static BaselineRule principals() {
    return new BaselineRule("first_time", "last_time", null);
  }

  /** A stored row's times; {@code expiresAt} is null for principals. */
  public record Times(Instant firstSeen, Instant lastSeen, Instant expiresAt) {}

  /** A failed call is never normal: only behaviour with a call that succeeded enters the baseline. */
  public static boolean writable(long events, long failedEvents) {
    return events > failedEvents;
  }

  /** Stored, first seen before {@code asOf}, and not expired then: the behaviour is known to an hour of {@code asOf}. */
  public static boolean known(Instant storedFirstSeen, Instant storedExpiresAt, Instant asOf) {
    return storedFirstSeen != null && storedFirstSeen.isBefore(asOf)
        && (storedExpiresAt == null || storedExpiresAt.isAfter(asOf));
  }

  /** Whether a sighting from {@code first} to {@code last} changes the stored row (null: none). */
  public static boolean changes(Times stored, Instant first, Instant last) {
    return stored == null || restarts(stored, first) || refreshes(stored, first, last);
  }

  private static boolean restarts(Times stored, Instant first) {
    return stored.expiresAt() != null && !stored.expiresAt().isAfter(first);
  }

  private static boolean refreshes(Times stored, Instant first, Instant last) {
    return !last.isBefore(stored.lastSeen().plus(REFRESH_PERIOD)) || first.isBefore(stored.firstSeen());
  }

  /** The row a sighting leaves (the stored one when it {@linkplain #changes changes} nothing). */
  public Times merged(Times stored, Instant first, Instant last) {
    if (stored == null || restarts(stored, first)) {
      return new Times(first, last, expiry(last));
    }
    if (refreshes(stored, first, last)) {
      Instant l = last.isAfter(stored.lastSeen()) ? last : stored.lastSeen();
      Instant f = first.isBefore(stored.firstSeen()) ? first : stored.firstSeen();
      return new Times(f, l, expiry(l));
    }
    return stored;
  }

  private Instant expiry(Instant lastSeen) {
    return retention == null ? null : lastSeen.plus(retention);
  }

  // The MERGE: target t (the table), source s (the sightings).

  /** The MERGE's first WHEN MATCHED condition: the stored row expired before the sighting; null for principals. */
  public String restartCondition() {
    return retention == null ? null : "t.expires_at <= s." + firstColumn;
  }

  /** The MERGE's next WHEN MATCHED condition: last_seen moves by the refresh period, or first_seen moves back. */
  public String refreshCondition() {
    return "s." + lastColumn + " >= t.last_seen + " + REFRESH + " OR s." + firstColumn + " < t.first_seen";
  }

  /** The columns a restart sets (besides the key): the row as the sighting makes it. */
  public Map<String, String> restartSet() {
    Map<String, String> set = new LinkedHashMap<>();
    set.put("identity_type", "s.identity_type");
    set.put("first_seen", "s." + firstColumn);
    set.put("last_seen", "s." + lastColumn);
    putExpiry(set, "s." + lastColumn);
    return set;
  }

  /** The columns a refresh sets: first and last seen widened, expiry after the new last seen. */
  public Map<String, String> refreshSet() {
    Map<String, String> set = new LinkedHashMap<>();
    set.put("first_seen", "least(t.first_seen, s." + firstColumn + ")");
    set.put("last_seen", "greatest(t.last_seen, s." + lastColumn + ")");
    putExpiry(set, "greatest(t.last_seen, s." + lastColumn + ")");
    return set;
  }

  /** The times of an inserted row (the key and identity type come from the source as they are). */
  public Map<String, String> insertedTimes() {
    Map<String, String> set = new LinkedHashMap<>();
    set.put("first_seen", "s." + firstColumn);
    set.put("last_seen", "s." + lastColumn);
    putExpiry(set, "s." + lastColumn);
    return set;
  }

  private void putExpiry(Map<String, String> set, String lastSeen) {
    if (retention != null) {
      set.put("expires_at", lastSeen + " + INTERVAL " + retention.toDays() + " DAYS");
    }
  }

  /**
   * {@link #changes} as a Spark column over a sighting joined with its stored row (stored columns
   * null when there is none); {@code storedExpires} is null for principals.
   */
  public static Column changes(Column storedFirst, Column storedLast, Column storedExpires, Column first,
      Column last) {
    Column restart = storedExpires == null ? org.apache.spark.sql.functions.lit(false)
        : storedExpires.isNotNull().and(storedExpires.leq(first));
    return storedFirst.isNull()
        .or(restart)
        .or(last.geq(storedLast.plus(expr(REFRESH))))
        .or(first.lt(storedFirst));
  }
}
