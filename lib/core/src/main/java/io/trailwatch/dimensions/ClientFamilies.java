package io.trailwatch.dimensions;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The user-agent family dimension: {@code aws-cli}, {@code Boto3}, {@code Terraform}... with
 * versions dropped, from a table of rules ({@code client-families.tsv}, format in its header).
 * Immutable and thread-safe; {@link #familyOf} reads at most {@link #MAX_CHARS} characters and
 * {@link #MAX_TOKENS} tokens, uses no regex and allocates nothing.
 */
public final class ClientFamilies {
  public static final String RESOURCE = "io/trailwatch/dimensions/client-families.tsv";
  public static final String UNKNOWN = "unknown";
  public static final String OTHER = "other";
  static final int MAX_CHARS = 1024;
  static final int MAX_TOKENS = 48;
  static final int MAX_HOST = 64;

  enum Kind {
    WHOLE("whole"), TOKEN("token"), CONTAINS("contains"), HOST_SUFFIX("host-suffix");

    final String word;

    Kind(String word) {
      this.word = word;
    }
  }

  private static final boolean[] SEPARATORS = new boolean[128];

  static {
    for (char c = 0; c <= ' '; c++) {
      SEPARATORS[c] = true;
    }
    for (char c : "\u007f()[],;".toCharArray()) {
      SEPARATORS[c] = true;
    }
  }

  private static final byte SEPARATOR = 1;
  private static final byte SLASH = 2;
  private static final byte CONTAINS_START = 4;

  record Rule(String family, Kind kind, String pattern) {}

  private final List<Rule> rules;
  private final String[] families;
  /** Indexes (in file order) of the whole-UA rules: whole and host-suffix. */
  private final int[] wholeRules;
  /** Indexes of the token rules, by the length of their pattern (a token's name must be that long). */
  private final int[][] tokenRulesByLength;
  private final int[] containsRules;
  private final String[] patterns;
  private final char[] firstLower;
  private final char[] firstUpper;
  /** For each ASCII character: {@link #SEPARATOR}, {@link #SLASH}, {@link #CONTAINS_START} bits. */
  private final byte[] charClasses = new byte[128];

  private ClientFamilies(List<Rule> rules) {
    this.rules = List.copyOf(rules);
    int n = rules.size();
    families = new String[n];
    patterns = new String[n];
    firstLower = new char[n];
    firstUpper = new char[n];
    for (char c = 0; c < 128; c++) {
      charClasses[c] = (byte) ((isSeparator(c) ? SEPARATOR : 0) | (c == '/' ? SLASH : 0));
    }
    List<Integer> whole = new ArrayList<>();
    List<Integer> contains = new ArrayList<>();
    List<List<Integer>> byLength = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Rule r = rules.get(i);
      families[i] = r.family();
      patterns[i] = r.pattern();
      firstLower[i] = Character.toLowerCase(r.pattern().charAt(0));
      firstUpper[i] = Character.toUpperCase(r.pattern().charAt(0));
      if (r.kind() == Kind.CONTAINS) {
        charClasses[firstLower[i]] |= CONTAINS_START;
        charClasses[firstUpper[i]] |= CONTAINS_START;
      }
      switch (r.kind()) {
        case WHOLE, HOST_SUFFIX -> whole.add(i);
        case CONTAINS -> contains.add(i);
        case TOKEN -> {
          int len = r.pattern().length();
          while (byLength.size() <= len) {
            byLength.add(new ArrayList<>());
          }
          byLength.get(len).add(i);
        }
      }
    }
    wholeRules = ints(whole);
    containsRules = ints(contains);
    tokenRulesByLength = new int[byLength.size()][];
    for (int len = 0; len < byLength.size(); len++) {
      tokenRulesByLength[len] = ints(byLength.get(len));
    }
  }

  private static int[] ints(List<Integer> list) {
    return list.stream().mapToInt(Integer::intValue).toArray();
  }

  private static volatile ClientFamilies shipped;

  /**
   * The table shipped in {@value #RESOURCE}, loaded once.
   *
   * @throws IllegalStateException if the resource is missing or has a bad line
   */
  public static ClientFamilies shipped() {
    ClientFamilies table = shipped;
    if (table == null) {
      synchronized (ClientFamilies.class) {
        table = shipped;
        if (table == null) {
          table = load();
          shipped = table;
        }
      }
    }
    return table;
  }

  private static ClientFamilies load() {
    try (InputStream in = ClientFamilies.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("Cannot find classpath resource " + RESOURCE);
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), RESOURCE);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read classpath resource " + RESOURCE, e);
    }
  }

  /**
   * Reads a table in the {@code client-families.tsv} format.
   *
   * @throws IllegalStateException naming the line of the first bad rule
   */
  public static ClientFamilies parse(String tsvText) {
    return parse(tsvText, "client families");
  }

  private static ClientFamilies parse(String tsvText, String source) {
    List<Rule> rules = new ArrayList<>();
    String text = tsvText.startsWith("\uFEFF") ? tsvText.substring(1) : tsvText;
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String where = source + " line " + (i + 1);
      String[] fields = line.split("\t", -1);
      if (fields.length != 3) {
        throw new IllegalStateException(where + ": expected family<TAB>kind<TAB>pattern, found "
            + fields.length + " field(s)");
      }
      String family = fields[0];
      String pattern = fields[2];
      if (family.isBlank() || !family.equals(family.strip())) {
        throw new IllegalStateException(where + ": family is blank or has surrounding spaces");
      }
      Kind kind = null;
      for (Kind k : Kind.values()) {
        if (k.word.equals(fields[1])) {
          kind = k;
        }
      }
      if (kind == null) {
        throw new IllegalStateException(where + ": unknown match kind '" + fields[1]
            + "' (whole, token, contains, host-suffix)");
      }
      if (pattern.isEmpty() || pattern.length() > 256) {
        throw new IllegalStateException(where + ": pattern must have 1 to 256 characters");
      }
      if (kind == Kind.WHOLE && !pattern.equals(pattern.strip())) {
        throw new IllegalStateException(where + ": a whole pattern cannot start or end with spaces");
      }
      if (kind != Kind.WHOLE && firstSeparator(pattern) >= 0) {
        throw new IllegalStateException(where + ": a " + kind.word + " pattern cannot contain a separator");
      }
      if (kind == Kind.CONTAINS && pattern.charAt(0) >= 128) {
        throw new IllegalStateException(where + ": a contains pattern starts with an ASCII character");
      }
      if (kind == Kind.TOKEN && pattern.indexOf('/') >= 0) {
        throw new IllegalStateException(where + ": a token pattern is a name, without '/'");
      }
      if (kind == Kind.HOST_SUFFIX && (pattern.charAt(0) != '.' || !isHostText(pattern, 0, pattern.length()))) {
        throw new IllegalStateException(where + ": a host-suffix pattern starts with '.' and has only [a-z0-9.-]");
      }
      rules.add(new Rule(family, kind, pattern));
    }
    return new ClientFamilies(rules);
  }

  /** The rules in file order. */
  List<Rule> rules() {
    return rules;
  }

  /**
   * The family of a {@code userAgent}: the family of the first rule in the table that matches;
   * {@code "unknown"} for null or blank; {@code "other"} when none matches. Only the first
   * {@value #MAX_CHARS} characters and {@value #MAX_TOKENS} tokens are read.
   */
  public String familyOf(String userAgent) {
    if (userAgent == null) {
      return UNKNOWN;
    }
    int end = Math.min(userAgent.length(), MAX_CHARS);
    int from = 0;
    while (from < end && isBlank(userAgent.charAt(from))) {
      from++;
    }
    if (from == end) {
      return UNKNOWN;
    }
    int to = end;
    while (isBlank(userAgent.charAt(to - 1))) {
      to--;
    }
    int best = Integer.MAX_VALUE;
    for (int r : wholeRules) {
      if (r < best && matchesWhole(r, userAgent, from, to)) {
        best = r;
        break;
      }
    }
    byte[] classes = charClasses;
    int tokens = 0;
    int i = from;
    while (i < to) {
      char c = userAgent.charAt(i);
      if (c < 128 && (classes[c] & SEPARATOR) != 0) {
        i++;
        continue;
      }
      if (tokens == MAX_TOKENS) {
        break;
      }
      tokens++;
      int start = i;
      int nameEnd = -1;
      while (true) {
        int k = c < 128 ? classes[c] : 0;
        if (k != 0) {
          if ((k & SEPARATOR) != 0) {
            break;
          }
          if ((k & SLASH) != 0 && nameEnd < 0) {
            nameEnd = i;
          }
          if ((k & CONTAINS_START) != 0) {
            // Patterns hold no separator, so a match starting inside this token ends inside it.
            best = matchContains(userAgent, i, to, best);
          }
        }
        if (++i == to) {
          break;
        }
        c = userAgent.charAt(i);
      }
      best = matchTokenName(userAgent, start, nameEnd < 0 ? i : nameEnd, best);
    }
    return best == Integer.MAX_VALUE ? OTHER : families[best];
  }

  private boolean matchesWhole(int r, String ua, int from, int to) {
    String p = patterns[r];
    if (rules.get(r).kind() == Kind.WHOLE) {
      return to - from == p.length() && ua.regionMatches(true, from, p, 0, p.length());
    }
    int head = to - from - p.length();
    return head >= 1 && head <= MAX_HOST && ua.regionMatches(true, to - p.length(), p, 0, p.length())
        && isHostText(ua, from, from + head);
  }

  /** The first token rule before {@code best} naming [start, nameEnd), else {@code best}. */
  private int matchTokenName(String ua, int start, int nameEnd, int best) {
    int nameLength = nameEnd - start;
    if (nameLength < tokenRulesByLength.length) {
      for (int r : tokenRulesByLength[nameLength]) {
        if (r >= best) {
          break;
        }
        if (ua.regionMatches(true, start, patterns[r], 0, nameLength)) {
          return r;
        }
      }
    }
    return best;
  }

  /** The first contains rule before {@code best} whose pattern starts at {@code at}, else {@code best}. */
  private int matchContains(String ua, int at, int to, int best) {
    char c = ua.charAt(at);
    for (int r : containsRules) {
      if (r >= best) {
        break;
      }
      String p = patterns[r];
      if ((c == firstLower[r] || c == firstUpper[r]) && at + p.length() <= to
          && ua.regionMatches(true, at + 1, p, 1, p.length() - 1)) {
        return r;
      }
    }
    return best;
  }

  /** Tokens are split on spaces, control characters, parentheses, brackets, commas and semicolons. */
  static boolean isSeparator(char c) {
    return c < 128 && SEPARATORS[c];
  }

  /** The characters {@link String#strip} would remove that are ASCII. */
  private static boolean isBlank(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0B;
  }

  private static int firstSeparator(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (isSeparator(s.charAt(i))) {
        return i;
      }
    }
    return -1;
  }

  private static boolean isHostText(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-')) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return "ClientFamilies[" + rules.size() + " rules]";
  }
}
