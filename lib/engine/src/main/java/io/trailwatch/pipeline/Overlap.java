package io.trailwatch.pipeline;

import io.trailwatch.accounts.Account;
import io.trailwatch.alerting.Alert;
import io.trailwatch.core.BehaviorKey;
import io.trailwatch.core.Hour;
import io.trailwatch.core.PrincipalKey;
import io.trailwatch.detect.CoverageView;
import io.trailwatch.detect.Peers;
import io.trailwatch.detect.PrincipalRows;
import io.trailwatch.detect.SilentTrails;
import io.trailwatch.detect.StateView;
import io.trailwatch.dimensions.Dimension;
import io.trailwatch.ingest.LogFile;
import io.trailwatch.ingest.LogPlanner;
import io.trailwatch.policy.History;
import io.trailwatch.state.CoverageTable;
import io.trailwatch.state.IngestedFile;
import io.trailwatch.state.StateStore;
import io.trailwatch.state.Tables;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Future;
import org.apache.spark.SparkContext;

/**
 * Everything a detect run does beside its stages, in one place: the tables are checked, the logs
 * listed, the hour's planned files read (the read ahead), and the ledgers, history and recorded
 * alerts loaded, all at once on other threads, while {@link Pipeline#detect} runs its stages
 * one after the other on plain values it takes from here. It answers the hour's decision as the
 * {@link StateView} of the Delta tables as of the detect hour (both tables queried at once).
 * A getter blocks until its value is there, and rethrows its failure. Closing cancels what is
 * still running and, when the run got that far without an error, fails with the first failure of
 * any background step: none is lost.
 */
final class Overlap implements StateView, AutoCloseable {
  /** What a detect run prefetches for: its business units' accounts, the hour, and how far back files count. */
  record Scope(List<Account> accounts, List<String> businessUnits, Hour hour, Instant lateFrom, Duration deliveryLag,
      Set<Dimension> dimensions, int retentionDays, int watchDays, boolean ledger,
      Optional<SilentTrails> silentTrails) {}

  private final Background background = new Background();
  private final List<Future<?>> all = new ArrayList<>();
  private final List<Future<?>> started = new ArrayList<>();
  /** Failures the stages received (compared by identity: one exception object, thrown once). */
  private final Set<Throwable> delivered = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
  private final Map<String, Future<?>> tables = new HashMap<>();
  private final StateStore state;
  private final HourReader reader;
  private final Scope scope;
  private final Future<LogPlanner.Plan> plan;
  private final Future<List<IngestedFile>> ingested;
  private final Future<Map<Instant, Set<String>>> detected;
  private final Future<PrincipalRows> principalRows;
  private final Future<Map<Dimension, Map<String, Instant>>> dimensionStarts;
  private final Future<List<Alert>> recorded;
  private final Future<io.trailwatch.verdict.Verdicts> verdicts;
  private final ReadAhead<HourRead> ahead;
  private final Future<java.util.Optional<CoverageTable.Reads>> coverage;
  private final Future<Boolean> coverageHoldsHour;

  Overlap(SparkContext spark, StateStore state, LogPlanner planner, HourReader reader, Scope scope) {
    this.state = state;
    this.reader = reader;
    this.scope = scope;
    List<String> bus = scope.businessUnits();
    Hour hour = scope.hour();
    // Each table is checked (created on first use) on its own thread; each load waits for the table it reads.
    Tables.ALL.forEach(t -> tables.put(t, track(background.submit(() -> state.ensureTable(t)))));
    plan = track(background.submit(() -> planner.plan(scope.accounts(), scope.lateFrom(),
        hour.end().plus(scope.deliveryLag()))));
    ahead = ReadAhead.start(spark, background, track(background.after(plan,
        () -> FileSelection.filesOf(Background.get(plan), hour, scope.deliveryLag()))),
        files -> reader.read(hour, files));
    ingested = track(background.after(tables.get(Tables.INGESTED_FILES),
        () -> state.ingestedFiles().rows(bus, scope.lateFrom(), hour.end())));
    detected = track(background.after(tables.get(Tables.RUNS),
        () -> state.runs().detectedHours(bus, scope.lateFrom(), hour.start())));
    // What only behaviours need (the principals, the compared tables' snapshots and file lists) is
    // loaded once the logs list some file: an hour without files costs none of it.
    principalRows = track(background.after(tables.get(Tables.PRINCIPALS), () -> someFile()
        ? state.principals().rows(bus) : PrincipalRows.NONE));
    track(background.after(principalRows, () -> prepareMergeIfFiles(Tables.PRINCIPALS)));
    dimensionStarts = track(background.after(tables.get(Tables.BASELINE), () -> someFile()
        ? state.baseline().dimensionStarts(bus, scope.dimensions(), hour.start()) : Map.of()));
    recorded = track(background.after(tables.get(Tables.ALERTS), () -> state.alerts().recorded(bus, hour.start())));
    verdicts = track(background.after(tables.get(Tables.VERDICTS), () -> new io.trailwatch.verdict.Verdicts(
        state.verdicts().all(bus), scope.watchDays())));
    // The coverage ledger as the silent-trail rule reads it (also in an hour without files: that is
    // a silence), and whether it holds rows of this hour: at most two queries, for all business units.
    coverage = track(background.after(tables.get(Tables.COVERAGE), () -> scope.silentTrails().map(rule ->
        state.coverage().reads(bus, hour.start(), rule.windows(hour), rule.minHistoryHours()))));
    coverageHoldsHour = track(background.after(coverage, () -> scope.ledger() && someFile()
        && Background.get(coverage).map(CoverageTable.Reads::holdsDetectHour)
            .orElseGet(() -> state.coverage().holdsDetectHour(bus, hour.start()))));
    track(background.after(tables.get(Tables.BASELINE), () -> prepareIfFiles(Tables.BASELINE)));
  }

  /** Whether the listing found any file (of the hour, or late): waits for the listing (on a background step). */
  private boolean someFile() {
    return !Background.get(plan).files().isEmpty();
  }

  private Void prepareMergeIfFiles(String table) {
    if (someFile()) {
      state.prepareMerge(table);
    }
    return null;
  }

  private Void prepareIfFiles(String table) {
    if (someFile()) {
      state.prepare(table, scope.businessUnits());
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

  /** An event hour's files read: the read ahead's result for the run's own hour if it read {@code files}. */
  HourRead read(Hour eventHour, List<LogFile> files) {
    return eventHour.equals(scope.hour()) ? ahead.take(files, f -> reader.read(eventHour, f))
        : reader.read(eventHour, files);
  }

  /** The stored rows of an hour's keys (once every table is checked): the baseline's, and the principals read ahead. */
  @Override
  public Rows stored(List<BehaviorKey> behaviors, List<PrincipalKey> principals) {
    tablesReady();
    return new Rows(state.baseline().stored(scope.businessUnits(), behaviors), get(principalRows).stored(principals));
  }

  /** The memory of expired behaviours' last sightings of these keys. */
  @Override
  public Map<BehaviorKey, Instant> expiredLastSeen(List<BehaviorKey> behaviors) {
    tablesReady();
    return state.expiredBehaviors().lastSeen(scope.businessUnits(), behaviors);
  }

  /** How much history the state holds, per business unit and dimension. */
  @Override
  public History history() {
    return new History(get(principalRows).historyStart(scope.hour().start()), get(dimensionStarts));
  }

  /** The peers' counts as of the detect hour: the baseline's holders, and the principals' types from the rows read ahead. */
  @Override
  public PeerCounts peers(List<Peers.Key> keys) {
    Instant asOf = scope.hour().start();
    return new PeerCounts(state.baseline().holders(scope.businessUnits(), keys, asOf),
        get(principalRows).countsByType(asOf, scope.retentionDays()));
  }

  /** The coverage ledger of a business unit as runs before this hour stored it, once its table is checked. */
  CoverageView coverage(String businessUnit) {
    CoverageView ledger = state.coverage().view(List.of(businessUnit), scope.hour().start());
    CoverageView.Answers answers = get(coverage).map(r -> r.answers().get(businessUnit)).orElse(null);
    return answers == null ? ledger : scope.silentTrails().orElseThrow().prefetched(ledger, scope.hour(), answers);
  }

  /** Whether the coverage ledger already holds rows of this detect hour (a rerun): its rows then MERGE, else append. */
  boolean coverageHoldsHour() {
    return get(coverageHoldsHour);
  }

  @Override
  public List<Alert> recordedAlerts() {
    return get(recorded);
  }

  @Override
  public io.trailwatch.verdict.Verdicts verdicts() {
    return get(verdicts);
  }

  /** Waits until every table exists and has the columns this version needs. */
  private void tablesReady() {
    tables.values().forEach(this::get);
  }


  /**
   * Starts writes to different tables (separate Delta commits, one writer per table) beside the
   * stages, once every table is checked; {@link #written} waits for them.
   */
  void startWrites(List<Runnable> writes) {
    tablesReady();
    writes.forEach(w -> started.add(track(background.submit(w))));
  }

  /** Waits for every write started; rethrows the first failure, with the others suppressed in it. */
  void written() {
    try {
      Background.await(started);
    } catch (RuntimeException e) {
      throw delivered(e);
    }
  }

  @Override
  public void close() {
    ahead.drop();
    background.close();
    // Reached only after the stages (or with their exception, to which this one is added as
    // suppressed): a failure the stages already received is not thrown again.
    for (Future<?> f : all) {
      try {
        Background.get(f);
      } catch (RuntimeException e) {
        if (!wasDelivered(e)) {
          throw e;
        }
      }
    }
  }

  /** Notes that the stages received {@code e} (and what is suppressed in it), and returns it. */
  private RuntimeException delivered(RuntimeException e) {
    synchronized (delivered) {
      delivered.add(e);
      delivered.addAll(List.of(e.getSuppressed()));
    }
    return e;
  }

  private boolean wasDelivered(Throwable e) {
    synchronized (delivered) {
      return delivered.contains(e);
    }
  }

  private <T> Future<T> track(Future<T> f) {
    all.add(f);
    return f;
  }

  /** A background value for the stages; its failure is noted as received ({@link #close} does not throw it again). */
  private <T> T get(Future<T> f) {
    try {
      return Background.get(f);
    } catch (RuntimeException e) {
      throw delivered(e);
    }
  }
}
