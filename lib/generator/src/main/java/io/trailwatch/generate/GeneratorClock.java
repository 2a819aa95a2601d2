package io.trailwatch.generate;

import java.time.LocalDateTime;
import java.time.ZoneOffset;

/** Small UTC formatting helpers (no DateTimeFormatter on hot paths). */
final class GeneratorClock {
  private GeneratorClock() {}

  static LocalDateTime utc(long epochSecond) {
    return LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC);
  }

  /** "YYYY-MM-DDTHH:MM:SSZ", the CloudTrail eventTime format. */
  static String iso(long epochSecond) {
    LocalDateTime t = utc(epochSecond);
    StringBuilder sb = new StringBuilder(20);
    pad(sb, t.getYear(), 4).append('-');
    pad(sb, t.getMonthValue(), 2).append('-');
    pad(sb, t.getDayOfMonth(), 2).append('T');
    pad(sb, t.getHour(), 2).append(':');
    pad(sb, t.getMinute(), 2).append(':');
    pad(sb, t.getSecond(), 2).append('Z');
    return sb.toString();
  }

  /** "YYYY/MM/DD", the day folders of the S3 layout. */
  static String dayPath(LocalDateTime t) {
    StringBuilder sb = new StringBuilder(10);
    pad(sb, t.getYear(), 4).append('/');
    pad(sb, t.getMonthValue(), 2).append('/');
    return pad(sb, t.getDayOfMonth(), 2).toString();
  }

  /** "YYYYMMDDTHHmmZ" (log files) or "YYYYMMDDTHHmmssZ" (digest files). */
  static String stamp(LocalDateTime t, boolean seconds) {
    StringBuilder sb = new StringBuilder(16);
    pad(sb, t.getYear(), 4);
    pad(sb, t.getMonthValue(), 2);
    pad(sb, t.getDayOfMonth(), 2).append('T');
    pad(sb, t.getHour(), 2);
    pad(sb, t.getMinute(), 2);
    if (seconds) {
      pad(sb, t.getSecond(), 2);
    }
    return sb.append('Z').toString();
  }

  static StringBuilder pad(StringBuilder sb, int v, int width) {
    String s = Integer.toString(v);
    for (int i = s.length(); i < width; i++) {
      sb.append('0');
    }
    return sb.append(s);
  }
}
