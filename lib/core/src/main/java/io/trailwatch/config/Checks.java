package io.trailwatch.config;

import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.TrailwatchException;

/** Start-up checks on config values; messages name the key and the bad value. */
final class Checks {
  private Checks() {}

  static void atLeast(String key, long value, long min) {
    if (value < min) {
      throw TrailwatchException.of(ErrorCode.BAD_CONFIG_VALUE, "Cannot set %s to %d: must be >= %d", key, value, min);
    }
  }

  static void atMost(String key, long value, long max) {
    if (value > max) {
      throw TrailwatchException.of(ErrorCode.BAD_CONFIG_VALUE, "Cannot set %s to %d: must be <= %d", key, value, max);
    }
  }

  static void notBlank(String key, String value) {
    if (value == null || value.isBlank()) {
      throw TrailwatchException.of(ErrorCode.BAD_CONFIG_VALUE, "Cannot set %s to an empty value", key);
    }
  }

  static TrailwatchException bad(String key, Object value, String why) {
    return TrailwatchException.of(ErrorCode.BAD_CONFIG_VALUE, "Cannot set %s to '%s': %s", key, value, why);
  }

  static int orDefault(Integer value, int dflt) {
    return value == null ? dflt : value;
  }
}
