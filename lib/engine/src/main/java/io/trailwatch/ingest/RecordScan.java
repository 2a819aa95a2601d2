package io.trailwatch.ingest;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The fast path of {@link RecordParser}: one strict pass over a CloudTrail file that is whole in
 * memory, noting where each record's wanted fields are, or giving up.
 *
 * <p>Why our own scanner beside Jackson: detect runs its JVM with C1 only (docs/performance.md,
 * "JIT by size"), where Jackson's general tokenizer costs about as much CPU per event as the rest
 * of the read together; a record is mostly values detection never looks at (request parameters,
 * response elements, resources), which this pass steps over byte by byte.
 *
 * <p>It never decides anything about a bad file: it accepts only plain, valid JSON of the usual
 * CloudTrail shape and gives up on anything else (the file is then read by Jackson, as before, and
 * quarantined or not exactly as before). What it accepts, Jackson accepts with the same result:
 * <ul>
 *   <li>the whole text is checked as JSON (structure, strings, escapes, numbers, literals, UTF-8),
 *       more strictly than Jackson: no nesting deeper than {@link #MAX_DEPTH}, no string over
 *       {@link #MAX_STRING} bytes (a wanted value included), no name over {@link #MAX_NAME}, no
 *       number over {@link #MAX_NUMBER} characters, nothing but whitespace after the top-level
 *       object, no byte order mark;</li>
 *   <li>the wanted fields must be strings of printable ASCII without escapes, or null (readOnly:
 *       true, false or null; userIdentity and its nested objects: an object or null); member
 *       names at the top level, in a record and in its identity must be free of escapes;</li>
 *   <li>a Records array of objects, once, at the top level; at most {@link #MAX_RECORDS} records.</li>
 * </ul>
 * Duplicate fields keep the last value, as {@link RecordParser}'s Jackson path does.
 * {@code RecordScanTest} reads mangled files both ways and compares every output.
 */
final class RecordScan {
  static final int EVENT_TIME = 0;
  static final int EVENT_SOURCE = 1;
  static final int EVENT_NAME = 2;
  static final int EVENT_ID = 3;
  static final int AWS_REGION = 4;
  static final int SOURCE_IP = 5;
  static final int USER_AGENT = 6;
  static final int VPC_ENDPOINT_ID = 7;
  static final int ERROR_CODE = 8;
  static final int EVENT_TYPE = 9;
  static final int READ_ONLY = 10;
  static final int USER_IDENTITY = 11;
  static final int ID_TYPE = 12;
  static final int ID_PRINCIPAL_ID = 13;
  static final int ID_ARN = 14;
  static final int ID_ACCOUNT_ID = 15;
  static final int ID_USER_NAME = 16;
  static final int ID_INVOKED_BY = 17;
  static final int ID_ON_BEHALF_OF = 18;
  static final int ISSUER_ARN = 19;
  static final int ISSUER_TYPE = 20;
  static final int SLOTS = 21;

  static final int MAX_DEPTH = 64;
  static final int MAX_STRING = 1 << 20;
  /** Jackson's own limit on a member's name since 2.16 (50,000): kept below, whatever version Spark brings. */
  static final int MAX_NAME = 10_000;
  static final int MAX_NUMBER = 40;
  static final int MAX_RECORDS = 1 << 16;

  private static final Names RECORD_FIELDS = new Names("eventTime", "eventSource", "eventName", "eventID", "awsRegion",
      "sourceIPAddress", "userAgent", "vpcEndpointId", "errorCode", "eventType", "readOnly", "userIdentity");
  /** Pseudo-slots of {@link #wanted}: a nested wanted object. */
  private static final int SESSION_CONTEXT = -1;
  private static final int SESSION_ISSUER = -2;
  private static final int ON_BEHALF_OF = -3;
  private static final Names IDENTITY_FIELDS = new Names("type", "principalId", "arn", "accountId", "userName",
      "invokedBy", "sessionContext", "onBehalfOf");
  private static final int[] IDENTITY_SLOTS = {ID_TYPE, ID_PRINCIPAL_ID, ID_ARN, ID_ACCOUNT_ID, ID_USER_NAME,
      ID_INVOKED_BY, SESSION_CONTEXT, ON_BEHALF_OF};
  private static final Names SESSION_CONTEXT_FIELDS = new Names("sessionIssuer");
  private static final int[] SESSION_CONTEXT_SLOTS = {SESSION_ISSUER};
  private static final Names ISSUER_FIELDS = new Names("arn", "type");
  private static final int[] ISSUER_SLOTS = {ISSUER_ARN, ISSUER_TYPE};
  private static final Names ON_BEHALF_OF_FIELDS = new Names("userId");
  private static final int[] ON_BEHALF_OF_SLOTS = {ID_ON_BEHALF_OF};
  private static final Names TOP_FIELDS = new Names("Records");

  /** Bytes a string's content takes without a second look: printable ASCII but '"' and '\'. */
  private static final boolean[] PLAIN = new boolean[256];

  static {
    for (int c = 0x20; c < 0x7f; c++) {
      PLAIN[c] = c != '"' && c != '\\';
    }
  }

  /** Thrown to give up; one instance, no stack trace. */
  private static final RuntimeException GIVE_UP = new RuntimeException("not for the fast path", null, false, false) {
  };

  private byte[] b;
  private int n;
  private int i;
  /** Whether the last name {@link #key} passed had an escape in it. */
  private boolean keyEscaped;
  private int records;
  /** Per record, {@link #SLOTS} value offsets (-1: absent or null; for USER_IDENTITY: 1 once an object). */
  private int[] at = new int[SLOTS * 1024];
  private int[] len = new int[SLOTS * 1024];

  /**
   * Scans {@code bytes[0, length)}. True: the whole file is valid and of the usual shape, and
   * {@link #records()} and {@link #at}/{@link #length} describe it; false: read it with Jackson.
   */
  boolean scan(byte[] bytes, int length) {
    b = bytes;
    n = length;
    i = 0;
    records = 0;
    try {
      return file();
    } catch (RuntimeException e) {
      // GIVE_UP, or an index past the buffer's end on a file cut short: either way, Jackson decides.
      return false;
    } finally {
      b = null;
    }
  }

  int records() {
    return records;
  }

  /** Where record {@code r}'s {@code slot} starts in the scanned bytes, or -1. */
  int at(int r, int slot) {
    return at[r * SLOTS + slot];
  }

  int length(int r, int slot) {
    return len[r * SLOTS + slot];
  }

  private boolean file() {
    ws();
    expect('{');
    ws();
    if (peek() == '}') {
      return false;
    }
    boolean sawRecords = false;
    while (true) {
      int keyStart = i + 1;
      int keyLen = key();
      // By match(): a top-level name with an escape may spell Records too (Jackson reads every such array).
      if (match(keyStart, keyLen, TOP_FIELDS) == 0) {
        if (sawRecords || peek() != '[') {
          return false;
        }
        sawRecords = true;
        recordsArray();
      } else {
        skipValue(1);
      }
      if (!nextMember('}')) {
        break;
      }
    }
    ws();
    return sawRecords && i == n;
  }

  private void recordsArray() {
    i++;
    if (closes(']')) {
      return;
    }
    while (true) {
      if (peek() != '{') {
        throw GIVE_UP;
      }
      record();
      if (!nextMember(']')) {
        return;
      }
    }
  }

  /** One record object, its opening brace at {@link #i}. */
  private void record() {
    if (records == MAX_RECORDS) {
      throw GIVE_UP;
    }
    int base = records * SLOTS;
    if (base + SLOTS > at.length) {
      at = Arrays.copyOf(at, at.length * 2);
      len = Arrays.copyOf(len, len.length * 2);
    }
    Arrays.fill(at, base, base + SLOTS, -1);
    records++;
    i++;
    if (closes('}')) {
      return;
    }
    while (true) {
      int keyStart = i + 1;
      int keyLen = key();
      int field = match(keyStart, keyLen, RECORD_FIELDS);
      if (field < 0) {
        skipValue(3);
      } else if (field == READ_ONLY) {
        literalOrNull(base + READ_ONLY);
      } else if (field == USER_IDENTITY) {
        if (object()) {
          at[base + USER_IDENTITY] = 1;
          wanted(base, IDENTITY_FIELDS, IDENTITY_SLOTS, 4);
        }
      } else {
        text(base + field);
      }
      if (!nextMember('}')) {
        return;
      }
    }
  }

  /**
   * The members of a wanted object inside a record (userIdentity and the objects in it), its brace
   * passed: a name of {@code names} fills the slot at the same place in {@code slots}, or, for the
   * negative slots, is the nested wanted object they name; any other member is skipped.
   */
  private void wanted(int base, Names names, int[] slots, int depth) {
    if (closes('}')) {
      return;
    }
    while (true) {
      int keyStart = i + 1;
      int keyLen = key();
      int field = match(keyStart, keyLen, names);
      if (field < 0) {
        skipValue(depth);
      } else if (slots[field] >= 0) {
        text(base + slots[field]);
      } else if (object()) {
        switch (slots[field]) {
          case SESSION_CONTEXT -> wanted(base, SESSION_CONTEXT_FIELDS, SESSION_CONTEXT_SLOTS, depth + 1);
          case SESSION_ISSUER -> wanted(base, ISSUER_FIELDS, ISSUER_SLOTS, depth + 1);
          default -> wanted(base, ON_BEHALF_OF_FIELDS, ON_BEHALF_OF_SLOTS, depth + 1);
        }
      }
      if (!nextMember('}')) {
        return;
      }
    }
  }

  /**
   * At a wanted object's value: true and past its brace for an object, false past a null; gives up
   * on anything else (Jackson notes a bad type).
   */
  private boolean object() {
    byte c = peek();
    if (c == '{') {
      i++;
      return true;
    }
    literal("null");
    return false;
  }

  /** Just past an object's or array's opening bracket: true (and past {@code close}) when it is empty. */
  private boolean closes(char close) {
    ws();
    if (peek() == close) {
      i++;
      return true;
    }
    return false;
  }

  /**
   * A member's name and the colon after it, {@link #i} at its opening quote; returns the name's
   * length in bytes (it starts one past the quote). A name with an escape in it may spell a wanted
   * field: {@link #match} gives up on those.
   */
  private int key() {
    if (peek() != '"') {
      throw GIVE_UP;
    }
    int start = i + 1;
    keyEscaped = false;
    skipString();
    int length = i - 1 - start;
    if (length > MAX_NAME) {
      throw GIVE_UP;
    }
    ws();
    expect(':');
    ws();
    return length;
  }

  /** After a member's value: true past a comma (at the next name), false past {@code close}. */
  private boolean nextMember(char close) {
    ws();
    byte c = peek();
    i++;
    if (c == ',') {
      ws();
      return true;
    }
    if (c != close) {
      throw GIVE_UP;
    }
    return false;
  }

  /** A wanted text field: a plain string (its offsets noted) or null (noted as none). */
  private void text(int slot) {
    if (peek() != '"') {
      literal("null");
      at[slot] = -1;
      return;
    }
    byte[] buf = b;
    int start = i + 1;
    int j = start;
    while (PLAIN[buf[j] & 0xff]) {
      j++;
    }
    if (buf[j] != '"' || j >= n || j - start > MAX_STRING) {
      throw GIVE_UP;
    }
    at[slot] = start;
    len[slot] = j - start;
    i = j + 1;
  }

  /** readOnly: true or false (its offset noted: 't' or 'f') or null. */
  private void literalOrNull(int slot) {
    byte c = peek();
    if (c == 't') {
      at[slot] = i;
      literal("true");
    } else if (c == 'f') {
      at[slot] = i;
      literal("false");
    } else {
      literal("null");
      at[slot] = -1;
    }
  }

  private void skipValue(int depth) {
    if (depth > MAX_DEPTH) {
      throw GIVE_UP;
    }
    byte c = peek();
    switch (c) {
      case '"' -> skipString();
      case '{' -> skipObject(depth + 1);
      case '[' -> skipArray(depth + 1);
      case 't' -> literal("true");
      case 'f' -> literal("false");
      case 'n' -> literal("null");
      default -> skipNumber();
    }
  }

  private void skipObject(int depth) {
    i++;
    if (closes('}')) {
      return;
    }
    while (true) {
      key();
      skipValue(depth);
      if (!nextMember('}')) {
        return;
      }
    }
  }

  private void skipArray(int depth) {
    i++;
    if (closes(']')) {
      return;
    }
    while (true) {
      skipValue(depth);
      if (!nextMember(']')) {
        return;
      }
    }
  }

  /** A string, {@link #i} at its opening quote; leaves {@link #i} past the closing one. */
  private void skipString() {
    byte[] buf = b;
    boolean[] plain = PLAIN;
    int start = ++i;
    while (true) {
      // Locals, not fields, in the loop that sees most bytes: C1 keeps them in registers.
      int j = i;
      while (plain[buf[j] & 0xff]) {
        j++;
      }
      i = j;
      if (j >= n || j - start > MAX_STRING) {
        throw GIVE_UP;
      }
      int c = buf[j] & 0xff;
      if (c == '"') {
        i = j + 1;
        return;
      }
      if (c == '\\') {
        escape();
      } else if (c >= 0x80) {
        utf8(c);
      } else {
        throw GIVE_UP; // a control character
      }
    }
  }

  private void escape() {
    keyEscaped = true;
    byte c = at(i + 1);
    switch (c) {
      case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> i += 2;
      case 'u' -> {
        for (int k = i + 2; k < i + 6; k++) {
          byte h = at(k);
          if (!(h >= '0' && h <= '9' || h >= 'a' && h <= 'f' || h >= 'A' && h <= 'F')) {
            throw GIVE_UP;
          }
        }
        i += 6;
      }
      default -> throw GIVE_UP;
    }
  }

  /** One UTF-8 sequence of two to four bytes, checked as RFC 3629 has it; {@code c} its first byte. */
  private void utf8(int c) {
    int more;
    int lo = 0x80;
    int hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
      more = 1;
    } else if (c >= 0xe0 && c <= 0xef) {
      more = 2;
      lo = c == 0xe0 ? 0xa0 : 0x80;
      hi = c == 0xed ? 0x9f : 0xbf;
    } else if (c >= 0xf0 && c <= 0xf4) {
      more = 3;
      lo = c == 0xf0 ? 0x90 : 0x80;
      hi = c == 0xf4 ? 0x8f : 0xbf;
    } else {
      throw GIVE_UP;
    }
    int second = at(i + 1) & 0xff;
    if (second < lo || second > hi) {
      throw GIVE_UP;
    }
    for (int k = i + 2; k <= i + more; k++) {
      int x = at(k) & 0xff;
      if (x < 0x80 || x > 0xbf) {
        throw GIVE_UP;
      }
    }
    i += more + 1;
  }

  /** A JSON number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
  private void skipNumber() {
    int start = i;
    if (peek() == '-') {
      i++;
    }
    if (peek() == '0') {
      i++;
    } else {
      digits();
    }
    if (i < n && b[i] == '.') {
      i++;
      digits();
    }
    if (i < n && (b[i] == 'e' || b[i] == 'E')) {
      i++;
      if (peek() == '+' || peek() == '-') {
        i++;
      }
      digits();
    }
    if (i - start > MAX_NUMBER) {
      throw GIVE_UP;
    }
  }

  /** One or more digits. */
  private void digits() {
    byte c = peek();
    if (c < '0' || c > '9') {
      throw GIVE_UP;
    }
    do {
      i++;
    } while (i < n && b[i] >= '0' && b[i] <= '9');
  }

  private void literal(String word) {
    for (int k = 0; k < word.length(); k++) {
      if (at(i + k) != word.charAt(k)) {
        throw GIVE_UP;
      }
    }
    i += word.length();
  }

  /** Past any whitespace; small enough for C1 to inline where there is none, as in most CloudTrail files. */
  private void ws() {
    if (i >= n || b[i] <= ' ') {
      skipWhitespace();
    }
  }

  private void skipWhitespace() {
    byte[] buf = b;
    int j = i;
    while (j < n) {
      byte c = buf[j];
      if (c > ' ' || c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        break;
      }
      j++;
    }
    i = j;
  }

  private void expect(char c) {
    if (peek() != c) {
      throw GIVE_UP;
    }
    i++;
  }

  /** The byte at {@link #i}; gives up at the end of the text. */
  private byte peek() {
    return at(i);
  }

  private byte at(int k) {
    if (k >= n) {
      throw GIVE_UP;
    }
    return b[k];
  }

  /**
   * Which of {@code names} the name {@link #key} just passed, at {@code [start, start + length)}, is,
   * or -1; gives up on a name with an escape (it may spell one of them).
   */
  private int match(int start, int length, Names names) {
    if (keyEscaped) {
      throw GIVE_UP;
    }
    if (length >= names.byLength.length) {
      return -1;
    }
    int[] candidates = names.byLength[length];
    if (candidates == null) {
      return -1;
    }
    byte first = b[start];
    for (int k : candidates) {
      byte[] name = names.names[k];
      if (name[0] == first && same(start, length, name)) {
        return k;
      }
    }
    return -1;
  }

  private boolean same(int start, int length, byte[] name) {
    if (length != name.length) {
      return false;
    }
    byte[] buf = b;
    for (int k = 0; k < length; k++) {
      if (buf[start + k] != name[k]) {
        return false;
      }
    }
    return true;
  }

  /** Member names a scan looks for, and which of them have each length (most names have none of them). */
  private static final class Names {
    final byte[][] names;
    final int[][] byLength;

    Names(String... names) {
      this.names = new byte[names.length][];
      int longest = 0;
      for (int k = 0; k < names.length; k++) {
        this.names[k] = bytes(names[k]);
        longest = Math.max(longest, this.names[k].length);
      }
      byLength = new int[longest + 1][];
      for (int k = 0; k < names.length; k++) {
        int[] was = byLength[this.names[k].length];
        int[] now = was == null ? new int[1] : Arrays.copyOf(was, was.length + 1);
        now[now.length - 1] = k;
        byLength[this.names[k].length] = now;
      }
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
