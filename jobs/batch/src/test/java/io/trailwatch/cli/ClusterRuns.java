package io.trailwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trailwatch.generate.ExpectedAlert;
import io.trailwatch.generate.GeneratedOrg;
import io.trailwatch.generate.GeneratorSpec;
import io.trailwatch.generate.SyntheticOrg;
import io.trailwatch.testing.CommandRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A small generated organisation and the production command lines over it ({@code baseline}
 * then {@code detect}), each in a JVM of its own, and what two such runs must have in common: the
 * same alerts ({@code --alerts-out}, line by line, by content) and the same counts. For {@link
 * EmrJarClusterIT}.
 */
final class ClusterRuns {
  static final ObjectMapper JSON = new ObjectMapper();
  static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH").withZone(ZoneOffset.UTC);
  static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
  static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);
  /** The EMR template's: a throughput collector, and no C2 compiler for JVMs that live a minute. */
  static final List<String> QUICK_JVM = List.of("-XX:+UseParallelGC", "-XX:TieredStopAtLevel=1");

  /** Spark's module openings, as bin/trailwatch gives them: what every child JVM that starts Spark needs. */
  static List<String> sparkOpens() {
    String v = System.getProperty("trailwatch.spark.opens");
    if (v == null || v.isBlank()) {
      throw new IllegalStateException("-Dtrailwatch.spark.opens is not set: run this test with mvn (surefire and"
          + " failsafe set it)");
    }
    return List.of(v.trim().split("\\s+"));
  }
  /** Moto's dummy credentials, region and this machine only: what every driver gets. */
  static final Map<String, String> DRIVER_ENV = Map.of("AWS_ACCESS_KEY_ID", "testing",
      "AWS_SECRET_ACCESS_KEY", "testing", "AWS_REGION", "us-east-1", "SPARK_LOCAL_IP", "127.0.0.1");
  /**
   * Two days of history are inside the default learning period and warm-up: learn nothing, so that
   * more principals alert. libdeflate is demanded: an executor that cannot load it fails its tasks.
   */
  static final String CONFIG = """
      ingest:
        gunzip: libdeflate
      baseline:
        warmup-days: 0
      policy:
        learning-days: 0
      """;

  final GeneratedOrg org;
  final GeneratorSpec spec;
  final Path config;
  private final List<Thread> started = new ArrayList<>();

  private ClusterRuns(GeneratedOrg org, GeneratorSpec spec, Path config) {
    this.org = org;
    this.spec = spec;
    this.config = config;
  }

  /** Two accounts, three workload principals each, two days: under two thousand records. */
  static ClusterRuns generate(Path dir) throws IOException {
    GeneratorSpec spec = new GeneratorSpec(2, 2, 3, 5, 11L, GeneratorSpec.DEFAULT_END);
    GeneratedOrg org = SyntheticOrg.generate(spec, dir.resolve("org"));
    return new ClusterRuns(org, spec, Files.writeString(dir.resolve("trailwatch.yaml"), CONFIG));
  }

  /** What a baseline and a detect run wrote. */
  record Outcome(List<String> alerts, JsonNode baseline, JsonNode detect) {}

  /** Runs one command line ({@code name} names its output files, if any). */
  interface Launcher {
    CommandRun run(String name, List<String> args) throws IOException, InterruptedException;
  }

  /**
   * {@code java <jvmOptions> -cp <classPath> org.apache.spark.deploy.SparkSubmit <submitArgs> <args>}:
   * what bin/spark-submit runs once its launcher has made the JVM's command line. {@code submitArgs}
   * end with the application jar, which SparkSubmit loads in a class loader of its own (not the
   * JVM's class path) and ships to the executors as {@code spark.jars}.
   */
  static Launcher viaSparkSubmit(List<String> jvmOptions, List<String> classPath, List<String> submitArgs,
      Map<String, String> env, Path dir) {
    return (name, args) -> {
      List<String> all = new ArrayList<>(submitArgs);
      all.addAll(args);
      return CommandRun.inJvm(jvmOptions, classPath, "org.apache.spark.deploy.SparkSubmit", all, env, dir, name,
          RUN_TIMEOUT);
    };
  }

  /** Where a pair of runs reads and writes: paths as given on the command line. */
  record Where(String logs, String state, String accounts, String config) {
    /** The same with another config file. */
    Where withConfig(Path other) {
      return new Where(logs, state, accounts, other.toString());
    }
  }

  /**
   * {@link #CONFIG} with every hour that has files read by the tiered JIT (detect's JIT by size:
   * on a cluster, executors started without the template's C1 only).
   */
  Path tieredConfig() throws IOException {
    return Files.writeString(config.resolveSibling("trailwatch-tiered.yaml"),
        CONFIG.replace("  gunzip: libdeflate\n", "  gunzip: libdeflate\n  tiered-jit-above-mb: 0\n"));
  }

  /** The generated logs, accounts and config by their absolute paths, and {@code state}. */
  Where at(String state) {
    return new Where(org.logsDir().toString(), state, org.accountsCsv().toString(), config.toString());
  }

  /** Logs and state on S3 (s3:// URIs); accounts and config in local files, as on EMR. */
  Where onS3(String logs, String state) {
    return new Where(logs, state, org.accountsCsv().toString(), config.toString());
  }

  /** Every path relative to {@code cwd} (the driver's working folder, where the state goes too). */
  Where relativeTo(Path cwd) {
    cwd = cwd.toAbsolutePath();
    return new Where(cwd.relativize(org.logsDir()).toString(), "state", cwd.relativize(org.accountsCsv()).toString(),
        cwd.relativize(config).toString());
  }

  /**
   * {@code baseline} of the history, then {@code detect} of the incident hour, with {@code options}
   * (--master) and the logs and state given; both must exit 0. Outputs go to {@code dir}.
   */
  Outcome run(Launcher launcher, List<String> options, Where where, Path dir)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path baselineSummary = dir.resolve("baseline-summary.json").toAbsolutePath();
    Path detectSummary = dir.resolve("detect-summary.json").toAbsolutePath();
    Path alerts = dir.resolve("alerts.jsonl").toAbsolutePath();
    List<String> common = new ArrayList<>(options);
    common.addAll(List.of("--logs", where.logs(), "--state", where.state(), "--accounts", where.accounts(),
        "--config", where.config()));

    List<String> baseline = new ArrayList<>(List.of("baseline"));
    baseline.addAll(common);
    baseline.addAll(List.of("--from", DAY.format(spec.start()), "--to", HOUR.format(org.incidentHour()),
        "--summary-out", baselineSummary.toString()));
    succeed(launcher, "baseline", baseline);

    List<String> detect = new ArrayList<>(List.of("detect"));
    detect.addAll(common);
    detect.addAll(List.of("--hour", HOUR.format(org.incidentHour()), "--alerts-out", alerts.toString(),
        "--summary-out", detectSummary.toString()));
    succeed(launcher, "detect", detect);
    return new Outcome(canonicalLines(alerts), comparable(baselineSummary), comparable(detectSummary));
  }

  /** A run started in the background (runs of a class go side by side: the machine has more than one core). */
  interface Work {
    Outcome call() throws Exception;
  }

  CompletableFuture<Outcome> start(String name, Work work) {
    CompletableFuture<Outcome> f = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        f.complete(work.call());
      } catch (Throwable e) {
        f.completeExceptionally(e);
      }
    }, "cluster-run-" + name);
    t.setDaemon(true);
    synchronized (started) {
      started.add(t);
    }
    t.start();
    return f;
  }

  /** Interrupts the runs still going (their JVMs are killed) and waits for them: for @AfterAll. */
  void stopAll() throws InterruptedException {
    List<Thread> all;
    synchronized (started) {
      all = List.copyOf(started);
    }
    for (Thread t : all) {
      t.interrupt();
    }
    for (Thread t : all) {
      t.join(30_000);
    }
  }

  /** The outcome, or the run's own failure (its assertion, with the command's output) rethrown. */
  static Outcome await(CompletableFuture<Outcome> run) throws Exception {
    try {
      return run.get();
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof Exception x) {
        throw x;
      }
      if (e.getCause() instanceof Error x) {
        throw x;
      }
      throw e;
    }
  }

  private static void succeed(Launcher launcher, String name, List<String> args)
      throws IOException, InterruptedException {
    CommandRun run = launcher.run(name, args);
    assertEquals(0, run.code(), () -> String.join(" ", args) + "\n-- stdout:\n" + run.out() + "\n-- stderr:\n"
        + run.err());
  }

  /** The reference run must itself be right: every injected incident alerted. */
  void assertFindsTheIncidents(Outcome o) throws IOException {
    assertTrue(o.detect().path("records_in_window").asLong() > 0, o.detect()::toString);
    for (ExpectedAlert e : org.expectedAlertsFor(List.of("api"))) {
      boolean found = false;
      for (String line : o.alerts()) {
        JsonNode a = JSON.readTree(line);
        found |= a.path("account_id").asText().equals(e.accountId()) && a.path("principal").asText()
            .equals(e.principal()) && line.contains("\"event_name\":\"" + e.eventName() + "\"");
      }
      assertTrue(found, () -> "missing " + e + " in " + o.alerts());
    }
  }

  /** Same alerts, same counts: only where the work ran differs. */
  static void assertSame(Outcome expected, Outcome actual) {
    assertEquals(expected.alerts(), actual.alerts(), "the alerts, line by line");
    assertEquals(expected.baseline(), actual.baseline(), "the baseline run's summary");
    assertEquals(expected.detect(), actual.detect(), "the detect run's summary");
  }

  /** The file's JSON lines, each re-serialised as parsed, sorted: equal content, equal lists. */
  static List<String> canonicalLines(Path file) throws IOException {
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (!line.isBlank()) {
        out.add(JSON.writeValueAsString(JSON.readTree(line)));
      }
    }
    out.sort(null);
    return out;
  }

  /** A summary without what differs from run to run by nature: its id and its duration. */
  static JsonNode comparable(Path summary) throws IOException {
    ObjectNode s = (ObjectNode) JSON.readTree(summary.toFile());
    // Which JIT read the hour differs by where it ran (JitBySize), not what it found.
    s.remove(List.of("run_id", "seconds", "read_jit"));
    return s;
  }
}
