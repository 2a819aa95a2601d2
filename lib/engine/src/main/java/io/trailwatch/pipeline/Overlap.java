package io.trailwatch.pipeline;

import io.trailwatch.alerting.Alert;
import io.trailwatch.core.Hour;
import io.trailwatch.dimensions.Dimension;
import io.trailwatch.policy.History;
import io.trailwatch.ingest.LogFile;
import io.trailwatch.ingest.LogPlanner;
import io.trailwatch.state.IngestedFile;
import io.trailwatch.state.StateStore;
import io.trailwatch.state.Tables;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.spark.SparkContext;

/**
 * Everything a detect run does beside its stages, in one place: the tables are checked, the logs
 * listed, the hour's planned files read (the read ahead), and the ledgers, history and recorded
 * alerts loaded, all at once on other threads, while {@link Pipeline#detect} runs its stages
 * one after the other on plain values it takes from here. A getter blocks until its value is
 * there, and rethrows its failure. Closing cancels what is still running and, when the run got
 * that far without an error, fails with the first failure of any background step: none is lost.
 */
final class Overlap implements AutoCloseable {
  private final Background background = new Background();
  private final List<Future<?>> all = new ArrayList<>();
  private final Map<String, Future<?>> tables = new HashMap<>();
  private final Future<LogPlanner.Plan> plan;
  private final Future<List<IngestedFile>> ingested;
  private final Future<Map<Instant, Set<String>>> detected;
  private final Future<Map<String, Instant>> history;
  private final Future<Map<Dimension, Map<String, Instant>>> dimensionStarts;
  private final Future<List<Alert>> recorded;
  private final ReadAhead<Pipeline.HourRead> ahead;

  /**
   * @param listing lists the logs of the run's accounts (from the late-file start to the hour's end plus the lag)
   * @param hourFiles the planned files of the run's own hour
   * @param read reads and reduces files of the run's own hour
   */
  Overlap(SparkContext spark, StateStore state, List<String> businessUnits, Set<Dimension> dimensions, Hour hour,
      Instant lateFrom, Supplier<LogPlanner.Plan> listing, Function<LogPlanner.Plan, List<LogFile>> hourFiles,
      Function<List<LogFile>, Pipeline.HourRead> read) {
    // Each table is checked (created on first use) on its own thread; each load waits for the table it reads.
    Tables.ALL.forEach(t -> tables.put(t, track(background.submit(() -> state.ensureTable(t)))));
    plan = track(background.submit(listing::get));
    ahead = ReadAhead.start(spark, background, track(background.after(plan, () -> hourFiles.apply(get(plan)))),
        read);
    ingested = track(background.after(tables.get(Tables.INGESTED_FILES),
        () -> state.ingested(businessUnits, lateFrom, hour.end())));
    detected = track(background.after(tables.get(Tables.RUNS),
        () -> state.detectedHours(businessUnits, lateFrom, hour.start())));
    // What only behaviours need (history for the policy, the compared tables' snapshots and file
    // lists) is loaded once the logs list some file: an hour without files costs none of it.
    history = track(background.after(tables.get(Tables.PRINCIPALS), () -> someFile()
        ? state.historyStart(businessUnits, hour.start()) : Map.of()));
    dimensionStarts = track(background.after(tables.get(Tables.BASELINE), () -> someFile()
        ? state.baseline().dimensionStarts(businessUnits, dimensions, hour.start()) : Map.of()));
    recorded = track(background.after(tables.get(Tables.ALERTS), () -> state.alerts(businessUnits, hour.start())));
    track(background.after(tables.get(Tables.BASELINE), () -> prepareIfFiles(state, Tables.BASELINE, businessUnits)));
    track(background.after(tables.get(Tables.PRINCIPALS), () -> prepareIfFiles(state, Tables.PRINCIPALS,
        businessUnits)));
  }

  /** Whether the listing found any file (of the hour, or late): waits for the listing. */
  private boolean someFile() {
    return !get(plan).files().isEmpty();
  }

  private Void prepareIfFiles(StateStore state, String table, List<String> businessUnits) {
    if (someFile()) {
      state.prepare(table, businessUnits);
    }
    return null;
  }

  LogPlanner.Plan plan() {
    return get(plan);
  }

  List<IngestedFile> ingested() {
    return get(ingested);
  }

  Map<Instant, Set<String>> detectedHours() {
    return get(detected);
  }

  /** How much history the state holds, per business unit and dimension. */
  History history() {
    return new History(get(history), get(dimensionStarts));
  }

  List<Alert> recordedAlerts() {
    return get(recorded);
  }

  /** Waits until every table exists and has the columns this version needs. */
  void tablesReady() {
    tables.values().forEach(Overlap::get);
  }

  /** The run's own hour read: the read ahead's result if it read {@code wanted}, else a new read. */
  Pipeline.HourRead readOwnHour(List<LogFile> wanted, Function<List<LogFile>, Pipeline.HourRead> read) {
    return ahead.take(wanted, read);
  }

  /** Two independent steps at once: {@code first} on another thread, {@code second} on this one. */
  <A, B> Both<A, B> both(Supplier<A> first, Supplier<B> second) {
    Future<A> a = background.submit(first::get);
    B b = second.get();
    return new Both<>(get(a), b);
  }

  record Both<A, B>(A first, B second) {}

  /** Writes to different tables side by side (separate Delta commits); rethrows the first failure. */
  void sideBySide(List<Runnable> writes) {
    tablesReady();
    background.all(writes);
  }

  @Override
  public void close() {
    ahead.drop();
    background.close();
    // Reached only after the stages (or with their exception, to which this one is added as suppressed).
    all.forEach(Overlap::get);
  }

  private <T> Future<T> track(Future<T> f) {
    all.add(f);
    return f;
  }

  private static <T> T get(Future<T> f) {
    return Background.get(f);
  }
}
