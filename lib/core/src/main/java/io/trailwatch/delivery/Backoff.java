package io.trailwatch.delivery;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter: before attempt {@code n + 1} wait a uniform time in
 * [0, min(cap, base * 2^(n-1))], for at most {@code maxAttempts} attempts in all.
 */
public final class Backoff {
  private final int maxAttempts;
  private final long baseMillis;
  private final long capMillis;
  private final Sleeper sleeper;

  public Backoff(int maxAttempts, Duration base, Duration cap, Sleeper sleeper) {
    if (maxAttempts < 1 || base.isNegative() || cap.compareTo(base) < 0) {
      throw new IllegalArgumentException("bad backoff: " + maxAttempts + " attempts, base " + base + ", cap " + cap);
    }
    this.maxAttempts = maxAttempts;
    this.baseMillis = base.toMillis();
    this.capMillis = cap.toMillis();
    this.sleeper = sleeper;
  }

  public int maxAttempts() {
    return maxAttempts;
  }

  /** The longest wait after failed attempt {@code attempt} (1-based). */
  public long ceilingMillis(int attempt) {
    return Math.min(capMillis, baseMillis << Math.min(attempt - 1, 30));
  }

  /** A wait after failed attempt {@code attempt}: uniform in [0, ceiling]. */
  public long delayMillis(int attempt) {
    return ThreadLocalRandom.current().nextLong(ceilingMillis(attempt) + 1);
  }

  /** True when another attempt is allowed after {@code attempt}. */
  public boolean allowsAnother(int attempt) {
    return attempt < maxAttempts;
  }

  /**
   * Waits before the attempt after {@code attempt}.
   *
   * @return false when interrupted (the thread's flag is set again): the caller stops retrying
   */
  public boolean pause(int attempt) {
    return sleep(Duration.ofMillis(delayMillis(attempt)));
  }

  /** Waits {@code d} with this backoff's sleeper; false when interrupted (flag set again). */
  public boolean sleep(Duration d) {
    try {
      sleeper.sleep(d);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
