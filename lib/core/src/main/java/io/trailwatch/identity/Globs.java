package io.trailwatch.identity;

/** Shell-style globs: {@code *} any run of characters, {@code ?} one character, nothing else special. */
public final class Globs {
  private Globs() {}

  public static boolean matches(String glob, String text) {
    if (text == null) {
      return "*".equals(glob);
    }
    return match(glob, 0, text, 0);
  }

  private static boolean match(String g, int gi, String t, int ti) {
    // Iterative with one backtrack point: linear for the patterns people write.
    int starG = -1;
    int starT = -1;
    while (ti < t.length()) {
      if (gi < g.length() && (g.charAt(gi) == '?' || g.charAt(gi) == t.charAt(ti))) {
        gi++;
        ti++;
      } else if (gi < g.length() && g.charAt(gi) == '*') {
        starG = gi++;
        starT = ti;
      } else if (starG >= 0) {
        gi = starG + 1;
        ti = ++starT;
      } else {
        return false;
      }
    }
    while (gi < g.length() && g.charAt(gi) == '*') {
      gi++;
    }
    return gi == g.length();
  }
}
