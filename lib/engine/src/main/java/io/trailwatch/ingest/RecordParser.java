package io.trailwatch.ingest;

import io.trailwatch.core.QuarantineReason;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.trailwatch.core.Window;
import io.trailwatch.identity.Principals;
import io.trailwatch.identity.UserIdentity;
import io.trailwatch.core.Hashes;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.zip.ZipException;

/**
 * Streams one CloudTrail log file ({@code {"Records":[...]}}, gzip or plain) and emits, for each
 * record in the window, the few fields detection needs, already keyed by principal. Everything
 * else in a record is skipped without being built. Bad files and records go to the sink's
 * quarantine with a reason; nothing is dropped without being counted.
 */
public final class RecordParser {
  /** Receives parsed events and quarantine entries. */
  public interface Sink {
    /** {@code e} is reused for the next record: copy what must be kept. */
    void event(ParsedEvent e);

    void quarantine(QuarantineEntry entry);
  }

  /** What one file held. {@code records} counts every element of its Records array. */
  public record Counts(long records, long inWindow, long quarantinedRecords, boolean fileQuarantined) {}

  private static final JsonFactory JSON = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(200)
          .maxStringLength(5_000_000)
          .maxNumberLength(100)
          .build())
      .build();

  private final ParserSettings settings;
  private final Principals principals;
  private final StringCache strings;
  private final Gunzip gunzip;
  /** Principal keys by identity fields (canonical strings, so lookups are cheap); emptied when it grows. */
  private final Map<IdentityKey, Principals.Keyed> keys = new HashMap<>();

  /** The fast path for files whole in memory; null: Jackson reads every file. */
  private final RecordScan scan;
  /** Files read by the fast path so far (the rest by Jackson). */
  long scannedFiles;
  /** A scanned value's ASCII bytes as characters, for the string cache and the time parser. */
  private char[] chars = new char[512];

  public RecordParser(ParserSettings settings) {
    this(settings, true);
  }

  /** {@code scanWhole} false: Jackson reads every file (what {@code RecordScanTest} compares the fast path with). */
  RecordParser(ParserSettings settings, boolean scanWhole) {
    this.settings = settings;
    this.principals = new Principals(settings.humanRolePatterns());
    this.strings = new StringCache(1 << 13, settings.maxStringLength());
    this.gunzip = new Gunzip(settings.gunzip());
    this.scan = scanWhole ? new RecordScan() : null;
  }

  /** Everything {@link Principals#key} looks at. */
  private record IdentityKey(boolean hasIdentity, String type, String principalId, String arn, String accountId,
      String userName, String invokedBy, String issuerArn, String issuerType, String onBehalfOf, String eventType,
      String fileAccount) {
    @Override
    public int hashCode() {
      int h = Hashes.add(Hashes.start(), hasIdentity);
      h = Hashes.add(h, type);
      h = Hashes.add(h, principalId);
      h = Hashes.add(h, arn);
      h = Hashes.add(h, accountId);
      h = Hashes.add(h, userName);
      h = Hashes.add(h, invokedBy);
      h = Hashes.add(h, issuerArn);
      h = Hashes.add(h, issuerType);
      h = Hashes.add(h, onBehalfOf);
      h = Hashes.add(h, eventType);
      return Hashes.finish(Hashes.add(h, fileAccount));
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof IdentityKey k && hasIdentity == k.hasIdentity && Objects.equals(type, k.type)
          && Objects.equals(principalId, k.principalId) && Objects.equals(arn, k.arn)
          && Objects.equals(accountId, k.accountId) && Objects.equals(userName, k.userName)
          && Objects.equals(invokedBy, k.invokedBy) && Objects.equals(issuerArn, k.issuerArn)
          && Objects.equals(issuerType, k.issuerType) && Objects.equals(onBehalfOf, k.onBehalfOf)
          && Objects.equals(eventType, k.eventType) && Objects.equals(fileAccount, k.fileAccount);
    }
  }

  /** Parses {@code raw} (the file's bytes as stored); never throws for bad content. */
  public Counts parse(InputStream raw, LogFile file, Window window, Sink sink) {
    FileState st = new FileState(file, window, sink);
    try {
      Gunzip.Json json = gunzip.open(raw);
      if (json.whole() && scan != null && scan.scan(json.bytes, json.length)) {
        emitScanned(json.bytes, st);
      } else {
        try (JsonParser p = json.parser(JSON)) {
          readFile(p, st);
        }
      }
    } catch (ZipException | EOFException e) {
      st.quarantineFile(QuarantineReason.TRUNCATED_GZIP, "gzip stream ends early or is corrupt after " + st.records
          + " records: " + e.getMessage());
    } catch (StreamConstraintsException e) {
      st.quarantineFile(QuarantineReason.HOSTILE_JSON, "after " + st.records + " records: " + firstLine(e.getMessage()));
    } catch (JsonParseException e) {
      if (isTruncation(e)) {
        st.quarantineFile(QuarantineReason.TRUNCATED_GZIP, "content ends early after " + st.records + " records");
      } else {
        st.quarantineFile(st.records == 0 && !st.sawRecords ? QuarantineReason.NOT_JSON : QuarantineReason.MALFORMED_JSON,
            "after " + st.records + " records: " + firstLine(e.getOriginalMessage()));
      }
    } catch (NotCloudTrail e) {
      st.quarantineFile(QuarantineReason.NOT_CLOUDTRAIL, e.getMessage());
    } catch (IOException e) {
      st.quarantineFile(QuarantineReason.READ_ERROR, "after " + st.records + " records: " + firstLine(e.getMessage()));
    }
    if (st.suppressed > 0) {
      sink.quarantine(new QuarantineEntry(file.uri(), QuarantineEntry.WHOLE_FILE, null, QuarantineReason.MORE_BAD_RECORDS,
          st.suppressed + " more bad records in this file were counted but not listed", file.businessUnit(),
          file.accountId()));
    }
    return new Counts(st.records, st.inWindow, st.quarantinedRecords, st.fileQuarantined);
  }

  private void readFile(JsonParser p, FileState st) throws IOException {
    JsonToken t = p.nextToken();
    if (t == null) {
      throw new NotCloudTrail("empty file");
    }
    if (t != JsonToken.START_OBJECT) {
      throw new NotCloudTrail("top level is " + t + ", expected an object with a Records array");
    }
    String field;
    while ((field = p.nextFieldName()) != null) {
      JsonToken v = p.nextToken();
      if ("Records".equals(field)) {
        if (v != JsonToken.START_ARRAY) {
          throw new NotCloudTrail("Records is " + v + ", expected an array");
        }
        st.sawRecords = true;
        readRecords(p, st);
      } else {
        p.skipChildren();
      }
    }
    if (!st.sawRecords) {
      throw new NotCloudTrail("no Records array");
    }
  }

  /** The records {@link #scan} found, each as {@link #readRecord} would have read it. */
  private void emitScanned(byte[] b, FileState st) {
    scannedFiles++;
    st.sawRecords = true;
    Rec r = new Rec();
    int max = settings.maxStringLength();
    for (int k = 0; k < scan.records(); k++) {
      r.reset();
      int at = scan.at(k, RecordScan.EVENT_TIME);
      if (at >= 0) {
        int n = scan.length(k, RecordScan.EVENT_TIME);
        char[] c = chars(b, at, n);
        r.eventMicros = EventTimes.parseCloudTrail(c, 0, n);
        r.eventTime = r.eventMicros != EventTimes.INVALID ? null : clean(c, 0, n, max);
      }
      r.eventSource = cached(b, k, RecordScan.EVENT_SOURCE);
      r.eventName = cached(b, k, RecordScan.EVENT_NAME);
      at = scan.at(k, RecordScan.EVENT_ID);
      if (at >= 0) {
        int n = scan.length(k, RecordScan.EVENT_ID);
        r.eventId = clean(chars(b, at, n), 0, n, max);
      }
      r.awsRegion = cached(b, k, RecordScan.AWS_REGION);
      r.sourceIp = cached(b, k, RecordScan.SOURCE_IP);
      r.userAgent = cached(b, k, RecordScan.USER_AGENT);
      r.vpcEndpointId = cached(b, k, RecordScan.VPC_ENDPOINT_ID);
      r.errorCode = cached(b, k, RecordScan.ERROR_CODE);
      r.eventType = cached(b, k, RecordScan.EVENT_TYPE);
      at = scan.at(k, RecordScan.READ_ONLY);
      r.readOnly = at < 0 ? null : Boolean.valueOf(b[at] == 't');
      r.hasIdentity = scan.at(k, RecordScan.USER_IDENTITY) >= 0;
      r.idType = cached(b, k, RecordScan.ID_TYPE);
      r.idPrincipalId = cached(b, k, RecordScan.ID_PRINCIPAL_ID);
      r.idArn = cached(b, k, RecordScan.ID_ARN);
      r.idAccountId = cached(b, k, RecordScan.ID_ACCOUNT_ID);
      r.idUserName = cached(b, k, RecordScan.ID_USER_NAME);
      r.idInvokedBy = cached(b, k, RecordScan.ID_INVOKED_BY);
      r.idOnBehalfOf = cached(b, k, RecordScan.ID_ON_BEHALF_OF);
      r.issuerArn = cached(b, k, RecordScan.ISSUER_ARN);
      r.issuerType = cached(b, k, RecordScan.ISSUER_TYPE);
      emit(r, st.records++, st);
    }
  }

  /** {@link #text} of a scanned value: the same String from {@link #strings}; null when absent. */
  private String cached(byte[] b, int record, int slot) {
    int at = scan.at(record, slot);
    if (at < 0) {
      return null;
    }
    int n = scan.length(record, slot);
    return strings.get(b, at, n, room(n));
  }

  /** {@code b[at, at + n)}, printable ASCII by {@link RecordScan}'s rules, as characters in {@link #chars}. */
  private char[] chars(byte[] b, int at, int n) {
    return StringCache.ascii(b, at, n, room(n));
  }

  /** {@link #chars}, at least {@code n} long. */
  private char[] room(int n) {
    if (chars.length < n) {
      chars = new char[Math.max(n, chars.length * 2)];
    }
    return chars;
  }

  private void readRecords(JsonParser p, FileState st) throws IOException {
    Rec r = new Rec();
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t == null) {
        throw new EOFException("Records array not closed");
      }
      long index = st.records++;
      if (t != JsonToken.START_OBJECT) {
        p.skipChildren();
        st.quarantineRecord(index, null, QuarantineReason.NOT_A_RECORD, "element is " + t);
        continue;
      }
      r.reset();
      readRecord(p, r);
      emit(r, index, st);
    }
  }

  private void readRecord(JsonParser p, Rec r) throws IOException {
    String f;
    while ((f = p.nextFieldName()) != null) {
      JsonToken t = p.nextToken();
      switch (f) {
        case "eventTime" -> time(p, t, r, f);
        case "eventSource" -> r.eventSource = text(p, t, r, f);
        case "eventName" -> r.eventName = text(p, t, r, f);
        case "eventID" -> r.eventId = unique(p, t, r, f);
        case "awsRegion" -> r.awsRegion = text(p, t, r, f);
        case "sourceIPAddress" -> r.sourceIp = text(p, t, r, f);
        case "userAgent" -> r.userAgent = text(p, t, r, f);
        case "vpcEndpointId" -> r.vpcEndpointId = text(p, t, r, f);
        case "errorCode" -> r.errorCode = text(p, t, r, f);
        case "eventType" -> r.eventType = text(p, t, r, f);
        case "readOnly" -> r.readOnly = bool(p, t, r, f);
        case "userIdentity" -> {
          if (t == JsonToken.START_OBJECT) {
            r.hasIdentity = true;
            readIdentity(p, r);
          } else if (t != JsonToken.VALUE_NULL) {
            r.badType(f, t);
            p.skipChildren();
          }
        }
        default -> p.skipChildren();
      }
    }
  }

  private void readIdentity(JsonParser p, Rec r) throws IOException {
    String f;
    while ((f = p.nextFieldName()) != null) {
      JsonToken t = p.nextToken();
      switch (f) {
        case "type" -> r.idType = text(p, t, r, "userIdentity.type");
        case "principalId" -> r.idPrincipalId = text(p, t, r, "userIdentity.principalId");
        case "arn" -> r.idArn = text(p, t, r, "userIdentity.arn");
        case "accountId" -> r.idAccountId = text(p, t, r, "userIdentity.accountId");
        case "userName" -> r.idUserName = text(p, t, r, "userIdentity.userName");
        case "invokedBy" -> r.idInvokedBy = text(p, t, r, "userIdentity.invokedBy");
        case "sessionContext" -> readObject(p, t, r, "userIdentity.sessionContext", this::readSessionContext);
        case "onBehalfOf" -> readObject(p, t, r, "userIdentity.onBehalfOf", (pp, rr) -> {
          String g;
          while ((g = pp.nextFieldName()) != null) {
            JsonToken u = pp.nextToken();
            if ("userId".equals(g)) {
              rr.idOnBehalfOf = text(pp, u, rr, "userIdentity.onBehalfOf.userId");
            } else {
              pp.skipChildren();
            }
          }
        });
        default -> p.skipChildren();
      }
    }
  }

  private void readSessionContext(JsonParser p, Rec r) throws IOException {
    String f;
    while ((f = p.nextFieldName()) != null) {
      JsonToken t = p.nextToken();
      if ("sessionIssuer".equals(f)) {
        readObject(p, t, r, "userIdentity.sessionContext.sessionIssuer", (pp, rr) -> {
          String g;
          while ((g = pp.nextFieldName()) != null) {
            JsonToken u = pp.nextToken();
            switch (g) {
              case "arn" -> rr.issuerArn = text(pp, u, rr, "sessionIssuer.arn");
              case "type" -> rr.issuerType = text(pp, u, rr, "sessionIssuer.type");
              default -> pp.skipChildren();
            }
          }
        });
      } else {
        p.skipChildren();
      }
    }
  }

  private interface ObjectReader {
    void read(JsonParser p, Rec r) throws IOException;
  }

  private static void readObject(JsonParser p, JsonToken t, Rec r, String name, ObjectReader reader) throws IOException {
    if (t == JsonToken.START_OBJECT) {
      reader.read(p, r);
    } else if (t != JsonToken.VALUE_NULL) {
      r.badType(name, t);
      p.skipChildren();
    }
  }

  /**
   * A scalar as text, cut to the maximum length and stripped of control characters; null for JSON
   * null. Strings come from {@link #strings}: a value seen before (a service, an ARN, a user agent)
   * is the same String again, with no new allocation and its hash already computed.
   */
  private String text(JsonParser p, JsonToken t, Rec r, String field) throws IOException {
    if (t == JsonToken.VALUE_STRING) {
      return strings.get(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
    }
    return unique(p, t, r, field);
  }

  /** Reads eventTime: CloudTrail's own form is parsed in place; any other is kept as text for {@link #emit}. */
  private void time(JsonParser p, JsonToken t, Rec r, String field) throws IOException {
    r.eventMicros = t == JsonToken.VALUE_STRING
        ? EventTimes.parseCloudTrail(p.getTextCharacters(), p.getTextOffset(), p.getTextLength())
        : EventTimes.INVALID;
    r.eventTime = r.eventMicros != EventTimes.INVALID ? null : unique(p, t, r, field);
  }

  /** {@link #text} for values that rarely repeat (event ids, times): not worth a cache slot. */
  private String unique(JsonParser p, JsonToken t, Rec r, String field) throws IOException {
    switch (t) {
      case VALUE_STRING:
        return clean(p.getTextCharacters(), p.getTextOffset(), p.getTextLength(), settings.maxStringLength());
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
      case VALUE_TRUE:
      case VALUE_FALSE:
        return clean(p.getText(), settings.maxStringLength());
      case VALUE_NULL:
        return null;
      default:
        r.badType(field, t);
        p.skipChildren();
        return null;
    }
  }

  /**
   * Canonical cleaned strings by their raw characters, direct-mapped: a miss (or a collision) just
   * makes the string, so the cache never changes a value, only how often one is allocated.
   */
  static final class StringCache {
    static final int MAX_CACHED = 512;
    private final char[][] raw;
    private final String[] cleaned;
    private final int mask;
    private final int maxLength;

    StringCache(int slots, int maxLength) {
      int n = Integer.highestOneBit(Math.max(16, slots - 1) << 1);
      raw = new char[n][];
      cleaned = new String[n];
      mask = n - 1;
      this.maxLength = maxLength;
    }

    String get(char[] buf, int off, int len) {
      if (len > MAX_CACHED) {
        // Long values are rare and would pin memory (hostile input can send many): not kept.
        return clean(buf, off, len, maxLength);
      }
      int slot = slot(buf, off, len) & mask;
      char[] k = raw[slot];
      // A vectorised comparison: a hit costs about a tenth of a char-by-char loop on a user agent.
      if (k != null && Arrays.equals(k, 0, k.length, buf, off, off + len)) {
        return cleaned[slot];
      }
      raw[slot] = Arrays.copyOfRange(buf, off, off + len);
      cleaned[slot] = clean(buf, off, len, maxLength);
      return cleaned[slot];
    }

    /** Keys of {@link #get(byte[], int, int, char[])}: printable ASCII bytes, a table of their own. */
    private byte[][] rawBytes;
    private String[] cleanedBytes;

    /**
     * {@link #get(char[], int, int)} for printable ASCII bytes ({@link RecordScan}'s wanted values):
     * compared as bytes, so a hit copies nothing.
     */
    String get(byte[] buf, int off, int len, char[] scratch) {
      if (len > MAX_CACHED) {
        return clean(ascii(buf, off, len, scratch), 0, len, maxLength);
      }
      if (rawBytes == null) {
        rawBytes = new byte[raw.length][];
        cleanedBytes = new String[raw.length];
      }
      int h = len;
      int end = off + len;
      if (len <= 16) {
        for (int i = off; i < end; i++) {
          h = 31 * h + buf[i];
        }
      } else {
        for (int i = off; i < off + 8; i++) {
          h = 31 * h + buf[i];
        }
        for (int i = end - 8; i < end; i++) {
          h = 31 * h + buf[i];
        }
      }
      int slot = (h ^ (h >>> 15)) & mask;
      byte[] k = rawBytes[slot];
      if (k != null && Arrays.equals(k, 0, k.length, buf, off, end)) {
        return cleanedBytes[slot];
      }
      rawBytes[slot] = Arrays.copyOfRange(buf, off, end);
      cleanedBytes[slot] = clean(ascii(buf, off, len, scratch), 0, len, maxLength);
      return cleanedBytes[slot];
    }

    /** {@code buf[off, off + len)} as characters in {@code scratch} (large enough). */
    static char[] ascii(byte[] buf, int off, int len, char[] scratch) {
      for (int k = 0; k < len; k++) {
        scratch[k] = (char) buf[off + k];
      }
      return scratch;
    }

    /**
     * A slot from the length and at most 16 characters (the first 8 and the last 8): values that
     * differ elsewhere only share a slot, which costs a miss, never a wrong value.
     */
    static int slot(char[] buf, int off, int len) {
      int h = len;
      if (len <= 16) {
        for (int i = off; i < off + len; i++) {
          h = 31 * h + buf[i];
        }
      } else {
        for (int i = off; i < off + 8; i++) {
          h = 31 * h + buf[i];
        }
        for (int i = off + len - 8; i < off + len; i++) {
          h = 31 * h + buf[i];
        }
      }
      return h ^ (h >>> 15);
    }
  }

  private static Boolean bool(JsonParser p, JsonToken t, Rec r, String field) throws IOException {
    switch (t) {
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return null;
      case VALUE_STRING:
        // Some exporters write "true"/"false": the meaning is clear, so keep the record.
        String s = p.getText();
        if ("true".equalsIgnoreCase(s)) {
          return Boolean.TRUE;
        }
        if ("false".equalsIgnoreCase(s)) {
          return Boolean.FALSE;
        }
        r.badType(field, t);
        return null;
      default:
        r.badType(field, t);
        p.skipChildren();
        return null;
    }
  }

  /** {@link #clean(String, int)} of the characters {@code buf[off, off + len)}, made into a String once. */
  static String clean(char[] buf, int off, int len, int max) {
    return isClean(buf, off, len, max) ? new String(buf, off, len) : clean(new String(buf, off, len), max);
  }

  /** True when {@link #clean(String, int)} would return these characters unchanged. */
  private static boolean isClean(char[] buf, int off, int len, int max) {
    if (len > max) {
      return false;
    }
    for (int i = off; i < off + len; i++) {
      char c = buf[i];
      // Printable ASCII, the usual case, in one comparison.
      if ((char) (c - 0x20) >= 0x5f && isControl(c)) {
        return false;
      }
    }
    return true;
  }

  /** Cuts {@code s} to {@code max} characters and replaces control characters (terminal escapes, newlines) with U+FFFD. */
  static String clean(String s, int max) {
    int n = Math.min(s.length(), max);
    int i = 0;
    while (i < n && !isControl(s.charAt(i))) {
      i++;
    }
    if (i == n) {
      return n == s.length() ? s : s.substring(0, n);
    }
    char[] out = new char[n];
    for (int j = 0; j < n; j++) {
      char c = s.charAt(j);
      out[j] = isControl(c) ? '\uFFFD' : c;
    }
    return new String(out);
  }

  private static boolean isControl(char c) {
    return c < 0x20 || (c >= 0x7f && c < 0xa0) || c == '\u2028' || c == '\u2029';
  }

  private void emit(Rec r, long index, FileState st) {
    if (r.badField != null) {
      st.quarantineRecord(index, r.eventId, QuarantineReason.BAD_FIELD_TYPE, r.badField);
      return;
    }
    long micros = r.eventMicros;
    if (micros == EventTimes.INVALID && r.eventTime == null) {
      st.quarantineRecord(index, r.eventId, QuarantineReason.MISSING_EVENT_TIME, "no eventTime");
      return;
    }
    if (micros == EventTimes.INVALID) {
      micros = EventTimes.parseMicros(r.eventTime);
    }
    if (micros == EventTimes.INVALID) {
      st.quarantineRecord(index, r.eventId, QuarantineReason.BAD_EVENT_TIME, "eventTime '" + r.eventTime + "'");
      return;
    }
    if (r.eventSource == null || r.eventSource.isBlank()) {
      st.quarantineRecord(index, r.eventId, QuarantineReason.MISSING_EVENT_SOURCE, "no eventSource");
      return;
    }
    if (r.eventSource.charAt(0) == io.trailwatch.dimensions.Dimension.KEY_MARK) {
      // No AWS eventSource starts with '@'; the baseline keys other dimensions' values so.
      st.quarantineRecord(index, r.eventId, QuarantineReason.BAD_EVENT_SOURCE, "eventSource '" + r.eventSource + "'");
      return;
    }
    if (r.eventName == null || r.eventName.isBlank()) {
      st.quarantineRecord(index, r.eventId, QuarantineReason.MISSING_EVENT_NAME, "no eventName");
      return;
    }
    Principals.Keyed keyed = principalOf(r, st.file.accountId());
    if (keyed.principal() == null) {
      st.quarantineRecord(index, r.eventId, keyed.problem(),
          !r.hasIdentity ? "record has no userIdentity" : "userIdentity has no usable id (type " + r.idType + ")");
      return;
    }
    if (!st.window.containsMicros(micros)) {
      return;
    }
    st.inWindow++;
    ParsedEvent e = st.event;
    e.businessUnit = st.file.businessUnit();
    e.accountId = st.file.accountId();
    e.principal = keyed.principal().key();
    e.identityType = keyed.principal().identityType();
    e.eventSource = r.eventSource;
    e.eventName = r.eventName;
    e.eventId = r.eventId == null || r.eventId.isBlank() ? "missing:" + st.file.uri() + "#" + index : r.eventId;
    e.eventTimeMicros = micros;
    e.awsRegion = r.awsRegion;
    e.sourceIp = r.sourceIp;
    e.userAgent = r.userAgent;
    e.vpcEndpointId = r.vpcEndpointId;
    e.errorCode = r.errorCode;
    e.readOnly = r.readOnly;
    st.sink.event(e);
  }

  private Principals.Keyed principalOf(Rec r, String fileAccount) {
    IdentityKey k = new IdentityKey(r.hasIdentity, r.idType, r.idPrincipalId, r.idArn, r.idAccountId, r.idUserName,
        r.idInvokedBy, r.issuerArn, r.issuerType, r.idOnBehalfOf, r.hasIdentity ? null : r.eventType, fileAccount);
    Principals.Keyed keyed = keys.get(k);
    if (keyed == null) {
      UserIdentity id = r.hasIdentity ? new UserIdentity(r.idType, r.idPrincipalId, r.idArn, r.idAccountId,
          r.idUserName, r.idInvokedBy, r.issuerArn, r.issuerType, r.idOnBehalfOf) : null;
      keyed = principals.key(id, r.eventType, fileAccount);
      if (keys.size() >= 50_000) {
        keys.clear();
      }
      keys.put(k, keyed);
    }
    return keyed;
  }

  private static boolean isTruncation(JsonParseException e) {
    String m = e.getOriginalMessage();
    return m != null && m.startsWith("Unexpected end-of-input");
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    String line = nl < 0 ? s : s.substring(0, nl);
    return clean(line, 300);
  }

  private static final class NotCloudTrail extends IOException {
    NotCloudTrail(String message) {
      super(message);
    }
  }

  /** Per-file counters and the quarantine cap. */
  private final class FileState {
    final LogFile file;
    final Window window;
    final Sink sink;
    final ParsedEvent event = new ParsedEvent();
    long records;
    long inWindow;
    long quarantinedRecords;
    long suppressed;
    boolean sawRecords;
    boolean fileQuarantined;

    FileState(LogFile file, Window window, Sink sink) {
      this.file = file;
      this.window = window;
      this.sink = sink;
    }

    void quarantineRecord(long index, String eventId, QuarantineReason reason, String detail) {
      quarantinedRecords++;
      if (quarantinedRecords > settings.maxQuarantinedRecordsPerFile()) {
        suppressed++;
        return;
      }
      sink.quarantine(new QuarantineEntry(file.uri(), index, eventId, reason, detail, file.businessUnit(),
          file.accountId()));
    }

    void quarantineFile(QuarantineReason reason, String detail) {
      fileQuarantined = true;
      sink.quarantine(new QuarantineEntry(file.uri(), QuarantineEntry.WHOLE_FILE, null, reason, detail,
          file.businessUnit(), file.accountId()));
    }
  }

  /** The fields of one record, reused across records. */
  private static final class Rec {
    /** eventTime when it is not CloudTrail's own form (parsed in place into {@link #eventMicros}). */
    String eventTime;
    long eventMicros = EventTimes.INVALID;
    String eventSource;
    String eventName;
    String eventId;
    String awsRegion;
    String sourceIp;
    String userAgent;
    String vpcEndpointId;
    String errorCode;
    String eventType;
    Boolean readOnly;
    boolean hasIdentity;
    String idType;
    String idPrincipalId;
    String idArn;
    String idAccountId;
    String idUserName;
    String idInvokedBy;
    String idOnBehalfOf;
    String issuerArn;
    String issuerType;
    String badField;

    void reset() {
      eventTime = eventSource = eventName = eventId = awsRegion = sourceIp = userAgent = vpcEndpointId = errorCode = eventType = null;
      eventMicros = EventTimes.INVALID;
      readOnly = null;
      hasIdentity = false;
      idType = idPrincipalId = idArn = idAccountId = idUserName = idInvokedBy = idOnBehalfOf = null;
      issuerArn = issuerType = null;
      badField = null;
    }

    void badType(String field, JsonToken t) {
      if (badField == null) {
        badField = field + " is " + t;
      }
    }
  }
}
