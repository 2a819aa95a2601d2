package io.trailwatch.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import io.trailwatch.alerting.Alert;
import io.trailwatch.config.TrailwatchConfig;
import io.trailwatch.core.Hour;
import io.trailwatch.core.Window;
import io.trailwatch.detect.Baselines;
import io.trailwatch.detect.Behaviors;
import io.trailwatch.identity.IdentityTypes;
import io.trailwatch.accounts.Account;
import io.trailwatch.ingest.CloudTrailReader;
import io.trailwatch.ingest.LogFile;
import io.trailwatch.ingest.LogOpener;
import io.trailwatch.ingest.LogPlanner;
import io.trailwatch.ingest.ParserSettings;
import io.trailwatch.ingest.QuarantineEntry;
import io.trailwatch.policy.AlertOn;
import io.trailwatch.policy.Candidate;
import io.trailwatch.policy.Policy;
import io.trailwatch.state.IngestedFile;
import io.trailwatch.state.StateFailures;
import io.trailwatch.state.StateStore;
import io.trailwatch.state.Tables;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * The two runs of trailwatch, top to bottom: {@link #detect} one hour, and {@link #buildBaseline}
 * from a range of history. Everything outside (where logs are, where state is, Spark itself)
 * comes in through the constructor.
 */
public final class Pipeline {
  public static final String VERSION = "0.1.0";

  private final SparkSession spark;
  private final TrailwatchConfig cfg;
  private final LogPlanner planner;
  private final LogOpener opener;
  private final StateStore state;
  private final Progress progress;

  public Pipeline(SparkSession spark, TrailwatchConfig cfg, LogPlanner planner, LogOpener opener, StateStore state,
      Progress progress) {
    this.spark = spark;
    this.cfg = cfg;
    this.planner = planner;
    this.opener = opener;
    this.state = state;
    this.progress = progress;
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
    try {
      state.check();
      return detectChecked(hour, accounts);
    } catch (RuntimeException e) {
      throw StateFailures.rethrow("the state at " + state.root(), e);
    }
  }

  private RunSummary detectChecked(Hour hour, List<Account> accounts) {
    long t0 = System.nanoTime();
    String runId = runId("detect");
    List<String> bus = businessUnits(accounts);
    progress.step("gzip: " + CloudTrailReader.gunzipLibrary(parserSettings()));
    try (Background background = new Background()) {
      // Each table is checked (created on first use) on its own thread; each step waits for the tables it reads.
      Map<String, Future<?>> ready = new HashMap<>();
      Tables.ALL.forEach(t -> ready.put(t, background.submit(() -> state.ensureTable(t))));
      Future<Map<String, Instant>> history = background.after(ready.get(Tables.PRINCIPALS),
          () -> state.historyStart(bus, hour.start()));
      Future<List<Alert>> recorded = background.after(ready.get(Tables.ALERTS), () -> state.alerts(bus, hour.start()));
      background.after(ready.get(Tables.BASELINE), () -> state.prepare(Tables.BASELINE, bus));
      background.after(ready.get(Tables.PRINCIPALS), () -> state.prepare(Tables.PRINCIPALS, bus));
      Instant from = hour.start().minus(Duration.ofHours(cfg.ingest().lateFileHours()));
      Future<LogPlanner.Plan> planned = background.submit(() -> planner.plan(accounts, from,
          hour.end().plus(deliveryLag())));
      ReadAhead<HourRead> ahead = ReadAhead.start(spark.sparkContext(), background,
          background.after(planned, () -> filesOf(Background.get(planned), hour)), files -> read(hour, files));
      FileSelection selection;
      List<Section> sections = new ArrayList<>();
      try {
        selection = selectFiles(hour, from, bus, planned, background, ready);
        progress.step("hour " + hour + ": " + selection.describe());
        for (Map.Entry<Hour, List<LogFile>> e : selection.byEventHour().entrySet()) {
          Hour h = e.getKey();
          HourRead r = h.equals(hour) ? ahead.take(e.getValue(), files -> read(h, files)) : read(h, e.getValue());
          sections.add(examine(h, r, hour, bus, history, background));
        }
      } finally {
        ahead.drop();
      }

      List<Alert> earlier = Background.get(recorded);
      List<Alert> fresh = notRecorded(sections.stream().flatMap(x -> x.decision().alerts().stream()).toList(),
          earlier);
      List<QuarantineEntry> quarantine = quarantine(selection.rejected(), sections);
      ready.values().forEach(Background::get);
      background.all(List.of(
          () -> state.appendAlerts(fresh, runId),
          () -> sections.forEach(x -> mergeBaseline(x.behaviorWrites(), bus)),
          () -> sections.forEach(x -> mergePrincipals(x.principalWrites(), bus)),
          () -> state.appendIngested(selection.toRecord(), runId),
          () -> state.recordQuarantine(quarantine, bus, runId, hour.start())));
      List<Alert> alerts = byHourAndPrincipal(earlier, fresh);
      progress.step(alerts.size() + " alerts recorded (" + fresh.size() + " new), baseline merged");

      RunSummary summary = summarize(runId, "detect", bus, Window.of(hour), selection.rejected(), sections, alerts,
          t0);
      recordRun(summary);
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
   * The files of one run. For a business unit that this hour's run already read, exactly the
   * files its ledger rows name (a rerun reads the same files). Otherwise, the hour's planned
   * files, plus the files of earlier hours (that had a run) which the ledger does not hold for
   * that hour: delivered after that run.
   */
  private FileSelection selectFiles(Hour hour, Instant from, List<String> bus, Future<LogPlanner.Plan> planned,
      Background background, Map<String, Future<?>> ready) {
    // The ledgers are read while the logs are listed; a rerun's own files are taken from its ledger rows.
    Future<Map<Instant, Set<String>>> detected = background.after(ready.get(Tables.RUNS),
        () -> state.detectedHours(bus, from, hour.start()));
    Background.get(ready.get(Tables.INGESTED_FILES));
    List<IngestedFile> recorded = state.ingested(bus, from, hour.end());
    TreeMap<Hour, List<LogFile>> byHour = new TreeMap<>();
    byHour.put(hour, new ArrayList<>());
    Set<String> rerun = new TreeSet<>();
    for (IngestedFile i : recorded) {
      if (i.detectHour().equals(hour.start())) {
        byHour.computeIfAbsent(new Hour(i.eventHour()), h -> new ArrayList<>()).add(i.file());
        rerun.add(i.file().businessUnit());
      }
    }
    LogPlanner.Plan all = Background.get(planned);
    if (rerun.containsAll(bus)) {
      return new FileSelection(hour, byHour, List.of(), rerun);
    }
    LogPlanner.Plan plan = all.without(rerun);
    byHour.get(hour).addAll(filesOf(plan, hour));
    Set<String> done = new HashSet<>();
    recorded.forEach(i -> done.add(i.file().uri() + "@" + i.eventHour()));
    for (Map.Entry<Instant, Set<String>> run : Background.get(detected).entrySet()) {
      Hour p = new Hour(run.getKey());
      // Late files of p: those of business units whose run of p completed, not read for p yet.
      List<LogFile> late = filesOf(plan, p).stream().filter(f -> run.getValue().contains(f.businessUnit()))
          .filter(f -> !done.contains(f.uri() + "@" + p.start())).toList();
      if (!late.isEmpty()) {
        byHour.computeIfAbsent(p, h -> new ArrayList<>()).addAll(late);
      }
    }
    return new FileSelection(hour, byHour, plan.rejected(), rerun);
  }

  /** The planned files that can hold events of {@code h}: named from h up to the delivery lag after it. */
  private List<LogFile> filesOf(LogPlanner.Plan plan, Hour h) {
    Instant last = h.end().plus(deliveryLag());
    return plan.files().stream().filter(f -> !f.fileTime().isBefore(h.start()) && !f.fileTime().isAfter(last))
        .toList();
  }

  /** One event hour's files, read and reduced to behaviours (collected: few rows). */
  private record HourRead(List<LogFile> files, List<Row> behaviors, CloudTrailReader.ReadStats stats) {}

  private HourRead read(Hour eventHour, List<LogFile> files) {
    CloudTrailReader.Read read = CloudTrailReader.read(spark, files, Window.of(eventHour), parserSettings(), opener);
    List<Row> behaviors = Sparks.asRead(spark, files.size() + " files, events of " + eventHour,
        () -> Behaviors.withContext(read, cfg.alerts().maxContextValues(), cfg.alerts().sampleEventIds())
            .collectAsList());
    return new HourRead(files, behaviors, read.stats());
  }

  /** Compares one event hour's behaviours and their principals with the state as of the run, and decides. */
  private Section examine(Hour eventHour, HourRead read, Hour detectHour, List<String> bus,
      Future<Map<String, Instant>> history, Background background) {
    List<LogFile> files = read.files();
    List<Row> behaviors = read.behaviors();
    CloudTrailReader.ReadStats stats = read.stats();
    Dataset<Row> seen = Behaviors.withoutContext(spark.createDataFrame(behaviors, Behaviors.CONTEXT));
    Future<Rows> comparing = background.submit(() -> Rows.of(Baselines.compare(seen,
        state.of(Tables.BASELINE, bus), Behaviors.KEY, detectHour.start())));
    Rows principals = Rows.of(Baselines.compare(Behaviors.principals(seen), state.of(Tables.PRINCIPALS, bus),
        Behaviors.PRINCIPAL_KEY, detectHour.start()));
    Rows compared = Background.get(comparing);
    List<Candidate> candidates = Baselines.candidates(compared.rows(), principals.rows(), behaviors,
        detectHour.start(), anyActivityTypes());
    long newBehaviors = candidates.stream().filter(c -> !c.known()).count();
    Policy.Decision decision = policy().decide(candidates, eventHour, detectHour, Background.get(history));
    Totals totals = Totals.of(behaviors);
    progress.step((eventHour.equals(detectHour) ? "" : "late files for " + eventHour + ": ") + files.size()
        + " files, " + stats.records() + " records (" + stats.inWindow() + " in the hour), " + totals.behaviors()
        + " behaviours, " + newBehaviors + " new, " + decision.alerts().size() + " alerts"
        + (decision.quiet().isEmpty() ? "" : ", quiet " + decision.quiet()));
    return new Section(eventHour, files, stats, totals, newBehaviors, decision,
        compared.needingWrite(spark), principals.needingWrite(spark));
  }

  /** Builds (or extends) the baseline from every event in [from, to), in one pass. */
  public RunSummary buildBaseline(Window window, List<Account> accounts) {
    try {
      state.check();
      return buildBaselineChecked(window, accounts);
    } catch (RuntimeException e) {
      throw StateFailures.rethrow("the state at " + state.root(), e);
    }
  }

  private RunSummary buildBaselineChecked(Window window, List<Account> accounts) {
    long t0 = System.nanoTime();
    String runId = runId("baseline");
    List<String> bus = businessUnits(accounts);
    progress.step("gzip: " + CloudTrailReader.gunzipLibrary(parserSettings()));
    state.ensureTables();

    LogPlanner.Plan plan = planner.plan(accounts, window.from(), window.to().plus(deliveryLag()));
    progress.step("planned " + plan.files().size() + " files for " + accounts.size() + " accounts, "
        + window.from() + " .. " + window.to());
    CloudTrailReader.Read read = CloudTrailReader.read(spark, plan.files(), window, parserSettings(), opener);
    // History is large (every behaviour of every day): it stays in Spark, cached, not collected.
    Dataset<Row> seen = Behaviors.counted(read).cache();
    try {
      Totals totals = Totals.of(seen);
      CloudTrailReader.ReadStats stats = read.stats();
      progress.step("read " + stats.records() + " records (" + stats.inWindow() + " in range), "
          + totals.behaviors() + " behaviours");

      mergeBaseline(Baselines.compare(seen, state.of(Tables.BASELINE, bus), Behaviors.KEY, window.from())
          .filter(col("needs_write")), bus);
      mergePrincipals(Baselines.compare(Behaviors.principals(seen), state.of(Tables.PRINCIPALS, bus),
          Behaviors.PRINCIPAL_KEY, window.from()).filter(col("needs_write")), bus);
      progress.step("baseline merged");

      Section all = new Section(null, plan.files(), stats, totals, 0, new Policy.Decision(List.of(), Map.of()),
          null, null);
      RunSummary summary = summarize(runId, "baseline", bus, window, plan.rejected(), List.of(all), List.of(), t0);
      state.recordQuarantine(quarantine(plan.rejected(), List.of(all)), bus, runId, window.from());
      recordRun(summary);
      return summary;
    } finally {
      seen.unpersist();
    }
  }

  /** MERGEs behaviours that need a write into the baseline; nothing to write, no commit. */
  private void mergeBaseline(Dataset<Row> writes, List<String> bus) {
    if (!writes.isEmpty()) {
      state.mergeBaseline(writes, bus, cfg.baseline().retentionDays());
    }
  }

  /** MERGEs principals that need a write; nothing to write, no commit. */
  private void mergePrincipals(Dataset<Row> writes, List<String> bus) {
    if (!writes.isEmpty()) {
      state.mergePrincipals(writes, bus);
    }
  }

  /** Sizes of an hour's (or range's) behaviours. */
  private record Totals(long behaviors, long events, long principals) {
    /** Of a large (cached) Dataset: one job. */
    static Totals of(Dataset<Row> seen) {
      Row r = seen.agg(count(lit(1)), sum("events"), countDistinct(col("business_unit"), col("account_id"),
          col("principal"))).first();
      return new Totals(r.getLong(0), r.isNullAt(1) ? 0 : r.getLong(1), r.getLong(2));
    }

    /** Of collected behaviour rows. */
    static Totals of(List<Row> behaviors) {
      long events = 0;
      Set<List<String>> principals = new HashSet<>();
      for (Row r : behaviors) {
        events += r.<Long>getAs("events");
        principals.add(List.of(r.<String>getAs("business_unit"), r.<String>getAs("account_id"),
            r.<String>getAs("principal")));
      }
      return new Totals(behaviors.size(), events, principals.size());
    }
  }

  private RunSummary summarize(String runId, String command, List<String> bus, Window window,
      List<QuarantineEntry> rejected, List<Section> sections, List<Alert> alerts, long t0) {
    long files = 0, fileErrors = rejected.size(), bytes = 0, records = 0, inWindow = 0, bad = 0, kept = 0;
    long principals = 0, behaviors = 0, fresh = 0;
    Map<Policy.Quiet, Integer> quiet = new java.util.EnumMap<>(Policy.Quiet.class);
    for (Section x : sections) {
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
      x.decision().quiet().forEach((k, v) -> quiet.merge(k, v, Integer::sum));
    }
    return new RunSummary(runId, command, bus, window.from(), window.to(), files, fileErrors, bytes, records,
        inWindow, bad, inWindow - kept, principals, behaviors, fresh, alerts, Map.copyOf(quiet),
        (System.nanoTime() - t0) / 1e9);
  }

  /** What planning rejected and what each read quarantined. */
  private static List<QuarantineEntry> quarantine(List<QuarantineEntry> rejected, List<Section> sections) {
    List<QuarantineEntry> all = new ArrayList<>(rejected);
    sections.forEach(x -> all.addAll(x.stats().quarantine()));
    return all;
  }

  /** The run ledger's row, written last: an hour counts as detected only once everything else is stored. */
  private void recordRun(RunSummary s) {
    state.recordRun(RowFactory.create(s.runId(), s.command(), s.businessUnits().toArray(),
        Timestamp.from(s.windowFrom()), Timestamp.from(s.windowTo()),
        Timestamp.from(Instant.now().minusNanos((long) (s.seconds() * 1e9))), Timestamp.from(Instant.now()),
        "completed", s.filesRead(), s.filesQuarantined(), s.recordsRead(), s.recordsQuarantined(),
        s.duplicatesDropped(), s.principals(), s.newBehaviors(), (long) s.alerts().size(), s.seconds(), VERSION));
  }

  private Policy policy() {
    return new Policy(cfg.policy(), cfg.alerts().maxContextValues(), cfg.alerts().sampleEventIds() * 4,
        cfg.baseline().warmupDays());
  }

  private List<String> anyActivityTypes() {
    return IdentityTypes.ALL.stream()
        .filter(t -> cfg.policy().forType(t).alertOn() == AlertOn.ANY_ACTIVITY).toList();
  }

  private ParserSettings parserSettings() {
    return new ParserSettings(cfg.ingest().maxStringLength(), cfg.ingest().maxQuarantinedRecordsPerFile(),
        cfg.identity().humanRolePatterns(), cfg.ingest().gunzip());
  }

  private Duration deliveryLag() {
    return Duration.ofMinutes(cfg.ingest().deliveryLagMinutes());
  }

  private static List<String> businessUnits(List<Account> accounts) {
    return accounts.stream().map(Account::businessUnit).distinct().sorted().toList();
  }

  /**
   * One event hour of a run: what was read, what the policy made of it, and the rows the baseline
   * and principals MERGEs take (in memory; null for a baseline build, which merges as it goes).
   */
  private record Section(Hour eventHour, List<LogFile> files, CloudTrailReader.ReadStats stats, Totals totals,
      long newBehaviors, Policy.Decision decision, Dataset<Row> behaviorWrites, Dataset<Row> principalWrites) {}

  /** Rows of a small comparison ({@link Baselines#compare}), collected, with their schema. */
  private record Rows(StructType schema, List<Row> rows) {
    static Rows of(Dataset<Row> compared) {
      return new Rows(compared.schema(), compared.collectAsList());
    }

    /** The rows a MERGE must write, as a local Dataset (no job to compute it again). */
    Dataset<Row> needingWrite(SparkSession spark) {
      return spark.createDataFrame(rows.stream().filter(r -> r.<Boolean>getAs("needs_write")).toList(), schema);
    }
  }

  /** The files a run reads, per event hour (the run's own hour first), and the odd objects met while planning. */
  private record FileSelection(Hour hour, TreeMap<Hour, List<LogFile>> byEventHour, List<QuarantineEntry> rejected,
      Set<String> rerunBusinessUnits) {
    /**
     * The ledger rows this run adds: every file it reads, for its event hour, except those of
     * business units it reruns (their rows are the ledger's already).
     */
    List<IngestedFile> toRecord() {
      List<IngestedFile> out = new ArrayList<>();
      byEventHour.forEach((h, files) -> files.stream().filter(f -> !rerunBusinessUnits.contains(f.businessUnit()))
          .forEach(f -> out.add(new IngestedFile(f, h.start(), hour.start(), !h.equals(hour)))));
      return out;
    }

    String describe() {
      long late = byEventHour.entrySet().stream().filter(e -> !e.getKey().equals(hour))
          .mapToLong(e -> e.getValue().size()).sum();
      return byEventHour.get(hour).size() + " files" + (late > 0 ? " + " + late + " late files of earlier hours" : "")
          + (rerunBusinessUnits.isEmpty() ? "" : " (rerun for " + String.join(", ", rerunBusinessUnits)
              + ": the files the first run read)");
    }
  }

  private static String runId(String command) {
    return command + "-" + Instant.now().toString().replace(":", "").replace("-", "") + "-"
        + UUID.randomUUID().toString().substring(0, 8);
  }
}
