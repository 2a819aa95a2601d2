package io.trailwatch.detect;

import io.trailwatch.alerting.Alert;
import io.trailwatch.config.SilentTrailsConfig;
import io.trailwatch.core.Hour;
import io.trailwatch.ingest.TamperCall;
import io.trailwatch.policy.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The silent-trail rule (docs/coverage.md), pure: over the coverage ledger ({@link CoverageView})
 * and what this run read, which account-regions that normally deliver have gone quiet. Each
 * account-region learns its own rate (its hours with events over the hours its business unit was
 * read); one that is watched and delivers nothing for {@code hours-in-a-row} hours raises one
 * alert, in the last of them. A whole account silent is one alert, more severe; every account of
 * an organisation trail silent at once is one alert for the trail; a logging-tamper call before
 * the silence names its principal and makes the alert critical.
 */
public final class SilentTrails {
  private static final Duration HOUR = Duration.ofHours(1);

  private final SilentTrailsConfig cfg;
  private final int windowDays;

  /** @param windowDays the days a rate is learnt over (the baseline's retention) */
  public SilentTrails(SilentTrailsConfig cfg, int windowDays) {
    this.cfg = cfg;
    this.windowDays = windowDays;
  }

  /**
   * @param alerts the coverage alerts of the hour
   * @param neverDelivered listed accounts without a single file in the window (an onboarding gap: reported, not alerted)
   * @param observedHours the hours of the window the ledger holds for the business unit
   */
  public record Result(List<Alert> alerts, List<String> neverDelivered, long observedHours) {
    public Result {
      alerts = List.copyOf(alerts);
      neverDelivered = List.copyOf(neverDelivered);
    }

    public static Result none() {
      return new Result(List.of(), List.of(), 0);
    }
  }

  /**
   * Decides one business unit's hour.
   *
   * @param listed the business unit's account ids
   * @param ledger what runs of earlier hours stored
   * @param read what this run read (the hour's rows, and late files' rows of earlier hours)
   */
  public Result decide(String businessUnit, Hour hour, List<String> listed, CoverageView ledger, List<TrailHour> read) {
    if (!cfg.enabled()) {
      return Result.none();
    }
    Instant h = hour.start();
    Windows w0 = windows(hour);
    Instant streakStart = w0.streakStart();
    Instant windowFrom = w0.from();
    long observed = ledger.observedHours(windowFrom, streakStart);
    if (observed < cfg.minHistoryHours()) {
      return new Result(List.of(), List.of(), observed);
    }
    Set<String> delivered = new TreeSet<>(ledger.accounts(windowFrom, h));
    read.forEach(r -> delivered.add(r.accountId()));
    List<String> never = listed.stream().filter(a -> !delivered.contains(a)).sorted().toList();

    List<TrailHour> recent = new ArrayList<>(ledger.hours(w0.recentFrom(), w0.end()));
    recent.addAll(read);
    Map<String, Watched> watched = new TreeMap<>();
    for (CoverageView.TrailRate r : ledger.rates(windowFrom, streakStart)) {
      double rate = (double) r.hoursWithEvents() / observed;
      if (rate >= cfg.minRate() && !cfg.quietAccounts().contains(r.accountId())
          && !cfg.quietRegions().contains(r.region())) {
        watched.computeIfAbsent(r.accountId(), a -> new Watched(a, r.trail())).rates.put(r.region(), rate);
      }
    }
    List<Silence> silences = new ArrayList<>();
    for (Watched w : watched.values()) {
      Set<String> silent = new TreeSet<>();
      for (String region : w.rates.keySet()) {
        boolean quiet = recent.stream().noneMatch(r -> r.accountId().equals(w.account) && r.region().equals(region)
            && r.events() > 0 && !r.hour().isBefore(streakStart));
        boolean before = recent.stream().anyMatch(r -> r.accountId().equals(w.account) && r.region().equals(region)
            && r.events() > 0 && r.hour().equals(streakStart.minus(HOUR)));
        if (quiet && before) {
          silent.add(region);
        }
      }
      if (!silent.isEmpty()) {
        boolean whole = silent.size() == w.rates.size() && recent.stream().noneMatch(r -> r.accountId().equals(w.account)
            && r.events() > 0 && !r.hour().isBefore(streakStart));
        double rate = silent.stream().mapToDouble(w.rates::get).min().orElse(0);
        silences.add(new Silence(w.account, w.trail, silent, whole, rate, tamper(recent, Set.of(w.account), streakStart)));
      }
    }
    List<Alert> alerts = new ArrayList<>();
    Map<String, List<Silence>> byTrail = new TreeMap<>();
    for (Silence s : silences) {
      if (s.whole && s.trail != null) {
        byTrail.computeIfAbsent(s.trail, t -> new ArrayList<>()).add(s);
      }
    }
    Set<String> inTrailAlert = new TreeSet<>();
    for (Map.Entry<String, List<Silence>> e : byTrail.entrySet()) {
      Set<String> trailAccounts = new TreeSet<>();
      watched.values().stream().filter(w -> e.getKey().equals(w.trail)).forEach(w -> trailAccounts.add(w.account));
      if (e.getValue().size() >= 2 && e.getValue().size() == trailAccounts.size()) {
        alerts.add(trailAlert(businessUnit, h, streakStart, e.getKey(), e.getValue(), observed,
            tamper(recent, trailAccounts, streakStart)));
        inTrailAlert.addAll(trailAccounts);
      }
    }
    for (Silence s : silences) {
      if (!inTrailAlert.contains(s.account)) {
        alerts.add(accountAlert(businessUnit, h, streakStart, s, observed));
      }
    }
    return new Result(alerts, never, observed);
  }

  /**
   * The ranges of the ledger the rule reads for an hour: rates and the observed hours over [from,
   * streakStart), the accounts that delivered over [from, hour), the rows around a silence over
   * [recentFrom, end).
   */
  public record Windows(Instant from, Instant streakStart, Instant recentFrom, Instant end) {}

  /** The observed hours below which {@link #decide} reads nothing more of a business unit's ledger. */
  public int minHistoryHours() {
    return cfg.minHistoryHours();
  }

  /** The ranges of the ledger that {@link #decide} reads for {@code hour}. */
  public Windows windows(Hour hour) {
    Instant h = hour.start();
    Instant streakStart = h.minus(HOUR.multipliedBy(cfg.hoursInARow() - 1L));
    return new Windows(h.minus(Duration.ofDays(windowDays)), streakStart,
        streakStart.minus(HOUR).minus(Duration.ofHours(cfg.tamperLookbackHours())), h.plus(HOUR));
  }

  /**
   * What {@link #decide} will read of the ledger for an hour, read now (a run loads it beside its
   * other state, before the decision): a view that answers those reads from memory and passes any
   * other to {@code ledger}. When the ledger holds too little history, only that count is read,
   * as {@link #decide} then stops there too.
   */
  public CoverageView prefetch(CoverageView ledger, Hour hour) {
    if (!cfg.enabled()) {
      return ledger;
    }
    Windows w = windows(hour);
    long observed = ledger.observedHours(w.from(), w.streakStart());
    if (observed < cfg.minHistoryHours()) {
      return new Prefetched(ledger, w, hour.start(), observed, null, null, null);
    }
    return new Prefetched(ledger, w, hour.start(), observed, ledger.rates(w.from(), w.streakStart()),
        ledger.accounts(w.from(), hour.start()), ledger.hours(w.recentFrom(), w.end()));
  }

  /**
   * {@link #prefetch}, from the answers to the reads of {@link #windows} read all at once
   * (the coverage table reads every business unit's in two queries); any other read goes to {@code ledger}.
   */
  public CoverageView prefetched(CoverageView ledger, Hour hour, CoverageView.Answers answers) {
    return new Prefetched(ledger, windows(hour), hour.start(), answers.observedHours(), answers.rates(),
        answers.accounts(), answers.hours());
  }

  /** The ledger's answers for one hour's windows ({@link #prefetch}); anything else is asked of the ledger. */
  private record Prefetched(CoverageView ledger, Windows w, Instant hour, long observed,
      List<CoverageView.TrailRate> rates, Set<String> accounts, List<TrailHour> hours) implements CoverageView {
    @Override
    public long observedHours(Instant from, Instant to) {
      return from.equals(w.from()) && to.equals(w.streakStart()) ? observed : ledger.observedHours(from, to);
    }

    @Override
    public List<TrailRate> rates(Instant from, Instant to) {
      return rates != null && from.equals(w.from()) && to.equals(w.streakStart()) ? rates : ledger.rates(from, to);
    }

    @Override
    public List<TrailHour> hours(Instant from, Instant to) {
      return hours != null && from.equals(w.recentFrom()) && to.equals(w.end()) ? hours : ledger.hours(from, to);
    }

    @Override
    public Set<String> accounts(Instant from, Instant to) {
      return accounts != null && from.equals(w.from()) && to.equals(hour) ? accounts : ledger.accounts(from, to);
    }
  }

  private Optional<TamperCall> tamper(List<TrailHour> recent, Set<String> accounts, Instant streakStart) {
    Instant from = streakStart.minus(HOUR).minus(Duration.ofHours(cfg.tamperLookbackHours()));
    return recent.stream().filter(r -> accounts.contains(r.accountId()) && r.tamper() != null
        && !r.tamper().time().isBefore(from)).map(TrailHour::tamper).max(Comparator.comparing(TamperCall::time));
  }

  private Alert accountAlert(String bu, Instant h, Instant streakStart, Silence s, long observed) {
    Severity severity = s.tamper.isPresent() ? Severity.CRITICAL
        : s.whole ? cfg.accountSeverity() : cfg.regionSeverity();
    String what = s.whole ? "account " + s.account + " (every region it delivers from: " + String.join(", ", s.regions)
        + ")" : "account " + s.account + " in " + String.join(", ", s.regions);
    return alert(bu, h, s.account, severity, s.tamper, List.copyOf(s.regions),
        "Trail silent: no CloudTrail events from " + what + since(h, streakStart) + "; it delivered in "
            + percent(s.rate) + " of the " + observed + " hours read before" + after(s.tamper));
  }

  private Alert trailAlert(String bu, Instant h, Instant streakStart, String trail, List<Silence> all, long observed,
      Optional<TamperCall> tamper) {
    Set<String> regions = new TreeSet<>();
    all.forEach(s -> regions.addAll(s.regions));
    Severity severity = tamper.isPresent() ? Severity.CRITICAL : cfg.accountSeverity();
    double rate = all.stream().mapToDouble(s -> s.rate).min().orElse(0);
    return alert(bu, h, trail, severity, tamper, List.copyOf(regions),
        "Organisation trail " + trail + " silent: no CloudTrail events from any of its " + all.size() + " accounts ("
            + String.join(", ", all.stream().map(s -> s.account).toList()) + ")" + since(h, streakStart)
            + "; each delivered in at least " + percent(rate) + " of the " + observed + " hours read before. One trail,"
            + " not " + all.size() + " accounts" + after(tamper));
  }

  private static Alert alert(String bu, Instant h, String account, Severity severity, Optional<TamperCall> tamper,
      List<String> regions, String reason) {
    String principal = tamper.map(TamperCall::principal).filter(p -> p != null && !p.isBlank())
        .orElse("trail:" + account);
    return Alert.builder().alertId(Alert.idFor(bu, account, Alert.TRAIL_SILENT, h, h)).hour(h).detectHour(h)
        .businessUnit(bu).accountId(account).principal(principal).identityType(Alert.TRAIL_SILENT)
        .severity(severity).reason(reason).late(false).regions(regions).build();
  }

  private static String since(Instant h, Instant streakStart) {
    long hours = Duration.between(streakStart, h).toHours() + 1;
    return " for " + hours + (hours == 1 ? " hour" : " hours") + " (" + streakStart + " to " + h.plus(HOUR) + ")";
  }

  private static String after(Optional<TamperCall> tamper) {
    return tamper.map(t -> ". After " + t.call() + " by " + t.principal() + " (" + t.identityType() + ") at "
        + t.time()).orElse("");
  }

  private static String percent(double rate) {
    return Math.round(rate * 100) + "%";
  }

  private static final class Watched {
    final String account;
    final String trail;
    final Map<String, Double> rates = new TreeMap<>();

    Watched(String account, String trail) {
      this.account = account;
      this.trail = trail;
    }
  }

  private record Silence(String account, String trail, Set<String> regions, boolean whole, double rate,
      Optional<TamperCall> tamper) {}
}
