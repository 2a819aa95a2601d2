package io.trailwatch.cli;

import static io.trailwatch.testing.CloudTrailFixtures.record;
import static io.trailwatch.testing.CloudTrailFixtures.root;
import static io.trailwatch.testing.CloudTrailFixtures.writeAccounts;
import static io.trailwatch.testing.CloudTrailFixtures.writeLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.lease.LeaseHolder;
import io.trailwatch.state.StateLayout;
import io.trailwatch.state.Tables;
import io.trailwatch.testing.CommandRun;
import io.trailwatch.testing.MotoServer;
import io.trailwatch.testing.SparkTest;
import io.trailwatch.testing.StateFolders;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * One writer per business unit, with writers in processes of their own (as EMR job runs and a
 * person's shell are) on one S3 state (moto): a second writer is refused in one line and loses
 * nothing, writers started together end with every row a serial run makes, and a holder killed
 * with -9 blocks its business unit only until its lease expires.
 *
 * <p>And jobs of two business units, each its own JVM (as two EMR Serverless job runs are two
 * Spark drivers), run together on one S3 state. Delta's S3 log store lets two drivers that commit
 * to one table overwrite each other's commit: with each BU's tables in its own folder, every alert
 * and baseline row of both jobs must be there afterwards. The race shows only sometimes; what
 * prevents it, a folder of tables per BU, is checked on the state's layout, which fails at once if
 * a table is shared again. (This was a class of its own, with two more hours of two JVMs each.)
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
// The killed holder's test first: it mostly waits (for its lease to run out), which other classes
// then fill; the race's three JVMs, which keep both cores busy, come last, when this class often
// runs alone at the end of the module (session 18's suite: the machine idle for about 10 s there).
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
// Points the AWS SDK at its moto server through a system property: no other class that sets it runs beside it.
@org.junit.jupiter.api.parallel.ResourceLock("aws.endpointUrlS3")
class OneWriterProcessTest extends SparkTest {
  @RegisterExtension static final MotoServer MOTO = new MotoServer();
  static final List<String> ACCOUNTS = List.of("111111111111", "111111111112");
  /** The other business unit's accounts: its job runs beside payments' writers. */
  static final List<String> RETAIL = List.of("222222222221", "222222222222");
  /** A new call of each root every hour: the root alerts on any activity, so every hour alerts once per account. */
  static final List<String> CALLS = List.of("ConsoleLogin", "CreateAccessKey", "PutBucketPolicy");
  static final Instant FIRST = Instant.parse("2026-11-20T10:00:00Z");

  @TempDir Path dir;
  Path accounts;
  String logBucket;
  String stateBucket;

  @BeforeEach
  void smallLogsOnS3() throws Exception {
    System.setProperty("aws.endpointUrlS3", MOTO.endpoint());
    Path logs = dir.resolve("logs");
    for (int h = 0; h < CALLS.size(); h++) {
      Instant t = FIRST.plus(Duration.ofHours(h));
      for (String id : all()) {
        writeLog(logs, id, "us-east-1", t.plusSeconds(600),
            List.of(record(root(id), id, "iam.amazonaws.com", CALLS.get(h), t.plusSeconds(60), null)));
      }
    }
    List<String> rows = new ArrayList<>(ACCOUNTS.stream().map(id -> id + ",pay-" + id + ",payments").toList());
    RETAIL.forEach(id -> rows.add(id + ",retail-" + id + ",retail"));
    accounts = writeAccounts(dir.resolve("accounts.csv"), rows.toArray(new String[0]));
    logBucket = MOTO.newBucket("ow-logs");
    MOTO.upload(logs, logBucket, "org/");
    stateBucket = MOTO.newBucket("ow-state");
    // The business units' empty tables, copied from this JVM's template: the writers open them
    // instead of each creating its ten tables on S3 (what is raced here is the lease and the
    // commits, not the creation; EmrJarIT's and EmrJarClusterIT's jobs create theirs on S3).
    Path empty = dir.resolve("empty-state");
    StateFolders.emptyLayout(spark, empty, List.of("payments", "retail"));
    MOTO.upload(empty, stateBucket, "tw/");
  }

  @AfterEach
  void restore() {
    System.clearProperty("aws.endpointUrlS3");
  }

  static String hour(int h) {
    return FIRST.plus(Duration.ofHours(h)).toString().substring(0, 13);
  }

  String stateUri() {
    return "s3://" + stateBucket + "/tw";
  }

  static List<String> all() {
    List<String> ids = new ArrayList<>(ACCOUNTS);
    ids.addAll(RETAIL);
    return ids;
  }

  List<String> detectArgs(int h, String... extra) {
    return detectArgs("payments", h, extra);
  }

  List<String> detectArgs(String bu, int h, String... extra) {
    List<String> args = new ArrayList<>(List.of("detect", "--logs", "s3://" + logBucket + "/org", "--state",
        stateUri(), "--accounts", accounts.toString(), "--bu", bu, "--hour", hour(h), "--master", "local[2]"));
    args.addAll(List.of(extra));
    return args;
  }

  List<String> maintainArgs() {
    return List.of("maintain", "--state", stateUri(), "--bu", "payments", "--master", "local[2]");
  }

  /** Runs the command lines in JVMs of their own, all started together; their runs in the same order. */
  List<CommandRun> together(String name, List<List<String>> commands) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(commands.size());
    try {
      List<Future<CommandRun>> runs = new ArrayList<>();
      for (int i = 0; i < commands.size(); i++) {
        List<String> args = commands.get(i);
        String n = name + "-" + i;
        runs.add(pool.submit(() -> CommandRun.inJvm(JVM, CLASS_PATH,
            "io.trailwatch.cli.Main", args, env(), dir, n, Duration.ofMinutes(10))));
      }
      List<CommandRun> out = new ArrayList<>();
      for (Future<CommandRun> f : runs) {
        out.add(f.get());
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  /** S3 on this class's moto, and Spark on the loopback address. */
  static java.util.Map<String, String> env() {
    return java.util.Map.of("AWS_ACCESS_KEY_ID", "testing", "AWS_SECRET_ACCESS_KEY", "testing", "AWS_REGION",
        "us-east-1", "SPARK_LOCAL_IP", "127.0.0.1", "AWS_ENDPOINT_URL_S3", MOTO.endpoint());
  }

  static CommandRun inProcess(List<String> args) {
    return CommandRun.of(Main::run, args.toArray(new String[0]));
  }

  /** A run that was refused: exit 3 with one line naming the holder, and no stack trace. */
  static void refusedInOneLine(CommandRun r) {
    assertEquals(3, r.code(), r.err());
    List<String> busy = r.err().lines().filter(l -> l.contains("[BU_BUSY]")).toList();
    assertEquals(1, busy.size(), r.err());
    assertTrue(busy.get(0).contains(" holds its lease"), busy.get(0));
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    assertFalse(r.err().contains("MergeIntoCommand"), r.err());
  }

  /** The state's alerts (hour and account of each, its id) and baseline rows, read from a copy of the bucket. */
  record Rows(List<String> alerts, List<String> baseline, long runs) {}

  Rows rows() throws Exception {
    return rows(new StateLayout(spark, download().toUri().toString()), "payments");
  }

  /** A copy of the state bucket in a new folder. */
  Path download() throws Exception {
    Path to = Files.createTempDirectory(dir, "copy");
    for (S3Object o : MOTO.s3().listObjectsV2Paginator(b -> b.bucket(stateBucket).prefix("tw/")).contents()) {
      Path f = to.resolve(o.key().substring("tw/".length()).replace('/', File.separatorChar));
      Files.createDirectories(f.getParent());
      MOTO.s3().getObject(b -> b.bucket(stateBucket).key(o.key()), ResponseTransformer.toFile(f));
    }
    return to;
  }

  static Rows rows(StateLayout layout, String bu) {
    var store = layout.of(bu);
    List<String> alerts = new ArrayList<>();
    for (Row r : store.table(Tables.ALERTS).collectAsList()) {
      alerts.add(r.<java.sql.Timestamp>getAs("hour").toInstant() + " " + r.getAs("account_id") + " "
          + r.getAs("alert_id"));
    }
    List<String> baseline = new ArrayList<>();
    for (Row r : store.table(Tables.BASELINE).collectAsList()) {
      baseline.add(r.getAs("account_id") + " " + r.getAs("event_name"));
    }
    return new Rows(alerts.stream().sorted().toList(), baseline.stream().sorted().toList(),
        store.table(Tables.RUNS).count());
  }

  /** Alerts as hour and account (ids aside), and the baseline rows, that serial runs of hours [0, n) make. */
  static List<String> serialAlerts(int n) {
    return serialAlerts(ACCOUNTS, n);
  }

  static List<String> serialAlerts(List<String> accounts, int n) {
    List<String> out = new ArrayList<>();
    for (int h = 0; h < n; h++) {
      for (String id : accounts) {
        out.add(FIRST.plus(Duration.ofHours(h)) + " " + id);
      }
    }
    return out.stream().sorted().toList();
  }

  static List<String> serialBaseline(int n) {
    return serialBaseline(ACCOUNTS, n);
  }

  static List<String> serialBaseline(List<String> accounts, int n) {
    List<String> out = new ArrayList<>();
    for (int h = 0; h < n; h++) {
      for (String id : accounts) {
        out.add(id + " " + CALLS.get(h));
      }
    }
    return out.stream().sorted().toList();
  }

  static List<String> withoutIds(List<String> alerts) {
    return alerts.stream().map(a -> a.substring(0, a.lastIndexOf(' '))).sorted().toList();
  }

  /**
   * Two rounds of three JVMs started together, on one state. First, two detects of payments' hour
   * and retail's job of the same hour: one payments writer commits, the other is refused, retail's
   * is not (its lease is its own), both business units' tables hold every row their runs made,
   * and a rerun of the hour adds nothing. Then the next two hours of payments and its maintain:
   * every round refuses at least one, and once the refused are retried, every alert and baseline
   * row of the three hours is there, each once. (Two tests until session 17, the second with a
   * serial run of the first hour of its own.)
   */
  @Test
  @org.junit.jupiter.api.Order(2)
  void writersStartedTogetherOneCommitsTheOthersAreRefusedAndOnceRetriedNothingIsLost() throws Exception {
    List<CommandRun> runs = together("same-hour", List.of(detectArgs(0), detectArgs(0), detectArgs("retail", 0)));
    List<Integer> codes = runs.subList(0, 2).stream().map(CommandRun::code).sorted().toList();
    assertEquals(List.of(0, 3), codes, () -> runs.get(0).err() + "\n----\n" + runs.get(1).err());
    refusedInOneLine(runs.stream().filter(r -> r.code() == 3).findFirst().orElseThrow());
    assertEquals(0, runs.get(2).code(), runs.get(2).err());

    Path state = download();
    // The layout: a folder of tables per BU, and no table straight under the root.
    for (String t : Tables.ALL) {
      assertFalse(Files.exists(state.resolve(t)), t + " is not shared by the BUs");
    }
    StateLayout layout = new StateLayout(spark, state.toUri().toString());
    assertEquals(List.of("payments", "retail"), layout.businessUnits());
    Rows once = rows(layout, "payments");
    assertEquals(serialAlerts(1), withoutIds(once.alerts()));
    assertEquals(serialBaseline(1), once.baseline());
    Rows retail = rows(layout, "retail");
    assertEquals(serialAlerts(RETAIL, 1), withoutIds(retail.alerts()), "retail's job, beside payments' writers");
    assertEquals(serialBaseline(RETAIL, 1), retail.baseline());
    assertEquals(1, retail.runs());

    CommandRun rerun = inProcess(detectArgs(0));
    assertEquals(0, rerun.code(), rerun.err());
    Rows after = rows();
    assertEquals(once.alerts(), after.alerts(), "the rerun adds no alert");
    assertEquals(once.baseline(), after.baseline(), "nor any baseline row");

    // One round of three writers (each a JVM, each starting Spark before it asks for the lease) is
    // enough: whichever takes the lease first holds it for its whole run, while the other two ask
    // for it seconds later, so every round refuses at least one, and every round must end with
    // every row. A second round (two more hours and a second maintain) repeated the same race.
    List<List<String>> commands = List.of(detectArgs(1), detectArgs(2), maintainArgs());
    List<CommandRun> next = together("together", commands);
    int refused = 0;
    for (int i = 0; i < next.size(); i++) {
      CommandRun r = next.get(i);
      if (r.code() == 3) {
        refusedInOneLine(r);
        refused++;
        CommandRun retry = inProcess(commands.get(i));
        assertEquals(0, retry.code(), retry.err());
      } else {
        assertEquals(0, r.code(), r.err());
      }
    }
    assertTrue(refused > 0, "writers started together were refused");
    Rows all = rows();
    assertEquals(serialAlerts(CALLS.size()), withoutIds(all.alerts()), "every alert, each once");
    assertEquals(serialBaseline(CALLS.size()), all.baseline(), "every baseline row, each once");
  }

  @Test
  @org.junit.jupiter.api.Order(1)
  void aHolderKilledWithMinus9BlocksItsBusinessUnitOnlyUntilItsLeaseExpires() throws Exception {
    Path config = dir.resolve("lease.yaml");
    Files.writeString(config, "lease: {expiry-seconds: 15}\n");
    // The holder starts no Spark: a small heap and the quick JIT of the cluster tests' JVMs.
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.add("-Xmx256m");
    cmd.addAll(ClusterRuns.QUICK_JVM);
    cmd.addAll(List.of("-cp", String.join(File.pathSeparator, CLASS_PATH), "io.trailwatch.cli.Main",
        "lease", "--state", stateUri(), "--bu", "payments", "--config", config.toString(), "--", "sleep", "600"));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("holder.out")
        .toFile());
    pb.environment().putAll(env());
    Process holder = pb.start();
    try {
      LeaseHolder held = null;
      for (int i = 0; i < 600 && held == null; i++) {
        Thread.sleep(100);
        try {
          held = LeaseHolder.fromJson(MOTO.s3().getObjectAsBytes(b -> b.bucket(stateBucket)
              .key("tw/bu=payments/_lease")).asUtf8String());
        } catch (software.amazon.awssdk.services.s3.model.NoSuchKeyException notYet) {
          assertTrue(holder.isAlive(), () -> "the holder died: " + read(dir.resolve("holder.out")));
        }
      }
      assertTrue(held != null && held.command().equals("lease"), "the holder took the lease");
      List<ProcessHandle> children = holder.descendants().toList();
      holder.destroyForcibly(); // SIGKILL: no release, no more renewals
      children.forEach(ProcessHandle::destroyForcibly);
      holder.waitFor(10, TimeUnit.SECONDS);
      Instant killed = Instant.now();

      refusedInOneLine(inProcess(detectArgs(0, "--config", config.toString())));
      CommandRun waited = inProcess(detectArgs(0, "--config", config.toString(), "--wait", "1"));
      assertEquals(0, waited.code(), waited.err());
      assertTrue(Duration.between(killed, Instant.now()).toSeconds() < 60, "proceeded once the lease expired");
      assertEquals(serialAlerts(1), withoutIds(rows().alerts()));
    } finally {
      holder.descendants().forEach(ProcessHandle::destroyForcibly);
      holder.destroyForcibly();
    }
  }

  /** The writers' class path: this JVM's (the development class path). */
  static final List<String> CLASS_PATH = List.of(System.getProperty("java.class.path").split(File.pathSeparator));

  /**
   * The writers' JVM: what a Spark driver needs (Spark's module openings, as bin/trailwatch gives
   * them), compiling less (C1 only) as the EMR template's JVMs do, for jobs that live seconds.
   */
  static final List<String> JVM = driverOptions();

  static List<String> driverOptions() {
    List<String> o = new ArrayList<>(List.of("-Xmx1g"));
    o.addAll(ClusterRuns.QUICK_JVM);
    o.addAll(ClusterRuns.sparkOpens());
    return o;
  }

  static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      return "";
    }
  }
}
