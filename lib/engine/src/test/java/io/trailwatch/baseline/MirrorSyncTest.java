package io.trailwatch.baseline;

import static io.trailwatch.testing.CloudTrailFixtures.assumedRole;
import static io.trailwatch.testing.CloudTrailFixtures.iamUser;
import static io.trailwatch.testing.CloudTrailFixtures.record;
import static io.trailwatch.testing.CloudTrailFixtures.writeLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.accounts.Account;
import io.trailwatch.config.TrailwatchConfig;
import io.trailwatch.core.Hour;
import io.trailwatch.core.Window;
import io.trailwatch.ingest.LocalLogPlanner;
import io.trailwatch.ingest.LocalOpener;
import io.trailwatch.mirror.MirrorItem;
import io.trailwatch.mirror.MirrorMark;
import io.trailwatch.mirror.MirrorRule;
import io.trailwatch.mirror.MirrorWrite;
import io.trailwatch.pipeline.Pipeline;
import io.trailwatch.pipeline.Progress;
import io.trailwatch.state.StateStore;
import io.trailwatch.testing.RecordingMirror;
import io.trailwatch.testing.SparkTest;
import io.trailwatch.testing.StateFolders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The mirror follows the Delta baseline of a business unit: the changed rows only, and level again after a crash. */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class MirrorSyncTest extends SparkTest {
  static final String PAY = "111111111111";
  static final String PLAT = "222222222222";
  static final List<Account> ACCOUNTS = List.of(new Account(PAY, "pay-prod", "payments"),
      new Account(PLAT, "plat-prod", "platform"));
  static final Hour H = Hour.parse("--hour", "2026-11-20T14");
  static final String CI = "arn:aws:iam::111111111111:user/ci";
  static final String APP = "arn:aws:iam::111111111111:role/app";
  static final Duration KEEP = Duration.ofDays(90);

  @TempDir Path dir;
  Path logs;
  StateStore state;
  BaselineReader delta;
  Pipeline pipeline;

  @BeforeEach
  void setUp() throws Exception {
    logs = dir.resolve("logs");
    Files.createDirectories(logs.resolve("AWSLogs"));
    state = StateFolders.empty(spark, dir.resolve("state"));
    delta = new BaselineReader(spark, state);
    pipeline = new Pipeline(spark, TrailwatchConfig.defaults(), new LocalLogPlanner(logs), new LocalOpener(), state,
        Progress.SILENT);
  }

  void log(String account, Instant t, String identity, String source, String name) throws Exception {
    writeLog(logs, account, "us-east-1", t.plusSeconds(600), List.of(record(identity, account, source, name, t, null)));
  }

  static MirrorItem row(String principal, String type, String source, String name, Instant first, Instant last) {
    return new MirrorItem("payments", PAY, principal, type, source, name, first, last, last.plus(KEEP));
  }

  static Map<MirrorItem.Key, MirrorItem> byKey(List<MirrorItem> rows) {
    return rows.stream().collect(Collectors.toMap(MirrorItem::key, Function.identity()));
  }

  /**
   * A month of history: ci reads S3 once a day (last 24 h before the hour), the app role sends
   * to SQS once a day and 2 h before the hour; platform deploys.
   */
  void history() throws Exception {
    for (int d = 30; d >= 1; d--) {
      Instant t = H.start().minus(Duration.ofDays(d));
      log(PAY, t, iamUser(PAY, "ci"), "s3.amazonaws.com", "GetObject");
      log(PAY, t, assumedRole(PAY, "app", "i-0" + d), "sqs.amazonaws.com", "SendMessage");
      log(PLAT, t, iamUser(PLAT, "deploy"), "ecs.amazonaws.com", "UpdateService");
    }
    log(PAY, H.start().minus(Duration.ofHours(2)), assumedRole(PAY, "app", "i-late"), "sqs.amazonaws.com", "SendMessage");
    pipeline.buildBaseline(new Window(H.start().minus(Duration.ofDays(31)), H.start()), ACCOUNTS);
  }

  @Test
  void aBusinessUnitRunMirrorsExactlyTheChangedRows() throws Exception {
    history();
    RecordingMirror mirror = new RecordingMirror();
    MirrorWrite copied = MirrorSync.level(delta, mirror, "payments");
    Instant monthAgo = H.start().minus(Duration.ofDays(30));
    MirrorItem ciRead = row(CI, "IAMUser", "s3.amazonaws.com", "GetObject", monthAgo, H.start().minus(Duration.ofDays(1)));
    MirrorItem appSend = row(APP, "AssumedRole", "sqs.amazonaws.com", "SendMessage", monthAgo,
        H.start().minus(Duration.ofHours(2)));
    assertEquals(List.of(List.of(appSend, ciRead)), mirror.writes(), "a new mirror gets the whole business unit");
    assertEquals(2, copied.items());

    // The hour: ci reads again (a day and 5 minutes later: written), the app sends again (2 h later:
    // not written), ci lists buckets (new: written).
    Instant t = H.start().plusSeconds(300);
    log(PAY, t, iamUser(PAY, "ci"), "s3.amazonaws.com", "GetObject");
    log(PAY, t.plusSeconds(300), assumedRole(PAY, "app", "i-new"), "sqs.amazonaws.com", "SendMessage");
    log(PAY, t, iamUser(PAY, "ci"), "s3.amazonaws.com", "ListBuckets");
    Map<MirrorItem.Key, MirrorItem> before = byKey(delta.businessUnit("payments"));
    long v0 = delta.version();
    mirror.markPending("payments", v0);
    pipeline.detect(H, ACCOUNTS);
    List<MirrorItem> changed = delta.changedSince("payments", v0);
    MirrorItem ciReadAgain = row(CI, "IAMUser", "s3.amazonaws.com", "GetObject", monthAgo, t);
    MirrorItem ciList = row(CI, "IAMUser", "s3.amazonaws.com", "ListBuckets", t, t);
    assertEquals(List.of(ciReadAgain, ciList), changed);
    List<MirrorItem> seen = delta.businessUnit("payments");
    assertEquals(changed, MirrorRule.changed(before, seen), "the rule picks the same rows from the stored ones");
    mirror.write(changed);
    mirror.markMirrored("payments", delta.version());

    assertEquals(byKey(delta.businessUnit("payments")), mirror.items(), "the mirror equals the baseline");
    assertEquals(MirrorWrite.NONE, MirrorSync.level(delta, mirror, "payments"), "level: nothing left to write");
    assertTrue(mirror.items().values().stream().allMatch(i -> i.businessUnit().equals("payments")));
  }

  @Test
  void aRunThatStoppedBeforeItsMirrorWriteIsMirroredByTheNext() throws Exception {
    history();
    RecordingMirror mirror = new RecordingMirror();
    MirrorSync.level(delta, mirror, "payments");
    Instant t = H.start().plusSeconds(60);
    log(PAY, t, iamUser(PAY, "ci"), "s3.amazonaws.com", "DeleteObject");
    long v0 = delta.version();
    mirror.markPending("payments", v0);
    pipeline.detect(H, ACCOUNTS);
    // ... the job dies here: Delta has committed, the mirror never heard of it.
    assertEquals(Optional.of(new MirrorMark(v0, true)), mirror.mark("payments"));

    MirrorWrite w = MirrorSync.level(delta, mirror, "payments");
    assertEquals(1, w.items());
    assertEquals(List.of(row(CI, "IAMUser", "s3.amazonaws.com", "DeleteObject", t, t)),
        mirror.writes().get(mirror.writes().size() - 1));
    assertEquals(byKey(delta.businessUnit("payments")), mirror.items());
    assertEquals(Optional.of(new MirrorMark(delta.version(), false)), mirror.mark("payments"));
  }

  /**
   * A rebuild of payments over its last day deletes the rows only seen before it: with a mirror,
   * their items are deleted too (not left to their TTL), and the mirror equals the baseline. A
   * rebuild that stopped after its Delta commit is levelled by the next run, deletions included.
   */
  @Test
  void aRebuildDeletesTheItemsOfTheRowsItDeleted() throws Exception {
    for (int d = 5; d >= 2; d--) {
      log(PAY, H.start().minus(Duration.ofDays(d)), iamUser(PAY, "ci"), "s3.amazonaws.com", "GetObject");
    }
    log(PAY, H.start().minus(Duration.ofDays(3)), iamUser(PAY, "ci"), "iam.amazonaws.com", "ListUsers");
    log(PAY, H.start().minus(Duration.ofHours(5)), iamUser(PAY, "ci"), "s3.amazonaws.com", "GetObject");
    log(PLAT, H.start().minus(Duration.ofDays(3)), iamUser(PLAT, "deploy"), "ecs.amazonaws.com", "UpdateService");
    RecordingMirror mirror = new RecordingMirror();
    Pipeline mirrored = Pipeline.builder(spark).logs(new LocalLogPlanner(logs), new LocalOpener()).state(state)
        .mirror(mirror).build();
    mirrored.buildBaseline(new Window(H.start().minus(Duration.ofDays(6)), H.start()), ACCOUNTS);
    assertEquals(2, byKey(delta.businessUnit("payments")).size());
    assertEquals(3, mirror.items().size(), "both business units");

    long beforeRebuild = delta.version();
    List<MirrorItem> beforeRows = delta.businessUnit("payments");
    mirrored.rebuildBaseline(new Window(H.start().minus(Duration.ofDays(1)), H.start()), ACCOUNTS.subList(0, 1));
    MirrorItem.Key listUsers = new MirrorItem.Key(PAY, CI, "iam.amazonaws.com", "ListUsers");
    assertEquals(List.of(List.of(listUsers)), mirror.deletes());
    Map<MirrorItem.Key, MirrorItem> expected = new java.util.HashMap<>(byKey(delta.businessUnit("payments")));
    expected.putAll(byKey(delta.businessUnit("platform")));
    assertEquals(expected, mirror.items());

    // The same rebuild stopping after its commit, before its mirror write: the mark stays pending
    // at the version before, the mirror still holds the old rows, and the next level deletes too.
    RecordingMirror stopped = new RecordingMirror();
    stopped.write(beforeRows);
    stopped.markPending("payments", beforeRebuild);
    MirrorSync.level(delta, stopped, "payments");
    assertEquals(byKey(delta.businessUnit("payments")), stopped.items());
    assertEquals(List.of(List.of(listUsers)), stopped.deletes());
  }

  @Test
  void lookupReadsUnexpiredBehavioursOfAPrincipal() throws Exception {
    history();
    Instant monthAgo = H.start().minus(Duration.ofDays(30));
    MirrorItem ciRead = row(CI, "IAMUser", "s3.amazonaws.com", "GetObject", monthAgo, H.start().minus(Duration.ofDays(1)));
    assertEquals(List.of(ciRead), delta.lookup(PAY, CI, H.start()));
    assertEquals(List.of(ciRead), delta.lookup(null, CI, H.start()));
    assertEquals(List.of(), delta.lookup(PLAT, CI, H.start()));
    assertEquals(List.of(), delta.lookup(PAY, CI, ciRead.expiresAt()), "expired: absent");
  }
}
