package io.trailwatch.cli;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.trailwatch.accounts.Account;
import io.trailwatch.config.IngestConfig;
import io.trailwatch.core.Hour;
import io.trailwatch.ingest.LogPlanner;
import io.trailwatch.ingest.PlannedOnce;
import io.trailwatch.pipeline.JitChoice;
import io.trailwatch.pipeline.Progress;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * detect's JIT chosen from the hour's planned bytes ({@link JitChoice}), at the edge where JVMs
 * start. bin/trailwatch and the EMR template start detect with C1 only; when the hour is larger
 * than {@code ingest.tiered-jit-above-mb} per reading JVM:
 * <ul>
 *   <li>on a cluster, the executors (which read) start with the tiered JIT: the hour is listed
 *       before the session, and {@code -XX:TieredStopAtLevel} leaves their Java options;</li>
 *   <li>in local mode, this JVM reads, and a JVM's JIT is fixed when it starts: the hour is listed
 *       while Spark starts and, if large, the same command runs again in a JVM with the tiered JIT
 *       (this one waits and exits with its status). It needs the command line from
 *       {@code /proc/self/cmdline} (Linux); elsewhere the run stays with C1 and says so.</li>
 * </ul>
 * The listing is handed to the run ({@link #planner}), so nothing is listed twice. A JVM that was
 * not started with C1 only (a child, or options given by hand) chooses nothing and lists nothing ahead.
 */
final class JitBySize {
  private static final String EXECUTOR_OPTIONS = "spark.executor.extraJavaOptions";

  private final LogPlanner planner;
  private final JitChoice.Listing listing;
  private final Hour hour;
  private final IngestConfig ingest;
  private final Progress progress;
  private final boolean local;
  private final String executorOptions;
  private final CompletableFuture<LogPlanner.Plan> plan;
  private boolean failureReported;

  private JitBySize(LogPlanner planner, JitChoice.Listing listing, Hour hour, IngestConfig ingest, Progress progress,
      boolean local, String executorOptions, boolean choose) {
    this.planner = planner;
    this.listing = listing;
    this.hour = hour;
    this.ingest = ingest;
    this.progress = progress;
    this.local = local;
    this.executorOptions = executorOptions;
    this.plan = choose ? CompletableFuture.supplyAsync(() -> listing.plan(planner), r -> {
      Thread t = new Thread(r, "trailwatch-listing");
      t.setDaemon(true);
      t.start();
    }) : null;
  }

  /**
   * Starts listing {@code hour} (on another thread) when there is a JIT to choose: in local mode
   * when this JVM runs C1 only, on a cluster when the executors' options say C1 only.
   */
  static JitBySize forDetect(String master, Hour hour, List<Account> accounts, IngestConfig ingest,
      LogPlanner planner, Progress progress) {
    boolean local = !"cluster".equals(master) && master.startsWith("local")
        || "cluster".equals(master) && new SparkConf().get("spark.master", "").startsWith("local");
    String executors = new SparkConf().get(EXECUTOR_OPTIONS, "");
    boolean choose = local ? thisJvmRunsC1Only() : runsC1Only(executors);
    return new JitBySize(planner, JitChoice.Listing.of(accounts, hour, ingest), hour, ingest, progress, local,
        executors, choose);
  }

  /**
   * The Spark settings the session starts with: on a cluster with a large hour, the executors'
   * Java options without C1 only (this waits for the listing); none otherwise.
   */
  Map<String, String> sparkSettings() {
    if (plan == null || local) {
      return Map.of();
    }
    Optional<LogPlanner.Plan> listed = listed();
    if (listed.isEmpty()) {
      return Map.of();
    }
    int executors = new SparkConf().getInt("spark.executor.instances", 1);
    JitChoice c = JitChoice.forHour(listed.get(), hour, ingest, executors);
    progress.step("jit: executors with " + c.describe());
    return c.tiered() ? Map.of(EXECUTOR_OPTIONS, withoutC1Only(executorOptions)) : Map.of();
  }

  /**
   * In local mode with a large hour: runs this command again in a JVM with the tiered JIT, once
   * {@code spark} (this JVM's) is stopped, and returns that JVM's exit status. Empty when this
   * JVM goes on (a small hour, a cluster, no choice to make, or no way to restart).
   */
  Optional<Integer> runElsewhereIfLarge(SparkSession spark) {
    if (plan == null || !local) {
      return Optional.empty();
    }
    Optional<LogPlanner.Plan> listed = listed();
    if (listed.isEmpty()) {
      return Optional.empty();
    }
    JitChoice c = JitChoice.forHour(listed.get(), hour, ingest, 1);
    if (!c.tiered()) {
      progress.step("jit: " + c.describe());
      return Optional.empty();
    }
    Optional<List<String>> command = tieredCommand();
    if (command.isEmpty()) {
      progress.step("jit: " + c.describe() + "; staying with C1 only (cannot restart: no /proc/self/cmdline,"
          + " or this run records the class-data archive)");
      return Optional.empty();
    }
    progress.step("jit: " + c.describe() + ": the run goes on in a JVM started with it");
    Process child;
    try {
      child = new ProcessBuilder(command.get()).inheritIO().start();
    } catch (IOException e) {
      progress.step("jit: could not start that JVM (" + e.getMessage() + "): staying with C1 only");
      return Optional.empty();
    }
    Thread stopChild = new Thread(child::destroy, "trailwatch-stop-child");
    Runtime.getRuntime().addShutdownHook(stopChild);
    spark.stop();
    while (true) {
      try {
        int status = child.waitFor();
        Runtime.getRuntime().removeShutdownHook(stopChild);
        return Optional.of(status);
      } catch (InterruptedException e) {
        child.destroy();
      }
    }
  }

  /** Which JIT reads the hour, for the summary: this JVM's in local mode, the executors' on a cluster. */
  String readingJit(SparkSession spark) {
    boolean c1 = local ? thisJvmRunsC1Only() : runsC1Only(spark.sparkContext().getConf().get(EXECUTOR_OPTIONS, ""));
    return c1 ? "c1" : "tiered";
  }

  /** The planner the run lists with: the listing done here is answered from memory. */
  LogPlanner planner() {
    Optional<LogPlanner.Plan> listed = plan == null ? Optional.empty() : listed();
    return listed.isEmpty() ? planner
        : new PlannedOnce(planner, listing.accounts(), listing.from(), listing.to(), listed.get());
  }

  /**
   * The listing done ahead; empty when it failed. Then nothing is chosen (C1 only) and the run
   * lists for itself, so that a listing error is reported, per business unit, as it always was.
   */
  private Optional<LogPlanner.Plan> listed() {
    try {
      return Optional.of(plan.join());
    } catch (CompletionException | java.util.concurrent.CancellationException e) {
      if (!failureReported) {
        failureReported = true;
        progress.step("jit: C1 only: listing the hour ahead failed; the run lists it again and reports what fails");
      }
      return Optional.empty();
    }
  }

  static boolean thisJvmRunsC1Only() {
    var hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    try {
      return hotspot != null && "1".equals(hotspot.getVMOption("TieredStopAtLevel").getValue())
          && "true".equals(hotspot.getVMOption("TieredCompilation").getValue());
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Whether Java options (one string, as Spark keeps them) keep a JVM to C1. */
  static boolean runsC1Only(String javaOptions) {
    return java.util.Arrays.stream(javaOptions.trim().split("\\s+")).anyMatch(JitChoice::isC1OnlyOption);
  }

  static String withoutC1Only(String javaOptions) {
    return String.join(" ", java.util.Arrays.stream(javaOptions.trim().split("\\s+"))
        .filter(o -> !o.isEmpty() && !JitChoice.isC1OnlyOption(o)).toList());
  }

  /** This process's command line without C1 only; empty where it cannot be read or must not run twice. */
  static Optional<List<String>> tieredCommand() {
    Path cmdline = Path.of("/proc/self/cmdline");
    try {
      if (!Files.isReadable(cmdline)) {
        return Optional.empty();
      }
      String all = new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8);
      return tieredCommand(Arrays.asList(all.split("\0")));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** {@code argv} without its C1-only option; empty when it records a class-data archive at exit (one JVM may). */
  static Optional<List<String>> tieredCommand(List<String> argv) {
    if (argv.isEmpty() || argv.stream().anyMatch(a -> a.startsWith("-XX:ArchiveClassesAtExit"))) {
      return Optional.empty();
    }
    List<String> out = new ArrayList<>();
    for (String a : argv) {
      if (!JitChoice.isC1OnlyOption(a)) {
        out.add(a);
      }
    }
    return Optional.of(List.copyOf(out));
  }
}
