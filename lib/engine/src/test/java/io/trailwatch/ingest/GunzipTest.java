package io.trailwatch.ingest;

import io.trailwatch.core.QuarantineReason;
import io.trailwatch.config.GunzipMode;

import static io.trailwatch.testing.CloudTrailFixtures.gzip;
import static io.trailwatch.testing.CloudTrailFixtures.iamUser;
import static io.trailwatch.testing.CloudTrailFixtures.record;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import io.trailwatch.core.Window;
import io.trailwatch.testing.OddShapes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/**
 * libdeflate and zlib give the parser the same events and the same quarantine for every file,
 * good or bad; libdeflate takes the good ones. The tests run with libdeflate loaded (.ci/run
 * installs it): when it is not, they fail rather than compare zlib with itself.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class GunzipTest {
  static final String ACCT = "111122223333";
  static final Instant T = Instant.parse("2026-11-20T14:10:00Z");
  static final Window HOUR = new Window(Instant.parse("2026-11-20T14:00:00Z"), Instant.parse("2026-11-20T15:00:00Z"));
  static final LogFile FILE = new LogFile("file:/logs/x.json.gz", ACCT, "payments", "us-east-1", T, 0);

  @Test
  void libdeflateIsLoadedInTheTestJvm() {
    assertEquals("libdeflate", Gunzip.describe(GunzipMode.AUTO),
        "the tests need libdeflate (Debian: libdeflate0)");
    assertEquals("zlib (ingest.gunzip: zlib)", Gunzip.describe(GunzipMode.ZLIB));
  }

  @Test
  void aWholeFileIsInflatedByLibdeflateToTheSameBytes() throws Exception {
    byte[] json = hour(2_000);
    Gunzip g = new Gunzip(GunzipMode.LIBDEFLATE);
    for (int i = 0; i < 3; i++) {
      // Again and again, and a larger file after a smaller one: the buffers are reused and grown.
      byte[] content = i == 2 ? hour(20_000) : json;
      assertArrayEquals(content, readAll(g, gzip(content)));
    }
    assertEquals(3, g.inflatedWhole);
  }

  @Test
  void threadsComeAndGoWithoutLeakOrCrash() throws Exception {
    // Each thread gets its own native decompressor, freed once the thread and its buffers are gone.
    byte[] json = hour(50);
    byte[] gz = gzip(json);
    for (int round = 0; round < 3; round++) {
      List<Thread> threads = new ArrayList<>();
      List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
      for (int i = 0; i < 20; i++) {
        Thread t = new Thread(() -> {
          try {
            assertArrayEquals(json, readAll(new Gunzip(GunzipMode.LIBDEFLATE), gz));
          } catch (Throwable e) {
            failures.add(e);
          }
        });
        threads.add(t);
        t.start();
      }
      for (Thread t : threads) {
        t.join();
      }
      assertEquals(List.of(), failures);
      System.gc();
      Thread.sleep(50);
    }
    assertArrayEquals(json, readAll(new Gunzip(GunzipMode.LIBDEFLATE), gz));
  }

  @Test
  void sameEventsAndQuarantineAsZlibForGoodAndBadFiles() throws Exception {
    byte[] json = hour(500);
    byte[] gz = gzip(json);
    List<byte[]> inputs = new ArrayList<>();
    inputs.add(gz);
    inputs.add(json); // plain JSON
    inputs.add(Arrays.copyOf(gz, gz.length / 2)); // truncated
    inputs.add(Arrays.copyOf(gz, 12)); // only a header
    // One document in two gzip members (gzip allows it; libdeflate reads only the first: zlib takes over).
    inputs.add(concat(gzip(Arrays.copyOf(json, 1000)), gzip(Arrays.copyOfRange(json, 1000, json.length))));
    inputs.add(corruptMiddle(gz));
    inputs.add(withTrailerSize(gz, json.length + 1)); // the trailer lies by one byte
    inputs.add(withTrailerSize(gz, Integer.MAX_VALUE)); // ... or claims 2 GB
    inputs.add(gzip(new byte[0])); // empty
    inputs.add(gzip("not json at all".getBytes(StandardCharsets.UTF_8)));
    inputs.add(gzip("{\"foo\": 1}".getBytes(StandardCharsets.UTF_8)));
    inputs.add(gzip(OddShapes.logFile())); // every odd shape, quarantined records included
    inputs.add(gzip(String.join("\n", OddShapes.records()).getBytes(StandardCharsets.UTF_8))); // JSON Lines: not CloudTrail
    for (int i = 0; i < inputs.size(); i++) {
      Outcome z = parse(GunzipMode.ZLIB, inputs.get(i));
      Outcome l = parse(GunzipMode.LIBDEFLATE, inputs.get(i));
      assertEquals(z.text(), l.text(), "input " + i);
    }
    // The comparison means something: the good file has events, the bad ones are quarantined.
    assertEquals(500, parse(GunzipMode.LIBDEFLATE, gz).events().size());
    assertTrue(parse(GunzipMode.LIBDEFLATE, inputs.get(2)).text().contains(QuarantineReason.TRUNCATED_GZIP.name()));
    assertEquals(500, parse(GunzipMode.LIBDEFLATE, inputs.get(4)).events().size());
    assertEquals(OddShapes.expected().stream().filter(e -> !e.quarantined()).count(),
        parse(GunzipMode.LIBDEFLATE, gzip(OddShapes.logFile())).events().size());
  }

  @Test
  void aLyingOrTinyTrailerIsNotTrusted() throws Exception {
    byte[] gz = gzip(hour(10));
    assertEquals(hour(10).length, Gunzip.claimedSize(gz, gz.length));
    assertEquals(-1, Gunzip.claimedSize(gz, 19));
    // A 40-byte file cannot inflate to 1 MB: no 1 MB buffer is made for it.
    byte[] small = withTrailerSize(Arrays.copyOf(gz, 40), 1 << 20);
    assertEquals(-1, Gunzip.claimedSize(small, small.length));
    byte[] huge = withTrailerSize(gz, Gunzip.MAX_WHOLE_INFLATED + 1);
    assertEquals(-1, Gunzip.claimedSize(huge, huge.length));
  }

  @Test
  void zlibModeNeverUsesLibdeflate() throws Exception {
    Gunzip g = new Gunzip(GunzipMode.ZLIB);
    byte[] json = hour(100);
    assertArrayEquals(json, readAll(g, gzip(json)));
    assertEquals(0, g.inflatedWhole);
  }

  record Outcome(List<String> events, List<String> quarantine, RecordParser.Counts counts) {
    String text() {
      return counts + "\n" + String.join("\n", events) + "\n" + String.join("\n", quarantine);
    }
  }

  static Outcome parse(GunzipMode mode, byte[] content) {
    RecordParser p = new RecordParser(new ParserSettings(512, 1000, List.of(), mode));
    List<String> events = new ArrayList<>();
    List<String> quarantine = new ArrayList<>();
    RecordParser.Counts c = p.parse(new ByteArrayInputStream(content), FILE, HOUR, new RecordParser.Sink() {
      @Override
      public void event(ParsedEvent e) {
        events.add(Arrays.toString(e.values()));
      }

      @Override
      public void quarantine(QuarantineEntry entry) {
        quarantine.add(entry.toString());
      }
    });
    return new Outcome(events, quarantine, c);
  }

  static byte[] readAll(Gunzip g, byte[] gz) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonParser p = g.open(new ByteArrayInputStream(gz)).parser(new JsonFactory())) {
      p.releaseBuffered(out); // nothing consumed yet: the whole input is still buffered
      Object source = p.getInputSource();
      if (source instanceof java.io.InputStream in) {
        in.transferTo(out);
      }
    }
    return out.toByteArray();
  }

  static byte[] hour(int records) {
    Random r = new Random(records);
    String recs = java.util.stream.IntStream.range(0, records)
        .mapToObj(i -> record(iamUser(ACCT, "user" + r.nextInt(20)), ACCT, "s3.amazonaws.com",
            "GetObject" + r.nextInt(5), T.plusSeconds(i % 3000), null))
        .collect(Collectors.joining(","));
    return ("{\"Records\":[" + recs + "]}").getBytes(StandardCharsets.UTF_8);
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  static byte[] corruptMiddle(byte[] gz) {
    byte[] out = gz.clone();
    for (int i = gz.length / 2; i < gz.length / 2 + 16; i++) {
      out[i] ^= 0x5a;
    }
    assertNotEquals(Arrays.toString(gz), Arrays.toString(out));
    return out;
  }

  static byte[] withTrailerSize(byte[] gz, int size) {
    byte[] out = gz.clone();
    int n = out.length;
    out[n - 4] = (byte) size;
    out[n - 3] = (byte) (size >>> 8);
    out[n - 2] = (byte) (size >>> 16);
    out[n - 1] = (byte) (size >>> 24);
    return out;
  }
}
