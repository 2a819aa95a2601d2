package io.trailwatch.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trailwatch.core.Window;
import io.trailwatch.identity.IdentityTypes;
import io.trailwatch.testing.SharedData;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/**
 * The real, messy records in ../shared/cloudtrail-samples: each one comes out normalised (with a
 * principal key) or quarantined with a reason. None crashes the parser, none vanishes. An extra
 * check, on only when {@code TRAILWATCH_SHARED_SAMPLES} is set ({@code .ci/run} sets it); the
 * project's own fixtures cover the same shapes in the default suite.
 */
@EnabledIfEnvironmentVariable(named = SharedData.SWITCH, matches = ".+")
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SharedSamplesTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Window ALL_TIME = new Window(Instant.parse("1970-01-01T00:00:00Z"), Instant.parse("2100-01-01T00:00:00Z"));

  @ParameterizedTest
  @ValueSource(strings = {"panther-rule-tests.jsonl", "awsdocs-examples.jsonl"})
  void everySampleIsNormalisedOrQuarantined(String name) throws Exception {
    List<String> lines = Files.readAllLines(SharedData.samples().resolve(name)).stream()
        .filter(l -> !l.isBlank()).toList();
    List<Object[]> events = new ArrayList<>();
    List<QuarantineEntry> quarantined = new ArrayList<>();
    RecordParser parser = new RecordParser(new ParserSettings(512, 10_000, List.of("AWSReservedSSO_*")));
    LogFile file = new LogFile("file:/samples/" + name, "123456789012", "samples", "us-east-1", Instant.EPOCH, 0);
    byte[] content = ("{\"Records\":[" + String.join(",", lines) + "]}").getBytes(StandardCharsets.UTF_8);
    RecordParser.Counts c = parser.parse(new ByteArrayInputStream(content), file, ALL_TIME, new RecordParser.Sink() {
      @Override
      public void event(ParsedEvent e) {
        events.add(e.values());
      }

      @Override
      public void quarantine(QuarantineEntry entry) {
        quarantined.add(entry);
      }
    });

    assertFalse(c.fileQuarantined(), () -> "file-level problem: " + quarantined);
    assertEquals(lines.size(), c.records());
    assertEquals(lines.size(), events.size() + quarantined.size(), "every record is normalised or quarantined");
    for (QuarantineEntry q : quarantined) {
      assertTrue(q.recordIndex() >= 0 && q.reason() != null, q.toString());
    }

    // Normalised records: a principal key, the type the record says (Unknown when it says none; AWS
    // acting without a userIdentity is AWSService), and an assumed role keyed by its role, never its session.
    Map<String, Integer> byType = new HashMap<>();
    int e = 0;
    for (int i = 0; i < lines.size(); i++) {
      final int index = i;
      if (quarantined.stream().anyMatch(q -> q.recordIndex() == index)) {
        continue;
      }
      Object[] ev = events.get(e++);
      String principal = (String) ev[2];
      String type = (String) ev[3];
      assertTrue(principal != null && !principal.isBlank(), "line " + (i + 1));
      byType.merge(type, 1, Integer::sum);
      JsonNode rec = JSON.readTree(lines.get(i));
      JsonNode id = rec.path("userIdentity");
      String written = id.isObject() ? (id.path("type").isTextual() ? id.path("type").asText() : IdentityTypes.UNKNOWN)
          : IdentityTypes.AWS_SERVICE;
      assertEquals(written, type, "line " + (i + 1) + ": identity type");
      JsonNode issuer = rec.path("userIdentity").path("sessionContext").path("sessionIssuer").path("arn");
      if ("AssumedRole".equals(type) && issuer.isTextual() && !issuer.asText().contains("AWSReservedSSO_")) {
        assertEquals(issuer.asText(), principal, "line " + (i + 1) + ": assumed roles are keyed by role");
      }
      if ("Root".equals(type)) {
        assertTrue(principal.endsWith(":root"), principal);
      }
    }
    // Only the types the corpus's README lists come out: none invented.
    assertTrue(Set.of(IdentityTypes.ASSUMED_ROLE, IdentityTypes.IAM_USER, IdentityTypes.ROOT, IdentityTypes.AWS_ACCOUNT,
        IdentityTypes.FEDERATED_USER, IdentityTypes.UNKNOWN, IdentityTypes.SAML_USER, IdentityTypes.AWS_SERVICE)
        .containsAll(byType.keySet()), byType::toString);
  }
}
