package io.trailwatch.pipeline;

import static io.trailwatch.pipeline.RunParts.businessUnits;
import static io.trailwatch.pipeline.RunParts.runId;
import static io.trailwatch.pipeline.RunParts.summarize;


import io.trailwatch.core.RunSummary;

import io.trailwatch.alerting.Alert;
import io.trailwatch.config.TrailwatchConfig;
import io.trailwatch.baseline.BaselineReader;
import io.trailwatch.delivery.AlertSink;
import io.trailwatch.mirror.BaselineMirror;
import io.trailwatch.delivery.Delivery;
import io.trailwatch.core.Hour;
import io.trailwatch.core.Release;
import io.trailwatch.core.RunKind;
import io.trailwatch.core.Window;
import io.trailwatch.detect.Comparison;
import io.trailwatch.detect.HourDecision;
import io.trailwatch.accounts.Account;
import io.trailwatch.ingest.CloudTrailReader;
import io.trailwatch.ingest.LogFile;
import io.trailwatch.ingest.LogOpener;
import io.trailwatch.ingest.LogPlanner;
import io.trailwatch.ingest.ParserSettings;
import io.trailwatch.ingest.QuarantineEntry;
import io.trailwatch.policy.Policy;
import io.trailwatch.state.StateStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The two runs of trailwatch, top to bottom: {@link #detect} one hour, and {@link #buildBaseline}
 * from a range of history. Everything outside (where logs are, where state is, Spark itself)
 * comes in through the constructor.
 */
public final class Pipeline {
  /** The release recorded in the run ledger (the build's, as {@code trailwatch --version} prints it). */
  public static final String VERSION = Release.VERSION;

  private final SparkSession spark;
  private final TrailwatchConfig cfg;
  private final LogPlanner planner;
  private final LogOpener opener;
  private final StateStore state;
  private final Progress progress;
  private final Clock clock;

  private final List<AlertSink> sinks;
  private final BaselineMirror mirror;

  public Pipeline(SparkSession spark, TrailwatchConfig cfg, LogPlanner planner, LogOpener opener, StateStore state,
      Progress progress) {
    this(builder(spark).config(cfg).logs(planner, opener).state(state).progress(progress));
  }

  /** With the clock that run ids, the run ledger and the run's timings read (a backtest replays time). */
  public Pipeline(SparkSession spark, TrailwatchConfig cfg, LogPlanner planner, LogOpener opener, StateStore state,
      Progress progress, Clock clock) {
    this(builder(spark).config(cfg).logs(planner, opener).state(state).progress(progress).clock(clock));
  }

  private Pipeline(Builder b) {
    if (b.planner == null || b.opener == null || b.state == null) {
      throw new IllegalStateException("A pipeline needs its logs and its state");
    }
    this.spark = b.spark;
    this.cfg = b.cfg;
    this.planner = b.planner;
    this.opener = b.opener;
    this.state = b.state;
    this.progress = b.progress;
    this.clock = b.clock;
    this.sinks = List.copyOf(b.sinks);
    this.mirror = b.mirror;
  }

  /** The mirror stage, when a mirror is configured ({@link Mirroring}). */
  private java.util.Optional<Mirroring> mirroring() {
    return mirror == null ? java.util.Optional.empty()
        : java.util.Optional.of(new Mirroring(new BaselineReader(spark, state), mirror, progress));
  }

  /** Stage 6: sends every sink what it has pending ({@link Deliverer}). */
  private Deliverer deliverer() {
    return new Deliverer(state, sinks, progress);
  }

  public static Builder builder(SparkSession spark) {
    return new Builder(spark);
  }

  /** The run's inputs, named: where logs and state are, the configuration, the sinks, the clock. */
  public static final class Builder {
    private final SparkSession spark;
    private TrailwatchConfig cfg = TrailwatchConfig.defaults();
    private LogPlanner planner;
    private LogOpener opener;
    private StateStore state;
    private Progress progress = Progress.SILENT;
    private Clock clock = Clock.systemUTC();
    private List<AlertSink> sinks = List.of();
    private BaselineMirror mirror;

    private Builder(SparkSession spark) {
      this.spark = spark;
    }

    public Builder config(TrailwatchConfig v) {
      cfg = v;
      return this;
    }

    /** Where the logs are listed and how a listed file is opened (local folder or S3). */
    public Builder logs(LogPlanner p, LogOpener o) {
      planner = p;
      opener = o;
      return this;
    }

    public Builder state(StateStore v) {
      state = v;
      return this;
    }

    public Builder progress(Progress v) {
      progress = v;
      return this;
    }

    /** The clock that run ids, the run ledger and the run's timings read (a backtest replays time). */
    public Builder clock(Clock v) {
      clock = v;
      return this;
    }

    /** Where alerts go besides the alerts table (Splunk HEC, SNS); none by default. */
    public Builder sinks(List<AlertSink> v) {
      sinks = v;
      return this;
    }

    /** The point-lookup mirror of the baseline (DynamoDB) the changed rows go to; none by default. */
    public Builder mirror(BaselineMirror v) {
      mirror = v;
      return this;
    }

    public Pipeline build() {
      return new Pipeline(this);
    }
  }

  /**
   * Detects new behaviour in one hour for some accounts, records it, and merges the hour into
   * the baseline. Files of the previous hours that were delivered after their run are read too,
   * each for its own hour, and what they reveal is alerted as late.
   *
   * <p>An hour reduces to few behaviour rows (thousands for millions of events), so after the
   * read everything works on them in memory: the state it needs is loaded while the files are
   * read (the hour's planned files start being read before the ledgers confirm them: {@link
   * ReadAhead}), and the tables it writes are written side by side.
   */
  public RunSummary detect(Hour hour, List<Account> accounts) {
    return state.guarded(() -> detectChecked(hour, accounts));
  }

  /**
   * The stages of one hourly run, top to bottom. Each takes and returns plain values; what runs
   * beside them (tables checked, logs listed, the hour read ahead, ledgers and history loaded) is
   * arranged by {@link Overlap}, which hands them their inputs.
   */
  private RunSummary detectChecked(Hour hour, List<Account> accounts) {
    Instant started = clock.instant();
    String runId = runId(RunKind.DETECT, started);
    List<String> bus = businessUnits(accounts);
    Instant lateFrom = hour.start().minus(Duration.ofHours(cfg.ingest().lateFileHours()));
    progress.step("gzip: " + CloudTrailReader.gunzipLibrary(parserSettings()));
    Overlap.Scope scope = new Overlap.Scope(accounts, bus, hour, lateFrom, deliveryLag(),
        cfg.baseline().enabledDimensions(), cfg.baseline().retentionDays(), cfg.verdicts().watchDays(),
        cfg.coverage().ledger(), trailCoverage().rule());
    try (Overlap overlap = new Overlap(spark.sparkContext(), state, planner, reader(), scope)) {
      FileSelection files = FileSelection.choose(hour, bus, overlap.plan(), overlap.ingested(),
          overlap.detectedHours(), deliveryLag());
      progress.step("hour " + hour + ": " + files.describe());
      // Stage 2: each event hour's files read (the run's own hour was read ahead).
      Map<Hour, HourRead> reads = new LinkedHashMap<>();
      files.byEventHour().forEach((h, f) -> reads.put(h, overlap.read(h, f)));
      List<TrailCoverage.HourReads> coverage = reads.entrySet().stream()
          .map(x -> new TrailCoverage.HourReads(x.getKey(), x.getValue().coverage())).toList();
      // What was read goes to its ledgers now, beside the stages that follow (a rerun of the hour
      // reads the ledger's files again).
      overlap.startWrites(ledgerWrites(runId, hour, bus, files, reads.values(), coverage, overlap.coverageHoldsHour()));
      // Stage 3: each event hour compared with the state as of the detect hour.
      Map<Hour, Comparison> compared = new LinkedHashMap<>();
      reads.forEach((h, seen) -> compared.put(h, decision().compare(seen.behaviors(), h, hour, overlap)));
      long mirrorFrom = mirroring().map(m -> m.before(bus)).orElse(0L);
      List<Runnable> stateWrites = stateWrites(bus, compared.values());
      if (compared.size() == 1) {
        // The hour's own rows are first seen in it, so its baseline and principals writes cannot change
        // what the decision still reads (prevalence counts rows first seen before the hour): they start
        // now. Late files' rows are first seen before it, and wait for the decisions.
        overlap.startWrites(stateWrites);
        stateWrites = List.of();
      }
      // Stages 4 and 5: verdicts, prevalence and the policy's decision.
      List<HourResult> hours = new ArrayList<>();
      for (Map.Entry<Hour, Comparison> e : compared.entrySet()) {
        HourDecision.Result decided = decision().decide(e.getValue(), e.getKey(), hour, overlap);
        if (!decided.acceptedBy().isEmpty()) {
          progress.step("quiet by verdict (expected, accepted by): " + new java.util.TreeMap<>(decided.acceptedBy()));
        }
        hours.add(report(new HourResult(e.getKey(), reads.get(e.getKey()), decided.compared(), decided.decision()),
            hour));
      }
      TrailCoverage.Result silent = trailCoverage().decide(hour, accounts, coverage, overlap::coverage);
      List<Alert> alerts = commit(runId, hours, silent, overlap.recordedAlerts(), stateWrites, overlap);
      mirroring().ifPresent(m -> m.after(bus, mirrorFrom));
      // Pending alerts of the lookback before this hour (a backfilled hour delivers its own too).
      Delivery delivery = deliverer().pending(bus, hour.start().minus(
          Duration.ofDays(cfg.delivery().lookbackDays())));
      RunParts.Totals distinct = RunParts.Totals.of(hours.stream().flatMap(x -> x.seen().behaviors().stream())
          .toList());
      // A principal (or behaviour) of the hour and of a late file of an earlier hour counts once.
      RunSummary summary = summarize(runId, RunKind.DETECT, accounts, Window.of(hour), files.rejected(),
          hours.stream().map(HourResult::part).toList(), alerts, started, clock).withDelivery(delivery)
          .withNeverDelivered(silent.neverDelivered()).withDistinct(distinct.principals(), distinct.behaviors());
      recordRun(summary, started);
      return summary;
    }
  }

  /** The alerts found that are not recorded yet (a rerun of the hour finds the same ids). */
  static List<Alert> notRecorded(List<Alert> found, List<Alert> recorded) {
    Set<String> ids = new HashSet<>();
    recorded.forEach(a -> ids.add(a.alertId()));
    return found.stream().filter(a -> !ids.contains(a.alertId())).toList();
  }

  /** The run's alerts, recorded earlier and new, in the order analysts read them. */
  static List<Alert> byHourAndPrincipal(List<Alert> recorded, List<Alert> fresh) {
    List<Alert> all = new ArrayList<>(recorded);
    all.addAll(fresh);
    all.sort(Comparator.comparing(Alert::hour).thenComparing(Alert::businessUnit).thenComparing(Alert::accountId)
        .thenComparing(Alert::principal));
    return List.copyOf(all);
  }

  /** The ledgers of what the run read: the files, the quarantine, and what each account-region delivered. */
  private List<Runnable> ledgerWrites(String runId, Hour hour, List<String> bus, FileSelection files,
      java.util.Collection<HourRead> reads, List<TrailCoverage.HourReads> coverage, boolean coverageHoldsHour) {
    List<QuarantineEntry> quarantine = RunParts.quarantine(files.rejected(), reads.stream().map(HourRead::stats)
        .toList());
    return List.of(
        () -> state.ingestedFiles().append(files.toRecord(), runId),
        () -> state.quarantine().record(quarantine, bus, runId, hour.start()),
        () -> trailCoverage().record(hour, bus, coverage, runId, !coverageHoldsHour));
  }

  /** The baseline and principals rows the event hours change, each table by one writer, the hours in order. */
  private List<Runnable> stateWrites(List<String> bus, java.util.Collection<Comparison> compared) {
    return List.of(
        () -> compared.forEach(c -> state.baseline().merge(c.behaviorWrites(), bus, cfg.baseline().retentionDays())),
        () -> compared.forEach(c -> state.principals().merge(c.principalWrites(), bus)));
  }

  /**
   * Stores the alerts not recorded yet, beside the state's writes still to start, and waits for
   * every write of the run. Returns the run's alerts (recorded earlier by a first run of the hour,
   * and new).
   */
  private List<Alert> commit(String runId, List<HourResult> hours, TrailCoverage.Result silent, List<Alert> earlier,
      List<Runnable> stateWrites, Overlap overlap) {
    List<Alert> found = new ArrayList<>(hours.stream().flatMap(x -> x.decision().alerts().stream()).toList());
    found.addAll(silent.alerts());
    List<Alert> fresh = notRecorded(found, earlier);
    List<Runnable> writes = new ArrayList<>(stateWrites);
    writes.add(() -> state.alerts().append(fresh, runId));
    overlap.startWrites(writes);
    overlap.written();
    List<Alert> alerts = byHourAndPrincipal(earlier, fresh);
    progress.step(alerts.size() + " alerts recorded (" + fresh.size() + " new), baseline merged");
    return alerts;
  }

  /** The coverage ledger and the silent-trail rule ({@link TrailCoverage}). */
  private TrailCoverage trailCoverage() {
    return new TrailCoverage(state, cfg, progress);
  }

  /** Stage 2: reads an event hour's files ({@link HourReader}). */
  private HourReader reader() {
    return new HourReader(spark, cfg, opener);
  }

  /** Stages 3 to 5: compare, prevalence and the policy's decision, as a backtest decides ({@link HourDecision}). */
  private HourDecision decision() {
    return HourDecision.of(cfg);
  }

  /** What an event hour came to, on the progress line. */
  private HourResult report(HourResult h, Hour detectHour) {
    HourRead seen = h.seen();
    Policy.Decision decision = h.decision();
    progress.step((h.eventHour().equals(detectHour) ? "" : "late files for " + h.eventHour() + ": ")
        + seen.files().size() + " files, " + seen.stats().records() + " records (" + seen.stats().inWindow()
        + " in the hour), " + seen.behaviors().size() + " behaviours, " + h.compared().newBehaviors() + " new, "
        + decision.alerts().size() + " alerts" + (decision.quiet().isEmpty() ? "" : ", quiet " + decision.quiet())
        + (decision.moved().isEmpty() ? "" : ", severity moved " + decision.moved()));
    return h;
  }

  /** One event hour of a detect run: what was read, compared and decided. */
  record HourResult(Hour eventHour, HourRead seen, Comparison compared, Policy.Decision decision) {
    /** What the event hour adds to the run's summary. */
    RunParts.Part part() {
      return new RunParts.Part(seen.stats(), RunParts.Totals.of(seen.behaviors()), compared.newBehaviors(),
          decision.quiet(), decision.moved());
    }
  }

  /**
   * Builds (or extends) the baseline from every event in [from, to), in chunks of
   * {@code baseline.build-chunk-days} whole days ({@link BaselineBuild}): each chunk is read,
   * compared with the state and merged (baseline and principals), then recorded in the run
   * ledger. Run again after a crash, the same build skips the chunks it recorded and reads the
   * rest; a chunk merged but not recorded is merged again, which changes nothing (the MERGE
   * writes a row only when it moves first_seen back, last_seen on by a day or more, or restarts
   * an expired behaviour).
   *
   * <p>The result is the one pass over the whole range's, with the same keys, identity types and
   * first_seen, except {@code last_seen} (and {@code expires_at} with it): a later chunk moves a
   * row's last_seen only when it is {@link io.trailwatch.detect.BaselineRule#REFRESH_PERIOD} (a
   * day) or more past the stored one, as an hourly run does, so it may lag the last sighting by
   * less than a day ({@code 0 <= last sighting - last_seen < 1 day}). And a behaviour not seen for
   * longer than the retention between two chunks restarts from its new sighting, as in hourly
   * runs, where one pass would have kept its first sighting.
   */
  public RunSummary buildBaseline(Window window, List<Account> accounts) {
    return buildBaseline(window, accounts, false);
  }

  /**
   * Rebuilds the baseline and principals rows of these accounts from every event in [from, to),
   * in chunks as {@link #buildBaseline} does: the first chunk replaces each table's rows of the
   * accounts in one commit (what that chunk holds, as a build on an empty state makes it; the
   * rest of their rows deleted), the later ones merge into them. Other accounts' rows, in their
   * business units too, are not touched. A rebuild that stops resumes as a build does; its first
   * chunk, once recorded, is never replaced again by that rebuild.
   */
  public RunSummary rebuildBaseline(Window window, List<Account> accounts) {
    return buildBaseline(window, accounts, true);
  }

  private RunSummary buildBaseline(Window window, List<Account> accounts, boolean replace) {
    BaselineBuilder builder = new BaselineBuilder(spark, cfg, planner, opener, state, progress, clock, mirroring());
    return state.guarded(() -> builder.build(window, accounts, replace));
  }

  /** Stage 6, the last: the run ledger's row. An hour counts as detected only once everything else is stored. */
  private void recordRun(RunSummary s, Instant started) {
    state.runs().record(s, started, VERSION, null);
  }

  private ParserSettings parserSettings() {
    return ParserSettings.of(cfg);
  }

  private Duration deliveryLag() {
    return Duration.ofMinutes(cfg.ingest().deliveryLagMinutes());
  }

}
