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
    if (s.length() == 20) {
      long fast = parseCloudTrail(s.toCharArray(), 0, 20);
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

  /**
   * CloudTrail's own form, {@code 2026-11-20T14:03:12Z}, straight from the parser's buffer (no
   * String per event); {@link #INVALID} for anything else, which {@link #parseMicros} then tries.
   */
  public static long parseCloudTrail(char[] c, int off, int len) {
    if (len != 20 || c[off + 4] != '-' || c[off + 7] != '-' || c[off + 10] != 'T' || c[off + 13] != ':'
        || c[off + 16] != ':' || c[off + 19] != 'Z') {
      return INVALID;
    }
    int y = digits(c, off, 4);
    int mo = digits(c, off + 5, 2);
    int d = digits(c, off + 8, 2);
    int h = digits(c, off + 11, 2);
    int mi = digits(c, off + 14, 2);
    int se = digits(c, off + 17, 2);
    if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 60) {
      return INVALID;
    }
    long days = epochDay(y, mo, d);
    if (days == INVALID) {
      return INVALID;
    }
    return ((days * 24 + h) * 3600 + mi * 60L + se) * 1_000_000L;
  }

  /** The last date converted, per thread: a log file's events share a day or two. */
  private static final ThreadLocal<long[]> LAST_DAY = ThreadLocal.withInitial(() -> new long[] {-1, 0});

  private static long epochDay(int y, int mo, int d) {
    long[] last = LAST_DAY.get();
    long ymd = (y * 100L + mo) * 100 + d;
    if (last[0] == ymd) {
      return last[1];
    }
    if (d > java.time.YearMonth.of(y, mo).lengthOfMonth()) {
      return INVALID;
    }
    last[0] = ymd;
    last[1] = java.time.LocalDate.of(y, mo, d).toEpochDay();
    return last[1];
  }

  private static int digits(char[] c, int from, int n) {
    int v = 0;
    for (int i = from; i < from + n; i++) {
      char ch = c[i];
      if (ch < '0' || ch > '9') {
        return -1;
      }
      v = v * 10 + (ch - '0');
    }
    return v;
  }
}
