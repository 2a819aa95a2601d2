package io.trailwatch.pipeline;

import static io.trailwatch.pipeline.RunParts.businessUnits;
import static io.trailwatch.pipeline.RunParts.quarantine;
import static io.trailwatch.pipeline.RunParts.runId;
import static io.trailwatch.pipeline.RunParts.summarize;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;

import io.trailwatch.accounts.Account;
import io.trailwatch.config.TrailwatchConfig;
import io.trailwatch.core.RunKind;
import io.trailwatch.core.RunSummary;
import io.trailwatch.core.Window;
import io.trailwatch.detect.Behaviors;
import io.trailwatch.detect.DimensionValues;
import io.trailwatch.ingest.CloudTrailReader;
import io.trailwatch.ingest.LogOpener;
import io.trailwatch.ingest.LogPlanner;
import io.trailwatch.ingest.ParserSettings;
import io.trailwatch.ingest.QuarantineEntry;
import io.trailwatch.pipeline.RunParts.Part;
import io.trailwatch.pipeline.RunParts.Totals;
import io.trailwatch.state.StateStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * The baseline build ({@link Pipeline#buildBaseline}, {@link Pipeline#rebuildBaseline}): a range
 * of history cut into chunks ({@link BaselineBuild}), each read inside Spark, compared and merged
 * into the baseline and principals (or, for a rebuild's first chunk, replacing the accounts'
 * rows), then recorded in the run ledger.
 */
final class BaselineBuilder {
  private final SparkSession spark;
  private final TrailwatchConfig cfg;
  private final LogPlanner planner;
  private final LogOpener opener;
  private final StateStore state;
  private final Progress progress;
  private final Clock clock;
  private final Optional<Mirroring> mirror;

  BaselineBuilder(SparkSession spark, TrailwatchConfig cfg, LogPlanner planner, LogOpener opener, StateStore state,
      Progress progress, Clock clock, Optional<Mirroring> mirror) {
    this.spark = spark;
    this.cfg = cfg;
    this.planner = planner;
    this.opener = opener;
    this.state = state;
    this.progress = progress;
    this.clock = clock;
    this.mirror = mirror;
  }

  /** The stages of a baseline build: cut into chunks, skip those done, build each of the others, add up. */
  RunSummary build(Window window, List<Account> accounts, boolean replace) {
    Instant started = clock.instant();
    List<String> bus = businessUnits(accounts);
    progress.step("gzip: " + CloudTrailReader.gunzipLibrary(ParserSettings.of(cfg)));
    state.ensureTables();
    BaselineBuild build = BaselineBuild.of(window, accounts, replace, cfg.baseline().buildChunkDays());
    Map<BaselineBuild.Chunk, String> done = build.done(state.runs().buildChunks(build.id()));
    progress.step("baseline " + build.id() + ": " + build.chunks().size() + " chunks of up to "
        + cfg.baseline().buildChunkDays() + " days, " + window.from() + " .. " + window.to()
        + (done.isEmpty() ? "" : ", " + done.size() + " done already"));
    List<ChunkResult> results = new ArrayList<>();
    try {
      for (BaselineBuild.Chunk c : build.chunks()) {
        String by = done.get(c);
        if (by != null) {
          progress.step(c.describe() + " already built (run " + by + "), skipped");
          continue;
        }
        results.add(buildChunk(build, c, accounts, bus, replace && c.index() == 0, build.chunks().size() > 1));
      }
    } catch (RuntimeException e) {
      unpersistKeys(results);
      throw e;
    }
    List<Part> parts = results.stream().map(ChunkResult::part).toList();
    List<QuarantineEntry> rejected = results.stream().flatMap(r -> r.rejected().stream()).toList();
    // The build's id: the runs table holds one row per chunk, each naming it in build.
    RunSummary summary = summarize(build.id(), RunKind.BASELINE, accounts, window, rejected, parts, List.of(),
        started, clock);
    if (results.size() < 2) {
      unpersistKeys(results);
      return summary;
    }
    return distinctAcross(summary, results);
  }

  private static void unpersistKeys(List<ChunkResult> results) {
    results.stream().map(ChunkResult::keys).filter(java.util.Objects::nonNull).forEach(Dataset::unpersist);
  }

  /**
   * What one chunk of a build read, what planning rejected for it (counted in the build's
   * summary), and the keys of the behaviours it saw (cached; none when it is the build's only chunk).
   */
  private record ChunkResult(Part part, List<QuarantineEntry> rejected, Dataset<Row> keys) {}

  /**
   * The build's summary counting each principal and behaviour once, however many of its chunks
   * saw it (a sum of the chunks' counts would count a daily behaviour once per chunk); then lets
   * the chunks' keys go.
   */
  private static RunSummary distinctAcross(RunSummary summary, List<ChunkResult> results) {
    try {
      Dataset<Row> all = results.stream().map(ChunkResult::keys).reduce(Dataset::union).orElseThrow();
      // As a chunk counts them (Totals): every distinct key row a behaviour, principals by countDistinct.
      long behaviors = all.distinct().count();
      long principals = all.agg(countDistinct(col(Behaviors.PRINCIPAL_KEY[0]), principalColumns())).first().getLong(0);
      return summary.withDistinct(principals, behaviors);
    } finally {
      unpersistKeys(results);
    }
  }

  private static Column[] keyColumns() {
    return java.util.Arrays.stream(Behaviors.KEY).map(functions::col).toArray(Column[]::new);
  }

  private static Column[] principalColumns() {
    return java.util.Arrays.stream(Behaviors.PRINCIPAL_KEY, 1, Behaviors.PRINCIPAL_KEY.length).map(functions::col)
        .toArray(Column[]::new);
  }

  /**
   * One chunk of a build: plan, read (kept in Spark: history is large), compare and merge (or,
   * for a rebuild's first chunk, replace), then record it as a completed baseline run of the
   * chunk's window, last: a chunk counts as done only once both tables hold it.
   */
  private ChunkResult buildChunk(BaselineBuild build, BaselineBuild.Chunk chunk, List<Account> accounts,
      List<String> bus, boolean replace, boolean keepKeys) {
    Instant started = clock.instant();
    String runId = runId(RunKind.BASELINE, started);
    Window window = chunk.window();
    LogPlanner.Plan plan = planner.plan(accounts, window.from(), window.to().plus(Duration.ofMinutes(cfg.ingest().deliveryLagMinutes())));
    progress.step(chunk.describe() + ": planned " + plan.files().size() + " files for " + accounts.size()
        + " accounts, " + window.from() + " .. " + window.to());
    CloudTrailReader.Read read = CloudTrailReader.read(spark, plan.files(), window, ParserSettings.of(cfg), opener);
    // History is large (every behaviour of every day): it stays in Spark, cached, not collected.
    Dataset<Row> seen = Behaviors.counted(read, DimensionValues.of(cfg.baseline())).cache();
    Dataset<Row> keys = null;
    try {
      Totals totals;
      try (ReadProgress p = ReadProgress.start(read, plan.files().size(), window, progress, Duration.ofSeconds(15))) {
        totals = Totals.of(seen);
      }
      // The chunk's behaviour keys, for the build's distinct counts: cached and counted now, while
      // the chunk's behaviours are cached (later they would be read again).
      if (keepKeys) {
        keys = seen.select(keyColumns()).persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
        keys.count();
      }
      CloudTrailReader.ReadStats stats = read.stats();
      progress.step(chunk.describe() + ": read " + stats.records() + " records (" + stats.inWindow() + " in range), "
          + totals.behaviors() + " behaviours");
      merge(seen, accounts, bus, replace);
      progress.step(chunk.describe() + (replace ? ": baseline and principals of " + accounts.size()
          + " accounts replaced" : ": baseline merged"));
      Part part = new Part(stats, totals, 0, Map.of(), Map.of());
      RunSummary summary = summarize(runId, RunKind.BASELINE, accounts, window, plan.rejected(), List.of(part),
          List.of(), started, clock);
      state.quarantine().record(quarantine(plan.rejected(), List.of(stats)), bus, runId, window.from());
      state.runs().record(summary, started, Pipeline.VERSION, build.id());
      return new ChunkResult(part, plan.rejected(), keys);
    } catch (RuntimeException e) {
      if (keys != null) {
        keys.unpersist();
      }
      throw e;
    } finally {
      seen.unpersist();
    }
  }

  /** A chunk's behaviours into both tables: merged, or replacing the accounts' rows (a rebuild's first chunk). */
  private void merge(Dataset<Row> seen, List<Account> accounts, List<String> bus, boolean replace) {
    long mirrorFrom = mirror.map(m -> m.before(bus)).orElse(0L);
    if (replace) {
      List<String> ids = accounts.stream().map(Account::id).toList();
      state.baseline().replace(seen, bus, ids, cfg.baseline().retentionDays());
      mirror.ifPresent(m -> m.afterReplace(bus, mirrorFrom));
      state.principals().replace(Behaviors.principals(seen), bus, ids);
    } else {
      state.baseline().mergeComputed(state.baseline().compare(seen, bus), bus, cfg.baseline().retentionDays());
      mirror.ifPresent(m -> m.after(bus, mirrorFrom));
      state.principals().mergeComputed(state.principals().compare(Behaviors.principals(seen), bus), bus);
    }
  }
}
