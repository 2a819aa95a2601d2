package io.trailwatch.cli;

import static io.trailwatch.testing.CloudTrailFixtures.iamUser;
import static io.trailwatch.testing.CloudTrailFixtures.record;
import static io.trailwatch.testing.CloudTrailFixtures.root;
import static io.trailwatch.testing.CloudTrailFixtures.writeAccounts;
import static io.trailwatch.testing.CloudTrailFixtures.writeLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.trailwatch.state.StateLayout;
import io.trailwatch.state.Tables;
import io.trailwatch.testing.CommandRun;
import io.trailwatch.testing.MotoServer;
import io.trailwatch.testing.SparkTest;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Two hourly jobs of two business units, each its own JVM (as two EMR Serverless job runs are two
 * Spark drivers), started together on one S3 state, hour after hour. Delta's S3 log store lets
 * two drivers that commit to one table overwrite each other's commit: with each BU's tables in
 * its own folder, every alert and baseline row of both jobs must be there afterwards. The race
 * shows only sometimes; what prevents it, a folder of tables per BU, is checked on the state's
 * layout, which fails at once if a table is shared again. Two hours: the first creates each BU's
 * tables, the second commits to tables that exist (a third hour repeated the second's commits).
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class ParallelBusinessUnitsTest extends SparkTest {
  @RegisterExtension static final MotoServer MOTO = new MotoServer();
  static final Map<String, List<String>> ACCOUNTS = Map.of(
      "payments", List.of("111111111111", "111111111112"),
      "retail", List.of("222222222221", "222222222222"));
  /** A new call of each account's root every hour: the root alerts on any activity, so every hour alerts. */
  static final List<String> ROOT_CALLS = List.of("ConsoleLogin", "CreateAccessKey");
  static final Instant FIRST = Instant.parse("2026-11-20T10:00:00Z");
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void twoJobsOfTwoBusinessUnitsOnOneS3StateLoseNothing() throws Exception {
    Path logs = dir.resolve("logs");
    List<String> rows = new ArrayList<>();
    ACCOUNTS.forEach((bu, ids) -> ids.forEach(id -> rows.add(id + "," + bu + "-" + id + "," + bu)));
    Path accounts = writeAccounts(dir.resolve("accounts.csv"), rows.toArray(new String[0]));
    for (int h = 0; h < ROOT_CALLS.size(); h++) {
      Instant t = FIRST.plus(Duration.ofHours(h));
      for (List<String> ids : ACCOUNTS.values()) {
        for (String id : ids) {
          writeLog(logs, id, "us-east-1", t.plusSeconds(600), List.of(
              record(root(id), id, "iam.amazonaws.com", ROOT_CALLS.get(h), t.plusSeconds(60), null),
              record(iamUser(id, "ci"), id, "ec2.amazonaws.com", "DescribeInstances" + h, t.plusSeconds(120), null)));
        }
      }
    }
    String logBucket = MOTO.newBucket("race-logs");
    MOTO.upload(logs, logBucket, "org/");
    String stateBucket = MOTO.newBucket("race-state");

    List<String> expectedAlerts = new ArrayList<>();
    for (int h = 0; h < ROOT_CALLS.size(); h++) {
      String hour = FIRST.plus(Duration.ofHours(h)).toString().substring(0, 13);
      List<Future<CommandRun>> jobs = new ArrayList<>();
      List<Path> outs = new ArrayList<>();
      ExecutorService together = Executors.newFixedThreadPool(ACCOUNTS.size());
      try {
        for (String bu : new TreeSet<>(ACCOUNTS.keySet())) {
          Path out = dir.resolve("alerts-" + bu + "-" + h + ".jsonl");
          outs.add(out);
          List<String> args = List.of("detect", "--logs", "s3://" + logBucket + "/org", "--state",
              "s3://" + stateBucket + "/tw", "--accounts", accounts.toString(), "--bu", bu, "--hour", hour,
              "--master", "local[2]", "--alerts-out", out.toString());
          jobs.add(together.submit(() -> CommandRun.inJvm(JVM, ClusterModeTest.CLASS_PATH, "io.trailwatch.cli.Main",
              args, env(), dir, "detect-" + bu + "-" + hour, Duration.ofMinutes(6))));
        }
        for (Future<CommandRun> job : jobs) {
          CommandRun r = job.get();
          assertEquals(0, r.code(), () -> "hour " + hour + ":\n" + r.err());
        }
      } finally {
        together.shutdownNow();
      }
      for (Path out : outs) {
        List<String> lines = Files.readAllLines(out);
        assertEquals(2, lines.size(), "each BU's two roots alert in hour " + hour + ": " + lines);
        for (String line : lines) {
          expectedAlerts.add(JSON.readTree(line).get("alert_id").asText());
        }
      }
    }

    Path state = download(stateBucket, "tw/", dir.resolve("state"));
    // The layout: a folder of tables per BU, and no table straight under the root.
    for (String t : Tables.ALL) {
      assertFalse(Files.exists(state.resolve(t)), t + " is not shared by the BUs");
    }
    assertEquals(List.of("payments", "retail"), new StateLayout(spark, state.toUri().toString()).businessUnits());

    List<String> alerts = new ArrayList<>();
    List<String> baseline = new ArrayList<>();
    StateLayout layout = new StateLayout(spark, state.toUri().toString());
    for (String bu : layout.businessUnits()) {
      for (Row r : layout.of(bu).table(Tables.ALERTS).collectAsList()) {
        alerts.add(r.getAs("alert_id"));
      }
      for (Row r : layout.of(bu).table(Tables.BASELINE).collectAsList()) {
        baseline.add(r.getAs("account_id") + " " + r.getAs("principal") + " " + r.getAs("event_name"));
      }
      assertEquals(ROOT_CALLS.size(), layout.of(bu).table(Tables.RUNS).count(), "one run a hour in " + bu);
    }
    assertEquals(expectedAlerts.stream().sorted().toList(), alerts.stream().sorted().toList(),
        "every alert of both jobs, every hour, is in the alerts tables");
    List<String> expectedBaseline = new ArrayList<>();
    ACCOUNTS.values().forEach(ids -> ids.forEach(id -> {
      for (int h = 0; h < ROOT_CALLS.size(); h++) {
        expectedBaseline.add(id + " arn:aws:iam::" + id + ":root " + ROOT_CALLS.get(h));
        expectedBaseline.add(id + " arn:aws:iam::" + id + ":user/ci DescribeInstances" + h);
      }
    }));
    assertEquals(expectedBaseline.stream().sorted().toList(), baseline.stream().sorted().toList(),
        "every behaviour of both jobs, every hour, is in the baselines");
  }

  /**
   * The cluster tests' driver JVM: what a Spark driver needs, compiling less (C1 only) as the EMR
   * template's JVMs do, for jobs that live seconds.
   */
  static final List<String> JVM = ClusterModeTest.driverOptions();

  /** S3 on moto, and Spark on the loopback address. */
  static Map<String, String> env() {
    return Map.of("AWS_ACCESS_KEY_ID", "testing", "AWS_SECRET_ACCESS_KEY", "testing", "AWS_REGION", "us-east-1",
        "SPARK_LOCAL_IP", "127.0.0.1", "AWS_ENDPOINT_URL_S3", MOTO.endpoint());
  }

  /** Copies every object under {@code prefix} to {@code to}, keeping the paths below the prefix. */
  static Path download(String bucket, String prefix, Path to) throws Exception {
    return download(MOTO.s3(), bucket, prefix, to);
  }

  /** The objects under {@code prefix} of a bucket of {@code s3} (a test class's own moto), as files under {@code to}. */
  static Path download(software.amazon.awssdk.services.s3.S3Client s3, String bucket, String prefix, Path to)
      throws Exception {
    for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
      Path f = to.resolve(o.key().substring(prefix.length()).replace('/', File.separatorChar));
      Files.createDirectories(f.getParent());
      s3.getObject(b -> b.bucket(bucket).key(o.key()), ResponseTransformer.toFile(f));
    }
    return to;
  }
}
