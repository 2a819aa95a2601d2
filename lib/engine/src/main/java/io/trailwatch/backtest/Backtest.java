package io.trailwatch.backtest;

import io.trailwatch.accounts.Account;
import io.trailwatch.config.TrailwatchConfig;
import io.trailwatch.core.Hour;
import io.trailwatch.core.Window;
import io.trailwatch.detect.HourBehavior;
import io.trailwatch.ingest.CloudTrailReader;
import io.trailwatch.ingest.LogOpener;
import io.trailwatch.ingest.LogPlanner;
import io.trailwatch.ingest.ParserSettings;
import io.trailwatch.pipeline.Progress;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import io.trailwatch.alerting.Alert;
import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.pipeline.Triage;
import io.trailwatch.verdict.Verdict;
import io.trailwatch.verdict.VerdictKind;
import io.trailwatch.verdict.Verdicts;
import org.apache.spark.sql.SparkSession;

/**
 * Replays hourly detection over a past range, as {@code Pipeline.detect} run once an hour would
 * have, on a baseline seeded from the history before it, without touching any state or sink:
 * one read of the logs ({@link HourlyRead}), then every hour decided in memory, for each variant
 * (configuration) on its own in-memory state ({@link Replay}).
 *
 * <p>Each hour is decided once with every file its run reads (named up to the delivery lag after
 * it): files that reached S3 after an hour's run in production, and so raised late alerts, are on
 * time here.
 */
public final class Backtest {
  /**
   * What to replay.
   *
   * @param range the hours decided, [from, to)
   * @param seedFrom where the seed history starts (at most {@code range.from()})
   * @param variants the configurations decided with; the first is the main one, and all read alike ({@link Variant#checkSharedRead})
   * @param scratch the folder (Hadoop URI) for the reduced behaviours, replaced
   */
  public record Request(List<Account> accounts, Window range, Instant seedFrom, List<Variant> variants,
      String scratch) {
    public Request {
      accounts = List.copyOf(accounts);
      variants = List.copyOf(variants);
      if (seedFrom.isAfter(range.from())) {
        throw new IllegalArgumentException("the seed must start before the range: " + seedFrom + " > " + range);
      }
    }
  }

  private final SparkSession spark;
  private final LogPlanner planner;
  private final LogOpener opener;
  private final Progress progress;

  private List<Triage.Request> verdicts = List.of();
  private List<Alert> keptQuiet = List.of();
  private Map<String, Integer> acceptedBy = Map.of();

  public Backtest(SparkSession spark, LogPlanner planner, LogOpener opener, Progress progress) {
    this.spark = spark;
    this.planner = planner;
    this.opener = opener;
    this.progress = progress;
  }

  /**
   * Replays the main policy with these verdicts in force ({@code backtest --verdicts}): they name
   * alerts of the plain replay, and its run in the result is the one with the verdicts.
   */
  public Backtest withVerdicts(List<Triage.Request> v) {
    this.verdicts = List.copyOf(v);
    return this;
  }

  /** After {@link #run} with verdicts: the main policy's alerts their exceptions kept quiet. */
  public List<Alert> keptQuiet() {
    return keptQuiet;
  }

  /** After {@link #run} with verdicts: per analyst, how many principal-hours their exceptions kept quiet. */
  public Map<String, Integer> acceptedBy() {
    return acceptedBy;
  }

  /** The first variant's config, with every variant's dimensions: the one read holds them all. */
  static TrailwatchConfig readConfig(List<Variant> variants) {
    java.util.Set<io.trailwatch.dimensions.Dimension> all = new java.util.TreeSet<>();
    variants.forEach(v -> all.addAll(v.config().baseline().enabledDimensions()));
    return variants.get(0).config().withDimensions(List.copyOf(all));
  }

  /** Plan, read once, seed, then decide hour by hour. */
  public BacktestResult run(Request req) {
    long started = System.nanoTime();
    Variant.checkSharedRead(req.variants());
    TrailwatchConfig cfg = req.variants().get(0).config();
    Duration lag = Duration.ofMinutes(cfg.ingest().deliveryLagMinutes());
    progress.step("gzip: " + CloudTrailReader.gunzipLibrary(ParserSettings.of(cfg)));

    LogPlanner.Plan plan = planner.plan(req.accounts(), req.seedFrom(), req.range().to().plus(lag));
    progress.step("planned " + plan.files().size() + " files for " + req.accounts().size() + " accounts, "
        + req.seedFrom() + " .. " + req.range().to() + " (seed from " + req.seedFrom() + ")");
    HourlyRead seen = HourlyRead.run(spark, plan.files(), new Window(req.seedFrom(), req.range().to()),
        req.range().from(), readConfig(req.variants()), opener, req.scratch(), progress);
    double readSeconds = (System.nanoTime() - started) / 1e9;
    CloudTrailReader.ReadStats stats = seen.stats();
    progress.step(String.format("read %,d files, %,d records in %.1f s (%,.0f records/s)", stats.files(),
        stats.records(), readSeconds, stats.records() / Math.max(readSeconds, 1e-9)));

    long replayStarted = System.nanoTime();
    List<HourBehavior> seed = seen.seed();
    BacktestResult.Seed seedTotals = new BacktestResult.Seed(seed.size(), seed.stream()
        .filter(HourBehavior::isApi).mapToLong(HourBehavior::events).sum(), seed.stream().map(HourBehavior::firstTime).min(Instant::compareTo)
        .orElse(null));
    progress.step(seed.size() + " behaviours in the seed history"
        + (seedTotals.firstEvent() == null ? "" : ", from " + seedTotals.firstEvent()));
    List<PolicyRun> runs = replay(req, seen, req.variants().stream().map(Replay::new).toList());
    keptQuiet = List.of();
    acceptedBy = Map.of();
    if (!verdicts.isEmpty()) {
      // The verdicts name alerts of the plain replay (the ids an hourly run gives them); then the main policy again with them.
      Verdicts inForce = resolve(verdicts, runs.get(0).alerts(), cfg.verdicts().watchDays());
      Replay withVerdicts = new Replay(req.variants().get(0));
      withVerdicts.verdicts(inForce);
      progress.step("again with " + inForce.latest().size() + " verdicts in force");
      PolicyRun verdicted = replay(req, seen, List.of(withVerdicts)).get(0);
      java.util.Set<String> still = new java.util.HashSet<>();
      verdicted.alerts().forEach(a -> still.add(a.alertId()));
      keptQuiet = runs.get(0).alerts().stream().filter(a -> !still.contains(a.alertId())).toList();
      acceptedBy = withVerdicts.acceptedBy();
      List<PolicyRun> all = new java.util.ArrayList<>(runs);
      all.set(0, verdicted);
      runs = List.copyOf(all);
    }
    double replaySeconds = (System.nanoTime() - replayStarted) / 1e9;
    BacktestResult.Settings settings = new BacktestResult.Settings(planner.describe(), req.accounts().size(),
        req.accounts().stream().map(Account::businessUnit).distinct().sorted().toList(), req.range().from(),
        req.range().to(), req.seedFrom(), lag);
    return new BacktestResult(settings, plan.files().size(), plan.rejected().size(), stats, seedTotals, runs,
        readSeconds,
        replaySeconds, (System.nanoTime() - started) / 1e9);
  }

  /** Decides every hour of the range with each replay, seeded first; their results in order. */
  private List<PolicyRun> replay(Request req, HourlyRead seen, List<Replay> replays) {
    replays.forEach(r -> r.seed(seen.seed(), req.range().from()));
    for (LocalDate day : days(req.range())) {
      SortedMap<Hour, List<HourBehavior>> byHour = seen.day(day);
      List<Integer> before = replays.stream().map(Replay::alertCount).toList();
      for (Hour h : hours(req.range(), day)) {
        List<HourBehavior> behaviors = byHour.getOrDefault(h, List.of());
        replays.forEach(r -> r.hour(h, behaviors));
      }
      StringBuilder line = new StringBuilder(day + ": " + byHour.values().stream().mapToInt(List::size).sum()
          + " hourly behaviours, alerts");
      for (int i = 0; i < replays.size(); i++) {
        line.append(i == 0 ? " " : " / ").append(replays.get(i).alertCount() - before.get(i));
      }
      progress.step(line.toString());
    }
    return replays.stream().map(Replay::result).toList();
  }

  /**
   * The verdicts on the plain replay's alerts, as {@code trailwatch verdict} would record them; an
   * id the replay did not alert on is the user's error naming the request's line.
   */
  static Verdicts resolve(List<Triage.Request> requests, List<Alert> alerts, int watchDays) {
    Map<String, Alert> byId = new java.util.HashMap<>();
    alerts.forEach(a -> byId.put(a.alertId(), a));
    List<Verdict> out = new java.util.ArrayList<>();
    for (Triage.Request r : requests) {
      Alert a = byId.get(r.alertId());
      if (a == null) {
        throw TrailwatchException.of(ErrorCode.UNKNOWN_ALERT, "%s: the backtest raised no alert %s", r.source(),
            r.alertId());
      }
      out.add(Verdict.on(a, r.kind(), r.scope(), r.kind() == VerdictKind.EXPECTED ? r.expiry().after(a.hour()) : null,
          r.by(), a.hour().plus(Duration.ofHours(1)).plusSeconds(out.size()), r.note()));
    }
    return new Verdicts(out, watchDays);
  }

  /** The UTC days that hold hours of the range. */
  static List<LocalDate> days(Window range) {
    LocalDate last = day(range.to().minusNanos(1));
    return day(range.from()).datesUntil(last.plusDays(1)).toList();
  }

  /** The range's hours on one day, in order. */
  static List<Hour> hours(Window range, LocalDate day) {
    Instant start = day.atStartOfDay().toInstant(ZoneOffset.UTC);
    Instant from = start.isBefore(range.from()) ? range.from() : start;
    Instant end = start.plus(Duration.ofDays(1));
    Instant to = end.isAfter(range.to()) ? range.to() : end;
    return java.util.stream.Stream.iterate(Hour.containing(from), h -> h.start().isBefore(to), h -> h.plusHours(1))
        .toList();
  }

  static LocalDate day(Instant t) {
    return LocalDate.ofInstant(t, ZoneOffset.UTC);
  }
}
