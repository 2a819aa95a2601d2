package io.trailwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.trailwatch.cli.ClusterRuns.Outcome;
import io.trailwatch.testing.MotoServer;
import io.trailwatch.testing.SparkCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The EMR jar on a Spark standalone cluster on 127.0.0.1 (a master, a worker and its executors,
 * each a JVM of its own), submitted as spark-submit submits it: {@code SparkSubmit} in a JVM whose
 * class path is Spark's (what EMR provides), the jar as the application's primary resource (a
 * class loader of its own on the driver, {@code spark.jars} for the executors), and executors
 * whose {@code $SPARK_HOME/jars} is Spark's alone (with Hadoop 3.4.1 and s3a's SDK bundle), so
 * every trailwatch class and the relocated AWS SDK they run come from the shipped jar, and Delta
 * from the template's {@code spark.jars} (EMR's Delta, here its local copy). The JVM options and
 * Spark settings are the EMR template's ({@code emr/start-job-run.json}), resources aside.
 *
 * <p>Local mode shares one JVM between driver and executors, which hides what breaks on EMR:
 * classes or native libraries missing on the executors, statics set on the driver, files only the
 * driver has, closures that do not serialise, settings that never reach the executors. So two
 * submissions to the cluster, side by side, must find exactly what the same submission finds in
 * local mode with logs and state in folders: one with logs and state on S3, as on EMR (s3a's
 * settings on the executors, Delta's data files written by them), and one with local folders at
 * paths relative to the driver's working folder, which the executors do not share (their own is
 * the worker's {@code work/app-*}/N). Runs after package. (The second was {@code
 * ClusterModeTest}'s, on the development class path, until session 17: a cluster and a local-mode
 * reference of its own for the same check.)
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class EmrJarClusterIT {
  static final Path LOGS = Path.of("target", "spark-cluster", "EmrJarClusterIT").toAbsolutePath();
  static final List<String> SPARK_OPENS = ClusterRuns.sparkOpens();
  /** The template's settings that fit a one-machine cluster: not its resources, EMR Serverless' own, nor its Java. */
  static final Set<String> NOT_HERE = Set.of("spark.archives", "spark.driver.cores", "spark.driver.memory",
      "spark.driver.memoryOverhead", "spark.executor.cores", "spark.executor.memory", "spark.executor.memoryOverhead",
      "spark.executor.instances", "spark.executorEnv.JAVA_HOME");

  @RegisterExtension static final MotoServer MOTO = new MotoServer();
  /** The node's credentials (the job role's, on EMR); the region comes from the template's spark.executorEnv. */
  @RegisterExtension static final SparkCluster CLUSTER = new SparkCluster(provided(), provided(), daemonOptions(), LOGS,
      Map.of("AWS_ACCESS_KEY_ID", "testing", "AWS_SECRET_ACCESS_KEY", "testing"));

  @TempDir static Path shared;
  static ClusterRuns runs;
  static String s3State;
  /** The submissions side by side: local mode with folders (the reference), the cluster with S3 and with folders. */
  static CompletableFuture<Outcome> local;
  static CompletableFuture<Outcome> onCluster;
  static CompletableFuture<Outcome> onFolders;

  @BeforeAll
  static void startTheRuns() throws Exception {
    runs = ClusterRuns.generate(shared);
    String s3Logs = MOTO.newBucket("emr-cluster-trail");
    MOTO.upload(runs.org.logsDir(), s3Logs, "org/");
    s3State = MOTO.newBucket("emr-cluster-state");
    Map<String, String> s3Env = new HashMap<>(ClusterRuns.DRIVER_ENV);
    s3Env.put("AWS_ENDPOINT_URL_S3", MOTO.endpoint());
    EmrJarIT.Template tpl = template();

    Path localDir = LOGS.resolve("local-mode");
    local = runs.start("local", () -> runs.run(ClusterRuns.viaSparkSubmit(driverOptions(tpl), provided(),
        submitArgs(tpl, "local[*]"), ClusterRuns.DRIVER_ENV, localDir), List.of("--master", "cluster"),
        runs.at(localDir.resolve("state").toString()), localDir));
    Path clusterDir = LOGS.resolve("cluster-s3");
    onCluster = runs.start("cluster", () -> runs.run(ClusterRuns.viaSparkSubmit(driverOptions(tpl), provided(),
        submitArgs(tpl, CLUSTER.url()), s3Env, clusterDir), List.of("--master", "cluster"),
        runs.onS3("s3://" + s3Logs + "/org", "s3://" + s3State + "/tw").withConfig(runs.tieredConfig()), clusterDir));
    // Paths relative to the driver's working folder: the executors' is another (the worker's work/app-*/N).
    Path foldersDir = LOGS.resolve("cluster-folders");
    onFolders = runs.start("folders", () -> runs.run(ClusterRuns.viaSparkSubmit(driverOptions(tpl), provided(),
        submitArgs(tpl, CLUSTER.url()), ClusterRuns.DRIVER_ENV, foldersDir), List.of("--master", "cluster"),
        runs.relativeTo(foldersDir), foldersDir));
  }

  @AfterAll
  static void stopTheRuns() throws Exception {
    if (runs != null) {
      runs.stopAll();
    }
  }

  @Test
  void localModeFindsTheGeneratedIncidents() throws Exception {
    runs.assertFindsTheIncidents(ClusterRuns.await(local));
  }

  @Test
  void emrJarOnAClusterWithLogsAndStateOnS3FindsTheSameAlertsAsLocalMode() throws Exception {
    ClusterRuns.assertSame(ClusterRuns.await(local), ClusterRuns.await(onCluster));
    assertTrue(MOTO.s3().listObjectsV2Paginator(b -> b.bucket(s3State).prefix("tw/")).contents().stream()
        .anyMatch(o -> o.key().endsWith(".parquet")), "Delta data files on S3, written by the executors");
    // Each executor fetched the jar from the driver into its work folder: its only source of trailwatch.
    List<Path> executors = CLUSTER.executorLogs();
    assertFalse(executors.isEmpty(), "executors' logs in the worker's work folder");
    for (Path stderr : executors) {
      assertTrue(Files.exists(stderr.resolveSibling(EmrJarIT.JAR.getFileName())),
          () -> "the EMR jar shipped to the executor of " + stderr.getParent());
    }
    assertEquals(List.of(), provided().stream().filter(j -> j.contains("trailwatch")).toList(),
        "no trailwatch jar in the executors' $SPARK_HOME/jars");
    // This submission's config reads every hour with files by the tiered JIT: its detect's executor
    // started without the template's C1 only, and found what local mode (C1 only) found.
    assertEquals("tiered", ClusterRuns.JSON.readTree(LOGS.resolve("cluster-s3").resolve("detect-summary.json")
        .toFile()).path("read_jit").asText());
    List<String> tieredExecutors = new ArrayList<>();
    for (Path stderr : executors) {
      String command = Files.readAllLines(stderr).get(0);
      assertTrue(command.startsWith("Spark Executor Command:"), command);
      if (!command.contains("-XX:TieredStopAtLevel=1")) {
        tieredExecutors.add(stderr.getParent().toString());
      }
    }
    assertEquals(1, tieredExecutors.size(), () -> "only the S3 submission's detect has executors without C1 only: "
        + tieredExecutors);
  }

  @Test
  void emrJarOnAClusterWithFoldersAtRelativePathsFindsTheSameAlertsAsLocalMode() throws Exception {
    ClusterRuns.assertSame(ClusterRuns.await(local), ClusterRuns.await(onFolders));
    Path state = LOGS.resolve("cluster-folders").resolve("state");
    try (var files = Files.walk(state)) {
      assertTrue(files.anyMatch(f -> f.toString().endsWith(".parquet")), "Delta data files in " + state);
    }
    // Every application that finished did so on the cluster (the local-mode one never reached it).
    JsonNode cluster = CLUSTER.state();
    assertFalse(cluster.path("completedapps").isEmpty(), cluster::toString);
    for (JsonNode app : cluster.path("completedapps")) {
      assertEquals("FINISHED", app.path("state").asText(), app::toString);
    }
  }

  /** {@code emr/start-job-run.json}, its placeholders filled (the locations are not used: the test gives its own). */
  static EmrJarIT.Template template() throws Exception {
    return EmrJarIT.template(Map.of());
  }

  /** The driver's JVM as spark-submit's launcher starts it: Spark's module openings and the template's options. */
  static List<String> driverOptions(EmrJarIT.Template tpl) {
    List<String> o = new ArrayList<>(List.of("-Xmx1g"));
    o.addAll(SPARK_OPENS);
    o.addAll(tpl.driverJavaOptions());
    return o;
  }

  /**
   * spark-submit's arguments: the template's class and settings, one executor of two cores (at most) with
   * the template's executor options, {@code master}, client mode (the driver is this JVM), the jar.
   */
  static List<String> submitArgs(EmrJarIT.Template tpl, String master) {
    List<String> a = new ArrayList<>(List.of("--master", master, "--deploy-mode", "client",
        "--class", tpl.mainClass(), "--name", "trailwatch"));
    Map<String, String> conf = new java.util.LinkedHashMap<>();
    tpl.sparkConf().forEach((k, v) -> {
      if (!NOT_HERE.contains(k) && !k.startsWith("spark.emr-serverless.")) {
        conf.put(k, k.equals("spark.jars") ? EmrJarIT.localDelta(v) : v);
      }
    });
    conf.put("spark.driver.host", "127.0.0.1");
    conf.put("spark.executor.cores", "2");
    // One executor each: the worker's four cores hold both cluster submissions at once.
    conf.put("spark.cores.max", "2");
    conf.put("spark.executor.memory", "1g");
    conf.put("spark.executor.extraJavaOptions", String.join(" ", tpl.executorJavaOptions()));
    conf.forEach((k, v) -> a.addAll(List.of("--conf", k + "=" + v)));
    a.add(EmrJarIT.JAR.toString());
    return a;
  }

  static List<String> daemonOptions() {
    List<String> o = new ArrayList<>(ClusterRuns.QUICK_JVM);
    o.addAll(SPARK_OPENS);
    return o;
  }

  /** Spark's runtime jars, what EMR provides: the cluster's and the driver's class path (the jar aside). */
  static List<String> provided() {
    try {
      return EmrJarIT.providedClassPath();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
