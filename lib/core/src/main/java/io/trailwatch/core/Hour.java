package io.trailwatch.core;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.regex.Pattern;

/** One UTC hour [start, start + 1h), the unit of an hourly detection run. */
public record Hour(Instant start) implements Comparable<Hour> {
  private static final Pattern FORMAT = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}");
  private static final DateTimeFormatter PRINT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH").withZone(ZoneOffset.UTC);

  public Hour {
    if (start == null || !start.truncatedTo(ChronoUnit.HOURS).equals(start)) {
      throw new IllegalArgumentException("hour must start on a whole UTC hour: " + start);
    }
  }

  /** Parses {@code YYYY-MM-DDTHH} (UTC); any other form is a user error naming the option. */
  public static Hour parse(String option, String text) {
    if (text == null || !FORMAT.matcher(text).matches()) {
      throw TrailwatchException.of(ErrorCode.BAD_HOUR, "Cannot parse %s '%s': expected YYYY-MM-DDTHH in UTC, e.g. 2026-11-20T14",
          option, text);
    }
    try {
      LocalDateTime t = LocalDateTime.parse(text + ":00:00");
      return new Hour(t.toInstant(ZoneOffset.UTC));
    } catch (DateTimeParseException e) {
      throw TrailwatchException.of(ErrorCode.BAD_HOUR, "Cannot parse %s '%s': not a valid date and hour", option, text);
    }
  }

  /**
   * Parses {@code YYYY-MM-DD} (its first hour) or {@code YYYY-MM-DDTHH} (UTC), as {@code --since},
   * a backtest's {@code --from} and {@code --to} take them; any other form is a user error naming the option.
   */
  public static Hour parseDayOrHour(String option, String text) {
    if (text == null || text.contains("T")) {
      return parse(option, text);
    }
    try {
      return new Hour(LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant());
    } catch (DateTimeParseException e) {
      throw TrailwatchException.of(ErrorCode.BAD_DATE, "Cannot parse %s '%s': expected YYYY-MM-DD or YYYY-MM-DDTHH",
          option, text);
    }
  }

  public static Hour containing(Instant t) {
    return new Hour(t.truncatedTo(ChronoUnit.HOURS));
  }

  public Instant end() {
    return start.plus(Duration.ofHours(1));
  }

  public Hour plusHours(long n) {
    return new Hour(start.plus(Duration.ofHours(n)));
  }

  public boolean contains(Instant t) {
    return !t.isBefore(start) && t.isBefore(end());
  }

  @Override
  public int compareTo(Hour o) {
    return start.compareTo(o.start);
  }

  @Override
  public String toString() {
    return PRINT.format(start);
  }
}
