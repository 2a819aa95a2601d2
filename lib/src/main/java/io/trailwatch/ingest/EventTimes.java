package io.trailwatch.ingest;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;

/** Parses {@code eventTime}. CloudTrail writes {@code 2026-11-20T14:03:12Z}; exports and SIEMs write other forms. */
public final class EventTimes {
  /** Returned when the text is not a time we understand. */
  public static final long INVALID = Long.MIN_VALUE;

  private static final DateTimeFormatter SPACED = new DateTimeFormatterBuilder()
      .appendPattern("yyyy-MM-dd HH:mm:ss")
      .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
      .toFormatter();

  private EventTimes() {}

  /** Epoch microseconds, or {@link #INVALID}. */
  public static long parseMicros(String s) {
    if (s.length() == 20 && s.charAt(4) == '-' && s.charAt(7) == '-' && s.charAt(10) == 'T' && s.charAt(13) == ':'
        && s.charAt(16) == ':' && s.charAt(19) == 'Z') {
      long fast = fastPath(s);
      if (fast != INVALID) {
        return fast;
      }
    }
    try {
      Instant i = s.indexOf('T') > 0 ? OffsetDateTime.parse(s).toInstant()
          : LocalDateTime.parse(s, SPACED).toInstant(ZoneOffset.UTC);
      return i.getEpochSecond() * 1_000_000L + i.getNano() / 1_000;
    } catch (DateTimeParseException | ArithmeticException e) {
      return INVALID;
    }
  }

  private static long fastPath(String s) {
    int y = digits(s, 0, 4);
    int mo = digits(s, 5, 2);
    int d = digits(s, 8, 2);
    int h = digits(s, 11, 2);
    int mi = digits(s, 14, 2);
    int se = digits(s, 17, 2);
    if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 60) {
      return INVALID;
    }
    if (d > java.time.YearMonth.of(y, mo).lengthOfMonth()) {
      return INVALID;
    }
    long days = java.time.LocalDate.of(y, mo, d).toEpochDay();
    return ((days * 24 + h) * 3600 + mi * 60L + se) * 1_000_000L;
  }

  private static int digits(String s, int from, int n) {
    int v = 0;
    for (int i = from; i < from + n; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }
}
