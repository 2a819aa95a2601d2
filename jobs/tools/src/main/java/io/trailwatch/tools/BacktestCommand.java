package io.trailwatch.tools;

import io.trailwatch.accounts.Account;
import io.trailwatch.backtest.Backtest;
import io.trailwatch.cli.AccountSource;
import io.trailwatch.cli.LogSource;
import io.trailwatch.bench.BenchData;
import io.trailwatch.backtest.BacktestOutputs;
import io.trailwatch.backtest.BacktestResult;
import io.trailwatch.backtest.BacktestSummary;
import io.trailwatch.backtest.Variant;
import io.trailwatch.config.ConfigLoader;
import io.trailwatch.config.TrailwatchConfig;
import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.Hour;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.core.Window;
import io.trailwatch.ingest.LogOpener;
import io.trailwatch.ingest.LogPlanner;
import io.trailwatch.pipeline.Progress;
import io.trailwatch.pipeline.Sparks;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "backtest", mixinStandardHelpOptions = true,
    description = {"Replay hourly detection over past logs, on a scratch baseline seeded from the history before"
        + " --from, and write the alerts it would have raised with an HTML report. One read of the logs; each hour"
        + " is then decided in memory. Touches no state and no sink.",
        "Outputs under --out: alerts (Delta table), alerts.jsonl, summary.json (every number of the report);"
            + " with --compare, the second policy's alerts under compare/.",
        "With --budget N it exits " + BacktestCommand.OVER_BUDGET + " (after writing everything) when the --config"
            + " policy raises more than N alerts per 1,000 active principals per day, naming the identity types,"
            + " dimensions, principals and new behaviours that raise most: a policy change can go through CI."})
final class BacktestCommand implements Callable<Integer> {
  /** The exit code of a backtest whose policy raises more alerts than --budget allows (docs/cli.md). */
  static final int OVER_BUDGET = 7;
  private static final String MARKER = ".trailwatch-backtest";

  @Option(names = "--logs", required = true, paramLabel = "DIR|S3",
      description = "CloudTrail bucket (s3://bucket[/prefix]) or a folder laid out like one")
  String logs;

  @ArgGroup(exclusive = true, multiplicity = "1")
  AccountSource accounts;

  @Option(names = "--bu", paramLabel = "NAME", description = "Only this business unit's accounts (default: all)")
  String bu;

  @Option(names = "--from", required = true, paramLabel = "YYYY-MM-DD[THH]",
      description = "First hour decided (UTC), inclusive; a date means its first hour")
  String from;

  @Option(names = "--to", required = true, paramLabel = "YYYY-MM-DD[THH]",
      description = "End (UTC), exclusive; a date means its first hour")
  String to;

  @Option(names = "--config", paramLabel = "A.yaml", description = "The configuration to replay (default: built-in defaults)")
  Path config;

  @Option(names = "--compare", paramLabel = "B.yaml",
      description = "A second configuration decided on the same read (its baseline and policy sections may differ)")
  Path compare;

  @Option(names = "--seed-days", paramLabel = "N",
      description = "Days of history before --from that seed the baseline (default: baseline.retention-days of --config)")
  Integer seedDays;

  @Option(names = "--verdicts", paramLabel = "FILE",
      description = "Replay the main policy with these verdicts in force (JSON Lines, as 'verdict --file' takes them;"
          + " they name the replay's alerts) and list the alerts their exceptions would have kept quiet")
  Path verdicts;

  @Option(names = "--report", required = true, paramLabel = "FILE", description = "Write the HTML report here")
  Path report;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Folder for the alerts and summary, emptied if an earlier backtest made it (default: a new temporary folder)")
  Path out;

  @Option(names = "--budget", paramLabel = "N",
      description = "Exit " + OVER_BUDGET + " when the --config policy raises more than N alerts per 1,000 active"
          + " principals per day over the range (principals active: with any behaviour in the decided hours)")
  Double budget;

  @Option(names = "--master", paramLabel = "URL", defaultValue = "local[*]",
      description = "Spark master (default: ${DEFAULT-VALUE}); 'cluster' keeps what spark-submit set")
  String master;

  @Override
  public Integer call() throws IOException {
    Instant first = Hour.parseDayOrHour("--from", from).start();
    Instant end = Hour.parseDayOrHour("--to", to).start();
    if (!first.isBefore(end)) {
      throw TrailwatchException.of(ErrorCode.BAD_RANGE, "Cannot backtest from %s to %s: --from must be before --to",
          from, to);
    }
    Window range = new Window(first, end);
    if (seedDays != null && seedDays < 0) {
      throw TrailwatchException.of(ErrorCode.BAD_BACKTEST_OPTION, "Cannot use --seed-days %d: must be >= 0", seedDays);
    }
    if (budget != null && !(budget >= 0 && budget < Double.POSITIVE_INFINITY)) {
      throw TrailwatchException.of(ErrorCode.BAD_BACKTEST_OPTION, "Cannot use --budget %s: must be a number >= 0",
          budget);
    }
    List<Variant> variants = new ArrayList<>();
    variants.add(variant("A", config));
    if (compare != null) {
      variants.add(variant("B", compare));
    }
    Variant.checkSharedRead(variants);
    TrailwatchConfig main = variants.get(0).config();
    List<Account> accts = accounts.list(main.accounts(), System.err).ofBusinessUnit(bu).accounts();
    Instant seedFrom = range.from().minus(Duration.ofDays(seedDays != null ? seedDays
        : main.baseline().retentionDays()));
    List<io.trailwatch.pipeline.Triage.Request> given = verdicts == null ? List.of()
        : io.trailwatch.pipeline.Triage.fromFile(verdicts);
    LogPlanner planner = LogSource.planner(logs);
    LogOpener opener = LogSource.opener(logs);
    Path dir = prepare(out);

    SparkSession spark = Sparks.session("trailwatch-backtest", "cluster".equals(master) ? null : master, 8);
    Progress progress = Progress.stderr();
    Path scratch = dir.resolve("behaviors");
    Backtest backtest = new Backtest(spark, planner, opener, progress).withVerdicts(given);
    BacktestResult result = backtest.run(new Backtest.Request(accts, range, seedFrom, variants,
        scratch.toAbsolutePath().toUri().toString()));
    BenchData.delete(scratch);
    BacktestSummary summary = budget == null ? BacktestSummary.of(result)
        : BacktestSummary.of(result).withBudget(budget);
    String runId = "backtest-" + Instant.now().toString().replace(":", "").replace("-", "");
    BacktestOutputs.write(spark, result, summary, dir, runId);
    BacktestReport.write(summary, report);
    print(summary, dir, System.out);
    if (!given.isEmpty()) {
      printKeptQuiet(backtest, dir, System.out);
    }
    System.out.printf("report: %s%n", report);
    if (summary.budget() != null && summary.budget().exceeded()) {
      System.err.printf(Locale.ROOT, "trailwatch: policy %s raises %.2f alerts per 1,000 principals a day, over"
          + " --budget %s (exit %d)%n", summary.budget().policy(), summary.budget().alertRate(), budget, OVER_BUDGET);
      return OVER_BUDGET;
    }
    return 0;
  }

  /** {@code {AssumedRole=12, IAMUser=3}}: a breakdown's rows as the summary line shows them. */
  private static java.util.Map<String, Long> counts(List<BacktestSummary.RuleRow> rows) {
    java.util.Map<String, Long> m = new java.util.LinkedHashMap<>();
    rows.forEach(r -> m.put(r.rule(), r.alerts()));
    return m;
  }

  private static Variant variant(String name, Path file) {
    return new Variant(name, file == null ? "built-in defaults" : file.toString(), ConfigLoader.load(file));
  }

  /** The output folder: new, or emptied when an earlier backtest made it; never a folder of anything else. */
  private static Path prepare(Path out) throws IOException {
    if (out == null) {
      Path dir = Files.createTempDirectory("trailwatch-backtest-");
      Files.writeString(dir.resolve(MARKER), "made by trailwatch backtest; emptied on every run\n");
      return dir;
    }
    if (Files.exists(out) && !Files.isDirectory(out)) {
      throw TrailwatchException.of(ErrorCode.OUTPUT_NOT_WRITABLE, "Cannot use --out %s: it is a file", out);
    }
    if (Files.isDirectory(out)) {
      try (Stream<Path> s = Files.list(out)) {
        if (s.findAny().isPresent() && !Files.exists(out.resolve(MARKER))) {
          throw TrailwatchException.of(ErrorCode.BACKTEST_OUT_NOT_EMPTY,
              "Cannot use --out %s: it is not empty and was not made by 'trailwatch backtest'", out);
        }
      }
      BenchData.delete(out);
    }
    try {
      Files.createDirectories(out);
      Files.writeString(out.resolve(MARKER), "made by trailwatch backtest; emptied on every run\n");
    } catch (IOException e) {
      throw TrailwatchException.of(ErrorCode.OUTPUT_NOT_WRITABLE, "Cannot create --out %s: %s", out, e.getMessage());
    }
    return out;
  }

  /** What the verdicts' exceptions would have kept quiet: printed, and in kept-quiet-by-verdicts.jsonl. */
  static void printKeptQuiet(Backtest backtest, Path dir, PrintStream out) throws IOException {
    List<io.trailwatch.alerting.Alert> quiet = backtest.keptQuiet();
    Path file = dir.resolve("kept-quiet-by-verdicts.jsonl");
    io.trailwatch.alerting.AlertJson.writeLines(file, quiet);
    out.printf(Locale.ROOT, "verdicts: %,d alerts kept quiet (accepted by %s); %s%n", quiet.size(),
        new java.util.TreeMap<>(backtest.acceptedBy()), file);
    for (io.trailwatch.alerting.Alert a : quiet.stream().limit(20).toList()) {
      out.printf(Locale.ROOT, "  %s  %s  %s  %s in %s%n", a.hour(), a.alertId(), a.severity().label(), a.principal(),
          a.accountId());
    }
  }

  static void print(BacktestSummary s, Path dir, PrintStream out) {
    BacktestSummary.Settings st = s.settings();
    out.printf(Locale.ROOT, "backtest %s .. %s: %,d hours, %d accounts (%s), seed from %s (%.1f days; first event"
        + " %s)%n", st.from(), st.to(), st.hours(), st.accounts(), String.join(", ", st.businessUnits()),
        st.seedFrom(), st.seedDays(), st.seedFirstEvent() == null ? "none" : st.seedFirstEvent());
    BacktestSummary.Data d = s.data();
    out.printf(Locale.ROOT, "read %,d files, %,d records (%,d quarantined) in %.1f s; decisions %.1f s;"
        + " total %.1f s (%,.0f records/s)%n", d.filesRead(), d.recordsRead(), d.recordsQuarantined(),
        d.readSeconds(), d.replaySeconds(), d.seconds(), d.recordsPerSecond());
    for (int i = 0; i < s.policies().size(); i++) {
      BacktestSummary.PolicySummary p = s.policies().get(i);
      out.printf(Locale.ROOT, "%s (%s): %,d alerts (%.1f a day) %s; quiet %s; new behaviours alerted: %,d never"
          + " seen, %,d returning; alerts in %s%n", p.name(), p.source(), p.alerts(),
          p.alerts() / Math.max(1.0, st.hours() / 24.0), p.bySeverity(), p.quiet(), p.alertedBehaviors().neverSeen(),
          p.alertedBehaviors().returning(), BacktestOutputs.folderOf(dir, i).resolve("alerts.jsonl"));
      out.printf(Locale.ROOT, "  %.2f alerts per 1,000 active principals a day (%,d principals); by identity type %s;"
          + " by dimension %s%n", p.alertRate(), p.principalsActive(), counts(p.breakdown().byIdentityType()),
          counts(p.breakdown().byDimension()));
    }
    if (s.difference() != null) {
      out.printf(Locale.ROOT, "only %s: %,d, only %s: %,d, both: %,d%n", s.difference().a(), s.difference().onlyA(),
          s.difference().b(), s.difference().onlyB(), s.difference().both());
    }
    if (s.budget() != null) {
      s.budget().lines().forEach(out::println);
    }
    out.printf("summary: %s%n", dir.resolve("summary.json"));
  }
}
