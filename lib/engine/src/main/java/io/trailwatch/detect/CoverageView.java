package io.trailwatch.detect;

import java.time.Instant;
import java.util.List;

/**
 * What the silent-trail rule ({@link SilentTrails}) reads of the coverage ledger: the Delta table
 * ({@code state.CoverageTable}) in a run, a list in tests. Only rows stored by runs of hours before
 * the one being decided count: a rerun of an hour sees what its first run saw.
 */
public interface CoverageView {
  /** Distinct hours in [from, to) for which the ledger has any row: the hours the business unit was read. */
  long observedHours(Instant from, Instant to);

  /** Per account-region with any row in [from, to): its hours with events there, and its trail. */
  List<TrailRate> rates(Instant from, Instant to);

  /** The ledger's rows of [from, to), for the hours around a silence (few). */
  List<TrailHour> hours(Instant from, Instant to);

  /** Accounts with any row in [from, to). */
  java.util.Set<String> accounts(Instant from, Instant to);

  /** One account-region's delivery over a window. */
  record TrailRate(String accountId, String region, String trail, long hoursWithEvents) {}

  /**
   * The answers to the four reads the silent-trail rule makes for an hour ({@link
   * SilentTrails#windows}), read together: {@link #observedHours} and {@link #rates} over [from,
   * streakStart), {@link #accounts} over [from, hour), {@link #hours} over [recentFrom, end). The
   * last three are null when not read: a ledger with too few observed hours, on which the rule
   * reads nothing more.
   */
  record Answers(long observedHours, List<TrailRate> rates, java.util.Set<String> accounts, List<TrailHour> hours) {
    public Answers {
      rates = rates == null ? null : List.copyOf(rates);
      accounts = accounts == null ? null : java.util.Set.copyOf(accounts);
      hours = hours == null ? null : List.copyOf(hours);
    }

    /** Only the observed hours read. */
    public static Answers observedOnly(long observedHours) {
      return new Answers(observedHours, null, null, null);
    }
  }

  /** A view over rows in memory (tests, and the rule's own check of what one run read). */
  static CoverageView of(List<TrailHour> rows) {
    return new CoverageView() {
      private List<TrailHour> in(Instant from, Instant to) {
        return rows.stream().filter(r -> !r.hour().isBefore(from) && r.hour().isBefore(to)).toList();
      }

      @Override
      public long observedHours(Instant from, Instant to) {
        return in(from, to).stream().map(TrailHour::hour).distinct().count();
      }

      @Override
      public List<TrailRate> rates(Instant from, Instant to) {
        java.util.Map<String, java.util.Set<Instant>> active = new java.util.TreeMap<>();
        java.util.Map<String, TrailHour> any = new java.util.TreeMap<>();
        for (TrailHour r : in(from, to)) {
          String k = r.accountId() + "/" + r.region();
          any.putIfAbsent(k, r);
          java.util.Set<Instant> hs = active.computeIfAbsent(k, x -> new java.util.HashSet<>());
          if (r.events() > 0) {
            hs.add(r.hour());
          }
        }
        return any.entrySet().stream().map(e -> new TrailRate(e.getValue().accountId(), e.getValue().region(),
            e.getValue().trail(), active.get(e.getKey()).size())).toList();
      }

      @Override
      public List<TrailHour> hours(Instant from, Instant to) {
        return in(from, to);
      }

      @Override
      public java.util.Set<String> accounts(Instant from, Instant to) {
        return new java.util.TreeSet<>(in(from, to).stream().map(TrailHour::accountId).toList());
      }
    };
  }
}
