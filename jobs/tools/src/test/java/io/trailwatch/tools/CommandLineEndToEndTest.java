package io.trailwatch.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trailwatch.generate.ExpectedAlert;
import io.trailwatch.testing.CommandRun;
import io.trailwatch.generate.ExpectedQuiet;
import io.trailwatch.generate.GeneratedOrg;
import io.trailwatch.generate.GeneratorSpec;
import io.trailwatch.generate.HourCounts;
import io.trailwatch.generate.SyntheticOrg;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line over a generated organisation, as a user (or Airflow) drives it: generate,
 * baseline, detect with --alerts-out and --summary-out. The injected incidents must be in the
 * alerts, and nothing else; the churn, learning and AWS-service cases must not. The summary counts
 * what the generator wrote for the hour.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class CommandLineEndToEndTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH").withZone(ZoneOffset.UTC);
  static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

  @TempDir Path dir;

  @Test
  void generatedIncidentsAreAlertedAndQuietCasesAreNot() throws Exception {
    GeneratorSpec spec = new GeneratorSpec(21, 4, 4, 20, 7, GeneratorSpec.DEFAULT_END);
    GeneratedOrg org = SyntheticOrg.generate(spec, dir.resolve("org"));
    String logs = org.logsDir().toString();
    String state = dir.resolve("state").toString();
    String accounts = org.accountsCsv().toString();

    CommandRun base = CliErrorsTest.run("baseline", "--master", "local[2]", "--logs", logs, "--state", state,
        "--accounts", accounts, "--from", DAY.format(spec.start()), "--to", HOUR.format(org.incidentHour()),
        "--summary-out", dir.resolve("base.json").toString());
    assertEquals(0, base.code(), base.err());

    Path alertsOut = dir.resolve("alerts.jsonl");
    Path summaryOut = dir.resolve("summary.json");
    CommandRun detect = CliErrorsTest.run("detect", "--master", "local[2]", "--logs", logs, "--state",
        state, "--accounts", accounts, "--hour", HOUR.format(org.incidentHour()), "--alerts-out",
        alertsOut.toString(), "--summary-out", summaryOut.toString());
    assertEquals(0, detect.code(), detect.err());

    List<JsonNode> alerts = new ArrayList<>();
    for (String line : Files.readAllLines(alertsOut)) {
      alerts.add(JSON.readTree(line));
    }
    for (ExpectedAlert e : org.expectedAlertsFor(List.of("api"))) {
      assertTrue(alerts.stream().anyMatch(a -> a.get("principal").asText().equals(e.principal())
          && a.get("account_id").asText().equals(e.accountId())
          && hasBehaviour(a, e.eventSource(), e.eventName(), e.failed())), () -> "missing " + e + " in " + alerts);
    }
    for (ExpectedQuiet q : org.expectedQuiet()) {
      assertTrue(alerts.stream().noneMatch(a -> a.get("account_id").asText().equals(q.accountId())
          && a.get("principal").asText().startsWith(q.principalPrefix())), () -> "not quiet: " + q);
    }
    for (JsonNode a : alerts) {
      for (String field : List.of("alert_id", "hour", "account_id", "business_unit", "principal", "identity_type",
          "severity", "new_behaviors", "source_ips", "user_agents", "regions", "event_ids", "reason")) {
        assertTrue(a.has(field), field + " in " + a);
      }
      assertEquals(org.incidentHour().toString(), a.get("hour").asText());
    }

    // One alert per expected principal, and no other.
    Set<String> expectedPrincipals = org.expectedAlertsFor(List.of("api")).stream().map(e -> e.accountId() + " " + e.principal())
        .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(expectedPrincipals, alerts.stream().map(a -> a.get("account_id").asText() + " "
        + a.get("principal").asText()).collect(Collectors.toCollection(TreeSet::new)));
    assertEquals(expectedPrincipals.size(), alerts.size(), "one alert per principal and hour");

    // The summary counts what the generator wrote for the hour.
    HourCounts hour = org.incidentHourCounts();
    assertTrue(hour.duplicates() > 0, () -> "the generated hour holds redeliveries to drop: " + hour);
    JsonNode summary = JSON.readTree(summaryOut.toFile());
    for (String field : List.of("files_read", "files_quarantined", "records_read", "records_quarantined",
        "duplicates_dropped", "principals", "new_behaviors", "alerts", "seconds")) {
      assertTrue(summary.has(field), field + " in " + summary);
    }
    assertEquals(hour.records(), summary.get("records_in_window").asLong(), "records in the hour, redeliveries too");
    assertEquals(hour.duplicates(), summary.get("duplicates_dropped").asLong());
    assertEquals(0, summary.get("records_quarantined").asLong(), "the generator writes no bad records");
    assertEquals(0, summary.get("files_quarantined").asLong(), "digest files are skipped, not quarantined");
    assertEquals(expectedPrincipals.size(), summary.get("alerts").asInt());

    // The printed summary says the same.
    List<String> printed = detect.out().lines().toList();
    assertTrue(printed.stream().anyMatch(l -> l.matches("\\s+alerts\\s+" + expectedPrincipals.size() + "(\\s.*)?")),
        detect.out());
    assertTrue(detect.out().contains(String.format("(%,d in window, 0 quarantined, %,d duplicates dropped)",
        hour.records(), hour.duplicates())), detect.out());
  }

  static boolean hasBehaviour(JsonNode alert, String source, String name, boolean failed) {
    for (JsonNode b : alert.get("new_behaviors")) {
      if (b.get("event_source").asText().equals(source) && b.get("event_name").asText().equals(name)
          && b.get("failed").asBoolean() == failed) {
        return true;
      }
    }
    return false;
  }
}
