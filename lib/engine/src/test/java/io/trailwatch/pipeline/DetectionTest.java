package io.trailwatch.pipeline;

import io.trailwatch.core.RunSummary;
import static io.trailwatch.testing.CloudTrailFixtures.assumedRole;
import static io.trailwatch.testing.CloudTrailFixtures.iamUser;
import static io.trailwatch.testing.CloudTrailFixtures.record;
import static io.trailwatch.testing.CloudTrailFixtures.root;
import static io.trailwatch.testing.CloudTrailFixtures.writeLog;
import static io.trailwatch.testing.CloudTrailFixtures.writeRaw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.alerting.Alert;
import io.trailwatch.alerting.NewBehavior;
import io.trailwatch.config.TrailwatchConfig;
import io.trailwatch.core.Hour;
import io.trailwatch.core.Window;
import io.trailwatch.accounts.Account;
import io.trailwatch.ingest.LocalLogPlanner;
import io.trailwatch.ingest.LocalOpener;
import io.trailwatch.core.QuarantineReason;
import io.trailwatch.state.StateStore;
import io.trailwatch.state.Tables;
import io.trailwatch.testing.CloudTrailFixtures;
import io.trailwatch.testing.OddShapes;
import io.trailwatch.testing.SparkTest;
import io.trailwatch.testing.StateFolders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hourly run end to end on small, real-shaped logs: Spark and Delta for real, in temp folders.
 *
 * <p>Most tests detect hours after the same month of history. Its baseline (a read of 90 files and
 * two MERGEs) is built once for the class from the history alone and copied into each test's state
 * ({@link #historyAndItsBaseline}); the build of the same window in the test would read the hour's
 * files too (they are within its delivery lag), but keeps none of their events, all at or after its
 * end. The two tests of the queue created again share one build and run.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class DetectionTest extends SparkTest {
  static final String PAY = "111111111111";
  static final String PLAT = "222222222222";
  static final List<Account> ACCOUNTS = List.of(new Account(PAY, "pay-prod", "payments"),
      new Account(PLAT, "plat-prod", "platform"));
  static final Hour H = Hour.parse("--hour", "2026-11-20T14");
  static final Instant MONTH_AGO = H.start().minus(Duration.ofDays(30));
  static final String CI = "arn:aws:iam::111111111111:user/ci";
  static final String APP = "arn:aws:iam::111111111111:role/app";

  @TempDir static Path shared;
  /** The state after the baseline build of the month of history: built on first use, then copied. */
  static Path historyBaseline;
  /** The state and alerts of {@link #queuesCreatedAgainAndForTheFirstTime}: made on first use. */
  static StateStore queuesState;
  static List<Alert> queuesAlerts;

  @TempDir Path dir;
  Path logs;
  StateStore state;

  @BeforeEach
  void setUp() throws Exception {
    logs = dir.resolve("logs");
    Files.createDirectories(logs.resolve("AWSLogs"));
    state = StateFolders.empty(spark, dir.resolve("state"));
  }

  Pipeline pipeline(TrailwatchConfig cfg) {
    return new Pipeline(spark, cfg, new LocalLogPlanner(logs), new LocalOpener(), state, Progress.SILENT);
  }

  /**
   * A failure of a background step (here a bug in the listing) reaches the caller as itself, once:
   * the run's background steps are checked again on closing, and a failure the stages already
   * received is not thrown again (Java refuses to suppress an exception into itself, and the
   * caller got "Self-suppression not permitted" instead of the failure).
   */
  @Test
  void aFailingBackgroundStepIsReportedAsItself() {
    IllegalStateException bug = new IllegalStateException("a bug in the listing");
    io.trailwatch.ingest.LogPlanner failing = new io.trailwatch.ingest.LogPlanner() {
      @Override
      public Plan plan(List<Account> accounts, Instant fileTimeFrom, Instant fileTimeTo) {
        throw bug;
      }

      @Override
      public String describe() {
        return "a planner with a bug";
      }
    };
    Pipeline p = new Pipeline(spark, TrailwatchConfig.defaults(), failing, new LocalOpener(), state, Progress.SILENT);
    org.junit.jupiter.api.Assertions.assertSame(bug, org.junit.jupiter.api.Assertions.assertThrows(
        RuntimeException.class, () -> p.detect(H, ACCOUNTS)));
  }

  /** Logs {@code records} for account in a file stamped 10 minutes after the last one's time. */
  void log(String account, Instant fileTime, String... records) throws Exception {
    writeLog(logs, account, "us-east-1", fileTime, List.of(records));
  }

  static void log(Path logs, String account, Instant fileTime, String... records) throws Exception {
    writeLog(logs, account, "us-east-1", fileTime, List.of(records));
  }

  static String ev(String identity, String account, String source, String name, Instant t) {
    return record(identity, account, source, name, t, null);
  }

  /** A month of history: ci reads S3, the app role sends to SQS under a new session every day. */
  void history() throws Exception {
    history(logs);
  }

  static void history(Path logs) throws Exception {
    for (int d = 30; d >= 1; d--) {
      Instant t = H.start().minus(Duration.ofDays(d));
      log(logs, PAY, t.plusSeconds(600),
          ev(iamUser(PAY, "ci"), PAY, "s3.amazonaws.com", "GetObject", t),
          ev(assumedRole(PAY, "app", "i-0000000" + d), PAY, "sqs.amazonaws.com", "SendMessage", t));
      log(logs, PLAT, t.plusSeconds(600), ev(iamUser(PLAT, "deploy"), PLAT, "ecs.amazonaws.com", "UpdateService", t));
    }
  }

  /** The baseline build of the month before H, as {@link #baselineThenDetect} makes it. */
  static void buildHistoryBaseline(Pipeline p) {
    p.buildBaseline(new Window(MONTH_AGO.minus(Duration.ofDays(1)), H.start()), ACCOUNTS);
  }

  /**
   * The month of history in the logs and its baseline in the state: a copy of the state that the
   * build of the history alone left, made once for the class.
   */
  void historyAndItsBaseline() throws Exception {
    history();
    synchronized (DetectionTest.class) {
      if (historyBaseline == null) {
        Path logs = shared.resolve("history-logs");
        Files.createDirectories(logs.resolve("AWSLogs"));
        history(logs);
        Path built = shared.resolve("history-state");
        buildHistoryBaseline(new Pipeline(spark, TrailwatchConfig.defaults(), new LocalLogPlanner(logs),
            new LocalOpener(), StateFolders.empty(spark, built), Progress.SILENT));
        historyBaseline = built;
      }
    }
    Path copy = dir.resolve("history-state");
    StateFolders.copy(historyBaseline, copy);
    state = new StateStore(spark, copy.toUri().toString());
  }

  /** Detects hour {@code h} of every account on the test's state. */
  RunSummary detect(Hour h) {
    return pipeline(TrailwatchConfig.defaults()).detect(h, ACCOUNTS);
  }

  RunSummary baselineThenDetect(Hour h) {
    Pipeline p = pipeline(TrailwatchConfig.defaults());
    p.buildBaseline(new Window(MONTH_AGO.minus(Duration.ofDays(1)), h.start()), ACCOUNTS);
    return p.detect(h, ACCOUNTS);
  }

  static Alert only(List<Alert> alerts, String principal) {
    List<Alert> a = alerts.stream().filter(x -> x.principal().equals(principal)).toList();
    assertEquals(1, a.size(), () -> "one alert for " + principal + " in " + alerts);
    return a.get(0);
  }

  static Set<String> names(Alert a) {
    return a.newBehaviors().stream().map(NewBehavior::eventName).collect(Collectors.toSet());
  }

  @Test
  void assumedRoleSessionsShareOneBaseline() throws Exception {
    historyAndItsBaseline();
    Instant t = H.start().plusSeconds(300);
    log(PAY, t.plusSeconds(600),
        ev(assumedRole(PAY, "app", "i-0fresh0001"), PAY, "sqs.amazonaws.com", "SendMessage", t),
        ev(assumedRole(PAY, "app", "i-0fresh0002"), PAY, "kms.amazonaws.com", "Decrypt", t));
    RunSummary s = detect(H);
    assertEquals(1, s.alerts().size(), () -> s.alerts().toString());
    Alert a = only(s.alerts(), APP);
    assertEquals(Set.of("Decrypt"), names(a), "the routine call under a new session name is not new");
    assertEquals(1, s.newBehaviors());
  }

  @Test
  void failedCallsDoNotBecomeNormal() throws Exception {
    historyAndItsBaseline();
    Instant t = H.start().plusSeconds(60);
    log(PAY, t.plusSeconds(600), record(iamUser(PAY, "ci"), PAY, "secretsmanager.amazonaws.com", "GetSecretValue", t,
        "AccessDenied"));
    Instant t2 = t.plus(Duration.ofHours(1));
    log(PAY, t2.plusSeconds(600), record(iamUser(PAY, "ci"), PAY, "secretsmanager.amazonaws.com", "GetSecretValue",
        t2, "AccessDenied"));
    RunSummary first = detect(H);
    assertTrue(only(first.alerts(), CI).newBehaviors().get(0).failed());
    RunSummary second = pipeline(TrailwatchConfig.defaults()).detect(H.plusHours(1), ACCOUNTS);
    assertTrue(only(second.alerts(), CI).newBehaviors().get(0).failed(), "still new: failures never enter the baseline");
    assertEquals(0, state.table(Tables.BASELINE).filter("event_name = 'GetSecretValue'").count());
  }

  @Test
  void seenBehaviourIsKnownTheNextHour() throws Exception {
    historyAndItsBaseline();
    Instant t = H.start().plusSeconds(60);
    log(PAY, t.plusSeconds(600), ev(iamUser(PAY, "ci"), PAY, "s3.amazonaws.com", "ListBuckets", t));
    Instant t2 = t.plus(Duration.ofHours(1));
    log(PAY, t2.plusSeconds(600), ev(iamUser(PAY, "ci"), PAY, "s3.amazonaws.com", "ListBuckets", t2));
    assertEquals(Set.of("ListBuckets"), names(only(detect(H).alerts(), CI)));
    assertEquals(List.of(), pipeline(TrailwatchConfig.defaults()).detect(H.plusHours(1), ACCOUNTS).alerts());
  }

  @Test
  void expiredBehaviourIsNewAgain() throws Exception {
    Instant old = H.start().minus(Duration.ofDays(100));
    Instant recent = H.start().minus(Duration.ofDays(80));
    log(PAY, old.plusSeconds(600), ev(iamUser(PAY, "ci"), PAY, "s3.amazonaws.com", "ListBuckets", old));
    log(PAY, recent.plusSeconds(600), ev(iamUser(PAY, "ci"), PAY, "s3.amazonaws.com", "GetObject", recent));
    Instant t = H.start().plusSeconds(60);
    log(PAY, t.plusSeconds(600), ev(iamUser(PAY, "ci"), PAY, "s3.amazonaws.com", "ListBuckets", t),
        ev(iamUser(PAY, "ci"), PAY, "s3.amazonaws.com", "GetObject", t));
    Pipeline p = pipeline(TrailwatchConfig.defaults());
    p.buildBaseline(new Window(old.minus(Duration.ofDays(1)), H.start()), ACCOUNTS);
    RunSummary s = p.detect(H, ACCOUNTS);
    assertEquals(Set.of("ListBuckets"), names(only(s.alerts(), CI)), "last seen 100 days ago: expired; 80: kept");
    Row refreshed = state.table(Tables.BASELINE).filter("event_name = 'GetObject'").first();
    assertEquals(t.plus(Duration.ofDays(90)), refreshed.getTimestamp(refreshed.fieldIndex("expires_at")).toInstant(),
        "seeing it again refreshes it for another 90 days");
    Row restarted = state.table(Tables.BASELINE).filter("event_name = 'ListBuckets'").first();
    assertEquals(t, restarted.getTimestamp(restarted.fieldIndex("first_seen")).toInstant(),
        "an expired behaviour starts again from its new first sighting");
  }

  static final String UA = "aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64";
  static final String DEPLOY = "arn:aws:iam::222222222222:user/deploy";

  /**
   * The month of history; ci created a queue 120 days before H (its baseline row expired 30 days
   * ago, and maintain has not run); at H, ci creates a queue again and platform's deploy user, who
   * never did, creates one too. Returns H's alerts. Run once for the class, in its own folders
   * ({@link #queuesState}): both tests of it read the same run.
   */
  static synchronized List<Alert> queuesCreatedAgainAndForTheFirstTime() throws Exception {
    if (queuesAlerts == null) {
      Path logs = shared.resolve("queue-logs");
      Files.createDirectories(logs.resolve("AWSLogs"));
      history(logs);
      Instant old = H.start().minus(Duration.ofDays(120)).plusSeconds(60);
      log(logs, PAY, old.plusSeconds(600), ev(iamUser(PAY, "ci"), PAY, "sqs.amazonaws.com", "CreateQueue", old));
      Instant t = H.start().plusSeconds(60);
      log(logs, PAY, t.plusSeconds(600), record(iamUser(PAY, "ci"), PAY, "sqs.amazonaws.com", "CreateQueue", t, null,
          "ev-ci", "198.51.100.7", UA));
      log(logs, PLAT, t.plusSeconds(600), record(iamUser(PLAT, "deploy"), PLAT, "sqs.amazonaws.com", "CreateQueue", t,
          null, "ev-deploy", "198.51.100.8", UA));
      StateStore state = StateFolders.empty(spark, shared.resolve("queue-state"));
      Pipeline p = new Pipeline(spark, TrailwatchConfig.defaults(), new LocalLogPlanner(logs), new LocalOpener(), state,
          Progress.SILENT);
      p.buildBaseline(new Window(old.minus(Duration.ofDays(1)), H.start()), ACCOUNTS);
      queuesAlerts = p.detect(H, ACCOUNTS).alerts();
      queuesState = state;
    }
    return queuesAlerts;
  }

  /** The alert of a principal that created a queue at H, new to its business unit: {@code lastSeen} null when never seen. */
  static Alert queueAlert(String bu, String account, String principal, Instant principalFirstSeen,
      io.trailwatch.policy.Severity severity, Instant lastSeen, String returning, String ip, String eventId) {
    Instant t = H.start().plusSeconds(60);
    return Alert.builder().alertId(Alert.idFor(bu, account, principal, H.start(), H.start())).hour(H.start())
        .detectHour(H.start()).businessUnit(bu).accountId(account).principal(principal).identityType("IAMUser")
        .severity(severity)
        .reason("1 new behaviour for IAMUser first seen " + principalFirstSeen.toString().substring(0, 10)
            + ": sqs:CreateQueue" + returning + "; new to the business unit: sqs:CreateQueue")
        .newBehaviors(List.of(new NewBehavior("sqs.amazonaws.com", "CreateQueue", 1, t, t, false, false, null, false,
            "api", null, List.of(), new io.trailwatch.policy.Prevalence(0, 0, 0, 1), severity.label(), lastSeen)))
        .sourceIps(List.of(ip)).userAgents(List.of(UA)).regions(List.of("us-east-1")).eventIds(List.of(eventId))
        .build();
  }

  @Test
  void aBehaviourLastSeen120DaysAgoIsAlertedAsReturningOneLevelLower() throws Exception {
    List<Alert> alerts = queuesCreatedAgainAndForTheFirstTime();
    Instant old = H.start().minus(Duration.ofDays(120)).plusSeconds(60);
    Alert ci = only(alerts, CI);
    assertEquals(queueAlert("payments", PAY, CI, old, io.trailwatch.policy.Severity.MEDIUM, old,
        "; returning: sqs:CreateQueue (last seen 2026-07-23, 120 days ago)", "198.51.100.7", "ev-ci"), ci);
    assertEquals("returning: last seen 2026-07-23 (120 days ago)", ci.newBehaviors().get(0).history());
    assertEquals(only(alerts, DEPLOY).severity().lower(), ci.severity(),
        "one level below the same call never seen (new to its business unit too)");
    assertEquals(List.of(ci), queuesState.alerts().recorded(List.of("payments"), H.start()), "the alerts table keeps it");
  }

  @Test
  void aBehaviourNeverSeenIsAlertedAsToday() throws Exception {
    Alert deploy = only(queuesCreatedAgainAndForTheFirstTime(), DEPLOY);
    assertEquals(queueAlert("platform", PLAT, DEPLOY, MONTH_AGO, io.trailwatch.policy.Severity.HIGH, null, "",
        "198.51.100.8", "ev-deploy"), deploy);
    assertEquals("never seen", deploy.newBehaviors().get(0).history());
  }

  @Test
  void rerunGivesTheSameAlertsAndAddsNoRows() throws Exception {
    historyAndItsBaseline();
    Instant t = H.start().plusSeconds(60);
    log(PAY, t.plusSeconds(600), ev(iamUser(PAY, "ci"), PAY, "iam.amazonaws.com", "CreateAccessKey", t),
        ev(root(PLAT), PLAT, "signin.amazonaws.com", "ConsoleLogin", t));
    writeRaw(logs, PAY, "us-east-1", t.plusSeconds(700), "garbage".getBytes(StandardCharsets.UTF_8));
    RunSummary first = detect(H);
    long[] before = counts();
    // A rerun after the baseline merge (as after a crash before delivery) must still find the hour's alerts.
    RunSummary second = pipeline(TrailwatchConfig.defaults()).detect(H, ACCOUNTS);
    assertEquals(ids(first.alerts()), ids(second.alerts()));
    assertEquals(2, second.alerts().size());
    assertEquals(first.alerts(), second.alerts());
    long[] after = counts();
    assertEquals(before[0], after[0], "baseline rows");
    assertEquals(before[1], after[1], "alert rows");
    assertEquals(before[2], after[2], "quarantine rows");
    assertEquals(before[3], after[3], "principal rows");
  }

  /** An hour whose logs list no file at all (a quiet BU): a completed run, and a file delivered late for it is read later. */
  @Test
  void anHourWithoutFilesIsDetectedWithoutAReadAndItsLateFileIsReadByALaterRun() throws Exception {
    historyAndItsBaseline();
    Pipeline p = pipeline(TrailwatchConfig.defaults());
    long[] before = counts();
    // Only this test's jobs: another class may run jobs in the session at the same time.
    io.trailwatch.testing.OwnJobs jobs = io.trailwatch.testing.OwnJobs.start(spark);
    try {
      RunSummary empty = p.detect(H, ACCOUNTS);
      assertEquals(0, empty.filesRead());
      assertEquals(List.of(), empty.alerts());
      assertEquals(List.of(), reads(jobs), "no file listed: nothing is read");
      assertEquals(Set.of("payments", "platform"), state.runs().detectedHours(List.of("payments", "platform"),
          H.start(), H.end()).get(H.start()), "the hour counts as detected for both business units");
      assertEquals(before[0], counts()[0], "baseline rows");
      assertEquals(before[3], counts()[3], "principal rows");

      // A file named in that hour's window, delivered after its run: the next hour's run reads it as late.
      Instant t = H.start().plus(Duration.ofMinutes(40));
      log(PAY, H.start().plus(Duration.ofMinutes(50)), ev(iamUser(PAY, "ci"), PAY, "iam.amazonaws.com",
          "CreateAccessKey", t));
      RunSummary later = p.detect(H.plusHours(1), ACCOUNTS);
      assertFalse(reads(jobs).isEmpty(), "the later run's read is seen, so the empty hour's count can fail");
      Alert a = only(later.alerts(), CI);
      assertTrue(a.late(), "read for the hour already detected, so flagged late");
      assertEquals(H.start(), a.hour());
      assertEquals(Set.of("CreateAccessKey"), names(a));
    } finally {
      jobs.stop();
    }
  }

  /** The read jobs among {@code jobs} so far. */
  static List<String> reads(io.trailwatch.testing.OwnJobs jobs) throws java.util.concurrent.TimeoutException {
    return jobs.descriptions().stream().filter(d -> d.startsWith(Sparks.READ_DESCRIPTION)).toList();
  }

  @Test
  void aFileDeliveredAfterItsHoursRunIsReadByTheNextRunAndFlaggedLate() throws Exception {
    historyAndItsBaseline();
    Instant t = H.start().plusSeconds(60);
    log(PAY, t.plusSeconds(600), ev(iamUser(PAY, "ci"), PAY, "s3.amazonaws.com", "ListBuckets", t));
    RunSummary first = detect(H);
    assertFalse(only(first.alerts(), CI).late());

    // Delivered after the run of H: a file named in H's window, holding an event of H.
    Instant lateEvent = H.start().plus(Duration.ofMinutes(40));
    log(PAY, H.start().plus(Duration.ofMinutes(50)),
        ev(iamUser(PAY, "ci"), PAY, "iam.amazonaws.com", "CreateAccessKey", lateEvent));
    Pipeline p = pipeline(TrailwatchConfig.defaults());
    RunSummary next = p.detect(H.plusHours(1), ACCOUNTS);
    Alert late = only(next.alerts(), CI);
    assertTrue(late.late());
    assertEquals(H.start(), late.hour());
    assertEquals(H.plusHours(1).start(), late.detectHour());
    assertEquals(Set.of("CreateAccessKey"), names(late));

    long ledger = state.table(Tables.INGESTED_FILES).count();
    RunSummary again = p.detect(H.plusHours(1), ACCOUNTS);
    assertEquals(next.alerts(), again.alerts(), "a rerun finds the same late alert");
    assertEquals(next.filesRead(), again.filesRead());
    assertEquals(ledger, state.table(Tables.INGESTED_FILES).count(), "no file is recorded twice");
    RunSummary rerunOfH = p.detect(H, ACCOUNTS);
    assertEquals(first.filesRead(), rerunOfH.filesRead(), "a rerun of H reads exactly the files its first run read");
    assertEquals(first.alerts(), rerunOfH.alerts());
  }

  /** Late files of an hour are read only for the business units whose run of that hour completed. */
  @Test
  void lateFilesAreReadOnlyForBusinessUnitsThatHadTheirRun() throws Exception {
    historyAndItsBaseline();
    Pipeline p = pipeline(TrailwatchConfig.defaults());
    List<Account> payments = ACCOUNTS.stream().filter(a -> a.businessUnit().equals("payments")).toList();
    assertEquals(List.of(), p.detect(H, payments).alerts());

    // Both delivered after payments' run of H; platform had no run of H.
    Instant t = H.start().plus(Duration.ofMinutes(40));
    log(PAY, H.start().plus(Duration.ofMinutes(50)), ev(iamUser(PAY, "ci"), PAY, "iam.amazonaws.com",
        "CreateAccessKey", t));
    log(PLAT, H.start().plus(Duration.ofMinutes(50)), ev(iamUser(PLAT, "deploy"), PLAT, "iam.amazonaws.com",
        "CreateUser", t));
    // The next hour's own file: ci again, doing what its baseline knows.
    Instant next1 = H.end().plus(Duration.ofMinutes(5));
    log(PAY, next1.plusSeconds(300), ev(iamUser(PAY, "ci"), PAY, "s3.amazonaws.com", "GetObject", next1));
    RunSummary next = p.detect(H.plusHours(1), ACCOUNTS);
    Alert late = only(next.alerts(), CI);
    assertTrue(late.late());
    assertEquals(1, next.alerts().size(), () -> "platform's file of H waits for platform's run of H: " + next);
    assertEquals(1, next.principals(), "ci, in the hour and in a late file of H, counts once");
    assertEquals(2, next.behaviors(), "GetObject in the hour, CreateAccessKey late");

    RunSummary platformsH = p.detect(H, ACCOUNTS.stream().filter(a -> a.businessUnit().equals("platform")).toList());
    Alert onTime = only(platformsH.alerts(), "arn:aws:iam::222222222222:user/deploy");
    assertFalse(onTime.late());
    assertEquals(Set.of("CreateUser"), names(onTime));
  }

  @Test
  void eventsNearMidnightAreFoundInTheNextDaysFolder() throws Exception {
    history();
    Hour late = Hour.parse("--hour", "2026-11-19T23");
    Instant t = Instant.parse("2026-11-19T23:58:30Z");
    log(PAY, Instant.parse("2026-11-20T00:09:00Z"),
        ev(iamUser(PAY, "ci"), PAY, "ec2.amazonaws.com", "RunInstances", t),
        ev(iamUser(PAY, "ci"), PAY, "ec2.amazonaws.com", "TerminateInstances", t.plusSeconds(120)));
    // Beyond the default 30-minute delivery lag: not read for this hour.
    log(PAY, Instant.parse("2026-11-20T00:45:00Z"), ev(iamUser(PAY, "ci"), PAY, "ec2.amazonaws.com", "StopInstances", t));
    RunSummary s = baselineThenDetect(late);
    assertEquals(Set.of("RunInstances"), names(only(s.alerts(), CI)));
  }

  @Test
  void duplicateDeliveriesAreCountedOnce() throws Exception {
    historyAndItsBaseline();
    Instant t = H.start().plusSeconds(60);
    String once = record(iamUser(PAY, "ci"), PAY, "s3.amazonaws.com", "ListBuckets", t, null, "dup-1", "1.2.3.4", "ua");
    log(PAY, t.plusSeconds(300), once);
    log(PAY, t.plusSeconds(900), once);
    RunSummary s = detect(H);
    assertEquals(1, s.duplicatesDropped());
    assertEquals(1, only(s.alerts(), CI).newBehaviors().get(0).count());
  }

  @Test
  void badInputIsQuarantinedAndTheRunCompletes() throws Exception {
    historyAndItsBaseline();
    Instant t = H.start().plusSeconds(60);
    log(PAY, t.plusSeconds(600), ev(iamUser(PAY, "ci"), PAY, "s3.amazonaws.com", "ListBuckets", t),
        "{\"eventTime\":\"2026-11-20T14:01:00Z\",\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"GetObject\"}");
    byte[] whole = CloudTrailFixtures.gzip(("{\"Records\":[" + ev(iamUser(PAY, "ci"), PAY, "s3.amazonaws.com",
        "GetObject", t) + "]}").getBytes(StandardCharsets.UTF_8));
    writeRaw(logs, PAY, "us-east-1", t.plusSeconds(610), java.util.Arrays.copyOf(whole, whole.length - 12));
    writeRaw(logs, PAY, "us-east-1", t.plusSeconds(620), "<html>not json</html>".getBytes(StandardCharsets.UTF_8));
    writeRaw(logs, PAY, "us-east-1", t.plusSeconds(630), CloudTrailFixtures.gzip("{\"hello\":1}".getBytes()));
    Path day = logs.resolve("AWSLogs/" + PAY + "/CloudTrail/us-east-1/2026/11/20");
    Files.writeString(day.resolve("notes.txt"), "left here by someone");
    Path digest = logs.resolve("AWSLogs/" + PAY + "/CloudTrail-Digest/us-east-1/2026/11/20");
    Files.createDirectories(digest);
    Files.writeString(digest.resolve(PAY + "_CloudTrail-Digest_us-east-1_trail_us-east-1_20261120T141000Z.json.gz"), "{}");

    RunSummary s = detect(H);
    assertEquals(Set.of("ListBuckets"), names(only(s.alerts(), CI)));
    assertEquals(4, s.filesQuarantined(), "truncated, non-JSON, not CloudTrail, unexpected name");
    assertEquals(1, s.recordsQuarantined());
    List<QuarantineReason> reasons = state.table(Tables.QUARANTINE).select("reason").collectAsList().stream()
        .map(r -> QuarantineReason.valueOf(r.getString(0))).sorted(java.util.Comparator.comparing(Enum::name)).toList();
    assertEquals(List.of(QuarantineReason.MISSING_USER_IDENTITY, QuarantineReason.NOT_CLOUDTRAIL, QuarantineReason.NOT_JSON,
        QuarantineReason.TRUNCATED_GZIP, QuarantineReason.UNEXPECTED_FILE_NAME), reasons);
    Row run = state.table(Tables.RUNS).filter("command = 'detect'").first();
    assertEquals(4L, run.<Long>getAs("files_quarantined"));
    // The ledger says which accounts the hour covered: how many per business unit.
    assertEquals(java.util.Map.of("payments", 1L, "platform", 1L), scala.collection.JavaConverters.mapAsJavaMap(
        run.<scala.collection.Map<String, Long>>getAs("accounts")));
    assertEquals(java.util.Map.of("payments", 1L, "platform", 1L), s.accountsPerBusinessUnit());
  }

  /** The project's odd-shaped records in one file of the hour, on empty state: each is counted where the README says. */
  @Test
  void oddShapesAreNormalisedOrQuarantinedAndCounted() throws Exception {
    String orders = "111122223333";
    writeRaw(logs, orders, "us-east-1", H.start().plus(Duration.ofMinutes(65)),
        CloudTrailFixtures.gzip(OddShapes.logFile()));
    RunSummary s = pipeline(TrailwatchConfig.defaults()).detect(H, List.of(new Account(orders, "orders-prod", "payments")));

    List<OddShapes.Expected> expected = OddShapes.expected();
    List<OddShapes.Expected> kept = expected.stream().filter(e -> !e.quarantined()).toList();
    assertEquals(1, s.filesRead());
    assertEquals(0, s.filesQuarantined());
    assertEquals(expected.size(), s.recordsRead());
    assertEquals(expected.size() - kept.size(), s.recordsQuarantined());
    assertEquals(kept.size(), s.recordsInWindow());
    assertEquals(kept.stream().filter(e -> e.duplicateOf() > 0).count(), s.duplicatesDropped(),
        "only the true redelivery is dropped: shared placeholder ids and stand-ins are different events");
    assertEquals(kept.stream().map(OddShapes.Expected::principal).distinct().count(), s.principals());
    // Empty state: the warm-up keeps every type quiet but Root, which alerts on any activity.
    assertEquals(List.of("arn:aws:iam::111122223333:root"), s.alerts().stream().map(Alert::principal).toList());
    assertEquals(Set.of("ConsoleLogin", "CreateAccessKey"), names(s.alerts().get(0)));
    List<String> reasons = state.table(Tables.QUARANTINE).select("reason").collectAsList().stream()
        .map(r -> r.getString(0)).sorted().toList();
    assertEquals(expected.stream().filter(OddShapes.Expected::quarantined).map(OddShapes.Expected::reason).sorted()
        .toList(), reasons);
  }

  @Test
  void twoBusinessUnitsRunAtTheSameTimeOnOneState() throws Exception {
    historyAndItsBaseline();
    Instant t = H.start().plusSeconds(60);
    log(PAY, t.plusSeconds(600), ev(iamUser(PAY, "ci"), PAY, "s3.amazonaws.com", "ListBuckets", t));
    log(PLAT, t.plusSeconds(600), ev(iamUser(PLAT, "deploy"), PLAT, "iam.amazonaws.com", "CreateUser", t));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<RunSummary>> runs = new ArrayList<>();
      for (String bu : List.of("payments", "platform")) {
        List<Account> mine = ACCOUNTS.stream().filter(a -> a.businessUnit().equals(bu)).toList();
        runs.add(pool.submit(() -> pipeline(TrailwatchConfig.defaults()).detect(H, mine)));
      }
      assertEquals(List.of(CI), runs.get(0).get().alerts().stream().map(Alert::principal).toList(), "payments");
      assertEquals(List.of("arn:aws:iam::222222222222:user/deploy"),
          runs.get(1).get().alerts().stream().map(Alert::principal).toList(), "platform");
    } finally {
      pool.shutdown();
    }
    assertEquals(2, state.table(Tables.ALERTS).count());
    assertEquals(2, state.table(Tables.RUNS).filter("command = 'detect'").count());
    assertEquals(1, state.table(Tables.BASELINE).filter("event_name = 'CreateUser'").count(), "both merges landed");
    assertEquals(1, state.table(Tables.BASELINE).filter("event_name = 'ListBuckets'").count(), "both merges landed");
  }

  long[] counts() {
    return new long[] {state.table(Tables.BASELINE).count(), state.table(Tables.ALERTS).count(),
        state.table(Tables.QUARANTINE).count(), state.table(Tables.PRINCIPALS).count()};
  }

  static List<String> ids(List<Alert> alerts) {
    return alerts.stream().map(Alert::alertId).sorted().toList();
  }
}
