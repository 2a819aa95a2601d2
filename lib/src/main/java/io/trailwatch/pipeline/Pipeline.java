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
import io.trailwatch.ingest.LogOpener;
import io.trailwatch.ingest.LogPlanner;
import io.trailwatch.ingest.ParserSettings;
import io.trailwatch.ingest.QuarantineEntry;
import io.trailwatch.policy.AlertOn;
import io.trailwatch.policy.Candidate;
import io.trailwatch.policy.Policy;
import io.trailwatch.state.StateStore;
import io.trailwatch.state.Tables;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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

  /** Detects new behaviour in one hour for some accounts, records it, and merges the hour into the baseline. */
  public RunSummary detect(Hour hour, List<Account> accounts) {
    long t0 = System.nanoTime();
    String runId = runId("detect");
    List<String> bus = businessUnits(accounts);
    state.ensureTables();

    LogPlanner.Plan plan = planner.plan(accounts, hour.start(), hour.end().plus(deliveryLag()));
    progress.step("planned " + plan.files().size() + " files for " + accounts.size() + " accounts, hour " + hour);
    CloudTrailReader.Read read = CloudTrailReader.read(spark, plan.files(), Window.of(hour), parserSettings(), opener);
    Dataset<Row> seen = Behaviors.withContext(read, cfg.alerts().maxContextValues(), cfg.alerts().sampleEventIds())
        .cache();
    Totals totals = Totals.of(seen);
    CloudTrailReader.ReadStats stats = read.stats();
    progress.step("read " + stats.records() + " records (" + stats.inWindow() + " in the hour), " + totals.behaviors()
        + " behaviours");

    Dataset<Row> compared = Baselines.compare(seen, state.of(Tables.BASELINE, bus), Behaviors.KEY, hour.start())
        .cache();
    List<Candidate> candidates = Baselines.collect(
        Baselines.candidates(compared, state.of(Tables.PRINCIPALS, bus), hour.start(), anyActivityTypes()));
    long newBehaviors = candidates.stream().filter(c -> !c.known()).count();
    Policy.Decision decision = policy().decide(candidates, hour, state.historyStart(bus, hour.start()), false);
    progress.step(newBehaviors + " new behaviours, " + decision.alerts().size() + " alerts " + decision.quiet());

    state.recordAlerts(decision.alerts(), bus, runId);
    mergeState(compared, seen, bus, hour.start());
    List<Alert> alerts = state.alerts(bus, hour.start(), hour.end());
    progress.step("alerts recorded, baseline merged");

    RunSummary summary = summarize(runId, "detect", bus, Window.of(hour), plan, stats, totals, newBehaviors,
        alerts, decision.quiet(), t0);
    finish(summary, plan, stats);
    compared.unpersist();
    seen.unpersist();
    return summary;
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

    RunSummary summary = summarize(runId, "baseline", bus, window, plan, stats, totals, 0, List.of(), Map.of(), t0);
    finish(summary, plan, stats);
    seen.unpersist();
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

  private RunSummary summarize(String runId, String command, List<String> bus, Window window, LogPlanner.Plan plan,
      CloudTrailReader.ReadStats stats, Totals totals, long newBehaviors, List<Alert> alerts,
      Map<Policy.Quiet, Integer> quiet, long t0) {
    return new RunSummary(runId, command, bus, window.from(), window.to(), stats.files(),
        stats.quarantinedFiles() + plan.rejected().size(), stats.bytes(), stats.records(), stats.inWindow(),
        stats.quarantinedRecords(), stats.inWindow() - totals.events(), totals.principals(), totals.behaviors(),
        newBehaviors, alerts, quiet, (System.nanoTime() - t0) / 1e9);
  }

  private void finish(RunSummary s, LogPlanner.Plan plan, CloudTrailReader.ReadStats stats) {
    List<QuarantineEntry> rejected = new ArrayList<>(plan.rejected());
    rejected.addAll(stats.quarantine());
    state.recordQuarantine(rejected, s.businessUnits(), s.runId(), s.windowFrom());
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

  private static String runId(String command) {
    return command + "-" + Instant.now().toString().replace(":", "").replace("-", "") + "-"
        + UUID.randomUUID().toString().substring(0, 8);
  }
}
