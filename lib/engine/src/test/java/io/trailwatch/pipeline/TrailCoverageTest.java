package io.trailwatch.pipeline;

import static io.trailwatch.testing.CloudTrailFixtures.iamUser;
import static io.trailwatch.testing.CloudTrailFixtures.record;
import static io.trailwatch.testing.CloudTrailFixtures.writeLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.accounts.Account;
import io.trailwatch.alerting.Alert;
import io.trailwatch.config.CoverageConfig;
import io.trailwatch.config.SilentTrailsConfig;
import io.trailwatch.config.TrailwatchConfig;
import io.trailwatch.core.Hour;
import io.trailwatch.core.RunSummary;
import io.trailwatch.ingest.LocalLogPlanner;
import io.trailwatch.ingest.LocalOpener;
import io.trailwatch.policy.Severity;
import io.trailwatch.state.StateStore;
import io.trailwatch.testing.SparkTest;
import io.trailwatch.testing.StateFolders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coverage ledger and the silent-trail rule in real hourly runs: small logs in a temp folder,
 * Spark and Delta for real. Two accounts over three hours: one whose trail is stopped by an IAM
 * user, one with a file delivered after its hour's run; a third listed account never delivers.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class TrailCoverageTest extends SparkTest {
  static final String PAY = "111111111111";
  static final String PLAT = "222222222222";
  static final String NEVER = "333333333333";
  static final List<Account> ACCOUNTS = List.of(new Account(PAY, "pay-prod", "payments"),
      new Account(PLAT, "plat-prod", "payments"), new Account(NEVER, "new-prod", "payments"));
  static final Hour H = Hour.parse("--hour", "2026-11-20T14");
  static final String DEPLOY = "arn:aws:iam::222222222222:user/deploy";

  @TempDir Path dir;

  static Instant at(int minutes) {
    return H.start().plus(Duration.ofMinutes(minutes));
  }

  static String ev(String account, String user, String source, String name, Instant t) {
    return record(iamUser(account, user), account, source, name, t, null);
  }

  @Test
  void theLedgerHoldsEachAccountRegionHourOnceAndAStoppedTrailRaisesOneCriticalAlert() throws Exception {
    Path logs = dir.resolve("logs");
    Files.createDirectories(logs.resolve("AWSLogs"));
    writeLog(logs, PAY, "us-east-1", at(10), List.of(ev(PAY, "ci", "s3.amazonaws.com", "GetObject", at(1)),
        ev(PAY, "ci", "s3.amazonaws.com", "GetObject", at(2)), ev(PAY, "ci", "s3.amazonaws.com", "PutObject", at(5))));
    writeLog(logs, PAY, "eu-west-1", at(20), List.of(ev(PAY, "ci", "s3.amazonaws.com", "GetObject", at(15))));
    writeLog(logs, PLAT, "us-east-1", at(30), List.of(ev(PLAT, "deploy", "ecs.amazonaws.com", "UpdateService",
        at(25))));
    // The next hour: the deploy user stops the trail; then nothing more from that account.
    writeLog(logs, PLAT, "us-east-1", at(70), List.of(ev(PLAT, "deploy", "cloudtrail.amazonaws.com", "StopLogging",
        at(65))));
    writeLog(logs, PAY, "us-east-1", at(135), List.of(ev(PAY, "ci", "s3.amazonaws.com", "GetObject", at(130))));

    StateStore state = StateFolders.empty(spark, dir.resolve("state"));
    TrailwatchConfig cfg = TrailwatchConfig.defaults().withCoverage(
        new CoverageConfig(7, true, SilentTrailsConfig.defaults().with(0.9, 1, 2)));
    Pipeline p = new Pipeline(spark, cfg, new LocalLogPlanner(logs), new LocalOpener(), state, Progress.SILENT);

    assertEquals(List.of(), p.detect(H, ACCOUNTS).neverDelivered(), "too short a ledger to judge");
    p.detect(H, ACCOUNTS);
    // Delivered after the hour's run (named within its delivery lag): read as late by the next run.
    writeLog(logs, PAY, "us-east-1", at(85), List.of(ev(PAY, "ci", "sqs.amazonaws.com", "SendMessage", at(50))));
    RunSummary second = p.detect(H.plusHours(1), ACCOUNTS);
    assertEquals(List.of(), second.alerts().stream().filter(Alert::trailSilent).toList());
    assertEquals(List.of(), second.neverDelivered(), "one hour of ledger: too short to judge");

    String h0 = "2026-11-20T14:00:00Z";
    String h1 = "2026-11-20T15:00:00Z";
    assertEquals(List.of(
        // account region hour detect_hour files events lag_p50 lag_max late_events tamper
        PAY + " eu-west-1 " + h0 + " " + h0 + " 1 1 5 5 0 null null",
        PAY + " us-east-1 " + h0 + " " + h0 + " 1 3 8 9 0 null null",
        PAY + " us-east-1 " + h0 + " " + h1 + " 1 1 35 35 1 null null",
        PAY + " us-east-1 " + h1 + " " + h1 + " 2 0 null null 0 null null",
        PLAT + " us-east-1 " + h0 + " " + h0 + " 2 1 5 5 0 null null",
        PLAT + " us-east-1 " + h1 + " " + h1 + " 1 1 5 5 0 cloudtrail:StopLogging " + DEPLOY),
        ledger(state));
    assertTrue(state.coverage().rows(List.of("payments")).filter("bytes <= 0").isEmpty(), "bytes are counted");

    RunSummary silent = p.detect(H.plusHours(2), ACCOUNTS);
    List<Alert> coverage = silent.alerts().stream().filter(Alert::trailSilent).toList();
    assertEquals(1, coverage.size(), silent.alerts().toString());
    assertEquals(PLAT, coverage.get(0).accountId());
    assertEquals(DEPLOY, coverage.get(0).principal());
    assertEquals(Severity.CRITICAL, coverage.get(0).severity());
    assertEquals(List.of("us-east-1"), coverage.get(0).regions());
    assertEquals(List.of(NEVER), silent.neverDelivered(), "listed, never delivered: reported, not alerted");
    assertEquals(List.of(NEVER), state.runs().neverDelivered("payments"), "status reads the latest detect run's");
    assertEquals(1, state.alerts().recorded(List.of("payments"), H.plusHours(2).start()).stream()
        .filter(Alert::trailSilent).count(), "recorded in the alerts table like any alert");
    assertEquals(1, p.detect(H.plusHours(2), ACCOUNTS).alerts().stream().filter(Alert::trailSilent).count(),
        "a rerun of the hour finds the same alert, once");
  }

  static List<String> ledger(StateStore state) {
    return state.coverage().rows(List.of("payments")).orderBy("account_id", "region", "hour", "detect_hour")
        .collectAsList().stream().map(TrailCoverageTest::line).toList();
  }

  static String line(Row r) {
    return r.getAs("account_id") + " " + r.getAs("region") + " " + r.<java.sql.Timestamp>getAs("hour").toInstant()
        + " " + r.<java.sql.Timestamp>getAs("detect_hour").toInstant() + " " + r.getAs("files") + " " + r.getAs("events")
        + " " + r.getAs("lag_p50_minutes") + " " + r.getAs("lag_max_minutes") + " " + r.getAs("late_events") + " "
        + r.getAs("tamper_call") + " " + r.getAs("tamper_principal");
  }
}
