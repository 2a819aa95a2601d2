package io.trailwatch.tools;

import io.trailwatch.detect.Stored;

import io.trailwatch.core.ErrorCode;
import static org.apache.spark.sql.functions.col;

import io.trailwatch.bench.BenchData;
import io.trailwatch.bench.DuckDbRun;
import io.trailwatch.bench.FreshJvm;
import io.trailwatch.bench.GzipFloor;
import io.trailwatch.bench.HeapPeak;
import io.trailwatch.bench.JobLog;
import io.trailwatch.config.TrailwatchConfig;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.detect.Comparison;
import io.trailwatch.detect.HourBehavior;
import io.trailwatch.detect.Behaviors;
import io.trailwatch.ingest.LocalLogPlanner;
import io.trailwatch.ingest.LocalOpener;
import io.trailwatch.ingest.LogFile;
import io.trailwatch.pipeline.Pipeline;
import io.trailwatch.pipeline.JitChoice;
import io.trailwatch.pipeline.Progress;
import io.trailwatch.core.RunSummary;
import io.trailwatch.pipeline.Sparks;
import io.trailwatch.state.StateStore;
import io.trailwatch.state.Tables;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.metrics.source.CodegenMetrics;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Benchmark one large generated hour: detect end to end vs DuckDB vs gzip -dc, and MERGE cost.",
        "",
        "Runs detect on the hour (after warming the page cache), then DuckDB computing only the distinct",
        "(principal, eventSource, eventName) tuples of the same files, then gzip -dc of the same files (the",
        "floor), then MERGEs the hour into baselines of each --merge-rows size. Inputs are made once under",
        "--dir and reused. Needs the bench class path (DuckDB): run it as 'bin/trailwatch bench'."})
final class BenchCommand implements Callable<Integer> {
  @Option(names = "--dir", paramLabel = "DIR", description = "Folder for generated inputs, reused across runs (default: ${DEFAULT-VALUE})")
  Path dir = Path.of("bench-data");

  @Option(names = "--events", paramLabel = "N", description = "Events in the hour (default: ${DEFAULT-VALUE})")
  long events = 5_000_000;

  @Option(names = "--accounts", paramLabel = "N", description = "Accounts (default: ${DEFAULT-VALUE})")
  int accounts = 50;

  @Option(names = "--baseline-rows", paramLabel = "N", description = "Baseline rows for the detect run (default: ${DEFAULT-VALUE})")
  long baselineRows = 1_000_000;

  @Option(names = "--merge-rows", paramLabel = "N", split = ",",
      description = "Baseline sizes for the MERGE section (default: 100000,10000000)")
  List<Long> mergeRows = new ArrayList<>(List.of(100_000L, 10_000_000L));

  @Option(names = "--merge-runs", paramLabel = "N", description = "MERGEs per size, each into a fresh copy; the best counts (default: ${DEFAULT-VALUE})")
  int mergeRuns = 2;

  @Option(names = "--merge-only", description = "Only the MERGE section")
  boolean mergeOnly;

  @Option(names = "--no-merge", description = "Skip the MERGE section")
  boolean noMerge;

  @Option(names = "--empty-hour", description = "Only the fixed cost: one detect, in this fresh JVM, of an hour"
      + " with no log files, on a copy of the detect state (Spark session start timed apart); run it as its own"
      + " command, so that the JVM is fresh")
  boolean emptyHour;

  @Option(names = "--large-hour", description = "Only one detect of the large hour, in this fresh JVM, on a copy of"
      + " the detect state; prints its wall and CPU and this JVM's (what --fresh-jvm runs in each child)")
  boolean largeHour;

  @Option(names = "--duckdb-only", description = "Only DuckDB on the large hour's files, in this fresh JVM (what"
      + " --fresh-jvm runs in each child)")
  boolean duckDbOnly;

  @Option(names = "--fresh-jvm", description = "What a scheduled job costs: the empty hour, the large hour and"
      + " DuckDB each in a new JVM started with this JVM's options, --runs times each, timed from process start to"
      + " exit (JVM and Spark start included); prints wall and CPU of each and their medians")
  boolean freshJvm;

  @Option(names = "--jit-both", description = "With --fresh-jvm: also the large hour with the JIT its size did not"
      + " choose (detect's JIT by size: C1 only up to ingest.tiered-jit-above-mb, the tiered JIT above), and the two"
      + " medians side by side")
  boolean jitBoth;

  @Option(names = "--bus", paramLabel = "N", description = "With --empty-hour or --large-hour: the accounts dealt"
      + " into N business units, each with its own folder of tables (empty baseline), run side by side in this JVM"
      + " as detect without --bu runs them (what --fresh-jvm compares); without it, one table set of"
      + " --baseline-rows rows")
  Integer bus;

  @Option(names = "--bus-baseline", description = "With --large-hour --bus N: each BU's tables hold its accounts'"
      + " rows of the --baseline-rows baseline (a steady hourly run's state), not an empty baseline")
  boolean busBaseline;

  @Option(names = "--compare-bus-baseline", description = "With --fresh-jvm: the large hour's comparison of one BU"
      + " against --compare-bus BUs once more, each BU with its share of the --baseline-rows baseline (--bus-baseline)")
  boolean compareBusBaseline;

  @Option(names = "--compare-bus", paramLabel = "N", description = "With --fresh-jvm: also the empty and the large"
      + " hour with every account in one BU against the same accounts in N BUs in one process, and their ratios;"
      + " 0 skips it (default: ${DEFAULT-VALUE})")
  int compareBus = 3;

  @Option(names = "--dimensions", paramLabel = "LIST", split = ",",
      description = "baseline.dimensions of the detect runs: api (always), region, network, client (default: api)")
  List<String> dimensions = List.of("api");

  @Option(names = "--no-ledger", description = "Detect without the coverage ledger (coverage.ledger: false,"
      + " silent trails off): what the ledger costs, against a run with it (docs/coverage.md)")
  boolean noLedger;

  @Option(names = "--no-duckdb", description = "Skip DuckDB (the final line then has no ratio)")
  boolean noDuckDb;

  @Option(names = "--runs", paramLabel = "N", description = "detect runs in this JVM, each on a fresh copy of the"
      + " state; the best counts, and the first (a cold JVM, as each scheduled job is) is also shown apart"
      + " (default: ${DEFAULT-VALUE})")
  int runs = 2;

  @Option(names = "--jobs", description = "Print each Spark job's call site and duration to stderr")
  boolean jobs;

  @Option(names = "--threads", paramLabel = "N", description = "Cores for Spark (local[N]) and DuckDB (default: all, ${DEFAULT-VALUE})")
  int threads = Runtime.getRuntime().availableProcessors();

  @Override
  public Integer call() throws Exception {
    if (events < accounts || accounts < 2 || runs < 1 || threads < 1) {
      throw TrailwatchException.of(ErrorCode.BAD_BENCH_OPTION, "Cannot bench: need --accounts >= 2, --events >= --accounts,"
          + " --runs >= 1, --threads >= 1");
    }
    if ((bus != null && (bus < 1 || bus > accounts)) || compareBus < 0 || compareBus == 1 || compareBus > accounts) {
      throw TrailwatchException.of(ErrorCode.BAD_BENCH_OPTION, "Cannot bench: --bus takes 1 to --accounts (%d),"
          + " --compare-bus 0 or 2 to --accounts", accounts);
    }
    if ((busBaseline && (!largeHour || bus == null)) || (compareBusBaseline && (!freshJvm || compareBus == 0))) {
      throw TrailwatchException.of(ErrorCode.BAD_BENCH_OPTION, "Cannot bench: --bus-baseline goes with --large-hour"
          + " --bus N, --compare-bus-baseline with --fresh-jvm and a --compare-bus other than 0");
    }
    if (jitBoth && !freshJvm) {
      throw TrailwatchException.of(ErrorCode.BAD_BENCH_OPTION, "Cannot bench: --jit-both goes with --fresh-jvm");
    }
    if (!noDuckDb && !mergeOnly && !DuckDbRun.available()) {
      throw TrailwatchException.of(ErrorCode.DUCKDB_MISSING, "Cannot bench: DuckDB is not on the class path; run"
          + " 'bin/trailwatch bench' (it adds the bench class path), or pass --no-duckdb");
    }
    Progress progress = Progress.stderr();
    BenchData data = new BenchData(dir, accounts, events, progress);
    List<io.trailwatch.dimensions.Dimension> dims = new ArrayList<>();
    for (String d : dimensions) {
      io.trailwatch.dimensions.Dimension x = io.trailwatch.dimensions.Dimension.ofLabel(d.strip());
      if (x == null) {
        throw TrailwatchException.of(ErrorCode.BAD_BENCH_OPTION, "Cannot bench: --dimensions takes api, region,"
            + " network, client, not '%s'", d);
      }
      dims.add(x);
    }
    TrailwatchConfig cfg = TrailwatchConfig.defaults().withDimensions(dims);
    if (noLedger) {
      cfg = cfg.withCoverage(new io.trailwatch.config.CoverageConfig(cfg.coverage().lookbackDays(), false,
          cfg.coverage().silentTrails().off()));
    }
    data.org();
    if (emptyHour) {
      return emptyHour(data, cfg, progress);
    }
    if (largeHour) {
      return largeHour(data, cfg, progress);
    }
    if (duckDbOnly) {
      List<Path> files = GzipFloor.paths(data.files(cfg).stream().map(LogFile::uri).toList());
      DuckDbRun.Result d = DuckDbRun.run(files, threads);
      System.out.println(String.format(Locale.ROOT, "duckdb %s: %,d records, %,d distinct tuples in %.2fs; %s",
          d.version(), d.records(), d.tuples(), d.seconds(), FreshJvm.processLine()));
      return 0;
    }
    if (freshJvm) {
      return freshJvm(data, cfg, progress);
    }
    List<LogFile> planned = data.files(cfg);
    List<Path> files = GzipFloor.paths(planned.stream().map(LogFile::uri).toList());
    long compressed = planned.stream().mapToLong(LogFile::size).sum();
    long uncompressed = GzipFloor.uncompressedBytes(files);

    long s0 = System.nanoTime();
    SparkSession spark = Sparks.session("trailwatch-bench", "local[" + threads + "]", 8);
    double sessionSeconds = (System.nanoTime() - s0) / 1e9;
    JobLog jobLog = JobLog.attach(spark);
    Path stateTemplate = mergeOnly ? null : data.state(spark, cfg, baselineRows);
    List<Long> mergeSizes = noMerge ? List.of() : mergeRows;
    List<Path> mergeTemplates = new ArrayList<>();
    for (long rows : mergeSizes) {
      mergeTemplates.add(data.state(spark, cfg, rows));
    }

    PrintLines out = new PrintLines();
    out.line("machine: %d cores, %.0f GB RAM, max heap %.1f GB, %s; load before: %s", threads,
        totalMemoryGb(), Runtime.getRuntime().maxMemory() / 1e9, System.getProperty("java.vm.name") + " "
        + System.getProperty("java.version"), load());
    out.line("input: %,d files, %.1f MB compressed, %.1f MB uncompressed (hour %s, %d accounts); dimensions %s",
        files.size(), compressed / 1e6, uncompressed / 1e6, data.hour(), accounts, cfg.baseline().enabledDimensions());

    Double twRate = null;
    Double duckRate = null;
    Double gunzipRate = null;
    long n = 0;
    if (!mergeOnly) {
      progress.step("warming the page cache with every file (all contestants read warm)");
      GzipFloor.warm(files);
      out.line("spark session start: %.1fs (not counted below)", sessionSeconds);
      Run best = null;
      Run first = null;
      for (int i = 1; i <= runs; i++) {
        Path stateDir = scratch("run-state");
        BenchData.copy(stateTemplate, stateDir);
        Pipeline p = new Pipeline(spark, cfg, new LocalLogPlanner(data.hourDir().resolve("logs")), new LocalOpener(),
            new StateStore(spark, stateDir.toUri().toString()), progress);
        String loadBefore = load();
        jobLog.clear();
        Run r;
        try (HeapPeak heap = HeapPeak.start()) {
          long c0 = cpuNanos();
          long compiled0 = CodegenMetrics.METRIC_COMPILATION_TIME().getCount();
          long t0 = System.nanoTime();
          RunSummary s = p.detect(data.hour(), data.accountList());
          long compiled = CodegenMetrics.METRIC_COMPILATION_TIME().getCount() - compiled0;
          r = new Run(s, (System.nanoTime() - t0) / 1e9, (cpuNanos() - c0) / 1e9, heap.peak(), heap.peakLive(),
              loadBefore, jobLog.seconds(Sparks.READ_DESCRIPTION), compiled);
        }
        out.line("trailwatch detect run %d: %.2fs wall (read job %.2fs), %.1fs CPU, %d classes generated (%.0f ms each"
            + " on average so far), %,d records (%,d in hour, %,d duplicates), %,d behaviours,"
            + " %,d new, %d alerts; peak heap %.2f GB used, %.2f GB live after GC; load %s", i, r.seconds, r.read, r.cpu,
            r.compiled, CodegenMetrics.METRIC_COMPILATION_TIME().getSnapshot().getMean(),
            r.summary.recordsRead(), r.summary.recordsInWindow(), r.summary.duplicatesDropped(),
            r.summary.behaviors(), r.summary.newBehaviors(), r.summary.alerts().size(), r.heap / 1e9, r.live / 1e9,
            r.load);
        if (jobs) {
          jobLog.dump("Spark jobs of detect run " + i + ":");
        }
        first = first == null ? r : first;
        if (best == null || r.seconds < best.seconds) {
          best = r;
        }
      }
      n = best.summary.recordsRead();
      twRate = n / best.seconds;
      out.line("trailwatch: %.2fs, %,.0f events/s, %.1f MB/s compressed, %.1f MB/s uncompressed"
          + " (%.1f MB/s uncompressed per core), peak heap %.2f GB (%.2f GB live after GC)", best.seconds, twRate,
          compressed / 1e6 / best.seconds, uncompressed / 1e6 / best.seconds,
          uncompressed / 1e6 / best.seconds / threads, best.heap / 1e9, best.live / 1e9);

      if (!noDuckDb) {
        String loadBefore = load();
        DuckDbRun.Result d = DuckDbRun.run(files, threads);
        duckRate = n / d.seconds();
        out.line("duckdb %s (%d threads): %.2fs, %,.0f events/s, %,d records, %,d distinct tuples; load %s",
            d.version(), threads, d.seconds(), duckRate, d.records(), d.tuples(), loadBefore);
      }

      String loadBefore = load();
      double gz = GzipFloor.seconds(files);
      gunzipRate = uncompressed / 1e6 / gz;
      out.line("gunzip floor (gzip -dc, 1 core): %.2fs, %.1f MB/s uncompressed (%.1f MB/s compressed); load %s",
          gz, gunzipRate, compressed / 1e6 / gz, loadBefore);
      out.line("trailwatch per core reads at %.0f%% of the gunzip floor",
          100.0 * (uncompressed / 1e6 / best.seconds / threads) / gunzipRate);
      out.line("read job alone (listing and state loads excluded; best run): %.2fs, %.1f MB/s uncompressed per core,"
          + " %.0f%% of the gunzip floor per core", best.read,
          uncompressed / 1e6 / best.read / threads, 100.0 * (uncompressed / 1e6 / best.read / threads) / gunzipRate);
      if (runs > 1) {
        double coldRate = n / first.seconds;
        out.line("cold JVM (run 1): %.2fs, %,.0f events/s, ratio %s, %.0f%% of the gunzip floor per core",
            first.seconds, coldRate, duckRate == null ? "-" : String.format(Locale.ROOT, "%.2f", coldRate / duckRate),
            100.0 * (uncompressed / 1e6 / first.seconds / threads) / gunzipRate);
      }
    }

    for (int i = 0; i < mergeSizes.size(); i++) {
      MergeTime best = null;
      StringBuilder all = new StringBuilder();
      for (int k = 0; k < mergeRuns; k++) {
        jobLog.clear();
        MergeTime m = merge(spark, data, cfg, mergeTemplates.get(i), progress);
        if (jobs) {
          jobLog.dump("Spark jobs of the MERGE:");
        }
        all.append(all.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2fs (%.1fs CPU)", m.seconds,
            m.cpu));
        best = best == null || m.seconds < best.seconds ? m : best;
      }
      out.line("MERGE into a baseline of %,d rows: %.2fs best of [%s] (%,d source rows: %,d inserts, %,d updates);"
          + " load %s", mergeSizes.get(i), best.seconds, all, best.sourceRows, best.inserts,
          best.sourceRows - best.inserts, best.load);
    }

    if (!mergeOnly) {
      System.out.printf(Locale.ROOT, "bench: dimensions=%s events=%d trailwatch=%.0f ev/s duckdb=%s ev/s ratio=%s"
          + " gunzip=%.1f MB/s%n", cfg.baseline().enabledDimensions().stream().map(d -> d.label())
          .collect(java.util.stream.Collectors.joining(",")), n, twRate, duckRate == null ? "-" : String.format(Locale.ROOT, "%.0f", duckRate),
          duckRate == null ? "-" : String.format(Locale.ROOT, "%.2f", twRate / duckRate), gunzipRate);
    }
    return 0;
  }

  /**
   * The part of an hourly run that does not depend on the hour: a detect of an hour with no log
   * files, in a fresh JVM, on the state the large hour's runs use (the tables checked, the logs
   * listed, the ledgers, history and recorded alerts loaded, the run recorded).
   */
  private int emptyHour(BenchData data, TrailwatchConfig cfg, Progress progress) throws IOException {
    if (bus != null) {
      return onBusinessUnits(data, cfg, progress, "empty hour", data.hour().plusHours(12));
    }
    boolean fresh = Files.exists(data.stateTemplate(baselineRows));
    Started started = startSession();
    SparkSession spark = started.spark();
    // Half a day after the bench hour: no file is named in it, nor in the late-file hours before it.
    io.trailwatch.core.Hour hour = data.hour().plusHours(12);
    Pipeline p = onCopyOfState(spark, data, cfg, "empty-hour-state", progress);
    String loadBefore = load();
    long c1 = cpuNanos();
    long t1 = System.nanoTime();
    RunSummary s = p.detect(hour, data.accountList());
    double seconds = (System.nanoTime() - t1) / 1e9;
    double cpu = (cpuNanos() - c1) / 1e9;
    System.out.println(String.format(Locale.ROOT, "empty hour %s (%d files read), %s JVM: detect %.2fs wall, %.1fs CPU;"
        + " Spark session start before it %.2fs wall, %.1fs CPU; load %s; %s", hour,
        s.filesRead(), fresh ? "fresh" : "not a fresh (the state was built first in this)", seconds, cpu,
        started.seconds(), started.cpu(), loadBefore, FreshJvm.processLine()));
    return 0;
  }

  /**
   * One detect of {@code hour} in this (fresh) JVM, as {@code detect} without {@code --bu} runs it:
   * the accounts in {@link #bus} business units, each BU's run on its own folder of tables of a
   * copy of {@link BenchData#layout}, side by side.
   */
  private int onBusinessUnits(BenchData data, TrailwatchConfig cfg, Progress progress, String what,
      io.trailwatch.core.Hour hour) throws IOException {
    boolean fresh = Files.exists(busBaseline ? data.layoutTemplate(bus, baselineRows) : data.layoutTemplate(bus));
    Started started = startSession();
    SparkSession spark = started.spark();
    List<io.trailwatch.accounts.Account> accts = data.accountsIn(bus);
    Path template = busBaseline ? layoutWithBaseline(spark, data, cfg, bus, progress) : layout(spark, data, cfg, bus,
        progress);
    Path stateDir = scratch("bus-state");
    BenchData.copy(template, stateDir);
    String loadBefore = load();
    long c1 = cpuNanos();
    long t1 = System.nanoTime();
    RunSummary s = perBusinessUnit(spark, data, cfg, stateDir, progress).detect(hour, accts);
    double seconds = (System.nanoTime() - t1) / 1e9;
    double cpu = (cpuNanos() - c1) / 1e9;
    List<String> names = accts.stream().map(io.trailwatch.accounts.Account::businessUnit).distinct().sorted().toList();
    System.out.println(String.format(Locale.ROOT, "%s %s on %d business unit%s (%s), a folder of tables each%s, side"
        + " by side in this %s JVM: %,d files, %,d records, %,d behaviours, %d alerts; detect %.2fs wall, %.1fs CPU;"
        + " Spark session start before it %.2fs wall, %.1fs CPU; load %s; %s", what, hour, names.size(),
        names.size() == 1 ? "" : "s", String.join(",", names),
        busBaseline ? String.format(Locale.ROOT, " with its share of a %,d-row baseline", baselineRows) : "",
        fresh ? "fresh" : "not a fresh (the state was built first in this)", s.filesRead(), s.recordsRead(),
        s.behaviors(), s.alerts().size(), seconds, cpu, started.seconds(), started.cpu(),
        loadBefore, FreshJvm.processLine()));
    return 0;
  }

  /** This JVM's Spark session, and the wall and CPU time its start took. */
  private record Started(SparkSession spark, double seconds, double cpu) {}

  private Started startSession() {
    long s0 = System.nanoTime();
    long c0 = cpuNanos();
    SparkSession spark = Sparks.session("trailwatch-bench", "local[" + threads + "]", 8);
    return new Started(spark, (System.nanoTime() - s0) / 1e9, (cpuNanos() - c0) / 1e9);
  }

  /** The state of {@code businessUnits} BUs that the bus runs copy, made first if missing (an empty hour's detect). */
  private Path layout(SparkSession spark, BenchData data, TrailwatchConfig cfg, int businessUnits, Progress progress)
      throws IOException {
    return data.layout(businessUnits, dir -> perBusinessUnit(spark, data, cfg, dir, progress)
        .detect(data.hour().plusHours(10), data.accountsIn(businessUnits)));
  }

  /** {@link #layout} with every BU's share of the --baseline-rows baseline, made first if missing. */
  private Path layoutWithBaseline(SparkSession spark, BenchData data, TrailwatchConfig cfg, int businessUnits,
      Progress progress) throws IOException {
    return data.layoutWithBaseline(spark, cfg, businessUnits, baselineRows, dir -> perBusinessUnit(spark, data, cfg,
        dir, progress).detect(data.hour().plusHours(10), data.accountsIn(businessUnits)));
  }

  private static io.trailwatch.pipeline.PerBusinessUnit perBusinessUnit(SparkSession spark, BenchData data,
      TrailwatchConfig cfg, Path stateDir, Progress progress) {
    return new io.trailwatch.pipeline.PerBusinessUnit(new io.trailwatch.state.StateLayout(spark,
        stateDir.toAbsolutePath().toUri().toString()), store -> new Pipeline(spark, cfg,
        new LocalLogPlanner(data.hourDir().resolve("logs")), new LocalOpener(), store, progress));
  }

  /** A pipeline on the bench's logs and on a fresh copy of its detect state (made first if missing). */
  private Pipeline onCopyOfState(SparkSession spark, BenchData data, TrailwatchConfig cfg, String name,
      Progress progress) throws IOException {
    Path stateDir = scratch(name);
    BenchData.copy(data.state(spark, cfg, baselineRows), stateDir);
    return new Pipeline(spark, cfg, new LocalLogPlanner(data.hourDir().resolve("logs")), new LocalOpener(),
        new StateStore(spark, stateDir.toUri().toString()), progress);
  }

  /** One detect of the large hour in this (fresh) JVM, on a copy of the detect state: a scheduled job's work. */
  private int largeHour(BenchData data, TrailwatchConfig cfg, Progress progress) throws IOException {
    if (bus != null) {
      return onBusinessUnits(data, cfg, progress, "large hour", data.hour());
    }
    boolean fresh = Files.exists(data.stateTemplate(baselineRows));
    SparkSession spark = Sparks.session("trailwatch-bench", "local[" + threads + "]", 8);
    Pipeline p = onCopyOfState(spark, data, cfg, "large-hour-state", progress);
    long c1 = cpuNanos();
    long t1 = System.nanoTime();
    RunSummary s = p.detect(data.hour(), data.accountList());
    System.out.println(String.format(Locale.ROOT, "large hour %s (%,d files, %,d records, %,d behaviours, %d alerts),"
        + " %s JVM: detect %.2fs wall, %.1fs CPU; %s", data.hour(), s.filesRead(), s.recordsRead(), s.behaviors(),
        s.alerts().size(), fresh ? "fresh" : "not a fresh (the state was built first in this)",
        (System.nanoTime() - t1) / 1e9, (cpuNanos() - c1) / 1e9, FreshJvm.processLine()));
    return 0;
  }

  /**
   * The empty hour, the large hour and DuckDB, each in a new JVM (child processes of this one,
   * with its options and class path), as each scheduled job starts. Inputs and the state template
   * are made first, here, so that no child builds anything.
   */
  private int freshJvm(BenchData data, TrailwatchConfig cfg, Progress progress) throws IOException,
      InterruptedException {
    List<LogFile> planned = data.files(cfg);
    boolean missing = !Files.exists(data.stateTemplate(baselineRows)) || (compareBus > 0
        && (!Files.exists(data.layoutTemplate(1)) || !Files.exists(data.layoutTemplate(compareBus))))
        || (compareBusBaseline && (!Files.exists(data.layoutTemplate(1, baselineRows))
        || !Files.exists(data.layoutTemplate(compareBus, baselineRows))));
    if (missing) {
      SparkSession spark = Sparks.session("trailwatch-bench", "local[" + threads + "]", 8);
      data.state(spark, cfg, baselineRows);
      if (compareBus > 0) {
        layout(spark, data, cfg, 1, progress);
        layout(spark, data, cfg, compareBus, progress);
      }
      if (compareBusBaseline) {
        layoutWithBaseline(spark, data, cfg, 1, progress);
        layoutWithBaseline(spark, data, cfg, compareBus, progress);
      }
      spark.stop();
    }
    List<Path> files = GzipFloor.paths(planned.stream().map(LogFile::uri).toList());
    progress.step("warming the page cache with every file (all contestants read warm)");
    GzipFloor.warm(files);
    PrintLines out = new PrintLines();
    out.line("machine: %d cores, %.0f GB RAM, %s; JVM options %s; load before: %s", threads, totalMemoryGb(),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.version"), FreshJvm.options(), load());
    out.line("input: %,d files, %.1f MB compressed (hour %s, %d accounts); state template of %,d baseline rows;"
        + " dimensions %s", files.size(), planned.stream().mapToLong(LogFile::size).sum() / 1e6, data.hour(), accounts,
        baselineRows, cfg.baseline().enabledDimensions());
    List<String> common = new ArrayList<>(List.of("bench", "--dir", dir.toString(), "--events", String.valueOf(events),
        "--accounts", String.valueOf(accounts), "--baseline-rows", String.valueOf(baselineRows), "--threads",
        String.valueOf(threads), "--dimensions", String.join(",", dimensions)));
    if (noLedger) {
      common.add("--no-ledger");
    }
    List<FreshJvm.Kind> kinds = new ArrayList<>(List.of(FreshJvm.Kind.EMPTY_HOUR, FreshJvm.Kind.LARGE_HOUR));
    // The large hour's children run with the JIT detect chooses for its size; the empty hour's, C1 only.
    JitChoice jit = JitChoice.of(planned.stream().mapToLong(LogFile::size).sum(), 1, cfg.ingest().tieredJitAboveMb());
    out.line("jit by size: large hour with %s", jit.describe());
    if (jitBoth) {
      kinds.add(FreshJvm.Kind.LARGE_OTHER_JIT);
    }
    if (!noDuckDb) {
      kinds.add(FreshJvm.Kind.DUCKDB);
    }
    if (compareBus > 0) {
      kinds.addAll(List.of(FreshJvm.Kind.EMPTY_ONE_BU, FreshJvm.Kind.EMPTY_BUS, FreshJvm.Kind.LARGE_ONE_BU,
          FreshJvm.Kind.LARGE_BUS));
      out.line("business units: the empty and the large hour with the %d accounts in one BU, then dealt into %d BUs"
          + " run side by side in one JVM (a folder of tables per BU, empty baselines)", accounts, compareBus);
    }
    if (compareBusBaseline) {
      kinds.addAll(List.of(FreshJvm.Kind.LARGE_ONE_BU_BASELINE, FreshJvm.Kind.LARGE_BUS_BASELINE));
      out.line("business units with baselines: the large hour again, each BU with its accounts' rows of the %,d-row"
          + " baseline", baselineRows);
    }
    java.util.Map<FreshJvm.Kind, List<FreshJvm.Result>> all = new java.util.EnumMap<>(FreshJvm.Kind.class);
    for (int i = 1; i <= runs; i++) {
      for (FreshJvm.Kind k : kinds) {
        String loadBefore = load();
        List<String> args = new ArrayList<>(common);
        if (k == FreshJvm.Kind.EMPTY_ONE_BU || k == FreshJvm.Kind.LARGE_ONE_BU) {
          args.addAll(List.of("--bus", "1"));
        } else if (k == FreshJvm.Kind.EMPTY_BUS || k == FreshJvm.Kind.LARGE_BUS) {
          args.addAll(List.of("--bus", String.valueOf(compareBus)));
        } else if (k == FreshJvm.Kind.LARGE_ONE_BU_BASELINE) {
          args.addAll(List.of("--bus", "1", "--bus-baseline"));
        } else if (k == FreshJvm.Kind.LARGE_BUS_BASELINE) {
          args.addAll(List.of("--bus", String.valueOf(compareBus), "--bus-baseline"));
        }
        boolean large = k == FreshJvm.Kind.LARGE_HOUR || k == FreshJvm.Kind.LARGE_ONE_BU || k == FreshJvm.Kind.LARGE_BUS
            || k == FreshJvm.Kind.LARGE_ONE_BU_BASELINE || k == FreshJvm.Kind.LARGE_BUS_BASELINE;
        FreshJvm.Result r = FreshJvm.run(args, k, large ? jit.tiered() : k == FreshJvm.Kind.LARGE_OTHER_JIT && !jit.tiered());
        all.computeIfAbsent(k, x -> new ArrayList<>()).add(r);
        out.line("%s run %d: %.2fs wall, %.1fs CPU (process); load %s; child: %s", k.label(), i, r.wall(), r.cpu(),
            loadBefore, r.line());
      }
    }
    StringBuilder last = new StringBuilder("bench fresh-jvm:");
    for (FreshJvm.Kind k : kinds) {
      out.line("%s, median of %d: %.2fs wall, %.1fs CPU", k.label(), runs, FreshJvm.median(all.get(k), true),
          FreshJvm.median(all.get(k), false));
      last.append(String.format(Locale.ROOT, " %s=%.2fs", k.key(), FreshJvm.median(all.get(k), true)));
    }
    if (jitBoth) {
      out.line("large hour by JIT, medians of wall time: %s %.2fs, %s %.2fs (by size: %s)",
          jit.tiered() ? "tiered" : "C1 only", FreshJvm.median(all.get(FreshJvm.Kind.LARGE_HOUR), true),
          jit.tiered() ? "C1 only" : "tiered", FreshJvm.median(all.get(FreshJvm.Kind.LARGE_OTHER_JIT), true),
          jit.tiered() ? "tiered" : "C1 only");
      last.append(" jit=").append(jit.tiered() ? "tiered" : "c1");
    }
    if (all.containsKey(FreshJvm.Kind.DUCKDB)) {
      last.append(String.format(Locale.ROOT, " large/duckdb=%.2f", FreshJvm.median(all.get(FreshJvm.Kind.LARGE_HOUR),
          true) / FreshJvm.median(all.get(FreshJvm.Kind.DUCKDB), true)));
    }
    if (compareBus > 0) {
      double empty = ratio(all, FreshJvm.Kind.EMPTY_BUS, FreshJvm.Kind.EMPTY_ONE_BU);
      double large = ratio(all, FreshJvm.Kind.LARGE_BUS, FreshJvm.Kind.LARGE_ONE_BU);
      out.line("%d BUs against one, medians of wall time: empty hour %.2fx (issue 29's target: at most 1.5x),"
          + " large hour %.2fx (target: at most 1.2x)", compareBus, empty, large);
      last.append(String.format(Locale.ROOT, " empty%dbu/1bu=%.2f large%dbu/1bu=%.2f", compareBus, empty, compareBus,
          large));
    }
    if (compareBusBaseline) {
      double steady = ratio(all, FreshJvm.Kind.LARGE_BUS_BASELINE, FreshJvm.Kind.LARGE_ONE_BU_BASELINE);
      out.line("%d BUs against one, each with its share of the %,d-row baseline, median of wall time: large hour %.2fx",
          compareBus, baselineRows, steady);
      last.append(String.format(Locale.ROOT, " large%dbu/1bu-baseline=%.2f", compareBus, steady));
    }
    System.out.println(last);
    return 0;
  }

  private static double ratio(java.util.Map<FreshJvm.Kind, List<FreshJvm.Result>> all, FreshJvm.Kind of,
      FreshJvm.Kind to) {
    return FreshJvm.median(all.get(of), true) / FreshJvm.median(all.get(to), true);
  }

  /**
   * One detect run; {@code read}: seconds of its read jobs (the hour's files to behaviours);
   * {@code compiled}: classes Spark generated and compiled with Janino during it (none when all were cached).
   */
  private record Run(RunSummary summary, double seconds, double cpu, long heap, long live, String load, double read,
      long compiled) {}

  /** CPU time of this JVM, all threads: steadier than wall time on a shared machine. */
  private static long cpuNanos() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
  }

  private record MergeTime(double seconds, double cpu, long sourceRows, long inserts, String load) {}

  /**
   * MERGEs the hour into a copy of a baseline template, as detect does: the source is the hour's
   * behaviours that need a write (new ones, and known ones due for their daily refresh).
   */
  private MergeTime merge(SparkSession spark, BenchData data, TrailwatchConfig cfg, Path template, Progress progress)
      throws IOException {
    Path stateDir = scratch("merge-state");
    BenchData.copy(template, stateDir);
    StateStore state = new StateStore(spark, stateDir.toUri().toString());
    List<String> bus = data.accountList().stream().map(a -> a.businessUnit()).distinct().sorted().toList();
    // The source as detect has it: the hour's behaviours compared with their stored rows, on the driver.
    List<HourBehavior> hour = data.hourBehaviors(spark, cfg);
    Comparison compared = Comparison.of(hour, state.baseline().stored(bus, Comparison.behaviorKeys(hour)), List.of(),
        data.hour().start(), java.util.Set.of());
    List<Stored.BehaviorWrite> writes = compared.behaviorWrites();
    long inserts = writes.stream().filter(w -> w.storedLastSeen() == null).count();
    progress.step(String.format("MERGE of %,d rows into %s", writes.size(), template.getFileName()));
    String loadBefore = load();
    long c0 = cpuNanos();
    long t0 = System.nanoTime();
    state.baseline().merge(writes, bus, cfg.baseline().retentionDays());
    return new MergeTime((System.nanoTime() - t0) / 1e9, (cpuNanos() - c0) / 1e9, writes.size(), inserts,
        loadBefore);
  }

  /**
   * A fresh scratch folder for a copy of a state template. Each copy gets a new name: Spark caches
   * Delta logs by path, and a different table at a cached path would be taken for a replaced one.
   */
  private Path scratch(String name) throws IOException {
    Path d = dir.toAbsolutePath().resolve("scratch");
    int n = SCRATCH_COUNT.incrementAndGet();
    if (n == 1) {
      BenchData.delete(d);
    }
    return d.resolve(name + "-" + n);
  }

  /** Copies made in this JVM (a JVM that runs the bench twice must not reuse a path: Delta's cache holds it). */
  private static final java.util.concurrent.atomic.AtomicInteger SCRATCH_COUNT =
      new java.util.concurrent.atomic.AtomicInteger();

  /** Lines of the report, on stdout as they come. */
  private static final class PrintLines {
    void line(String fmt, Object... args) {
      System.out.println(String.format(Locale.ROOT, fmt, args));
      System.out.flush();
    }
  }

  private static String load() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
  }

  private static double totalMemoryGb() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getTotalMemorySize() / 1e9;
    }
    return 0;
  }
}
