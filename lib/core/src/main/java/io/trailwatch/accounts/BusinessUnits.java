package io.trailwatch.accounts;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Business unit names. They end up in Delta partition paths and SQL predicates, so they are kept
 * plain: 1-64 characters, letters, digits, {@code _ . -}, starting with a letter or digit.
 */
public final class BusinessUnits {
  /** What a business unit name must match, wherever it comes from. */
  public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  /** Runs of characters a name cannot hold. */
  private static final Pattern OTHER = Pattern.compile("[^a-z0-9_.-]+");

  private BusinessUnits() {}

  public static boolean isValid(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  /**
   * The business unit name for a free-text label (an OU name, a tag value): lower case, every
   * run of other characters (spaces, {@code /}, {@code &}, accents...) becomes one {@code -},
   * leading and trailing {@code - _ .} are dropped, then cut to 64 characters. So
   * {@code "Shared Services"} is {@code shared-services} and {@code "R&D / EU"} is {@code r-d-eu}.
   * Empty when nothing usable is left (a label of only punctuation or non-Latin letters).
   */
  public static Optional<String> normalise(String label) {
    if (label == null) {
      return Optional.empty();
    }
    String s = OTHER.matcher(label.strip().toLowerCase(Locale.ROOT)).replaceAll("-");
    s = trim(s);
    if (s.length() > 64) {
      s = trim(s.substring(0, 64));
    }
    return isValid(s) ? Optional.of(s) : Optional.empty();
  }

  private static String trim(String s) {
    int from = 0;
    int to = s.length();
    while (from < to && "-_.".indexOf(s.charAt(from)) >= 0) {
      from++;
    }
    while (to > from && "-_.".indexOf(s.charAt(to - 1)) >= 0) {
      to--;
    }
    return s.substring(from, to);
  }
}
