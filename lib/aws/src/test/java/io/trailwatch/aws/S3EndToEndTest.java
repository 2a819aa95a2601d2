package io.trailwatch.aws;

import static io.trailwatch.testing.CloudTrailFixtures.record;
import static io.trailwatch.testing.CloudTrailFixtures.root;
import static io.trailwatch.testing.CloudTrailFixtures.writeLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.alerting.Alert;
import io.trailwatch.config.ConfigLoader;
import io.trailwatch.config.TrailwatchConfig;
import io.trailwatch.core.Hour;
import io.trailwatch.core.Window;
import io.trailwatch.generate.ExpectedAlert;
import io.trailwatch.generate.GeneratedOrg;
import io.trailwatch.generate.GeneratorSpec;
import io.trailwatch.generate.SyntheticOrg;
import io.trailwatch.accounts.Account;
import io.trailwatch.accounts.Accounts;
import io.trailwatch.ingest.LocalLogPlanner;
import io.trailwatch.ingest.LocalOpener;
import io.trailwatch.ingest.LogOpener;
import io.trailwatch.ingest.LogPlanner;
import io.trailwatch.core.QuarantineReason;
import io.trailwatch.pipeline.Pipeline;
import io.trailwatch.pipeline.Progress;
import io.trailwatch.core.RunSummary;
import io.trailwatch.state.StateStore;
import io.trailwatch.state.Tables;
import io.trailwatch.testing.MotoServer;
import io.trailwatch.testing.SparkTest;
import io.trailwatch.testing.StateFolders;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole run with logs (and state) on a real S3-compatible server: the same generated
 * organisation (plain and organisation-trail accounts) gives the same alerts as from a local folder.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class S3EndToEndTest extends SparkTest {
  @RegisterExtension static final MotoServer MOTO = new MotoServer();

  @TempDir static Path shared;
  static GeneratedOrg org;
  static List<Account> accounts;
  static Window history;
  static Hour incident;
  static Outcome local;

  @TempDir Path dir;

  /** What a baseline + detect gave. */
  record Outcome(RunSummary baseline, RunSummary detect) {}

  @BeforeAll
  static void generateAndRunLocally() throws Exception {
    // Three days: the build reads every object of them from moto (ten days were 959 objects), and
    // the same alerts from S3 as from the folder need no more history than that.
    GeneratorSpec spec = new GeneratorSpec(3, 2, 3, 5, 7L, GeneratorSpec.DEFAULT_END);
    org = SyntheticOrg.generate(spec, shared.resolve("org"));
    accounts = Accounts.read(org.accountsCsv());
    incident = new Hour(org.incidentHour());
    history = new Window(spec.start(), incident.start());
    local = run(new LocalLogPlanner(org.logsDir()), new LocalOpener(),
        StateFolders.empty(spark, shared.resolve("local-state")));
    // The local run is the reference: it must itself be right about the generated hour.
    assertEquals(org.incidentHourCounts().records(), local.detect().recordsInWindow());
    assertEquals(org.incidentHourCounts().duplicates(), local.detect().duplicatesDropped());
    for (ExpectedAlert e : org.expectedAlertsFor(List.of("api"))) {
      assertTrue(local.detect().alerts().stream().anyMatch(a -> a.accountId().equals(e.accountId())
          && a.principal().equals(e.principal()) && a.newBehaviors().stream().anyMatch(b -> b.eventName()
          .equals(e.eventName()) && b.eventSource().equals(e.eventSource()))), () -> "missing " + e + " in "
          + local.detect().alerts());
    }
  }

  /**
   * Three days of history are inside the default warm-up and learning periods: no warm-up, and
   * learn nothing, so that the incident and more principals alert (as ClusterRuns' two days).
   */
  static final TrailwatchConfig CFG = ConfigLoader.parse("baseline:\n  warmup-days: 0\npolicy:\n  learning-days: 0\n",
      "test");

  static Outcome run(LogPlanner planner, LogOpener opener, StateStore state) {
    Pipeline p = new Pipeline(spark, CFG, planner, opener, state, Progress.stderr());
    return new Outcome(p.buildBaseline(history, accounts), p.detect(incident, accounts));
  }

  static void assertSameAsLocal(Outcome s3) {
    assertEquals(local.baseline().filesRead(), s3.baseline().filesRead());
    assertEquals(local.baseline().recordsRead(), s3.baseline().recordsRead());
    assertEquals(local.baseline().behaviors(), s3.baseline().behaviors());
    assertEquals(local.detect().filesRead(), s3.detect().filesRead());
    assertEquals(local.detect().recordsRead(), s3.detect().recordsRead());
    assertEquals(local.detect().newBehaviors(), s3.detect().newBehaviors());
    assertEquals(local.detect().alerts(), s3.detect().alerts());
  }

  @Test
  void sameAlertsFromS3LogsAndS3StateAsFromTheLocalFolder() throws Exception {
    String logs = MOTO.newBucket("cloudtrail");
    long t0 = System.nanoTime();
    int n = MOTO.upload(org.logsDir(), logs, "");
    System.err.printf("uploaded %d objects in %.1f s%n", n, (System.nanoTime() - t0) / 1e9);
    String stateBucket = MOTO.newBucket("trailwatch-state");
    S3a.configure(spark, new S3Settings(MOTO.endpoint(), "us-east-1"));
    StateStore state = new StateStore(spark, S3Location.parse("--state", "s3://" + stateBucket + "/prod").s3a());
    try (S3LogPlanner planner = S3LogPlanner.create("s3://" + logs, new S3Settings(MOTO.endpoint(), "us-east-1"))) {
      Outcome s3 = run(planner, new S3Opener(new S3Settings(MOTO.endpoint(), "us-east-1")), state);
      assertSameAsLocal(s3);
      assertTrue(planner.listRequests() > 0);
    }
    assertEquals(local.detect().alerts().size(),
        state.table(Tables.ALERTS).count(), "alerts recorded in the Delta table on S3");
    assertTrue(MOTO.s3().listObjectsV2(b -> b.bucket(stateBucket).prefix("prod/baseline/_delta_log/")).keyCount() > 0);
  }

  @Test
  void prefixedBucketGivesTheSameHour() throws Exception {
    String logs = MOTO.newBucket("shared-logs");
    // The hour's day folders are all the planner lists: upload those.
    String day = DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(ZoneOffset.UTC).format(incident.start());
    assertTrue(MOTO.upload(org.logsDir(), logs, "cloudtrail/prod/", p -> p.toString().contains(day)) > 0);
    RunSummary fromFolder = detectOnly(new LocalLogPlanner(org.logsDir()), new LocalOpener(), "local");
    RunSummary fromS3;
    try (S3LogPlanner planner = S3LogPlanner.create("s3://" + logs + "/cloudtrail/prod", new S3Settings(MOTO.endpoint(), "us-east-1"))) {
      fromS3 = detectOnly(planner, new S3Opener(new S3Settings(MOTO.endpoint(), "us-east-1")), "s3");
    }
    assertEquals(org.incidentHourCounts().records(), fromFolder.recordsInWindow(), fromFolder::toString);
    assertEquals(fromFolder.filesRead(), fromS3.filesRead());
    assertEquals(fromFolder.recordsRead(), fromS3.recordsRead());
    assertEquals(fromFolder.recordsInWindow(), fromS3.recordsInWindow());
    assertEquals(fromFolder.newBehaviors(), fromS3.newBehaviors());
    assertEquals(fromFolder.alerts(), fromS3.alerts());
  }

  /** The incident hour alone, on empty state: everything in it is new. */
  RunSummary detectOnly(LogPlanner planner, LogOpener opener, String name) {
    StateStore state = StateFolders.empty(spark, dir.resolve(name));
    return new Pipeline(spark, TrailwatchConfig.defaults(), planner, opener, state, Progress.SILENT)
        .detect(incident, accounts);
  }

  @Test
  void objectGoneBeforeTheReadIsQuarantinedAndTheRunCompletes() throws Exception {
    String pay = "111111111111";
    List<Account> one = List.of(new Account(pay, "pay-prod", "payments"));
    Hour h = Hour.parse("--hour", "2026-11-20T14");
    Path folder = dir.resolve("logs");
    Instant t = h.start().plusSeconds(60);
    writeLog(folder, pay, "us-east-1", t.plusSeconds(300),
        List.of(record(root(pay), pay, "s3.amazonaws.com", "ListBuckets", t, null)));
    Path doomed = writeLog(folder, pay, "us-east-1", t.plusSeconds(600),
        List.of(record(root(pay), pay, "kms.amazonaws.com", "Decrypt", t, null)));
    String bucket = MOTO.newBucket("flaky");
    MOTO.upload(folder, bucket, "");
    String doomedKey = folder.relativize(doomed).toString();

    S3LogPlanner s3Planner = S3LogPlanner.create("s3://" + bucket, new S3Settings(MOTO.endpoint(), "us-east-1"));
    // Deleted between planning and reading, as a lifecycle rule or a retention job would.
    LogPlanner planner = new LogPlanner() {
      @Override
      public Plan plan(List<Account> a, Instant from, Instant to) {
        Plan p = s3Planner.plan(a, from, to);
        assertEquals(2, p.files().size(), () -> p.files().toString());
        MOTO.s3().deleteObject(b -> b.bucket(bucket).key(doomedKey));
        return p;
      }

      @Override
      public String describe() {
        return s3Planner.describe();
      }
    };
    StateStore state = StateFolders.empty(spark, dir.resolve("state"));
    RunSummary s = new Pipeline(spark, TrailwatchConfig.defaults(), planner, new S3Opener(new S3Settings(MOTO.endpoint(), "us-east-1")), state,
        Progress.SILENT).detect(h, one);
    s3Planner.close();

    assertEquals(1, s.filesQuarantined());
    assertEquals(1, s.alerts().size());
    assertEquals(List.of("ListBuckets"), s.alerts().get(0).newBehaviors().stream().map(b -> b.eventName()).toList());
    Row q = state.table(Tables.QUARANTINE).first();
    assertEquals(QuarantineReason.READ_ERROR.name(), q.<String>getAs("reason"));
    assertEquals("s3://" + bucket + "/" + doomedKey, q.<String>getAs("source"));
    assertTrue(q.<String>getAs("detail").contains("NoSuchKey"), q.<String>getAs("detail"));
  }

  @Test
  void aLateObjectIsReadByTheNextRunFlaggedLateAndNeverTwice() throws Exception {
    String pay = "111111111111";
    List<Account> one = List.of(new Account(pay, "pay-prod", "payments"));
    Hour h = Hour.parse("--hour", "2026-11-20T14");
    Path folder = dir.resolve("late-logs");
    Instant t = h.start().plusSeconds(60);
    writeLog(folder, pay, "us-east-1", t.plusSeconds(300),
        List.of(record(root(pay), pay, "s3.amazonaws.com", "ListBuckets", t, null)));
    String bucket = MOTO.newBucket("late");
    MOTO.upload(folder, bucket, "");
    StateStore state = StateFolders.empty(spark, dir.resolve("late-state"));
    try (S3LogPlanner planner = S3LogPlanner.create("s3://" + bucket, new S3Settings(MOTO.endpoint(), "us-east-1"))) {
      Pipeline p = new Pipeline(spark, TrailwatchConfig.defaults(), planner, new S3Opener(new S3Settings(MOTO.endpoint(), "us-east-1")), state,
          Progress.SILENT);
      RunSummary first = p.detect(h, one);
      assertEquals(1, first.filesRead());

      // Delivered after the run of h: named inside h's window, holding an event of h.
      Path late = writeLog(dir.resolve("late-object"), pay, "us-east-1", h.start().plusSeconds(3000),
          List.of(record(root(pay), pay, "kms.amazonaws.com", "ScheduleKeyDeletion", h.start().plusSeconds(2400),
              null)));
      MOTO.put(bucket, dir.resolve("late-object").relativize(late).toString(), java.nio.file.Files.readAllBytes(late));
      RunSummary next = p.detect(h.plusHours(1), one);
      Alert a = next.alerts().stream().filter(Alert::late).findFirst().orElseThrow(() -> new AssertionError(next));
      assertEquals(h.start(), a.hour());
      assertEquals(List.of("ScheduleKeyDeletion"), a.newBehaviors().stream().map(b -> b.eventName()).toList());
      assertEquals(1, next.filesRead(), "only the late object: named 14:50, it cannot hold events of h+1");

      long ledger = state.table(Tables.INGESTED_FILES).count();
      RunSummary again = p.detect(h.plusHours(1), one);
      assertEquals(next.filesRead(), again.filesRead());
      assertEquals(next.alerts(), again.alerts());
      assertEquals(ledger, state.table(Tables.INGESTED_FILES).count(), "no object is recorded (or read) twice");
      assertEquals(1, p.detect(h, one).filesRead(), "a rerun of h reads what its first run read");
    }
  }
}
