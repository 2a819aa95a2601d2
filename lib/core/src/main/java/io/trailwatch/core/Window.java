package io.trailwatch.core;

import java.io.Serializable;
import java.time.Instant;

/** A half-open time range [from, to) of event times. */
public record Window(Instant from, Instant to) implements Serializable {
  public Window {
    if (from == null || to == null || !from.isBefore(to)) {
      throw new IllegalArgumentException("window must have from < to: " + from + " .. " + to);
    }
  }

  public static Window of(Hour hour) {
    return new Window(hour.start(), hour.end());
  }

  public boolean containsMicros(long epochMicros) {
    return epochMicros >= from.getEpochSecond() * 1_000_000L && epochMicros < to.getEpochSecond() * 1_000_000L;
  }
}
