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
import io.trailwatch.ingest.Account;
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
import io.trailwatch.state.StateStore;
import io.trailwatch.state.Tables;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

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
   */
  public RunSummary detect(Hour hour, List<Account> accounts) {
    long t0 = System.nanoTime();
    String runId = runId("detect");
    List<String> bus = businessUnits(accounts);
    state.ensureTables();

    FileSelection selection = selectFiles(hour, accounts, bus);
    progress.step("hour " + hour + ": " + selection.describe());
    Map<String, Instant> history = state.historyStart(bus, hour.start());
    List<Section> sections = new ArrayList<>();
    for (Map.Entry<Hour, List<LogFile>> e : selection.byEventHour().entrySet()) {
      sections.add(examine(e.getKey(), e.getValue(), hour, bus, history));
    }
    List<Alert> found = sections.stream().flatMap(x -> x.decision().alerts().stream()).toList();

    state.recordAlerts(found, bus, runId);
    for (Section x : sections) {
      mergeState(x.compared(), x.seen(), bus, hour.start());
    }
    List<Alert> alerts = state.alerts(bus, hour.start());
    progress.step(alerts.size() + " alerts recorded, baseline merged");

    RunSummary summary = summarize(runId, "detect", bus, Window.of(hour), selection.rejected(), sections, alerts, t0);
    state.recordIngested(selection.ingested(hour), bus, runId);
    finish(summary, selection.rejected(), sections);
    sections.forEach(Section::release);
    return summary;
  }

  /**
   * The files of one run. For a business unit that this hour's run already read, exactly the
   * files its ledger rows name (a rerun reads the same files). Otherwise, the hour's planned
   * files, plus the files of earlier hours (that had a run) which the ledger does not hold for
   * that hour: delivered after that run.
   */
  private FileSelection selectFiles(Hour hour, List<Account> accounts, List<String> bus) {
    Instant from = hour.start().minus(Duration.ofHours(cfg.ingest().lateFileHours()));
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
    List<Account> fresh = accounts.stream().filter(a -> !rerun.contains(a.businessUnit())).toList();
    if (fresh.isEmpty()) {
      return new FileSelection(hour, byHour, List.of(), rerun);
    }
    LogPlanner.Plan plan = planner.plan(fresh, from, hour.end().plus(deliveryLag()));
    byHour.get(hour).addAll(filesOf(plan, hour));
    Set<String> done = new HashSet<>();
    recorded.forEach(i -> done.add(i.file().uri() + "@" + i.eventHour()));
    for (Instant earlier : state.detectedHours(businessUnits(fresh), from, hour.start())) {
      Hour p = new Hour(earlier);
      List<LogFile> late = filesOf(plan, p).stream().filter(f -> !done.contains(f.uri() + "@" + p.start())).toList();
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

  /** Reads one event hour's files, reduces them to behaviours, compares with the baseline as of the run, and decides. */
  private Section examine(Hour eventHour, List<LogFile> files, Hour detectHour, List<String> bus,
      Map<String, Instant> history) {
    CloudTrailReader.Read read = CloudTrailReader.read(spark, files, Window.of(eventHour), parserSettings(), opener);
    Dataset<Row> seen = Behaviors.withContext(read, cfg.alerts().maxContextValues(), cfg.alerts().sampleEventIds())
        .cache();
    Totals totals = Totals.of(seen);
    CloudTrailReader.ReadStats stats = read.stats();
    Dataset<Row> compared = Baselines.compare(seen, state.of(Tables.BASELINE, bus),
        Behaviors.KEY, detectHour.start()).cache();
    List<Candidate> candidates = Baselines.collect(Baselines.candidates(compared,
        state.of(Tables.PRINCIPALS, bus), detectHour.start(), anyActivityTypes()));
    long newBehaviors = candidates.stream().filter(c -> !c.known()).count();
    Policy.Decision decision = policy().decide(candidates, eventHour, detectHour, history);
    progress.step((eventHour.equals(detectHour) ? "" : "late files for " + eventHour + ": ") + files.size()
        + " files, " + stats.records() + " records (" + stats.inWindow() + " in the hour), " + totals.behaviors()
        + " behaviours, " + newBehaviors + " new, " + decision.alerts().size() + " alerts"
        + (decision.quiet().isEmpty() ? "" : ", quiet " + decision.quiet()));
    return new Section(eventHour, files, stats, totals, seen, compared, newBehaviors, decision);
  }

  /** Builds (or extends) the baseline from every event in [from, to), in one pass. */
  public RunSummary buildBaseline(Window window, List<Account> accounts) {
    long t0 = System.nanoTime();
    String runId = runId("baseline");
    List<String> bus = businessUnits(accounts);
    state.ensureTables();

    LogPlanner.Plan plan = planner.plan(accounts, window.from(), window.to().plus(deliveryLag()));
    progress.step("planned " + plan.files().size() + " files for " + accounts.size() + " accounts, "
        + window.from() + " .. " + window.to());
    CloudTrailReader.Read read = CloudTrailReader.read(spark, plan.files(), window, parserSettings(), opener);
    Dataset<Row> seen = Behaviors.counted(read).cache();
    Totals totals = Totals.of(seen);
    CloudTrailReader.ReadStats stats = read.stats();
    progress.step("read " + stats.records() + " records (" + stats.inWindow() + " in range), " + totals.behaviors()
        + " behaviours");

    Dataset<Row> compared = Baselines.compare(seen, state.of(Tables.BASELINE, bus), Behaviors.KEY, window.from());
    mergeState(compared, seen, bus, window.from());
    progress.step("baseline merged");

    Section all = new Section(null, plan.files(), stats, totals, seen, compared, 0,
        new Policy.Decision(List.of(), Map.of()));
    RunSummary summary = summarize(runId, "baseline", bus, window, plan.rejected(), List.of(all), List.of(), t0);
    finish(summary, plan.rejected(), List.of(all));
    all.release();
    return summary;
  }

  /** MERGEs what changed into the baseline and the principals; a table with nothing to change is not touched. */
  private void mergeState(Dataset<Row> compared, Dataset<Row> seen, List<String> bus, Instant asOf) {
    Dataset<Row> behaviors = compared.filter(col("needs_write"));
    if (!behaviors.isEmpty()) {
      state.mergeBaseline(behaviors, bus, cfg.baseline().retentionDays());
    }
    Dataset<Row> principals = Baselines.compare(Behaviors.principals(seen), state.of(Tables.PRINCIPALS, bus),
        Behaviors.PRINCIPAL_KEY, asOf).filter(col("needs_write"));
    if (!principals.isEmpty()) {
      state.mergePrincipals(principals, bus);
    }
  }

  /** Sizes of an hour's (or range's) behaviours, computed in the one job that also fills the cache. */
  private record Totals(long behaviors, long events, long principals) {
    static Totals of(Dataset<Row> seen) {
      Row r = seen.agg(count(lit(1)), sum("events"), countDistinct(col("business_unit"), col("account_id"),
          col("principal"))).first();
      return new Totals(r.getLong(0), r.isNullAt(1) ? 0 : r.getLong(1), r.getLong(2));
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

  private void finish(RunSummary s, List<QuarantineEntry> rejected, List<Section> sections) {
    List<QuarantineEntry> all = new ArrayList<>(rejected);
    sections.forEach(x -> all.addAll(x.stats().quarantine()));
    state.recordQuarantine(all, s.businessUnits(), s.runId(), s.windowFrom());
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
        cfg.identity().humanRolePatterns());
  }

  private Duration deliveryLag() {
    return Duration.ofMinutes(cfg.ingest().deliveryLagMinutes());
  }

  private static List<String> businessUnits(List<Account> accounts) {
    return accounts.stream().map(Account::businessUnit).distinct().sorted().toList();
  }

  /** One event hour of a run: what was read, and what the policy made of it. */
  private record Section(Hour eventHour, List<LogFile> files, CloudTrailReader.ReadStats stats, Totals totals,
      Dataset<Row> seen, Dataset<Row> compared, long newBehaviors, Policy.Decision decision) {
    void release() {
      compared.unpersist();
      seen.unpersist();
    }
  }

  /** The files a run reads, per event hour (the run's own hour first), and the odd objects met while planning. */
  private record FileSelection(Hour hour, TreeMap<Hour, List<LogFile>> byEventHour, List<QuarantineEntry> rejected,
      Set<String> rerunBusinessUnits) {
    List<IngestedFile> ingested(Hour detectHour) {
      List<IngestedFile> out = new ArrayList<>();
      byEventHour.forEach((h, files) -> files.forEach(f -> out.add(new IngestedFile(f, h.start(), detectHour.start(),
          !h.equals(detectHour)))));
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
