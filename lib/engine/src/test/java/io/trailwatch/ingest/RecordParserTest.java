package io.trailwatch.ingest;

import io.trailwatch.core.QuarantineReason;
import static io.trailwatch.testing.CloudTrailFixtures.assumedRole;
import static io.trailwatch.testing.CloudTrailFixtures.gzip;
import static io.trailwatch.testing.CloudTrailFixtures.iamUser;
import static io.trailwatch.testing.CloudTrailFixtures.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.core.Window;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RecordParserTest {
  static final String ACCT = "111122223333";
  static final Instant T = Instant.parse("2026-11-20T14:10:00Z");
  static final Window HOUR = new Window(Instant.parse("2026-11-20T14:00:00Z"), Instant.parse("2026-11-20T15:00:00Z"));
  static final LogFile FILE = new LogFile("file:/logs/x.json.gz", ACCT, "payments", "us-east-1", T, 0);

  final List<Object[]> events = new ArrayList<>();
  final List<QuarantineEntry> quarantined = new ArrayList<>();

  RecordParser.Counts parse(byte[] bytes) {
    return parse(bytes, HOUR);
  }

  RecordParser.Counts parse(byte[] bytes, Window w) {
    RecordParser p = new RecordParser(new ParserSettings(64, 4, List.of("AWSReservedSSO_*")));
    return p.parse(new ByteArrayInputStream(bytes), FILE, w, new RecordParser.Sink() {
      @Override
      public void event(ParsedEvent e) {
        events.add(e.values());
      }

      @Override
      public void quarantine(QuarantineEntry entry) {
        quarantined.add(entry);
      }
    });
  }

  static byte[] file(String... records) throws Exception {
    return gzip(("{\"Records\":[" + String.join(",", records) + "]}").getBytes(StandardCharsets.UTF_8));
  }

  List<QuarantineReason> reasons() {
    return quarantined.stream().map(QuarantineEntry::reason).toList();
  }

  @Test
  void extractsTheFieldsDetectionNeeds() throws Exception {
    parse(file(record(iamUser(ACCT, "ci"), ACCT, "s3.amazonaws.com", "GetObject", T, null)));
    assertEquals(1, events.size());
    Object[] e = events.get(0);
    assertEquals(Arrays.asList("payments", ACCT, "arn:aws:iam::111122223333:user/ci", "IAMUser", "s3.amazonaws.com",
        "GetObject"), Arrays.asList(e).subList(0, 6));
    assertEquals(T, ((java.sql.Timestamp) e[7]).toInstant());
    assertEquals(Boolean.TRUE, e[12]);
  }

  @Test
  void eventsOutsideTheWindowAreCountedNotEmitted() throws Exception {
    RecordParser.Counts c = parse(file(
        record(iamUser(ACCT, "ci"), ACCT, "s3.amazonaws.com", "GetObject", T, null),
        record(iamUser(ACCT, "ci"), ACCT, "s3.amazonaws.com", "GetObject", T.minusSeconds(3600), null)));
    assertEquals(2, c.records());
    assertEquals(1, c.inWindow());
    assertEquals(1, events.size());
  }

  @Test
  void truncatedGzipIsQuarantinedAndEarlierRecordsKept() throws Exception {
    List<String> recs = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      recs.add(record(iamUser(ACCT, "ci"), ACCT, "s3.amazonaws.com", "GetObject", T, null));
    }
    byte[] whole = file(recs.toArray(new String[0]));
    RecordParser.Counts c = parse(Arrays.copyOf(whole, whole.length / 2));
    assertTrue(c.fileQuarantined());
    assertEquals(List.of(QuarantineReason.TRUNCATED_GZIP), reasons());
    assertTrue(quarantined.get(0).isFile());
    assertTrue(events.size() > 0 && events.size() < 200, "records before the cut are kept: " + events.size());
  }

  @Test
  void nonJsonIsQuarantined() throws Exception {
    parse(gzip("this is not json at all".getBytes(StandardCharsets.UTF_8)));
    assertEquals(List.of(QuarantineReason.NOT_JSON), reasons());
  }

  @Test
  void jsonThatIsNotCloudTrailIsQuarantined() throws Exception {
    parse(gzip("{\"Digest\":true,\"logFiles\":[]}".getBytes(StandardCharsets.UTF_8)));
    parse(gzip("[1,2,3]".getBytes(StandardCharsets.UTF_8)));
    parse(gzip("{\"Records\":{\"a\":1}}".getBytes(StandardCharsets.UTF_8)));
    parse(new byte[0]);
    assertEquals(List.of(QuarantineReason.NOT_CLOUDTRAIL, QuarantineReason.NOT_CLOUDTRAIL, QuarantineReason.NOT_CLOUDTRAIL,
        QuarantineReason.NOT_CLOUDTRAIL), reasons());
  }

  @Test
  void recordsMissingFieldsAreQuarantinedOneByOne() throws Exception {
    String good = record(iamUser(ACCT, "ci"), ACCT, "s3.amazonaws.com", "GetObject", T, null);
    RecordParser.Counts c = parse(file(
        good,
        "{\"eventTime\":\"2026-11-20T14:10:00Z\",\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"GetObject\"}",
        good.replace("\"eventTime\":\"2026-11-20T14:10:00Z\",", ""),
        good.replace("2026-11-20T14:10:00Z", "yesterday"),
        "42"));
    assertEquals(1, events.size());
    assertEquals(List.of(QuarantineReason.MISSING_USER_IDENTITY, QuarantineReason.MISSING_EVENT_TIME, QuarantineReason.BAD_EVENT_TIME,
        QuarantineReason.NOT_A_RECORD), reasons());
    assertEquals(4, c.quarantinedRecords());
    assertEquals(List.of(1L, 2L, 3L, 4L), quarantined.stream().map(QuarantineEntry::recordIndex).toList());
  }

  @Test
  void readOnlyAsStringIsUnderstoodOtherOddTypesAreQuarantined() throws Exception {
    String good = record(iamUser(ACCT, "ci"), ACCT, "s3.amazonaws.com", "PutObject", T, null);
    parse(file(
        good.replace("\"readOnly\":false", "\"readOnly\":\"true\""),
        good.replace("\"readOnly\":false", "\"readOnly\":{\"x\":1}"),
        good.replace("\"eventName\":\"PutObject\"", "\"eventName\":[\"PutObject\"]")));
    assertEquals(1, events.size());
    assertEquals(Boolean.TRUE, events.get(0)[12]);
    assertEquals(List.of(QuarantineReason.BAD_FIELD_TYPE, QuarantineReason.BAD_FIELD_TYPE), reasons());
  }

  @Test
  void hostileUserAgentIsCutAndDefanged() throws Exception {
    String ua = "\u001b[31mred\u001b[0m\nX-Injected: 1 " + "A".repeat(100_000);
    parse(file(record(iamUser(ACCT, "ci"), ACCT, "s3.amazonaws.com", "GetObject", T, null, "id-1", "1.2.3.4", ua)));
    String got = (String) events.get(0)[10];
    assertEquals(64, got.length());
    assertFalse(got.chars().anyMatch(ch -> ch < 0x20), got);
  }

  @Test
  void hugeNestingIsQuarantinedNotACrash() throws Exception {
    String deep = "[".repeat(5000) + "]".repeat(5000);
    String good = record(iamUser(ACCT, "ci"), ACCT, "s3.amazonaws.com", "GetObject", T, null);
    parse(file(good, good.replace("\"responseElements\":null", "\"responseElements\":" + deep)));
    assertEquals(1, events.size());
    assertEquals(List.of(QuarantineReason.HOSTILE_JSON), reasons());
  }

  @Test
  void manyBadRecordsAreCappedInDetailButAllCounted() throws Exception {
    List<String> bad = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      bad.add("{\"eventName\":\"x\"}");
    }
    RecordParser.Counts c = parse(file(bad.toArray(new String[0])));
    assertEquals(10, c.quarantinedRecords());
    assertEquals(5, quarantined.size());
    assertEquals(QuarantineReason.MORE_BAD_RECORDS, quarantined.get(4).reason());
  }

  @Test
  void plainJsonFilesAreReadToo() throws Exception {
    parse(("{\"Records\":[" + record(assumedRole(ACCT, "app", "i-0abc"), ACCT, "sqs.amazonaws.com", "SendMessage", T,
        null) + "]}").getBytes(StandardCharsets.UTF_8));
    assertEquals("arn:aws:iam::111122223333:role/app", events.get(0)[2]);
  }

  @Test
  void missingEventIdGetsAUniqueStandIn() throws Exception {
    String good = record(iamUser(ACCT, "ci"), ACCT, "s3.amazonaws.com", "GetObject", T, null, "x", "1.2.3.4", "ua");
    String noId = good.replace("\"eventID\":\"x\",", "");
    parse(file(noId, noId));
    assertEquals(List.of("missing:file:/logs/x.json.gz#0", "missing:file:/logs/x.json.gz#1"),
        events.stream().map(e -> e[6]).toList(), "a stand-in naming the file and the record, unique to each");
  }

  @Test
  void repeatedValuesComeOutTheSameEveryTimeHostileOnesCutEveryTime() throws Exception {
    String hostile = "\u001b[31mred\u001b[0m " + "B".repeat(100);
    String longUa = "C".repeat(RecordParser.StringCache.MAX_CACHED + 10);
    List<String> recs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      recs.add(record(assumedRole(ACCT, "app", "i-" + i), ACCT, "sqs.amazonaws.com", "SendMessage", T, null,
          "id-" + i, "10.0.0.1", hostile));
      recs.add(record(iamUser(ACCT, "ci"), ACCT, "s3.amazonaws.com", "GetObject", T, "AccessDenied", "id-x" + i,
          "10.0.0.2", longUa));
    }
    parse(file(recs.toArray(new String[0])));
    assertEquals(6, events.size());
    for (int i = 0; i < 6; i += 2) {
      Object[] role = events.get(i);
      assertEquals(Arrays.asList("payments", ACCT, "arn:aws:iam::111122223333:role/app", "AssumedRole",
          "sqs.amazonaws.com", "SendMessage", "id-" + i / 2), Arrays.asList(role).subList(0, 7));
      assertEquals(64, ((String) role[10]).length());
      assertTrue(((String) role[10]).startsWith("\uFFFD[31mred\uFFFD[0m B"), (String) role[10]);
      Object[] user = events.get(i + 1);
      assertEquals("arn:aws:iam::111122223333:user/ci", user[2]);
      assertEquals("AccessDenied", user[11]);
      assertEquals("C".repeat(64), user[10]);
    }
  }

  @Test
  void stringCacheNeverChangesAValue() {
    RecordParser.StringCache c = new RecordParser.StringCache(16, 8);
    for (int round = 0; round < 3; round++) {
      for (String v : new String[] {"a", "bb", "a\u0001b", "123456789abc", "", "a"}) {
        char[] buf = ("xx" + v + "yy").toCharArray();
        assertEquals(RecordParser.clean(v, 8), c.get(buf, 2, v.length()), v);
      }
    }
    // Long values that differ only in the middle share a slot (it hashes the ends): each keeps its own value.
    RecordParser.StringCache wide = new RecordParser.StringCache(16, 512);
    String a = "arn:aws:iam::111122223333:role/app-a/session";
    String b = "arn:aws:iam::111122223333:role/app-b/session";
    assertEquals(RecordParser.StringCache.slot(a.toCharArray(), 0, a.length()),
        RecordParser.StringCache.slot(b.toCharArray(), 0, b.length()));
    for (int round = 0; round < 3; round++) {
      assertEquals(a, wide.get(a.toCharArray(), 0, a.length()));
      assertEquals(b, wide.get(b.toCharArray(), 0, b.length()));
    }
  }
}
