package io.trailwatch.pipeline;

import io.trailwatch.accounts.Account;
import io.trailwatch.config.IngestConfig;
import io.trailwatch.core.Hour;
import io.trailwatch.ingest.LogFile;
import io.trailwatch.ingest.LogPlanner;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Which JIT compiler the JVMs that read an hour should run, from the hour's planned gzip bytes
 * (docs/performance.md, "JIT by size"). A scheduled job's JVM does its work once: C1 alone
 * compiles Spark, Delta and the parser cheaply and wins on an empty or an ordinary hour, while
 * the tiered JIT (C1, then C2 for the hottest code) makes the parser about 45% faster once
 * enough events go through it to repay C2's compiling. {@code ingest.tiered-jit-above-mb} is
 * the crossover, per JVM that reads: the one JVM in local mode, each executor on a cluster.
 */
public record JitChoice(boolean tiered, long hourBytes, int readingJvms, long aboveBytes) {
  private static final long MB = 1_000_000L;
  private static final java.util.regex.Pattern C1_ONLY = java.util.regex.Pattern.compile("-XX:TieredStopAtLevel=[0-3]");

  /** Whether a JVM option is the one that keeps a JVM to C1 ({@code -XX:TieredStopAtLevel=N}): what the tiered JIT drops. */
  public static boolean isC1OnlyOption(String jvmOption) {
    return C1_ONLY.matcher(jvmOption).matches();
  }

  /** What a detect run of {@code hour} lists first ({@link Overlap}): the same accounts and window, so one listing serves both. */
  public record Listing(List<Account> accounts, Instant from, Instant to) {
    public static Listing of(List<Account> accounts, Hour hour, IngestConfig ingest) {
      return new Listing(List.copyOf(accounts), hour.start().minus(Duration.ofHours(ingest.lateFileHours())),
          hour.end().plus(Duration.ofMinutes(ingest.deliveryLagMinutes())));
    }

    public LogPlanner.Plan plan(LogPlanner planner) {
      return planner.plan(accounts, from, to);
    }
  }

  /** The choice for the files of {@code hour} in {@code plan}, read by {@code readingJvms} JVMs. */
  public static JitChoice forHour(LogPlanner.Plan plan, Hour hour, IngestConfig ingest, int readingJvms) {
    long bytes = FileSelection.filesOf(plan, hour, Duration.ofMinutes(ingest.deliveryLagMinutes())).stream()
        .mapToLong(LogFile::size).sum();
    return of(bytes, readingJvms, ingest.tieredJitAboveMb());
  }

  /** The tiered JIT when each of {@code readingJvms} JVMs reads more than {@code aboveMb} MB of {@code hourBytes}. */
  public static JitChoice of(long hourBytes, int readingJvms, int aboveMb) {
    int jvms = Math.max(1, readingJvms);
    long above = aboveMb * MB;
    return new JitChoice(hourBytes / jvms > above, hourBytes, jvms, above);
  }

  /** One line for the run's progress: the choice and why. */
  public String describe() {
    String per = readingJvms == 1 ? "" : String.format(Locale.ROOT, " over %d reading JVMs", readingJvms);
    return String.format(Locale.ROOT, "%s: the hour's files are %,d MB of gzip%s (the tiered JIT above %,d MB per JVM)",
        tiered ? "the tiered JIT (C1 and C2)" : "C1 only", hourBytes / MB, per, aboveBytes / MB);
  }
}
