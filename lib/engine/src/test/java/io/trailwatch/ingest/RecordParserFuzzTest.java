package io.trailwatch.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.core.Window;
import io.trailwatch.testing.CloudTrailFixtures;
import io.trailwatch.testing.OddShapes;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/**
 * Attacker-shaped files: real-shaped records cut, flipped and spliced at random (fixed seed). The parser
 * never throws, and every record it counts is either emitted or quarantined, or its file is.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RecordParserFuzzTest {
  static final Window ALL_TIME = new Window(Instant.parse("1970-01-01T00:00:00Z"), Instant.parse("2100-01-01T00:00:00Z"));

  @Test
  void mangledFilesNeverCrashTheParser() throws Exception {
    // The project's odd shapes, without the 30 KB user agent: mangling should land in the structure, not in one string.
    List<String> lines = OddShapes.records().stream().filter(l -> l.length() < 5_000).toList();
    byte[] clean = ("{\"Records\":[" + String.join(",", lines) + "]}").getBytes(StandardCharsets.UTF_8);
    byte[] gz = CloudTrailFixtures.gzip(clean);
    RecordParser parser = new RecordParser(new ParserSettings(128, 1000, List.of("AWSReservedSSO_*")));
    LogFile file = new LogFile("file:/fuzz.json.gz", "123456789012", "bu", "us-east-1", Instant.EPOCH, 0);
    Random rnd = new Random(20261128L);
    for (int i = 0; i < 600; i++) {
      byte[] input = mangle(i % 2 == 0 ? clean : gz, rnd);
      List<ParsedEvent> events = new ArrayList<>();
      List<QuarantineEntry> quarantined = new ArrayList<>();
      RecordParser.Counts c = parser.parse(new ByteArrayInputStream(input), file, ALL_TIME, new RecordParser.Sink() {
        @Override
        public void event(ParsedEvent e) {
          events.add(e);
        }

        @Override
        public void quarantine(QuarantineEntry entry) {
          quarantined.add(entry);
        }
      });
      long recordEntries = quarantined.stream().filter(q -> !q.isFile()).count();
      assertEquals(c.quarantinedRecords(), recordEntries, "iteration " + i);
      assertTrue(c.fileQuarantined() || events.size() + recordEntries == c.records(),
          "iteration " + i + ": records vanished without their file being quarantined");
    }
  }

  static byte[] mangle(byte[] in, Random rnd) {
    byte[] b = in.clone();
    switch (rnd.nextInt(4)) {
      case 0 -> b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length));
      case 1 -> {
        for (int k = 0; k < 1 + rnd.nextInt(5); k++) {
          b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
        }
      }
      case 2 -> {
        int at = rnd.nextInt(b.length);
        byte[] junk = "\u0000\"}]{[,:\\\u001b".getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[b.length + junk.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(junk, 0, out, at, junk.length);
        System.arraycopy(b, at, out, at + junk.length, b.length - at);
        b = out;
      }
      default -> {
        int from = rnd.nextInt(b.length);
        int len = Math.min(b.length - from, rnd.nextInt(200));
        byte[] out = new byte[b.length - len];
        System.arraycopy(b, 0, out, 0, from);
        System.arraycopy(b, from + len, out, from, b.length - from - len);
        b = out;
      }
    }
    return b;
  }
}
