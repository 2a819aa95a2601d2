package io.trailwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import io.trailwatch.cli.ClusterRuns.Outcome;
import io.trailwatch.testing.SparkCluster;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
 * executors, each a JVM of its own, on 127.0.0.1) finds exactly what it finds in local mode, with
 * logs and state in local folders. Local mode shares one JVM between driver and
 * executors, which hides what breaks on EMR: classes or native libraries missing on the
 * executors, statics set on the driver, files only the driver has, closures that do not serialise,
 * settings that never reach the executors. The executors here get this class path's jars
 * as {@code $SPARK_HOME/jars} (its folders through {@code spark.executor.extraClassPath}). The
 * same on S3 (s3a's settings on the executors, Delta's data files written by them) is
 * {@link EmrJarClusterIT}'s run, with the EMR jar as EMR runs it: a run on S3 here repeated it.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ClusterModeTest {
  static final List<String> CLASS_PATH = List.of(System.getProperty("java.class.path").split(File.pathSeparator));
  static final List<String> JARS = CLASS_PATH.stream().filter(p -> p.endsWith(".jar")).toList();
  static final List<String> FOLDERS = CLASS_PATH.stream().filter(p -> !p.endsWith(".jar")).toList();
  static final List<String> SPARK_OPENS = Arrays.asList(property("trailwatch.spark.opens").trim().split("\\s+"));

  static final Path LOGS = Path.of("target", "spark-cluster", "ClusterModeTest").toAbsolutePath();

  @RegisterExtension static final SparkCluster CLUSTER = new SparkCluster(CLASS_PATH, JARS, daemonOptions(), LOGS,
      Map.of());

  @TempDir static Path shared;
  static ClusterRuns runs;
  /** The two pairs of runs, side by side: local mode (the reference), the cluster on folders. */
  static CompletableFuture<Outcome> local;
  static CompletableFuture<Outcome> onFolders;

  @BeforeAll
  static void startTheRuns() throws Exception {
    runs = ClusterRuns.generate(shared);

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
   * for one executor too), with
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
