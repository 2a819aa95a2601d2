package io.trailwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.trailwatch.cli.ClusterRuns.Outcome;
import io.trailwatch.testing.MotoServer;
import io.trailwatch.testing.SparkCluster;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production command line on a Spark standalone cluster (a master, a worker and its
 * executors, each a JVM of its own, on 127.0.0.1) finds exactly what it finds in local mode: with
 * logs and state in local folders, and on S3. Local mode shares one JVM between driver and
 * executors, which hides what breaks on EMR: classes or native libraries missing on the
 * executors, statics set on the driver, files only the driver has, closures that do not serialise,
 * settings (s3a's) that never reach the executors. The executors here get this class path's jars
 * as {@code $SPARK_HOME/jars} (its folders through {@code spark.executor.extraClassPath}); the
 * EMR jar's own run is {@link EmrJarClusterIT}.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ClusterModeTest {
  static final List<String> CLASS_PATH = List.of(System.getProperty("java.class.path").split(File.pathSeparator));
  static final List<String> JARS = CLASS_PATH.stream().filter(p -> p.endsWith(".jar")).toList();
  static final List<String> FOLDERS = CLASS_PATH.stream().filter(p -> !p.endsWith(".jar")).toList();
  static final List<String> SPARK_OPENS = Arrays.asList(property("trailwatch.spark.opens").trim().split("\\s+"));

  static final Path LOGS = Path.of("target", "spark-cluster", "ClusterModeTest").toAbsolutePath();

  @RegisterExtension static final MotoServer MOTO = new MotoServer();
  /** The node's credentials (an instance role's, on EMR): the endpoint and region come from the driver. */
  @RegisterExtension static final SparkCluster CLUSTER = new SparkCluster(CLASS_PATH, JARS, daemonOptions(), LOGS,
      Map.of("AWS_ACCESS_KEY_ID", "testing", "AWS_SECRET_ACCESS_KEY", "testing"));

  @TempDir static Path shared;
  static ClusterRuns runs;
  static String s3State;
  /** The three pairs of runs, side by side: local mode (the reference), the cluster on folders, on S3. */
  static CompletableFuture<Outcome> local;
  static CompletableFuture<Outcome> onFolders;
  static CompletableFuture<Outcome> onS3;

  @BeforeAll
  static void startTheRuns() throws Exception {
    runs = ClusterRuns.generate(shared);
    String s3Logs = MOTO.newBucket("cluster-trail");
    MOTO.upload(runs.org.logsDir(), s3Logs, "org/");
    s3State = MOTO.newBucket("cluster-state");
    Map<String, String> s3Env = new HashMap<>(ClusterRuns.DRIVER_ENV);
    s3Env.put("AWS_ENDPOINT_URL_S3", MOTO.endpoint());

    // The reference, local mode, runs in this JVM (its paths are absolute): only the cluster's runs
    // are about separate JVMs, and this saves two JVM and Spark starts.
    Path localDir = LOGS.resolve("local-mode");
    local = runs.start("local", () -> runs.run(ClusterRuns.inThisJvm(), List.of(),
        runs.at(localDir.resolve("state").toString()), localDir));
    // Paths relative to the driver's working folder: the executors' is another (the worker's work/app-*/N).
    Path foldersDir = LOGS.resolve("cluster-folders");
    onFolders = runs.start("folders", () -> runs.run(ClusterRuns.inItsOwnJvm(clusterDriverOptions(), CLASS_PATH,
        ClusterRuns.DRIVER_ENV, foldersDir), List.of("--master", CLUSTER.url()), runs.relativeTo(foldersDir),
        foldersDir));
    Path s3Dir = LOGS.resolve("cluster-s3");
    onS3 = runs.start("s3", () -> runs.run(ClusterRuns.inItsOwnJvm(clusterDriverOptions(), CLASS_PATH, s3Env,
        s3Dir), List.of("--master", CLUSTER.url()), runs.onS3("s3://" + s3Logs + "/org", "s3://" + s3State + "/tw"),
        s3Dir));
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
  void clusterFindsTheSameAlertsAsLocalMode() throws Exception {
    ClusterRuns.assertSame(ClusterRuns.await(local), ClusterRuns.await(onFolders));
    assertRanOnTheExecutors();
  }

  @Test
  void clusterWithLogsAndStateOnS3FindsTheSameAlertsAsLocalMode() throws Exception {
    ClusterRuns.assertSame(ClusterRuns.await(local), ClusterRuns.await(onS3));
    // Delta's data files are written by the executors: s3a's endpoint and path-style access reached them.
    assertTrue(MOTO.s3().listObjectsV2Paginator(b -> b.bucket(s3State).prefix("tw/")).contents().stream()
        .anyMatch(o -> o.key().endsWith(".parquet")), "Delta data files on S3");
    assertRanOnTheExecutors();
  }

  /**
   * The driver's JVM: Spark's module openings, as bin/trailwatch gives them, compiling less (C1
   * only), as the EMR template's JVMs do: short runs on a busy machine.
   */
  static List<String> driverOptions() {
    List<String> o = new ArrayList<>(List.of("-Xmx1g"));
    o.addAll(ClusterRuns.QUICK_JVM);
    o.addAll(SPARK_OPENS);
    return o;
  }

  /**
   * What spark-submit would add for the cluster: one executor of one core (EMR's template asks
   * for one executor too; the worker's two cores and 1 GB hold both cluster runs at once), with
   * the driver's options, and this class path's folders (its jars are in SPARK_HOME).
   */
  static List<String> clusterDriverOptions() {
    List<String> o = driverOptions();
    List<String> executor = new ArrayList<>(ClusterRuns.QUICK_JVM);
    o.addAll(List.of("-Dspark.cores.max=1", "-Dspark.executor.cores=1", "-Dspark.executor.memory=512m",
        "-Dspark.executor.extraJavaOptions=" + String.join(" ", executor),
        "-Dspark.executor.extraClassPath=" + String.join(File.pathSeparator, FOLDERS)));
    return o;
  }

  static List<String> daemonOptions() {
    List<String> o = new ArrayList<>(ClusterRuns.QUICK_JVM);
    o.addAll(SPARK_OPENS);
    return o;
  }

  /** The applications that finished did so on the cluster, with executors of their own. */
  static void assertRanOnTheExecutors() throws Exception {
    JsonNode state = CLUSTER.state();
    assertFalse(state.path("completedapps").isEmpty(), state::toString);
    for (JsonNode app : state.path("completedapps")) {
      assertEquals("FINISHED", app.path("state").asText(), app::toString);
    }
    assertFalse(CLUSTER.executorLogs().isEmpty(), "executors' logs in the worker's work folder");
  }

  static String property(String name) {
    String v = System.getProperty(name);
    if (v == null || v.isBlank()) {
      throw new IllegalStateException("-D" + name + " is not set: run this test with mvn (surefire sets it)");
    }
    return v;
  }
}
