package io.trailwatch.pipeline;

import io.trailwatch.accounts.Account;
import io.trailwatch.alerting.Alert;
import io.trailwatch.config.TrailwatchConfig;
import io.trailwatch.core.Hour;
import io.trailwatch.detect.SilentTrails;
import io.trailwatch.detect.TrailHour;
import io.trailwatch.ingest.TrailRead;
import io.trailwatch.state.CoverageTable;
import io.trailwatch.state.StateStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The run's coverage stage (docs/coverage.md): what each account-region delivered, counted by the
 * read ({@link TrailRead}), judged by the silent-trail rule ({@link SilentTrails}) against the
 * coverage ledger, and stored in the ledger with the run's other tables. Not to be confused with
 * {@link Coverage}, which is about the hours the runs covered.
 */
final class TrailCoverage {
  /** One event hour's account-regions as the run read them. */
  record HourReads(Hour eventHour, List<TrailRead> reads) {}

  /** The coverage alerts of the run and the listed accounts that never delivered, over its business units. */
  record Result(List<Alert> alerts, List<String> neverDelivered) {
    static Result none() {
      return new Result(List.of(), List.of());
    }
  }

  private final StateStore state;
  private final TrailwatchConfig cfg;
  private final Progress progress;

  TrailCoverage(StateStore state, TrailwatchConfig cfg, Progress progress) {
    this.state = state;
    this.cfg = cfg;
    this.progress = progress;
  }

  /** The silent-trail rule, when the ledger is kept and the rule is on. */
  Optional<SilentTrails> rule() {
    return cfg.coverage().ledger() && cfg.coverage().silentTrails().enabled()
        ? Optional.of(new SilentTrails(cfg.coverage().silentTrails(), cfg.baseline().retentionDays()))
        : Optional.empty();
  }

  /** The silent-trail rule, per business unit, for the hour being detected. */
  Result decide(Hour hour, List<Account> accounts, List<HourReads> read,
      java.util.function.Function<String, io.trailwatch.detect.CoverageView> ledger) {
    Optional<SilentTrails> on = rule();
    if (on.isEmpty()) {
      return Result.none();
    }
    SilentTrails rule = on.get();
    List<Alert> alerts = new ArrayList<>();
    List<String> never = new ArrayList<>();
    for (String bu : RunParts.businessUnits(accounts)) {
      List<String> listed = accounts.stream().filter(a -> a.businessUnit().equals(bu)).map(Account::id).toList();
      List<TrailHour> mine = new ArrayList<>();
      for (HourReads h : read) {
        h.reads().stream().filter(t -> t.businessUnit().equals(bu)).forEach(t -> mine.add(new TrailHour(
            t.accountId(), t.region(), h.eventHour().start(), t.trail(), t.events(), t.tamper())));
      }
      SilentTrails.Result r = rule.decide(bu, hour, listed, ledger.apply(bu), mine);
      alerts.addAll(r.alerts());
      never.addAll(r.neverDelivered());
    }
    if (!alerts.isEmpty() || !never.isEmpty()) {
      progress.step("coverage: " + alerts.size() + " silent-trail alerts"
          + (never.isEmpty() ? "" : ", accounts that never delivered: " + never));
    }
    return new Result(alerts, never);
  }

  /**
   * Stores the run's ledger rows (a rerun of the hour replaces its own; {@code fresh}: the ledger
   * holds no row of this hour's runs yet, so they are appended).
   */
  void record(Hour hour, List<String> bus, List<HourReads> read, String runId, boolean fresh) {
    if (!cfg.coverage().ledger()) {
      return;
    }
    state.coverage().record(read.stream().map(h -> new CoverageTable.HourRows(h.eventHour().start(), h.reads()))
        .toList(), hour.start(), bus, runId, fresh);
  }
}
