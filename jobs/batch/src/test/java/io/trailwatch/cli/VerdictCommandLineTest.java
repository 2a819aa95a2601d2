package io.trailwatch.cli;

import static io.trailwatch.testing.CloudTrailFixtures.iamUser;
import static io.trailwatch.testing.CloudTrailFixtures.record;
import static io.trailwatch.testing.CloudTrailFixtures.writeAccounts;
import static io.trailwatch.testing.CloudTrailFixtures.writeLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trailwatch.core.ErrorCode;
import io.trailwatch.policy.Severity;
import io.trailwatch.testing.CommandRun;
import io.trailwatch.testing.SparkTest;
import io.trailwatch.testing.StateFolders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trailwatch verdict} and {@code verdicts} as an analyst runs them: bad input refused with its
 * own code, a file recorded whole or not at all, and a malicious verdict on an {@code
 * iam:CreateAccessKey} alert taking the behaviour out of the baseline, surviving a rerun of the
 * hour, and making its next use alert one level higher as part of the confirmed incident.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
// Points the AWS SDK at its moto server through a system property: no other class that sets it runs beside it.
@org.junit.jupiter.api.parallel.ResourceLock("aws.endpointUrlDynamoDb")
class VerdictCommandLineTest extends SparkTest {
  @org.junit.jupiter.api.extension.RegisterExtension
  static final io.trailwatch.testing.MotoServer MOTO = new io.trailwatch.testing.MotoServer();
  static final String PAY = "111111111111";
  static final String TABLE = "tw-verdicts";

  @org.junit.jupiter.api.BeforeAll
  static void pointAtMoto() {
    System.setProperty("aws.endpointUrlDynamoDb", MOTO.endpoint());
  }

  @org.junit.jupiter.api.AfterAll
  static void restore() {
    System.clearProperty("aws.endpointUrlDynamoDb");
  }

  /** The behaviours the DynamoDB mirror holds for a principal, as {@code source:name}. */
  static List<String> mirrored(String principal) {
    try (io.trailwatch.aws.DynamoDbMirror m = io.trailwatch.aws.DynamoDbMirror.create(TABLE)) {
      return m.lookup(PAY, principal, Instant.parse("2026-11-21T00:00:00Z")).stream()
          .map(i -> i.eventSource() + ":" + i.eventName()).sorted().toList();
    }
  }
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  static CommandRun userError(ErrorCode expected, String... args) {
    CommandRun r = CommandRun.of(Main::run, args);
    assertEquals(2, r.code(), r.err());
    assertEquals(expected, r.errorCode(), r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    return r;
  }

  @Test
  void helpNamesTheOptions() {
    CommandRun r = CommandRun.of(Main::run, "verdict", "--help");
    assertEquals(0, r.code(), r.err());
    for (String option : List.of("--state", "--by", "--note", "--scope", "--expires", "--file", "--wait")) {
      assertTrue(r.out().contains(option), option + " in: " + r.out());
    }
    CommandRun list = CommandRun.of(Main::run, "verdicts", "--help");
    assertEquals(0, list.code(), list.err());
    assertTrue(list.out().contains("--active"), list.out());
  }

  @Test
  void badVerdictsScopesExpiriesAndAuthorsAreUserErrorsWithTheirOwnCodes() {
    String state = dir.resolve("state").toString();
    userError(ErrorCode.BAD_VERDICT, "verdict", "--state", state, "abc", "harmless", "--by", "ana");
    userError(ErrorCode.BAD_VERDICT_SCOPE, "verdict", "--state", state, "abc", "expected", "--by", "ana",
        "--scope", "team");
    userError(ErrorCode.BAD_VERDICT_EXPIRY, "verdict", "--state", state, "abc", "expected", "--by", "ana",
        "--expires", "30 days");
    userError(ErrorCode.VERDICT_NEEDS_AUTHOR, "verdict", "--state", state, "abc", "benign", "--by", " ");
  }

  private static List<JsonNode> alerts(Path file) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      out.add(JSON.readTree(line));
    }
    return out;
  }

  private CommandRun detect(Path logs, Path accounts, Path config, String state, String hour, Path alertsOut) {
    CommandRun d = CommandRun.of(Main::run, "detect", "--logs", logs.toString(), "--state", state, "--accounts",
        accounts.toString(), "--config", config.toString(), "--hour", hour, "--master", "local[2]", "--alerts-out",
        alertsOut.toString(), "--dynamodb-table", TABLE);
    assertTrue(d.code() == 0, d.err());
    return d;
  }

  private static String table(String state, String name) {
    return Path.of(state).resolve("bu=payments").resolve(name).toUri().toString();
  }

  private static long baselineRows(String state, String principal, String eventName) {
    return SparkSession.active().read().format("delta").load(table(state, "baseline"))
        .filter("principal = '" + principal + "' AND event_name = '" + eventName + "'").count();
  }

  private static long verdictRows(String state) {
    return SparkSession.active().read().format("delta").load(table(state, "verdicts")).count();
  }

  @Test
  void aMaliciousCreateAccessKeyIsRolledBackSurvivesARerunAndItsNextUseAlertsHigherAsTheIncident() throws Exception {
    Instant h1 = Instant.parse("2026-11-20T10:00:00Z");
    Path logs = dir.resolve("logs");
    String alice = iamUser(PAY, "alice");
    String aliceArn = "arn:aws:iam::" + PAY + ":user/alice";
    writeLog(logs, PAY, "us-east-1", h1.plusSeconds(900),
        List.of(record(alice, PAY, "s3.amazonaws.com", "ListBuckets", h1.plusSeconds(60), null)));
    writeLog(logs, PAY, "us-east-1", h1.plusSeconds(4500),
        List.of(record(alice, PAY, "iam.amazonaws.com", "CreateAccessKey", h1.plusSeconds(3700), null)));
    writeLog(logs, PAY, "us-east-1", h1.plusSeconds(8100),
        List.of(record(alice, PAY, "iam.amazonaws.com", "CreateAccessKey", h1.plusSeconds(7300), null)));
    Path accounts = writeAccounts(dir.resolve("accounts.csv"), PAY + ",pay-prod,payments");
    Path config = Files.writeString(dir.resolve("trailwatch.yaml"), "baseline: {warmup-days: 0}\n"
        + "policy:\n  learning-days: 0\n  prevalence: {raise-when-new-to-business-unit: false}\n");
    String state = dir.resolve("state").toString();
    // A copy of this JVM's empty tables: the first run opens them instead of creating its ten tables.
    StateFolders.emptyLayout(spark, dir.resolve("state"), List.of("payments"));
    assertEquals(0, CommandRun.of(Main::run, "dynamodb-init", "--dynamodb-table", TABLE).code());
    detect(logs, accounts, config, state, "2026-11-20T10", dir.resolve("h1.jsonl"));
    detect(logs, accounts, config, state, "2026-11-20T11", dir.resolve("h2.jsonl"));
    List<JsonNode> first = alerts(dir.resolve("h2.jsonl"));
    assertEquals(1, first.size(), first.toString());
    String id = first.get(0).get("alert_id").asText();
    Severity before = Severity.valueOf(first.get(0).get("severity").asText().toUpperCase());
    assertNotEquals(Severity.CRITICAL, before);
    assertEquals(1, baselineRows(state, aliceArn, "CreateAccessKey"));
    assertEquals(List.of("iam.amazonaws.com:CreateAccessKey", "s3.amazonaws.com:ListBuckets"), mirrored(aliceArn));

    // A file with a bad second line, or an alert the state does not hold, writes nothing and names the line.
    Path bad = Files.writeString(dir.resolve("bad.jsonl"), "{\"alert_id\":\"" + id
        + "\",\"verdict\":\"benign\",\"by\":\"soar\"}\n{\"alert_id\": \"" + id + "\", \"verdict\":\n");
    assertTrue(userError(ErrorCode.BAD_VERDICT_FILE, "verdict", "--state", state, "--file", bad.toString(),
        "--master", "local[2]").err().contains("line 2 "));
    Path unknown = Files.writeString(dir.resolve("unknown.jsonl"), "{\"alert_id\":\"" + id
        + "\",\"verdict\":\"benign\",\"by\":\"soar\"}\n{\"alert_id\":\"0000\",\"verdict\":\"benign\",\"by\":\"soar\"}\n");
    assertTrue(userError(ErrorCode.UNKNOWN_ALERT, "verdict", "--state", state, "--file", unknown.toString(),
        "--master", "local[2]").err().contains("line 2 "));
    assertEquals(0, verdictRows(state), "nothing written");

    CommandRun malicious = CommandRun.of(Main::run, "verdict", "--state", state, id, "malicious", "--by", "ana",
        "--note", "key made by an attacker", "--master", "local[2]", "--dynamodb-table", TABLE);
    assertEquals(0, malicious.code(), malicious.err());
    assertEquals(0, baselineRows(state, aliceArn, "CreateAccessKey"), "rolled back");
    assertEquals(1, baselineRows(state, aliceArn, "ListBuckets"), "what the hour before taught stays");
    assertEquals(List.of("s3.amazonaws.com:ListBuckets"), mirrored(aliceArn), "the mirror rolled back too");

    CommandRun again = CommandRun.of(Main::run, "verdict", "--state", state, id, "malicious", "--by", "bo",
        "--master", "local[2]");
    assertEquals(0, again.code(), again.err());
    assertTrue(again.out().startsWith("unchanged"), again.out());
    assertEquals(1, verdictRows(state));

    // A rerun of the hour: the same alert, no new verdict row, and the incident is not learnt again.
    detect(logs, accounts, config, state, "2026-11-20T11", dir.resolve("h2-rerun.jsonl"));
    assertEquals(List.of(id), alerts(dir.resolve("h2-rerun.jsonl")).stream().map(a -> a.get("alert_id").asText())
        .toList());
    assertEquals(1, SparkSession.active().read().format("delta").load(table(state, "alerts")).count());
    assertEquals(1, verdictRows(state));
    assertEquals(0, baselineRows(state, aliceArn, "CreateAccessKey"));

    detect(logs, accounts, config, state, "2026-11-20T12", dir.resolve("h3.jsonl"));
    List<JsonNode> next = alerts(dir.resolve("h3.jsonl"));
    assertEquals(1, next.size(), next.toString());
    assertEquals(before.raise(), Severity.valueOf(next.get(0).get("severity").asText().toUpperCase()));
    assertTrue(next.get(0).get("reason").asText().contains("confirmed incident " + id), next.get(0).toString());

    CommandRun list = CommandRun.of(Main::run, "verdicts", "--state", state, "--master", "local[2]");
    assertEquals(0, list.code(), list.err());
    assertTrue(list.out().contains(id + "  malicious"), list.out());

    // What the verdicts teach, per rule: both of alice's alerts are IAMUser's, one has a verdict, none benign.
    CommandRun status = CommandRun.of(Main::run, "status", "--state", state, "--json", "--until", "2026-11-20T13",
        "--days", "1", "--master", "local[2]");
    assertTrue(status.code() == 0 || status.code() == StatusCommand.NEEDS_ATTENTION, status.err());
    JsonNode iamUser = null;
    for (JsonNode row : JSON.readTree(status.out()).path("business_units").get(0).path("precision")) {
      if (row.path("by").asText().equals("identity type") && row.path("value").asText().equals("IAMUser")) {
        iamUser = row;
      }
    }
    assertTrue(iamUser != null, status.out());
    assertEquals(2, iamUser.path("alerts").asInt());
    assertEquals(1, iamUser.path("verdicts").asInt());
    assertEquals(1, iamUser.path("malicious").asInt());
    assertEquals(0.0, iamUser.path("share_benign_or_expected").asDouble());
  }
}
