package io.trailwatch.cli;

import static io.trailwatch.testing.CloudTrailFixtures.record;
import static io.trailwatch.testing.CloudTrailFixtures.root;
import static io.trailwatch.testing.CloudTrailFixtures.writeAccounts;
import static io.trailwatch.testing.CloudTrailFixtures.writeLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.lease.FileLeases;
import io.trailwatch.lease.Lease;
import io.trailwatch.state.StateLayout;
import io.trailwatch.state.Tables;
import io.trailwatch.testing.CommandRun;
import io.trailwatch.testing.HecServer;
import io.trailwatch.testing.SparkTest;
import io.trailwatch.testing.StateFolders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * No hour left undetected, on a local state: detect reports the hours skipped before its own,
 * status lists them and exits 6, --fill-gaps detects them with the alerts hourly runs would have
 * made; --pending-ok; and a second writer of a business unit is refused in one line.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class CoverageCommandLineTest extends SparkTest {
  static final String PAY = "111111111111";
  static final Instant FIRST = Instant.parse("2026-11-20T10:00:00Z");
  /** A new call of the root every hour: the root alerts on any activity, so every hour alerts once. */
  static final List<String> CALLS = List.of("ConsoleLogin", "CreateAccessKey", "PutBucketPolicy", "DeleteTrail");
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  Path logs;
  Path accounts;

  @BeforeEach
  void anAlertEveryHour() throws Exception {
    logs = dir.resolve("logs");
    for (int h = 0; h < CALLS.size(); h++) {
      Instant t = FIRST.plus(Duration.ofHours(h));
      writeLog(logs, PAY, "us-east-1", t.plusSeconds(600),
          List.of(record(root(PAY), PAY, "iam.amazonaws.com", CALLS.get(h), t.plusSeconds(60), null)));
    }
    accounts = writeAccounts(dir.resolve("accounts.csv"), PAY + ",pay-prod,payments");
  }

  /** A copy of this JVM's empty tables: the first run opens them instead of creating its ten tables. */
  void emptyState() {
    StateFolders.emptyLayout(spark, dir.resolve("state"), List.of("payments"));
  }

  static String hour(int h) {
    return FIRST.plus(Duration.ofHours(h)).toString().substring(0, 13);
  }

  CommandRun detect(int h, String... extra) {
    List<String> args = new ArrayList<>(List.of("detect", "--logs", logs.toString(), "--state",
        dir.resolve("state").toString(), "--accounts", accounts.toString(), "--hour", hour(h), "--master", "local[2]",
        "--summary-out", dir.resolve("summary-" + h + ".json").toString()));
    args.addAll(List.of(extra));
    return CommandRun.of(Main::run, args.toArray(new String[0]));
  }

  CommandRun status(String... extra) {
    List<String> args = new ArrayList<>(List.of("status", "--state", dir.resolve("state").toString(), "--master",
        "local[2]", "--until", hour(CALLS.size()), "--days", "1"));
    args.addAll(List.of(extra));
    return CommandRun.of(Main::run, args.toArray(new String[0]));
  }

  JsonNode summary(int h) throws Exception {
    return JSON.readTree(dir.resolve("summary-" + h + ".json").toFile());
  }

  static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  @Test
  void skippedHoursAreReportedListedByStatusAndFilledWithTheAlertsOfHourlyRuns() throws Exception {
    emptyState();
    CommandRun first = detect(0);
    assertEquals(0, first.code(), first.err());
    CommandRun after = detect(2);
    assertEquals(0, after.code(), after.err());
    assertEquals(List.of(hour(1)), texts(summary(2).get("missing_hours")), "detect of " + hour(2)
        + " reports the hour skipped before it");
    assertTrue(after.out().contains("missing hours       1 before this one"), after.out());

    CommandRun sick = status("--json");
    assertEquals(StatusCommand.NEEDS_ATTENTION, sick.code(), sick.err());
    JsonNode payments = JSON.readTree(sick.out()).get("business_units").get(0);
    assertEquals(List.of(hour(1), hour(3)), texts(payments.get("missing_hours")));
    assertEquals(hour(2), payments.get("last_detected").asText());
    assertTrue(payments.get("lease").isNull(), "nobody holds the lease");
    assertTrue(payments.at("/tables/alerts/files").asLong() > 0, sick.out());

    CommandRun fill = detect(3, "--fill-gaps");
    assertEquals(0, fill.code(), fill.err());
    assertEquals(List.of(hour(1)), texts(summary(3).get("filled_hours")));
    assertEquals(List.of(), texts(summary(3).get("missing_hours")));
    CommandRun well = status();
    assertEquals(0, well.code(), well.out() + well.err());
    assertTrue(well.out().contains("missing hours   none"), well.out());

    // What hourly runs make: one alert an hour, on that hour's call, each once.
    List<String> expected = new ArrayList<>();
    for (int h = 0; h < CALLS.size(); h++) {
      expected.add(FIRST.plus(Duration.ofHours(h)) + " " + CALLS.get(h));
    }
    List<String> alerts = new ArrayList<>();
    for (Row r : new StateLayout(spark, dir.resolve("state").toUri().toString()).of("payments").table(Tables.ALERTS)
        .selectExpr("hour", "new_behaviors[0].event_name AS call").collectAsList()) {
      alerts.add(r.<java.sql.Timestamp>getAs("hour").toInstant() + " " + r.getAs("call"));
    }
    assertEquals(expected, alerts.stream().sorted().toList());
  }

  @Test
  void pendingOkExitsZeroAndStatusShowsWhatIsPending() throws Exception {
    emptyState();
    Path token = dir.resolve("hec-token");
    Files.writeString(token, "tok-123\n");
    try (HecServer hec = HecServer.start("tok-123")) {
      hec.down();
      CommandRun r = detect(0, "--hec-url", hec.url(), "--hec-token-file", token.toString(), "--pending-ok");
      assertEquals(0, r.code(), r.err());
      assertTrue(summary(0).get("delivery_pending").asBoolean());
      assertEquals(1, summary(0).at("/delivery/hec/pending").asInt());
      CommandRun s = status("--json");
      assertEquals(StatusCommand.NEEDS_ATTENTION, s.code(), "hours after the first are missing: " + s.out());
      JsonNode payments = JSON.readTree(s.out()).get("business_units").get(0);
      assertEquals(1, payments.at("/delivery/hec/pending").asInt(), s.out());
      assertEquals(0, payments.at("/delivery/hec/failed").asInt(), s.out());
    }
  }

  @Test
  void aSecondWriterIsRefusedWithBuBusyInOneLineAndALeaseCommandWaitsItsTurn() throws Exception {
    Path state = dir.resolve("state");
    FileLeases leases = new FileLeases(state);
    try (Lease held = leases.take("payments", "detect", Duration.ZERO)) {
      CommandRun r = detect(0);
      assertEquals(3, r.code(), r.err());
      List<String> said = r.err().lines().filter(l -> l.contains("BU_BUSY")).toList();
      assertEquals(1, said.size(), r.err());
      assertTrue(said.get(0).contains(held.holder().runId()), "names the holder: " + said.get(0));
      assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
      assertFalse(Files.exists(state.resolve("bu=payments").resolve(Tables.ALERTS)), "nothing written");

      CommandRun lease = CommandRun.of(Main::run, "lease", "--state", state.toString(), "--bu", "payments", "--",
          "true");
      assertEquals(3, lease.code(), lease.err());
      assertTrue(lease.err().contains("[BU_BUSY]"), lease.err());
    }
    CommandRun free = CommandRun.of(Main::run, "lease", "--state", state.toString(), "--bu", "payments", "--", "true");
    assertEquals(0, free.code(), free.err());
    CommandRun bad = CommandRun.of(Main::run, "lease", "--state", state.toString(), "--bu", "payments", "--",
        dir.resolve("no-such-command").toString());
    assertEquals(2, bad.code(), bad.err());
    LeaseCommand lease = new LeaseCommand();
    lease.state = state.toString();
    lease.bu = "payments";
    lease.config = new ConfigOption();
    lease.lease = new LeaseOption();
    lease.command = List.of(dir.resolve("no-such-command").toString());
    assertEquals(ErrorCode.BAD_LEASE_COMMAND, assertThrows(TrailwatchException.class, lease::call).code());
  }
}
