package io.trailwatch.pipeline;

import io.trailwatch.core.RunSummary;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.trailwatch.alerting.Alert;
import io.trailwatch.config.TrailwatchConfig;
import io.trailwatch.baseline.BaselineReader;
import io.trailwatch.delivery.AlertSink;
import io.trailwatch.mirror.BaselineMirror;
import io.trailwatch.delivery.Delivery;
import io.trailwatch.core.Hour;
import io.trailwatch.core.Release;
import io.trailwatch.core.Window;
import io.trailwatch.detect.Comparison;
import io.trailwatch.detect.DimensionValues;
import io.trailwatch.detect.Peers;
import io.trailwatch.policy.Candidate;
import io.trailwatch.policy.History;
import io.trailwatch.detect.HourBehavior;
import io.trailwatch.detect.Behaviors;
import io.trailwatch.accounts.Account;
import io.trailwatch.ingest.CloudTrailReader;
import io.trailwatch.ingest.LogFile;
import io.trailwatch.ingest.LogOpener;
import io.trailwatch.ingest.LogPlanner;
import io.trailwatch.ingest.ParserSettings;
import io.trailwatch.ingest.QuarantineEntry;
import io.trailwatch.policy.Candidate;
import io.trailwatch.policy.Policy;
import io.trailwatch.state.StateStore;
import io.trailwatch.state.Stored;
import io.trailwatch.state.Tables;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

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
    String runId = runId("detect", started);
    List<String> bus = businessUnits(accounts);
    Instant lateFrom = hour.start().minus(Duration.ofHours(cfg.ingest().lateFileHours()));
    progress.step("gzip: " + CloudTrailReader.gunzipLibrary(parserSettings()));
    try (Overlap overlap = new Overlap(spark.sparkContext(), state, bus, cfg.baseline().enabledDimensions(), hour,
        lateFrom,
        () -> planner.plan(accounts, lateFrom, hour.end().plus(deliveryLag())),
        plan -> FileSelection.filesOf(plan, hour, deliveryLag()), files -> read(hour, files))) {
      FileSelection files = FileSelection.choose(hour, bus, overlap.plan(), overlap.ingested(),
          overlap.detectedHours(), deliveryLag());
      progress.step("hour " + hour + ": " + files.describe());
      List<HourResult> hours = new ArrayList<>();
      for (Map.Entry<Hour, List<LogFile>> e : files.byEventHour().entrySet()) {
        Hour h = e.getKey();
        HourRead seen = h.equals(hour) ? overlap.readOwnHour(e.getValue(), f -> read(h, f)) : read(h, e.getValue());
        overlap.tablesReady();
        Comparison compared = compare(seen, bus, hour, overlap);
        History history = overlap.history();
        List<Candidate> candidates = withPrevalence(compared.candidates(), bus, h, hour, history, overlap);
        Policy.Decision decision = decide(seen, compared, candidates, h, hour, history);
        hours.add(new HourResult(h, seen, compared, decision));
      }
      long mirrorFrom = mirroring().map(m -> m.before(bus)).orElse(0L);
      List<Alert> alerts = commit(runId, hour, bus, files, hours, overlap);
      mirroring().ifPresent(m -> m.after(bus, mirrorFrom));
      // Pending alerts of the lookback before this hour (a backfilled hour delivers its own too).
      Delivery delivery = deliverer().pending(bus, hour.start().minus(
          Duration.ofDays(cfg.delivery().lookbackDays())));
      RunSummary summary = summarize(runId, "detect", accounts, Window.of(hour), files.rejected(),
          hours.stream().map(Part::of).toList(), alerts, started).withDelivery(delivery);
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

  /**
   * Stores what the run found, side by side: the alerts not recorded yet, the baseline and
   * principal rows that change, the file ledger and the quarantine. Returns the run's alerts
   * (recorded earlier by a first run of the hour, and new).
   */
  private List<Alert> commit(String runId, Hour hour, List<String> bus, FileSelection files, List<HourResult> hours,
      Overlap overlap) {
    List<Alert> earlier = overlap.recordedAlerts();
    List<Alert> fresh = notRecorded(hours.stream().flatMap(x -> x.decision().alerts().stream()).toList(), earlier);
    List<QuarantineEntry> quarantine = quarantine(files.rejected(), hours);
    overlap.sideBySide(List.of(
        () -> state.appendAlerts(fresh, runId),
        () -> hours.forEach(x -> state.baseline().merge(x.compared().behaviorWrites(), bus,
            cfg.baseline().retentionDays())),
        () -> hours.forEach(x -> state.principals().merge(x.compared().principalWrites(), bus)),
        () -> state.appendIngested(files.toRecord(), runId),
        () -> state.recordQuarantine(quarantine, bus, runId, hour.start())));
    List<Alert> alerts = byHourAndPrincipal(earlier, fresh);
    progress.step(alerts.size() + " alerts recorded (" + fresh.size() + " new), baseline merged");
    return alerts;
  }

  /** Stage 2's value: one event hour's files, read and reduced to behaviours (collected: few rows). */
  record HourRead(List<LogFile> files, List<HourBehavior> behaviors, CloudTrailReader.ReadStats stats) {
    HourRead {
      files = List.copyOf(files);
      behaviors = List.copyOf(behaviors);
    }
  }

  /** Stage 2: one event hour's files, read in Spark tasks that reduce them to behaviour rows. */
  private HourRead read(Hour eventHour, List<LogFile> files) {
    if (files.isEmpty()) {
      // Nothing to read (a quiet hour of a small BU): no Spark job, no broadcast, no plan.
      return new HourRead(files, List.of(), new CloudTrailReader.ReadStats(0, 0, 0, 0, 0, 0, List.of()));
    }
    CloudTrailReader.Read read = CloudTrailReader.read(spark, files, Window.of(eventHour), parserSettings(), opener);
    List<Row> behaviors = Sparks.asRead(spark, files.size() + " files, events of " + eventHour,
        () -> Behaviors.withContext(read, cfg.alerts().maxContextValues(), cfg.alerts().sampleEventIds(),
            DimensionValues.of(cfg.baseline())).collectAsList());
    return new HourRead(files, behaviors.stream().map(HourBehavior::fromRow).toList(), read.stats());
  }

  /**
   * Stage 3: the hour's behaviours and principals against the state as of the detect hour. The
   * stored rows of the hour's keys are fetched (both tables at once) and compared on the driver.
   */
  private Comparison compare(HourRead seen, List<String> bus, Hour detectHour, Overlap overlap) {
    Overlap.Both<List<Stored.Behavior>, List<Stored.Principal>> stored = overlap.both(
        () -> state.baseline().stored(bus, Comparison.behaviorKeys(seen.behaviors())),
        () -> state.principals().stored(bus, Comparison.principalKeys(seen.behaviors())));
    return Comparison.of(seen.behaviors(), stored.first(), stored.second(), detectHour.start(), anyActivityTypes());
  }

  /**
   * Stage 4: how common each new behaviour of the principals that will alert is among their
   * peers in the baseline (the account's and the business unit's principals), looked up only
   * when some principal alerts: prevalence moves severity, never whether an alert is made.
   */
  private List<Candidate> withPrevalence(List<Candidate> candidates, List<String> bus, Hour eventHour, Hour detectHour,
      History history, Overlap overlap) {
    Set<List<String>> alerting = policy().alerting(candidates, eventHour, detectHour, history);
    List<Peers.Key> wanted = Peers.wanted(candidates, alerting);
    if (wanted.isEmpty()) {
      return candidates;
    }
    Overlap.Both<List<Peers.Holders>, List<Peers.TypeCount>> peers = overlap.both(
        () -> state.baseline().holders(bus, wanted, detectHour.start()),
        () -> state.principals().countsByType(bus, detectHour.start(), cfg.baseline().retentionDays()));
    return Peers.withPrevalence(candidates, wanted, peers.first(), peers.second());
  }

  /** Stage 5: the policy's alerts for one event hour, from what was new (or, for some types, anything). */
  private Policy.Decision decide(HourRead seen, Comparison compared, List<Candidate> candidates, Hour eventHour,
      Hour detectHour, History history) {
    Policy.Decision decision = policy().decide(candidates, eventHour, detectHour, history);
    progress.step((eventHour.equals(detectHour) ? "" : "late files for " + eventHour + ": ") + seen.files().size()
        + " files, " + seen.stats().records() + " records (" + seen.stats().inWindow() + " in the hour), "
        + seen.behaviors().size() + " behaviours, " + compared.newBehaviors() + " new, "
        + decision.alerts().size() + " alerts" + (decision.quiet().isEmpty() ? "" : ", quiet " + decision.quiet())
        + (decision.moved().isEmpty() ? "" : ", severity moved " + decision.moved()));
    return decision;
  }

  /** One event hour of a detect run: what was read, compared and decided. */
  record HourResult(Hour eventHour, HourRead seen, Comparison compared, Policy.Decision decision) {}

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
   * row's last_seen only when it is {@link io.trailwatch.state.BaselineTable#REFRESH_PERIOD} (a
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
    return state.guarded(() -> buildBaselineChecked(window, accounts, replace));
  }

  /** The stages of a baseline build: cut into chunks, skip those done, build each of the others, add up. */
  private RunSummary buildBaselineChecked(Window window, List<Account> accounts, boolean replace) {
    Instant started = clock.instant();
    List<String> bus = businessUnits(accounts);
    progress.step("gzip: " + CloudTrailReader.gunzipLibrary(parserSettings()));
    state.ensureTables();
    BaselineBuild build = BaselineBuild.of(window, accounts, replace, cfg.baseline().buildChunkDays());
    Map<BaselineBuild.Chunk, String> done = build.done(state.buildChunks(build.id()));
    progress.step("baseline " + build.id() + ": " + build.chunks().size() + " chunks of up to "
        + cfg.baseline().buildChunkDays() + " days, " + window.from() + " .. " + window.to()
        + (done.isEmpty() ? "" : ", " + done.size() + " done already"));
    List<ChunkResult> results = new ArrayList<>();
    for (BaselineBuild.Chunk c : build.chunks()) {
      String by = done.get(c);
      if (by != null) {
        progress.step(c.describe() + " already built (run " + by + "), skipped");
        continue;
      }
      results.add(buildChunk(build, c, accounts, bus, replace && c.index() == 0));
    }
    List<Part> parts = results.stream().map(ChunkResult::part).toList();
    List<QuarantineEntry> rejected = results.stream().flatMap(r -> r.rejected().stream()).toList();
    // The build's id: the runs table holds one row per chunk, each naming it in build.
    return summarize(build.id(), "baseline", accounts, window, rejected, parts, List.of(), started);
  }

  /** What one chunk of a build read, and what planning rejected for it (counted in the build's summary). */
  private record ChunkResult(Part part, List<QuarantineEntry> rejected) {}

  /**
   * One chunk of a build: plan, read (kept in Spark: history is large), compare and merge (or,
   * for a rebuild's first chunk, replace), then record it as a completed baseline run of the
   * chunk's window, last: a chunk counts as done only once both tables hold it.
   */
  private ChunkResult buildChunk(BaselineBuild build, BaselineBuild.Chunk chunk, List<Account> accounts,
      List<String> bus, boolean replace) {
    Instant started = clock.instant();
    String runId = runId("baseline", started);
    Window window = chunk.window();
    LogPlanner.Plan plan = planner.plan(accounts, window.from(), window.to().plus(deliveryLag()));
    progress.step(chunk.describe() + ": planned " + plan.files().size() + " files for " + accounts.size()
        + " accounts, " + window.from() + " .. " + window.to());
    CloudTrailReader.Read read = CloudTrailReader.read(spark, plan.files(), window, parserSettings(), opener);
    // History is large (every behaviour of every day): it stays in Spark, cached, not collected.
    Dataset<Row> seen = Behaviors.counted(read, DimensionValues.of(cfg.baseline())).cache();
    try {
      Totals totals;
      try (ReadProgress p = ReadProgress.start(read, plan.files().size(), window, progress, Duration.ofSeconds(15))) {
        totals = Totals.of(seen);
      }
      CloudTrailReader.ReadStats stats = read.stats();
      progress.step(chunk.describe() + ": read " + stats.records() + " records (" + stats.inWindow() + " in range), "
          + totals.behaviors() + " behaviours");
      merge(seen, accounts, bus, replace);
      progress.step(chunk.describe() + (replace ? ": baseline and principals of " + accounts.size()
          + " accounts replaced" : ": baseline merged"));
      Part part = new Part(stats, totals, 0, Map.of(), Map.of());
      RunSummary summary = summarize(runId, "baseline", accounts, window, plan.rejected(), List.of(part), List.of(),
          started);
      state.recordQuarantine(quarantine(plan.rejected(), List.of(stats)), bus, runId, window.from());
      state.recordRun(summary, started, VERSION, build.id());
      return new ChunkResult(part, plan.rejected());
    } finally {
      seen.unpersist();
    }
  }

  /** A chunk's behaviours into both tables: merged, or replacing the accounts' rows (a rebuild's first chunk). */
  private void merge(Dataset<Row> seen, List<Account> accounts, List<String> bus, boolean replace) {
    long mirrorFrom = mirroring().map(m -> m.before(bus)).orElse(0L);
    if (replace) {
      List<String> ids = accounts.stream().map(Account::id).toList();
      state.baseline().replace(seen, bus, ids, cfg.baseline().retentionDays());
      mirroring().ifPresent(m -> m.afterReplace(bus, mirrorFrom));
      state.principals().replace(Behaviors.principals(seen), bus, ids);
    } else {
      state.baseline().mergeComputed(state.baseline().compare(seen, bus), bus, cfg.baseline().retentionDays());
      mirroring().ifPresent(m -> m.after(bus, mirrorFrom));
      state.principals().mergeComputed(state.principals().compare(Behaviors.principals(seen), bus), bus);
    }
  }

  /** Sizes of an hour's (or range's) behaviours. */
  private record Totals(long behaviors, long events, long principals) {
    /** Of a large (cached) Dataset: one job. */
    static Totals of(Dataset<Row> seen) {
      // Events once: each is in one api row and in one row of every other dimension.
      Row r = seen.agg(count(lit(1)).as("behaviors"), sum(when(col("event_source").startsWith(
          String.valueOf(io.trailwatch.dimensions.Dimension.KEY_MARK)), lit(0L)).otherwise(col("events"))).as("events"),
          countDistinct(col("business_unit"), col("account_id"), col("principal")).as("principals")).first();
      Long events = r.getAs("events");
      return new Totals(r.<Long>getAs("behaviors"), events == null ? 0 : events, r.<Long>getAs("principals"));
    }

    /** Of an hour's behaviours. */
    static Totals of(List<HourBehavior> behaviors) {
      long events = 0;
      Set<List<String>> principals = new HashSet<>();
      for (HourBehavior b : behaviors) {
        events += b.isApi() ? b.events() : 0;
        principals.add(List.of(b.businessUnit(), b.accountId(), b.principal()));
      }
      return new Totals(behaviors.size(), events, principals.size());
    }
  }

  /** What one read (an event hour of a detect run, or a baseline's range) adds to the run's summary. */
  private record Part(CloudTrailReader.ReadStats stats, Totals totals, long newBehaviors,
      Map<Policy.Quiet, Integer> quiet, Map<Policy.Moved, Integer> moved) {
    static Part of(HourResult h) {
      return new Part(h.seen().stats(), Totals.of(h.seen().behaviors()), h.compared().newBehaviors(),
          h.decision().quiet(), h.decision().moved());
    }
  }

  private RunSummary summarize(String runId, String command, List<Account> accounts, Window window,
      List<QuarantineEntry> rejected, List<Part> parts, List<Alert> alerts, Instant started) {
    List<String> bus = businessUnits(accounts);
    long files = 0, fileErrors = rejected.size(), bytes = 0, records = 0, inWindow = 0, bad = 0, kept = 0;
    long principals = 0, behaviors = 0, fresh = 0;
    Map<Policy.Quiet, Integer> quiet = new java.util.EnumMap<>(Policy.Quiet.class);
    Map<Policy.Moved, Integer> moved = new java.util.EnumMap<>(Policy.Moved.class);
    for (Part x : parts) {
      CloudTrailReader.ReadStats st = x.stats();
      files += st.files();
      fileErrors += st.quarantinedFiles();
      bytes += st.bytes();
      records += st.records();
      inWindow += st.inWindow();
      bad += st.quarantinedRecords();
      kept += x.totals().events();
      principals += x.totals().principals();
      behaviors += x.totals().behaviors();
      fresh += x.newBehaviors();
      x.quiet().forEach((k, v) -> quiet.merge(k, v, Integer::sum));
      x.moved().forEach((k, v) -> moved.merge(k, v, Integer::sum));
    }
    return RunSummary.builder().runId(runId).command(command).businessUnits(bus).window(window)
        .filesRead(files).filesQuarantined(fileErrors).bytesRead(bytes).recordsRead(records)
        .recordsInWindow(inWindow).recordsQuarantined(bad).duplicatesDropped(inWindow - kept)
        .principals(principals).behaviors(behaviors).newBehaviors(fresh).alerts(alerts).quiet(quiet)
        .severityMoved(moved)
        .accountsPerBusinessUnit(accounts.stream().collect(Collectors.groupingBy(Account::businessUnit,
            Collectors.counting())))
        .seconds(Duration.between(started, clock.instant()).toNanos() / 1e9).build();
  }

  /** What planning rejected and what each read quarantined. */
  private static List<QuarantineEntry> quarantine(List<QuarantineEntry> rejected,
      List<CloudTrailReader.ReadStats> reads) {
    List<QuarantineEntry> all = new ArrayList<>(rejected);
    reads.forEach(x -> all.addAll(x.quarantine()));
    return all;
  }

  private static List<QuarantineEntry> quarantine(List<QuarantineEntry> rejected, Collection<HourResult> hours) {
    return quarantine(rejected, hours.stream().map(h -> h.seen().stats()).toList());
  }

  /** Stage 6, the last: the run ledger's row. An hour counts as detected only once everything else is stored. */
  private void recordRun(RunSummary s, Instant started) {
    state.recordRun(s, started, VERSION);
  }

  private Policy policy() {
    return Policy.of(cfg);
  }

  private Set<String> anyActivityTypes() {
    return Policy.anyActivityTypes(cfg.policy());
  }

  private ParserSettings parserSettings() {
    return ParserSettings.of(cfg);
  }

  private Duration deliveryLag() {
    return Duration.ofMinutes(cfg.ingest().deliveryLagMinutes());
  }

  private static List<String> businessUnits(List<Account> accounts) {
    return accounts.stream().map(Account::businessUnit).distinct().sorted().toList();
  }

  /** {@code detect-20261120T140312.345Z-1a2b3c4d}: when the run started (from the clock), and a random part. */
  private static String runId(String command, Instant started) {
    return command + "-" + started.toString().replace(":", "").replace("-", "") + "-"
        + UUID.randomUUID().toString().substring(0, 8);
  }
}
