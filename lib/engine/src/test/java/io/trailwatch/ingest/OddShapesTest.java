package io.trailwatch.ingest;

import io.trailwatch.core.QuarantineReason;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.trailwatch.config.TrailwatchConfig;
import io.trailwatch.core.Window;
import io.trailwatch.identity.IdentityTypes;
import io.trailwatch.testing.CloudTrailFixtures;
import io.trailwatch.testing.OddShapes;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The project's odd-shaped records ({@link OddShapes}) come out exactly as the README's rules say
 * ("What is detected", "Bad input"): every line normalised to its expected principal and identity
 * type, or quarantined with its expected reason, and the odd fields read as documented. The whole
 * answer is compared, line by line.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class OddShapesTest {
  static final Window ALL_TIME = new Window(Instant.parse("1970-01-01T00:00:00Z"), Instant.parse("2100-01-01T00:00:00Z"));
  static final LogFile FILE = new LogFile("file:/logs/odd-shapes.json.gz", "111122223333", "payments", "us-east-1",
      Instant.parse("2026-11-20T15:05:00Z"), 0);
  /** The optional fields an expectation line may pin, besides the principal or the reason. */
  static final List<String> CHECKS = List.of("eventId", "eventTime", "readOnly", "userAgentPrefix", "userAgentLength");

  /** What the parser gave for one record: an event's values or a quarantine entry. */
  record Output(Object[] event, QuarantineEntry quarantine) {}

  static final class Parsed {
    final List<Output> outputs = new ArrayList<>();
    RecordParser.Counts counts;
  }

  /** Parses the fixture as one file with the default configuration (max string length, human-role patterns). */
  static Parsed parse(byte[] content) {
    TrailwatchConfig cfg = TrailwatchConfig.defaults();
    RecordParser parser = new RecordParser(new ParserSettings(cfg.ingest().maxStringLength(),
        cfg.ingest().maxQuarantinedRecordsPerFile(), cfg.identity().humanRolePatterns()));
    Parsed p = new Parsed();
    p.counts = parser.parse(new ByteArrayInputStream(content), FILE, ALL_TIME, new RecordParser.Sink() {
      @Override
      public void event(ParsedEvent e) {
        p.outputs.add(new Output(e.values(), null));
      }

      @Override
      public void quarantine(QuarantineEntry entry) {
        p.outputs.add(new Output(null, entry));
      }
    });
    return p;
  }

  /** An expectation line as the test compares it: the line without its free-text description. */
  static String expectedText(OddShapes.Expected e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("line", e.line());
    if (e.quarantined()) {
      m.put("reason", e.reason());
    } else {
      m.put("principal", e.principal());
      m.put("type", e.type());
    }
    for (String k : CHECKS) {
      JsonNode v = e.checks().get(k);
      if (v != null) {
        Object value = v.isBoolean() ? (Object) v.asBoolean() : v.isInt() ? (Object) v.asInt() : v.asText();
        m.put(k, k.equals("eventId") ? ((String) value).replace(OddShapes.FILE_TOKEN, FILE.uri()) : value);
      }
    }
    return m.toString();
  }

  /** The same fields of what the parser gave for that line. */
  static String actualText(OddShapes.Expected e, Output o) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("line", e.line());
    if (o.quarantine() != null) {
      m.put("reason", o.quarantine().reason());
      return m.toString();
    }
    Object[] v = o.event();
    m.put("principal", v[2]);
    m.put("type", v[3]);
    String userAgent = (String) v[10];
    for (String k : CHECKS) {
      if (!e.checks().has(k)) {
        continue;
      }
      switch (k) {
        case "eventId" -> m.put(k, v[6]);
        case "eventTime" -> m.put(k, ((java.sql.Timestamp) v[7]).toInstant().toString());
        case "readOnly" -> m.put(k, v[12]);
        case "userAgentPrefix" -> m.put(k, userAgent.substring(0,
            Math.min(userAgent.length(), e.checks().get(k).asText().length())));
        case "userAgentLength" -> m.put(k, userAgent.length());
        default -> throw new AssertionError(k);
      }
    }
    return m.toString();
  }

  @Test
  void everyRecordIsNormalisedOrQuarantinedAsDocumented() {
    List<String> records = OddShapes.records();
    List<OddShapes.Expected> expected = OddShapes.expected();
    assertEquals(records.size(), expected.size(), "one expectation per record");

    Parsed p = parse(OddShapes.logFile());

    assertFalse(p.counts.fileQuarantined());
    assertEquals(records.size(), p.outputs.size(), "one event or one quarantine entry per record, nothing else");
    List<String> want = new ArrayList<>();
    List<String> got = new ArrayList<>();
    for (int i = 0; i < expected.size(); i++) {
      OddShapes.Expected e = expected.get(i);
      assertEquals(i + 1, e.line(), "expectations are numbered by line");
      Output o = p.outputs.get(i);
      if (o.quarantine() != null) {
        assertEquals(i, o.quarantine().recordIndex(), "quarantine entries name their record's index");
      }
      want.add(expectedText(e));
      got.add(actualText(e, o));
    }
    assertEquals(String.join("\n", want), String.join("\n", got));

    long quarantined = expected.stream().filter(OddShapes.Expected::quarantined).count();
    assertEquals(new RecordParser.Counts(records.size(), records.size() - quarantined, quarantined, false), p.counts);
  }

  @Test
  void keptStringsAreCutToTheConfiguredLengthAndHoldNoControlCharacters() {
    int max = TrailwatchConfig.defaults().ingest().maxStringLength();
    List<Object[]> events = parse(OddShapes.logFile()).outputs.stream().map(Output::event)
        .filter(java.util.Objects::nonNull).toList();
    for (Object[] v : events) {
      for (Object x : v) {
        if (x instanceof String s) {
          assertTrue(s.length() <= max, () -> "longer than " + max + ": " + s.substring(0, 80));
          assertTrue(s.chars().noneMatch(c -> c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0x2028 || c == 0x2029),
              () -> "control character kept in " + s.substring(0, Math.min(80, s.length())));
        }
      }
    }
  }

  @Test
  void missingEventIdsGetDistinctStandInsAndPlaceholdersAreKept() {
    List<Object[]> events = parse(OddShapes.logFile()).outputs.stream().map(Output::event)
        .filter(java.util.Objects::nonNull).toList();
    List<String> standIns = events.stream().map(v -> (String) v[6]).filter(id -> id.startsWith("missing:")).toList();
    assertEquals(4, standIns.size(), standIns::toString);
    assertEquals(standIns.size(), Set.copyOf(standIns).size(), "no two records share a stand-in");
    assertEquals(2, events.stream().filter(v -> v[6].equals("00000000-0000-0000-0000-000000000000")).count());
  }

  /** No AWS eventSource starts with '@': one that does would write a dimension's baseline rows, so it is quarantined. */
  @Test
  void aRecordClaimingADimensionsKeyAsItsEventSourceIsQuarantined() {
    java.time.Instant t = java.time.Instant.parse("2026-11-20T14:05:00Z");
    String forged = CloudTrailFixtures.record(CloudTrailFixtures.iamUser("111122223333", "alice"), "111122223333",
        "@region", "ap-southeast-1", t, null);
    String real = CloudTrailFixtures.record(CloudTrailFixtures.iamUser("111122223333", "alice"), "111122223333",
        "ec2.amazonaws.com", "DescribeRegions", t, null);
    Parsed p = parse(("{\"Records\":[" + forged + "," + real + "]}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertEquals(2, p.outputs.size());
    assertEquals(QuarantineReason.BAD_EVENT_SOURCE, p.outputs.get(0).quarantine().reason());
    assertEquals(0, p.outputs.get(0).quarantine().recordIndex());
    assertEquals("ec2.amazonaws.com", p.outputs.get(1).event()[4], "the next record is read as usual");
  }

  @Test
  void gzippedTheFileGivesTheSameAnswer() throws Exception {
    Parsed plain = parse(OddShapes.logFile());
    Parsed gzipped = parse(CloudTrailFixtures.gzip(OddShapes.logFile()));
    assertEquals(plain.counts, gzipped.counts);
    assertEquals(plain.outputs.stream().map(OddShapesTest::text).toList(),
        gzipped.outputs.stream().map(OddShapesTest::text).toList());
  }

  /** The fixture itself keeps covering what it is for: every identity type and every record-level reason. */
  @Test
  void theFixtureCoversEveryIdentityTypeAndEveryRecordReason() {
    List<OddShapes.Expected> expected = OddShapes.expected();
    assertEquals(new TreeSet<>(IdentityTypes.ALL), expected.stream().map(OddShapes.Expected::type)
        .filter(java.util.Objects::nonNull).collect(Collectors.toCollection(TreeSet::new)));
    assertEquals(new TreeSet<>(List.of(QuarantineReason.NOT_A_RECORD, QuarantineReason.MISSING_EVENT_TIME, QuarantineReason.BAD_EVENT_TIME,
        QuarantineReason.MISSING_EVENT_SOURCE, QuarantineReason.MISSING_EVENT_NAME, QuarantineReason.MISSING_USER_IDENTITY, QuarantineReason.NO_PRINCIPAL_ID,
        QuarantineReason.BAD_FIELD_TYPE)), expected.stream().map(OddShapes.Expected::reason)
        .filter(java.util.Objects::nonNull).map(QuarantineReason::valueOf).collect(Collectors.toCollection(TreeSet::new)));
    String all = String.join("\n", OddShapes.records());
    for (String shape : List.of("\"eventType\":\"AwsConsoleSignin\"", "\"eventType\":\"AwsVpceEvent\"",
        "\"eventType\":\"AwsConsoleAction\"", "\"eventType\":\"AwsServiceEvent\"", "HIDDEN_DUE_TO_SECURITY_REASONS",
        "\"readOnly\":\"true\"", "\"p_log_type\"", "AWSReservedSSO_", "\"invokedBy\"", "\"onBehalfOf\"")) {
      assertTrue(all.contains(shape), "the fixture has a record with " + shape);
    }
  }

  static String text(Output o) {
    return o.event() != null ? java.util.Arrays.toString(o.event()) : o.quarantine().toString();
  }
}
