package io.trailwatch.core;

import io.trailwatch.alerting.Alert;
import io.trailwatch.delivery.Delivery;
import io.trailwatch.policy.Policy;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What one run did. {@link #toMap()} is the JSON of {@code --summary-out}. */
public record RunSummary(
    String runId,
    String command,
    List<String> businessUnits,
    Instant windowFrom,
    Instant windowTo,
    long filesRead,
    long filesQuarantined,
    long bytesRead,
    long recordsRead,
    long recordsInWindow,
    long recordsQuarantined,
    long duplicatesDropped,
    long principals,
    long behaviors,
    long newBehaviors,
    List<Alert> alerts,
    Map<Policy.Quiet, Integer> quiet,
    /** How many alerts prevalence moved, per rule (the alerts' severity with the rule against without). */
    Map<Policy.Moved, Integer> severityMoved,
    Delivery delivery,
    Map<String, Long> accountsPerBusinessUnit,
    double seconds,
    /** Listed accounts that never delivered a file in the coverage ledger's window (docs/coverage.md). */
    List<String> neverDelivered) {

  public RunSummary {
    businessUnits = List.copyOf(businessUnits);
    alerts = List.copyOf(alerts);
    quiet = Map.copyOf(quiet);
    severityMoved = severityMoved == null ? Map.of() : Map.copyOf(severityMoved);
    delivery = delivery == null ? Delivery.none() : delivery;
    accountsPerBusinessUnit = Map.copyOf(accountsPerBusinessUnit);
    neverDelivered = neverDelivered == null ? List.of() : List.copyOf(neverDelivered);
  }

  /** The same summary with the listed accounts that never delivered (the coverage ledger knows them after the read). */
  public RunSummary withNeverDelivered(List<String> accounts) {
    return new RunSummary(runId, command, businessUnits, windowFrom, windowTo, filesRead, filesQuarantined, bytesRead,
        recordsRead, recordsInWindow, recordsQuarantined, duplicatesDropped, principals, behaviors, newBehaviors,
        alerts, quiet, severityMoved, delivery, accountsPerBusinessUnit, seconds, accounts);
  }

  /**
   * The same summary with these counts of distinct principals and behaviours: those of several
   * reads of one business unit (a baseline build's chunks), where a sum would count a principal
   * or behaviour once per read that saw it.
   */
  public RunSummary withDistinct(long principals, long behaviors) {
    return new RunSummary(runId, command, businessUnits, windowFrom, windowTo, filesRead, filesQuarantined, bytesRead,
        recordsRead, recordsInWindow, recordsQuarantined, duplicatesDropped, principals, behaviors, newBehaviors,
        alerts, quiet, severityMoved, delivery, accountsPerBusinessUnit, seconds, neverDelivered);
  }

  /** The same summary with what delivery did (delivery comes after the summary's counts are known). */
  public RunSummary withDelivery(Delivery d) {
    return new RunSummary(runId, command, businessUnits, windowFrom, windowTo, filesRead, filesQuarantined, bytesRead,
        recordsRead, recordsInWindow, recordsQuarantined, duplicatesDropped, principals, behaviors, newBehaviors,
        alerts, quiet, severityMoved, d, accountsPerBusinessUnit, seconds, neverDelivered);
  }

  /**
   * Two runs of the same command and window on different business units (one job's BUs, each run
   * on its own tables) as one summary: counts and times add up, alerts and run ids are joined.
   */
  public RunSummary plus(RunSummary other) {
    if (!command.equals(other.command) || !windowFrom.equals(other.windowFrom) || !windowTo.equals(other.windowTo)) {
      throw new IllegalArgumentException("Cannot add up runs of different commands or windows");
    }
    List<String> bus = new java.util.ArrayList<>(businessUnits);
    other.businessUnits.stream().filter(b -> !bus.contains(b)).forEach(bus::add);
    bus.sort(null);
    List<Alert> all = new java.util.ArrayList<>(alerts);
    all.addAll(other.alerts);
    all.sort(java.util.Comparator.comparing(Alert::hour).thenComparing(Alert::businessUnit)
        .thenComparing(Alert::accountId).thenComparing(Alert::principal));
    Map<Policy.Quiet, Integer> q = new java.util.EnumMap<>(Policy.Quiet.class);
    q.putAll(quiet);
    other.quiet.forEach((k, v) -> q.merge(k, v, Integer::sum));
    Map<Policy.Moved, Integer> mv = new java.util.EnumMap<>(Policy.Moved.class);
    mv.putAll(severityMoved);
    other.severityMoved.forEach((k, v) -> mv.merge(k, v, Integer::sum));
    Map<String, Long> acc = new java.util.TreeMap<>(accountsPerBusinessUnit);
    other.accountsPerBusinessUnit.forEach((k, v) -> acc.merge(k, v, Long::sum));
    return new RunSummary(runId + "," + other.runId, command, bus, windowFrom, windowTo, filesRead + other.filesRead,
        filesQuarantined + other.filesQuarantined, bytesRead + other.bytesRead, recordsRead + other.recordsRead,
        recordsInWindow + other.recordsInWindow, recordsQuarantined + other.recordsQuarantined,
        duplicatesDropped + other.duplicatesDropped, principals + other.principals, behaviors + other.behaviors,
        newBehaviors + other.newBehaviors, all, q, mv, delivery.plus(other.delivery), acc, seconds + other.seconds,
        java.util.stream.Stream.concat(neverDelivered.stream(), other.neverDelivered.stream()).sorted().toList());
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Named construction: a run fills in what it measured; counts not set are 0. */
  public static final class Builder {
    private String runId;
    private String command;
    private List<String> businessUnits = List.of();
    private Window window;
    private long filesRead;
    private long filesQuarantined;
    private long bytesRead;
    private long recordsRead;
    private long recordsInWindow;
    private long recordsQuarantined;
    private long duplicatesDropped;
    private long principals;
    private long behaviors;
    private long newBehaviors;
    private List<Alert> alerts = List.of();
    private Map<Policy.Quiet, Integer> quiet = Map.of();
    private Map<Policy.Moved, Integer> moved = Map.of();
    private Map<String, Long> accounts = Map.of();
    private double seconds;

    private Builder() {}

    public Builder runId(String v) { runId = v; return this; }
    public Builder command(String v) { command = v; return this; }
    public Builder businessUnits(List<String> v) { businessUnits = v; return this; }
    public Builder window(Window v) { window = v; return this; }
    public Builder filesRead(long v) { filesRead = v; return this; }
    public Builder filesQuarantined(long v) { filesQuarantined = v; return this; }
    public Builder bytesRead(long v) { bytesRead = v; return this; }
    public Builder recordsRead(long v) { recordsRead = v; return this; }
    public Builder recordsInWindow(long v) { recordsInWindow = v; return this; }
    public Builder recordsQuarantined(long v) { recordsQuarantined = v; return this; }
    public Builder duplicatesDropped(long v) { duplicatesDropped = v; return this; }
    public Builder principals(long v) { principals = v; return this; }
    public Builder behaviors(long v) { behaviors = v; return this; }
    public Builder newBehaviors(long v) { newBehaviors = v; return this; }
    public Builder alerts(List<Alert> v) { alerts = v; return this; }
    public Builder quiet(Map<Policy.Quiet, Integer> v) { quiet = v; return this; }
    public Builder severityMoved(Map<Policy.Moved, Integer> v) { moved = v; return this; }
    public Builder seconds(double v) { seconds = v; return this; }
    /** How many accounts of each business unit the run covered (the run ledger records it). */
    public Builder accountsPerBusinessUnit(Map<String, Long> v) { accounts = v; return this; }

    public RunSummary build() {
      if (runId == null || command == null || window == null) {
        throw new IllegalStateException("A run summary needs its run id, command and window");
      }
      return new RunSummary(runId, command, businessUnits, window.from(), window.to(), filesRead, filesQuarantined,
          bytesRead, recordsRead, recordsInWindow, recordsQuarantined, duplicatesDropped, principals, behaviors,
          newBehaviors, alerts, quiet, moved, Delivery.none(), accounts, seconds, List.of());
    }
  }

  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("run_id", runId);
    m.put("command", command);
    m.put("business_units", businessUnits);
    m.put("window_from", windowFrom.toString());
    m.put("window_to", windowTo.toString());
    m.put("files_read", filesRead);
    m.put("files_quarantined", filesQuarantined);
    m.put("bytes_read", bytesRead);
    m.put("records_read", recordsRead);
    m.put("records_in_window", recordsInWindow);
    m.put("records_quarantined", recordsQuarantined);
    m.put("duplicates_dropped", duplicatesDropped);
    m.put("principals", principals);
    m.put("behaviors", behaviors);
    m.put("new_behaviors", newBehaviors);
    m.put("alerts", alerts.size());
    Map<String, Integer> q = new LinkedHashMap<>();
    quiet.forEach((k, v) -> q.put(k.name().toLowerCase(java.util.Locale.ROOT), v));
    m.put("quiet_principals", q);
    Map<String, Integer> mv = new LinkedHashMap<>();
    severityMoved.forEach((k, v) -> mv.put(k.name().toLowerCase(java.util.Locale.ROOT), v));
    m.put("severity_moved_by_prevalence", new java.util.TreeMap<>(mv));
    m.put("delivery", delivery.toMap());
    m.put("accounts_per_business_unit", new java.util.TreeMap<>(accountsPerBusinessUnit));
    m.put("seconds", Math.round(seconds * 100) / 100.0);
    m.put("never_delivered_accounts", neverDelivered);
    return m;
  }
}
