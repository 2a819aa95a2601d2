package io.trailwatch.tools;

import io.trailwatch.accounts.Account;
import io.trailwatch.accounts.Accounts;
import io.trailwatch.bench.BenchData;
import io.trailwatch.config.MaintenanceConfig;
import io.trailwatch.config.TrailwatchConfig;
import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.Hour;
import io.trailwatch.core.RunSummary;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.core.Window;
import io.trailwatch.generate.GeneratorSpec;
import io.trailwatch.generate.SyntheticOrg;
import io.trailwatch.ingest.LocalLogPlanner;
import io.trailwatch.ingest.LocalOpener;
import io.trailwatch.pipeline.Pipeline;
import io.trailwatch.pipeline.Progress;
import io.trailwatch.pipeline.Sparks;
import io.trailwatch.state.Maintenance;
import io.trailwatch.state.MaintenanceReport;
import io.trailwatch.state.StateStore;
import io.trailwatch.state.TableStats;
import io.trailwatch.state.Tables;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "soak", mixinStandardHelpOptions = true,
    description = {"Benchmark months of hourly runs in miniature: many consecutive hourly detects in one process.",
        "",
        "Generates a small organisation once under --dir, builds its baseline, then detects --hours hours one after"
            + " the other on one state, running maintain at each simulated day boundary (unless --no-maintain).",
        "",
        "Every --every hours it prints the detect wall and CPU time, where the time went (before the first stage:"
            + " tables checked, logs listed, ledgers loaded; read and compare; writes; run ledger), and each table's"
            + " data files, bytes and _delta_log files. It ends with one line comparing the last --every hours with"
            + " the first ones after --warmup. A line per hour goes to soak-<mode>.csv in --dir. Not a test: it"
            + " prints what it measures."})
final class SoakCommand implements Callable<Integer> {
  @Option(names = "--dir", paramLabel = "DIR", description = "Folder for the organisation (reused) and the state"
      + " (made again) (default: ${DEFAULT-VALUE})")
  Path dir = Path.of("soak-data");

  @Option(names = "--hours", paramLabel = "N", description = "Hourly detects (default: ${DEFAULT-VALUE})")
  int hours = 200;

  @Option(names = "--every", paramLabel = "K", description = "Print figures every K hours (default: ${DEFAULT-VALUE})")
  int every = 24;

  @Option(names = "--no-maintain", description = "Never run maintain: how a state without maintenance ages")
  boolean noMaintain;

  @Option(names = "--accounts", paramLabel = "N", description = "Accounts (default: ${DEFAULT-VALUE})")
  int accounts = 4;

  @Option(names = "--principals", paramLabel = "N", description = "Workload principals per account (default: ${DEFAULT-VALUE})")
  int principals = 10;

  @Option(names = "--events-per-hour", paramLabel = "N", description = "Background events per account and hour (default: ${DEFAULT-VALUE})")
  int eventsPerHour = 20;

  @Option(names = "--baseline-days", paramLabel = "N", description = "Days of history in the baseline before the first"
      + " detected hour (default: ${DEFAULT-VALUE})")
  int baselineDays = 14;

  @Option(names = "--retain-hours", paramLabel = "N", description = "maintain's VACUUM retention; under 168 the"
      + " retention check is turned off, which only a state that nothing else uses allows, as here"
      + " (default: ${DEFAULT-VALUE})")
  int retainHours = 0;

  @Option(names = "--warmup", paramLabel = "N", description = "The first N hours warm the JVM: detected like the"
      + " others, left out of the first-against-last comparison (default: ${DEFAULT-VALUE})")
  int warmup = 6;

  @Option(names = "--threads", paramLabel = "N", description = "Cores for Spark, local[N] (default: ${DEFAULT-VALUE})")
  int threads = 2;

  @Override
  public Integer call() throws IOException {
    if (hours < 1 || every < 1 || baselineDays < 1 || retainHours < 0 || threads < 1 || warmup < 0
        || warmup + every > hours) {
      throw TrailwatchException.of(ErrorCode.BAD_BENCH_OPTION, "Cannot soak: need --hours, --every, --baseline-days"
          + " and --threads >= 1, --retain-hours and --warmup >= 0, and --warmup + --every <= --hours");
    }
    GeneratorSpec spec = new GeneratorSpec(baselineDays + (hours + 23) / 24 + 1, accounts, principals, eventsPerHour,
        42L, GeneratorSpec.DEFAULT_END);
    try {
      spec.validate();
    } catch (IllegalArgumentException e) {
      throw TrailwatchException.of(ErrorCode.BAD_BENCH_OPTION, "Cannot soak: %s", e.getMessage());
    }
    Progress progress = Progress.stderr();
    Path org = dir.resolve(String.format(Locale.ROOT, "org-%dd-%da-%dp-%de", spec.days(), accounts, principals,
        eventsPerHour)).toAbsolutePath();
    if (!Files.exists(org.resolve("manifest.json"))) {
      progress.step("generating " + spec + " under " + org);
      BenchData.delete(org);
      SyntheticOrg.generate(spec, org);
    }
    String mode = noMaintain ? "no-maintain" : "maintain";
    Path stateDir = dir.resolve("state-" + mode).toAbsolutePath();
    BenchData.delete(stateDir);
    List<Account> accountList = Accounts.read(org.resolve("accounts.csv"));

    MaintenanceConfig maintenance = new MaintenanceConfig(null, retainHours,
        retainHours >= MaintenanceConfig.SAFE_RETAIN_HOURS, null, null, null);
    TrailwatchConfig cfg = new TrailwatchConfig(null, null, null, null, null, null, null, null, maintenance, null, null, null);
    cfg.validate();
    SparkSession spark = Sparks.session("trailwatch-soak", "local[" + threads + "]", 8);
    StateStore state = new StateStore(spark, stateDir.toUri().toString());
    Timings timings = new Timings();
    Pipeline pipeline = new Pipeline(spark, cfg, new LocalLogPlanner(org.resolve("logs")), new LocalOpener(), state,
        timings);
    Hour first = new Hour(spec.start().plus(Duration.ofDays(baselineDays)));
    progress.step("baseline of " + baselineDays + " days, " + accountList.size() + " accounts");
    RunSummary base = pipeline.buildBaseline(new Window(spec.start(), first.start()), accountList);
    line("soak %s: %d hours from %s, %d accounts, %d principals, %d behaviours in the baseline (%.1f s); load %s",
        mode, hours, first, accountList.size(), base.principals(), base.behaviors(), base.seconds(), load());
    if (!noMaintain) {
      line("maintain at each day boundary, VACUUM retention %d h%s", retainHours,
          retainHours < MaintenanceConfig.SAFE_RETAIN_HOURS ? " (retention check off: nothing else uses this state)"
              : "");
    }

    List<HourFigures> all = new ArrayList<>();
    List<Double> maintainSeconds = new ArrayList<>();
    Maintenance maintain = new Maintenance(spark, state, cfg.maintenance(), Clock.systemUTC(), m -> { },
        Maintenance.Hook.NONE).withReturningHorizonDays(cfg.baseline().returningHorizonDays());
    Path csv = dir.resolve("soak-" + mode + ".csv");
    try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(csv))) {
      out.println("hour,detect_s,cpu_s,load_s,read_compare_s,writes_s,ledger_s,maintain_s,data_files,data_bytes,"
          + "log_files,load_avg");
      for (int i = 0; i < hours; i++) {
        Hour h = first.plusHours(i);
        double maintained = 0;
        if (!noMaintain && i > 0 && h.start().atZone(ZoneOffset.UTC).getHour() == 0) {
          long t0 = System.nanoTime();
          MaintenanceReport r = maintain.run(Maintenance.Request.of(cfg.maintenance()));
          maintained = (System.nanoTime() - t0) / 1e9;
          maintainSeconds.add(maintained);
          line("before %s, %.1f s: %s", h, maintained, r.render().strip());
        }
        String loadAvg = load();
        long c0 = cpuNanos();
        timings.start();
        RunSummary s = pipeline.detect(h, accountList);
        HourFigures f = timings.finish(h, (cpuNanos() - c0) / 1e9, maintained, loadAvg, s);
        all.add(f);
        Map<String, TableStats> tables = (i + 1) % every == 0 || i == hours - 1 ? tables(spark, state) : Map.of();
        out.printf(Locale.ROOT, "%s,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%s,%s,%s,%s%n", h, f.wall, f.cpu, f.load,
            f.readCompare, f.writes, f.ledger, maintained, tables.isEmpty() ? "" : sum(tables, TableStats::files),
            tables.isEmpty() ? "" : sum(tables, TableStats::bytes), tables.isEmpty() ? ""
                : sum(tables, TableStats::logFiles), loadAvg.split(" ")[0]);
        out.flush();
        progress.step(String.format(Locale.ROOT, "hour %d/%d %s: %.2f s, %.2f s CPU, %d behaviours, %d alerts", i + 1,
            hours, h, f.wall, f.cpu, s.behaviors(), s.alerts().size()));
        if (!tables.isEmpty()) {
          block(all.subList(Math.max(0, all.size() - every), all.size()), maintainSeconds, tables);
          if (firstTables == null) {
            firstTables = tables;
            firstBlock = i + 1;
          }
          lastTables = tables;
        }
      }
    }
    List<HourFigures> head = all.subList(warmup, warmup + every);
    List<HourFigures> tail = all.subList(all.size() - every, all.size());
    double a = median(head.stream().map(x -> x.wall).toList());
    double b = median(tail.stream().map(x -> x.wall).toList());
    double ca = median(head.stream().map(x -> x.cpu).toList());
    double cb = median(tail.stream().map(x -> x.cpu).toList());
    System.out.printf(Locale.ROOT, "soak: hours=%d maintain=%s median detect hours %d-%d %.2f s (%.2f s CPU), hours"
        + " %d-%d %.2f s (%.2f s CPU): ratio %.2f (CPU %.2f); data files after %d h %d, at the end %d; _delta_log"
        + " files %d -> %d%n", hours, noMaintain ? "off" : "on", warmup + 1, warmup + every, a, ca,
        hours - every + 1, hours, b, cb, b / a, cb / ca, firstBlock, sum(firstTables, TableStats::files),
        sum(lastTables, TableStats::files), sum(firstTables, TableStats::logFiles),
        sum(lastTables, TableStats::logFiles));
    return 0;
  }

  private Map<String, TableStats> firstTables;
  private int firstBlock;
  private Map<String, TableStats> lastTables;

  /** The figures of the last hours, and every table as it is now. */
  private void block(List<HourFigures> hs, List<Double> maintainSeconds, Map<String, TableStats> tables) {
    line("hours %s .. %s: detect median %.2f s wall (%.2f-%.2f), %.2f s CPU; before the first stage %.2f s, read and"
        + " compare %.2f s, writes %.2f s, run ledger %.2f s (medians); maintain so far %d runs, last %.1f s;"
        + " load %s", hs.get(0).hour, hs.get(hs.size() - 1).hour, median(hs.stream().map(x -> x.wall).toList()),
        hs.stream().mapToDouble(x -> x.wall).min().orElse(0), hs.stream().mapToDouble(x -> x.wall).max().orElse(0),
        median(hs.stream().map(x -> x.cpu).toList()), median(hs.stream().map(x -> x.load).toList()),
        median(hs.stream().map(x -> x.readCompare).toList()), median(hs.stream().map(x -> x.writes).toList()),
        median(hs.stream().map(x -> x.ledger).toList()), maintainSeconds.size(),
        maintainSeconds.isEmpty() ? 0 : maintainSeconds.get(maintainSeconds.size() - 1), hs.get(hs.size() - 1).loadAvg);
    for (Map.Entry<String, TableStats> e : tables.entrySet()) {
      TableStats t = e.getValue();
      line("  %-15s %6d data files %9.2f MB %6d with deletion vectors %6d _delta_log files, version %d", e.getKey(),
          t.files(), t.bytes() / 1e6, t.withDeletionVectors(), t.logFiles(), t.version());
    }
  }

  private static Map<String, TableStats> tables(SparkSession spark, StateStore state) {
    Map<String, TableStats> out = new LinkedHashMap<>();
    for (String t : Tables.ALL) {
      out.put(t, TableStats.of(spark, state.path(t), List.of()));
    }
    return out;
  }

  private static long sum(Map<String, TableStats> tables, java.util.function.ToLongFunction<TableStats> f) {
    return tables.values().stream().mapToLong(f).sum();
  }

  private static double median(List<Double> xs) {
    List<Double> s = xs.stream().sorted().toList();
    int n = s.size();
    return n == 0 ? 0 : n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  private static void line(String fmt, Object... args) {
    System.out.println(String.format(Locale.ROOT, fmt, args));
    System.out.flush();
  }

  private static long cpuNanos() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
  }

  private static String load() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
  }

  /**
   * One hour's detect: wall and CPU seconds, and where the wall time went, from the run's progress
   * lines: before the first stage (tables checked, logs listed, ledgers loaded), read and compare
   * (to the decision), writes (alerts, baseline, principals, ledgers), and the run ledger.
   */
  private record HourFigures(Hour hour, double wall, double cpu, double load, double readCompare, double writes,
      double ledger, double maintain, String loadAvg) {}

  /** A Progress that notes when the stages of one run report, instead of printing them. */
  private static final class Timings implements Progress {
    private long t0;
    private double selected;
    private double decided;
    private double committed;

    void start() {
      t0 = System.nanoTime();
      selected = decided = committed = -1;
    }

    @Override
    public void step(String message) {
      double t = (System.nanoTime() - t0) / 1e9;
      if (message.startsWith("hour ") && selected < 0) {
        selected = t;
      } else if (message.contains(" alerts recorded (")) {
        committed = t;
      } else if (selected >= 0 && committed < 0 && message.contains(" behaviours, ")) {
        decided = t;
      }
    }

    HourFigures finish(Hour h, double cpu, double maintain, String loadAvg, RunSummary s) {
      double wall = (System.nanoTime() - t0) / 1e9;
      double sel = Math.max(0, selected);
      double dec = decided < 0 ? sel : decided;
      double com = committed < 0 ? dec : committed;
      return new HourFigures(h, wall, cpu, sel, dec - sel, com - dec, wall - com, maintain, loadAvg);
    }
  }
}
