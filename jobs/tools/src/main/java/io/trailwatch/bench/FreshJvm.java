package io.trailwatch.bench;

import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.pipeline.JitChoice;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A benchmark step in a new JVM, as a scheduled job runs: a child process with this JVM's
 * options and class path, timed from its start to its exit. The child ends its last line with
 * {@link #processLine()}, from which the process's CPU time is read.
 */
public final class FreshJvm {
  private static final Pattern CPU = Pattern.compile("process CPU ([0-9.]+)s");

  /** What a child runs: one of the bench's own single-step modes. */
  public enum Kind {
    EMPTY_HOUR("empty hour, fresh JVM", "empty", "--empty-hour"),
    LARGE_HOUR("large hour, fresh JVM", "large", "--large-hour"),
    /** The large hour with the JIT its size did not choose (--jit-both): what the choice saved. */
    LARGE_OTHER_JIT("large hour, the other JIT, fresh JVM", "large-other-jit", "--large-hour"),
    DUCKDB("DuckDB, fresh JVM", "duckdb", "--duckdb-only"),
    /** The empty hour on a state with a folder of tables per BU, every account in one BU (the child gets --bus 1). */
    EMPTY_ONE_BU("empty hour, one BU (folder per BU, empty baseline), fresh JVM", "empty-1bu", "--empty-hour"),
    /** The same, the accounts dealt into several BUs run side by side in the one JVM (--bus N). */
    EMPTY_BUS("empty hour, the same accounts in several BUs, one fresh JVM", "empty-bus", "--empty-hour"),
    LARGE_ONE_BU("large hour, one BU (folder per BU, empty baseline), fresh JVM", "large-1bu", "--large-hour"),
    LARGE_BUS("large hour, the same accounts in several BUs, one fresh JVM", "large-bus", "--large-hour"),
    /** The large hour on one BU's folder of tables holding the whole baseline (--bus 1 --bus-baseline). */
    LARGE_ONE_BU_BASELINE("large hour, one BU (folder per BU, the whole baseline), fresh JVM", "large-1bu-baseline",
        "--large-hour"),
    /** The same accounts in several BUs, each BU's folder holding its accounts' rows of the baseline. */
    LARGE_BUS_BASELINE("large hour, the same accounts in several BUs, each with its share of the baseline, one fresh"
        + " JVM", "large-bus-baseline", "--large-hour");

    private final String label;
    private final String key;
    private final String option;

    Kind(String label, String key, String option) {
      this.label = label;
      this.key = key;
      this.option = option;
    }

    public String label() {
      return label;
    }

    public String key() {
      return key;
    }
  }

  /** A child's wall time (process start to exit), its CPU time (its own report) and its result line. */
  public record Result(double wall, double cpu, String line) {}

  private FreshJvm() {}

  /** The end of a child's result line: this process's CPU time and uptime so far. */
  public static String processLine() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    long cpu = os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
    return String.format(Locale.ROOT, "process CPU %.1fs, JVM up %.1fs", cpu / 1e9,
        ManagementFactory.getRuntimeMXBean().getUptime() / 1e3);
  }

  /** The JVM options of the children (this JVM's heap and GC, and what detect adds), as one line. */
  public static String options() {
    String detect = System.getenv("TRAILWATCH_DETECT_JAVA_OPTS");
    return String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("-X") && !a.startsWith("-XX:+IgnoreUnrecognized") && !a.startsWith("-Xlog"))
        .toList()) + (detect == null || detect.isBlank() ? "" : " " + detect.trim());
  }

  /** Runs the bench with {@code args} plus the kind's option in a new JVM; fails when the child does. */
  public static Result run(List<String> args, Kind kind) throws IOException, InterruptedException {
    return run(args, kind, false);
  }

  /**
   * The same; {@code tiered}: the child runs the tiered JIT, without the C1-only option detect
   * starts with (what detect's JIT by size does for a large hour: {@code JitChoice}).
   */
  public static Result run(List<String> args, Kind kind, boolean tiered) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // The children use this JVM's class-data archive, if it has one; none of them records one.
    cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> !a.startsWith("-XX:ArchiveClassesAtExit")).filter(a -> !tiered || !JitChoice.isC1OnlyOption(a))
        .toList());
    // What bin/trailwatch adds for detect (C1 only): the children run as a scheduled detect does.
    String detect = System.getenv("TRAILWATCH_DETECT_JAVA_OPTS");
    if (detect != null && !detect.isBlank()) {
      cmd.addAll(List.of(detect.trim().split("\\s+")).stream().filter(a -> !tiered || !JitChoice.isC1OnlyOption(a))
          .toList());
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("io.trailwatch.tools.ToolsMain");
    cmd.addAll(args);
    cmd.add(kind.option);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
    long t0 = System.nanoTime();
    Process p = pb.start();
    String last = null;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        last = line;
      }
    }
    int exit = p.waitFor();
    double wall = (System.nanoTime() - t0) / 1e9;
    Matcher m = last == null ? null : CPU.matcher(last);
    if (exit != 0 || m == null || !m.find()) {
      throw TrailwatchException.of(ErrorCode.BENCH_CHILD_FAILED, "The bench's %s child failed (exit %d): %s",
          kind.key, exit, last == null ? "no output" : last);
    }
    return new Result(wall, Double.parseDouble(m.group(1)), last);
  }

  /** The median wall ({@code wall}) or CPU time of some results. */
  public static double median(List<Result> results, boolean wall) {
    double[] v = results.stream().mapToDouble(r -> wall ? r.wall() : r.cpu()).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
