package io.trailwatch.state;

import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;
import org.apache.spark.sql.SparkSession;

/**
 * Sessions of a SparkSession's context with a few settings of their own, made once each: a query
 * or a command that needs other settings than the run's runs on one of these, so that the run's
 * session (which other threads of the run use at the same time) is never changed.
 */
final class DerivedSessions {
  private static final Map<SparkSession, Map<Map<String, String>, SparkSession>> BY_BASE = new WeakHashMap<>();

  private DerivedSessions() {}

  /** The session of {@code base}'s context with {@code settings} set. */
  static SparkSession of(SparkSession base, Map<String, String> settings) {
    synchronized (BY_BASE) {
      return BY_BASE.computeIfAbsent(base, b -> new HashMap<>()).computeIfAbsent(settings, s -> {
        SparkSession derived = base.newSession();
        s.forEach(derived.conf()::set);
        return derived;
      });
    }
  }
}
