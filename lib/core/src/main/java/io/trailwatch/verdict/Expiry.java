package io.trailwatch.verdict;

import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.TrailwatchException;
import java.time.Duration;
import java.time.Instant;

/**
 * How long an {@code expected} exception lasts, counted from the alert's hour: a number of days
 * ({@code 30d}), or {@code never} (which the listing flags).
 *
 * @param days null: never
 */
public record Expiry(Integer days) {
  public static final Expiry DEFAULT = new Expiry(30);
  public static final Expiry NEVER = new Expiry(null);

  /** {@code 30d} or {@code never}; anything else is the user's error {@link ErrorCode#BAD_VERDICT_EXPIRY}. */
  public static Expiry parse(String text) {
    if ("never".equals(text)) {
      return NEVER;
    }
    if (text != null && text.matches("[0-9]{1,4}d")) {
      int days = Integer.parseInt(text.substring(0, text.length() - 1));
      if (days > 0) {
        return new Expiry(days);
      }
    }
    throw TrailwatchException.of(ErrorCode.BAD_VERDICT_EXPIRY,
        "Cannot set --expires to '%s': a number of days from 1d to 9999d, or never", text);
  }

  /** When it ends for an alert of {@code hour}; null: never. */
  public Instant after(Instant hour) {
    return days == null ? null : hour.plus(Duration.ofDays(days));
  }
}
