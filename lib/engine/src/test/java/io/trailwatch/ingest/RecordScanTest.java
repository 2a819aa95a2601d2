package io.trailwatch.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.config.GunzipMode;
import io.trailwatch.core.Window;
import io.trailwatch.testing.CloudTrailFixtures;
import io.trailwatch.testing.OddShapes;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The parser's fast path ({@link RecordScan}) against Jackson's: every file, clean, odd or mangled,
 * gives the same events, the same quarantine entries and the same counts both ways; and the fast
 * path does read the files it should (a fast path that gave up on everything would pass the first
 * check alone).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RecordScanTest {
  static final Window ALL_TIME = new Window(Instant.parse("1970-01-01T00:00:00Z"), Instant.parse("2100-01-01T00:00:00Z"));
  static final LogFile FILE = new LogFile("file:/scan.json.gz", "111122223333", "bu", "us-east-1", Instant.EPOCH, 0);

  /** A parser with or without the fast path, zlib so that the test does not depend on libdeflate being installed. */
  static RecordParser parser(boolean fast) {
    return new RecordParser(new ParserSettings(128, 1000, List.of("AWSReservedSSO_*"), GunzipMode.ZLIB), fast);
  }

  /** What a parse gives a user: the events, the quarantine entries, the counts. */
  record Output(List<List<Object>> events, List<QuarantineEntry> quarantined, RecordParser.Counts counts) {}

  static Output read(RecordParser parser, byte[] file) {
    List<List<Object>> events = new ArrayList<>();
    List<QuarantineEntry> quarantined = new ArrayList<>();
    RecordParser.Counts c = parser.parse(new ByteArrayInputStream(file), FILE, ALL_TIME, new RecordParser.Sink() {
      @Override
      public void event(ParsedEvent e) {
        events.add(Arrays.asList(e.values()));
      }

      @Override
      public void quarantine(QuarantineEntry entry) {
        quarantined.add(entry);
      }
    });
    return new Output(events, quarantined, c);
  }

  /** Equal outputs; on a difference, names the first one (the whole outputs are too long to read). */
  static void same(Output jackson, Output fast, String what) {
    assertEquals(jackson.counts(), fast.counts(), what + ": counts");
    for (int k = 0; k < Math.min(jackson.events().size(), fast.events().size()); k++) {
      assertEquals(jackson.events().get(k), fast.events().get(k), what + ": event " + k);
    }
    assertEquals(jackson.events().size(), fast.events().size(), what + ": events");
    assertEquals(jackson.quarantined(), fast.quarantined(), what + ": quarantined");
  }

  static byte[] file(List<String> records) {
    return ("{\"Records\":[" + String.join(",", records) + "]}").getBytes(StandardCharsets.UTF_8);
  }

  static String rich(String extra) {
    return "{\"eventVersion\":\"1.09\",\"userIdentity\":{\"type\":\"AssumedRole\",\"principalId\":\"AROAEXAMPLE:s\","
        + "\"arn\":\"arn:aws:sts::111122223333:assumed-role/deploy/s\",\"accountId\":\"111122223333\","
        + "\"sessionContext\":{\"sessionIssuer\":{\"type\":\"Role\",\"principalId\":\"AROAEXAMPLE\","
        + "\"arn\":\"arn:aws:iam::111122223333:role/deploy\",\"accountId\":\"111122223333\",\"userName\":\"deploy\"},"
        + "\"attributes\":{\"creationDate\":\"2026-11-20T14:00:00Z\",\"mfaAuthenticated\":\"false\"}}},"
        + "\"eventTime\":\"2026-11-20T14:10:00Z\",\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"PutObject\","
        + "\"awsRegion\":\"eu-west-1\",\"sourceIPAddress\":\"198.51.100.7\",\"userAgent\":\"aws-sdk-java/2.25.0\","
        + "\"requestParameters\":{\"bucketName\":\"b\",\"key\":\"r\\u00e9sum\\u00e9 \\\"final\\\".pdf\","
        + "\"tags\":[{\"k\":\"caf\u00e9 \u20ac \ud83d\ude00\",\"v\":-1.5e+3},{\"n\":0,\"t\":true,\"f\":false,\"z\":null}],"
        + "\"deep\":[[[[{\"a\":[1,2,3.25,-0.0,1E9]}]]]]},\"responseElements\":null,"
        + "\"eventID\":\"" + CloudTrailFixtures.newEventId() + "\",\"readOnly\":false,\"eventType\":\"AwsApiCall\""
        + extra + "}";
  }

  @Test
  void cleanOddAndRichFilesReadTheSameBothWaysAndTheFastPathReadsThem() throws Exception {
    RecordParser fast = parser(true);
    RecordParser jackson = parser(false);
    // The project's odd shapes: some of them are for Jackson (escapes, a record that is null), so that file is too.
    byte[] odd = CloudTrailFixtures.gzip(file(OddShapes.records()));
    same(read(jackson, odd), read(fast, odd), "odd shapes");
    List<String> plain = plainOddShapes();
    assertTrue(plain.size() > OddShapes.records().size() / 2, plain.size() + " odd shapes for the fast path");
    List<byte[]> files = new ArrayList<>();
    files.add(file(plain));
    files.add(file(List.of(rich(""))));
    files.add(file(List.of(rich(",\"eventName\":\"GetObject\""), rich(",\"userIdentity\":null"))));
    files.add(file(List.of(rich(",\"readOnly\":null,\"errorCode\":\"AccessDenied\",\"vpcEndpointId\":null"))));
    files.add("  {\"Other\":{\"x\":[1,{}]},\"Records\":[] }\n".getBytes(StandardCharsets.UTF_8));
    files.add(file(List.of()));
    for (byte[] f : files) {
      byte[] gz = CloudTrailFixtures.gzip(f);
      long before = fast.scannedFiles;
      same(read(jackson, gz), read(fast, gz), start(f));
      assertEquals(before + 1, fast.scannedFiles, "the fast path read " + start(f));
    }
    assertEquals(0, jackson.scannedFiles);
  }

  @Test
  void whatTheFastPathLeavesToJacksonReadsTheSameBothWays() throws Exception {
    List<String> odd = List.of(
        rich(",\"userAgent\":\"quote \\\" inside\""),               // an escape in a wanted value
        rich(",\"userAgent\":\"caf\u00e9\""),                        // non-ASCII in a wanted value
        rich(",\"event\\u004eame\":\"Sneaky\""),                     // an escaped name that spells a wanted field
        rich(",\"eventID\":12345,\"readOnly\":\"true\""),            // types Jackson turns into text
        rich(",\"userIdentity\":[1]"),                               // a bad type: quarantined
        rich(",\"requestParameters\":{\"n\":01}"),                  // a leading zero: malformed
        rich(",\"requestParameters\":{\"s\":\"\u0001\"}"),          // a raw control character
        rich(",\"requestParameters\":{\"n\":1.}"),
        rich(",\"requestParameters\":{\"n\":tru}"),
        rich(",\"requestParameters\":{\"s\":\"\\x\"}"),
        "\"not a record\"",
        "[]",
        rich(",\"userAgent\":\"" + "A".repeat(5_000_001) + "\""));    // over Jackson's string limit: quarantined
    RecordParser fast = parser(true);
    RecordParser jackson = parser(false);
    for (String r : odd) {
      byte[] gz = CloudTrailFixtures.gzip(file(List.of(rich(""), r)));
      long before = fast.scannedFiles;
      same(read(jackson, gz), read(fast, gz), start(r.getBytes(StandardCharsets.UTF_8)));
      assertEquals(before, fast.scannedFiles, "the fast path should have left this to Jackson: "
          + start(r.getBytes(StandardCharsets.UTF_8)));
    }
    byte[] invalidUtf8 = file(List.of(rich(",\"requestParameters\":{\"s\":\"XX\"}")));
    int at = new String(invalidUtf8, StandardCharsets.ISO_8859_1).indexOf("\"XX\"") + 1;
    invalidUtf8[at] = (byte) 0xc0;
    invalidUtf8[at + 1] = (byte) 0x80;
    byte[] gz = CloudTrailFixtures.gzip(invalidUtf8);
    same(read(jackson, gz), read(fast, gz), "invalid UTF-8");
    // A second Records array under an escaped name: Jackson reads both.
    byte[] twice = CloudTrailFixtures.gzip(("{\"Records\":[" + rich("") + "],\"Rec\\u006frds\":["
        + rich(",\"eventName\":\"Hidden\"") + "]}").getBytes(StandardCharsets.UTF_8));
    long before = fast.scannedFiles;
    same(read(jackson, twice), read(fast, twice), "an escaped second Records");
    assertEquals(before, fast.scannedFiles, "the fast path should have left the escaped Records to Jackson");
    byte[] trailing = CloudTrailFixtures.gzip((new String(file(List.of(rich(""))), StandardCharsets.UTF_8) + " x")
        .getBytes(StandardCharsets.UTF_8));
    same(read(jackson, trailing), read(fast, trailing), "trailing text");
  }

  @Test
  void mangledFilesReadTheSameBothWays() throws Exception {
    List<String> records = new ArrayList<>(plainOddShapes().stream().filter(l -> l.length() < 5_000).toList());
    for (int k = 0; k < 8; k++) {
      records.add(rich(""));
    }
    byte[] clean = file(records);
    RecordParser fast = parser(true);
    RecordParser jackson = parser(false);
    Random rnd = new Random(20261207L);
    int iterations = 1500;
    for (int i = 0; i < iterations; i++) {
      byte[] json = i % 3 == 0 ? jsonMangle(clean, rnd) : RecordParserFuzzTest.mangle(clean, rnd);
      byte[] gz = CloudTrailFixtures.gzip(json);
      same(read(jackson, gz), read(fast, gz), "iteration " + i);
    }
    // Both sides exercised: many mangled files are still valid JSON of the usual shape, many are not.
    assertTrue(fast.scannedFiles > iterations / 10, "fast path read " + fast.scannedFiles);
    assertTrue(fast.scannedFiles < iterations * 9 / 10, "fast path read " + fast.scannedFiles);
  }

  /** The odd-shape records the fast path reads on its own (the others are Jackson's). */
  static List<String> plainOddShapes() throws Exception {
    RecordParser fast = parser(true);
    List<String> out = new ArrayList<>();
    for (String r : OddShapes.records()) {
      long before = fast.scannedFiles;
      read(fast, CloudTrailFixtures.gzip(file(List.of(r))));
      if (fast.scannedFiles > before) {
        out.add(r);
      }
    }
    return out;
  }

  static String start(byte[] f) {
    String s = new String(f, StandardCharsets.UTF_8);
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }

  /** Changes aimed at the JSON grammar: a token's character swapped for another that JSON gives meaning to. */
  static byte[] jsonMangle(byte[] in, Random rnd) {
    String[] pieces = {"\"", "\\", "\\u00e9", "\\ud83d", "{", "}", "[", "]", ",", ":", "0", "-", "1e", ".", "null",
        "true", "fals", " ", "\t", "\u00e9", "\u20ac", "\u0000", "\u007f", "01", "\"eventName\":", "\"userIdentity\":"};
    String s = new String(in, StandardCharsets.UTF_8);
    int at = rnd.nextInt(s.length());
    String piece = pieces[rnd.nextInt(pieces.length)];
    String out = rnd.nextBoolean() ? s.substring(0, at) + piece + s.substring(at)
        : s.substring(0, at) + piece + s.substring(Math.min(s.length(), at + 1 + rnd.nextInt(3)));
    byte[] b = out.getBytes(StandardCharsets.UTF_8);
    if (rnd.nextInt(4) == 0) {
      b[rnd.nextInt(b.length)] = (byte) (0x80 + rnd.nextInt(128)); // a stray UTF-8 byte
    }
    return b;
  }
}
