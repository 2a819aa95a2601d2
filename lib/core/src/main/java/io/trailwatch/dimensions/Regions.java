package io.trailwatch.dimensions;

/** The {@code awsRegion} dimension: a well-formed region code, or a fixed word. */
public final class Regions {
  static final int MAX_LENGTH = 32;

  private Regions() {}

  /**
   * A code shaped like {@code [a-z]{2}(-[a-z]+)+-\d{1,2}} ({@code us-east-1}, {@code us-gov-west-1})
   * unchanged; null or blank: {@code "unknown"}; anything else: {@code "other"}.
   */
  public static String sanitiseRegion(String awsRegion) {
    if (awsRegion == null || awsRegion.isEmpty()) {
      return "unknown";
    }
    if (awsRegion.length() > MAX_LENGTH) {
      return "other";
    }
    if (awsRegion.isBlank()) {
      return "unknown";
    }
    return isRegionCode(awsRegion) ? awsRegion : "other";
  }

  private static boolean isRegionCode(String s) {
    int n = s.length();
    if (n < 6 || !lower(s.charAt(0)) || !lower(s.charAt(1)) || s.charAt(2) != '-') {
      return false;
    }
    // The code ends in -d or -dd; everything between is one or more -[a-z]+ groups.
    int digits = digit(s.charAt(n - 1)) ? (digit(s.charAt(n - 2)) ? 2 : 1) : 0;
    int dash = n - 1 - digits;
    if (digits == 0 || s.charAt(dash) != '-') {
      return false;
    }
    int letters = 0;
    for (int i = 3; i < dash; i++) {
      char c = s.charAt(i);
      if (lower(c)) {
        letters++;
      } else if (c == '-' && letters > 0) {
        letters = 0;
      } else {
        return false;
      }
    }
    return letters > 0;
  }

  private static boolean lower(char c) {
    return c >= 'a' && c <= 'z';
  }

  private static boolean digit(char c) {
    return c >= '0' && c <= '9';
  }
}
