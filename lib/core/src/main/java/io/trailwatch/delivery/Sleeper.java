package io.trailwatch.delivery;

import java.time.Duration;

/** Waits between attempts; tests pass one that records the waits (and advances a clock) instead of sleeping. */
@FunctionalInterface
public interface Sleeper {
  Sleeper SYSTEM = d -> Thread.sleep(d.toMillis());

  void sleep(Duration d) throws InterruptedException;
}
