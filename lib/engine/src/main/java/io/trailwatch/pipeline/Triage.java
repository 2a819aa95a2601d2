package io.trailwatch.pipeline;

import io.trailwatch.alerting.Alert;
import io.trailwatch.baseline.BaselineReader;
import io.trailwatch.core.BehaviorKey;
import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.mirror.BaselineMirror;
import io.trailwatch.state.StateLayout;
import io.trailwatch.state.StateStore;
import io.trailwatch.verdict.Expiry;
import io.trailwatch.verdict.Verdict;
import io.trailwatch.verdict.VerdictKind;
import io.trailwatch.verdict.VerdictScope;
import io.trailwatch.verdict.Verdicts;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/**
 * Records analysts' verdicts on a business unit's alerts ({@code trailwatch verdict}): each is
 * checked against the alerts table first, then all are appended in one commit. A verdict equal to
 * the one in force on its alert (a second {@code malicious}, a file sent twice) is not written
 * again. A new {@code malicious} verdict rolls back what the alert's hour taught its principal:
 * the baseline rows of its new behaviours first seen in that hour or later are deleted, in Delta
 * and in the mirror when there is one, so their next use alerts again.
 */
public final class Triage {
  /** One verdict asked for; {@code source} names where it came from ({@code line 3 of verdicts.jsonl}). */
  public record Request(String source, String alertId, VerdictKind kind, VerdictScope scope, Expiry expiry,
      String by, String note) {
    public Request {
      if (by == null || by.isBlank()) {
        throw TrailwatchException.of(ErrorCode.VERDICT_NEEDS_AUTHOR, "%s: a verdict needs --by (who decided)", source);
      }
      scope = scope == null ? VerdictScope.BEHAVIOUR : scope;
      expiry = expiry == null ? Expiry.DEFAULT : expiry;
    }
  }

  /** What recording did: the verdicts written, those already in force, and the baseline rows rolled back. */
  public record Outcome(List<Verdict> written, List<Verdict> unchanged, long rolledBack) {
    public Outcome {
      written = List.copyOf(written);
      unchanged = List.copyOf(unchanged);
    }

    public Outcome plus(Outcome o) {
      List<Verdict> w = new ArrayList<>(written);
      w.addAll(o.written);
      List<Verdict> u = new ArrayList<>(unchanged);
      u.addAll(o.unchanged);
      return new Outcome(w, u, rolledBack + o.rolledBack);
    }
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();
  private static final java.util.Set<String> FIELDS = java.util.Set.of("alert_id", "verdict", "by", "note", "scope",
      "expires");

  /** The requests of a JSON Lines file; the first bad line fails the whole file, naming it. */
  public static List<Request> fromFile(java.nio.file.Path file) {
    List<String> lines;
    try {
      lines = java.nio.file.Files.readAllLines(file);
    } catch (java.io.IOException e) {
      throw TrailwatchException.wrap(ErrorCode.BAD_VERDICT_FILE, e, "Cannot read %s: %s", file, e.getMessage());
    }
    List<Request> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      String where = "line " + (i + 1) + " of " + file;
      try {
        com.fasterxml.jackson.databind.JsonNode n = JSON.readTree(line);
        if (n == null || !n.isObject()) {
          throw new IllegalArgumentException("not a JSON object");
        }
        n.fieldNames().forEachRemaining(f -> {
          if (!FIELDS.contains(f)) {
            throw new IllegalArgumentException("unknown field " + f);
          }
        });
        String id = text(n, "alert_id");
        String kind = text(n, "verdict");
        if (id == null || kind == null) {
          throw new IllegalArgumentException("alert_id and verdict are required");
        }
        out.add(new Request(where, id, VerdictKind.of(kind),
            VerdictScope.of(n.has("scope") ? text(n, "scope") : "behaviour"),
            Expiry.parse(n.has("expires") ? text(n, "expires") : "30d"), text(n, "by"), text(n, "note")));
      } catch (java.io.IOException | IllegalArgumentException e) {
        throw TrailwatchException.of(ErrorCode.BAD_VERDICT_FILE, "%s is not a verdict: %s", where, e.getMessage());
      } catch (TrailwatchException e) {
        throw TrailwatchException.of(ErrorCode.BAD_VERDICT_FILE, "%s is not a verdict: %s", where, e.getMessage());
      }
    }
    return out;
  }

  private static String text(com.fasterxml.jackson.databind.JsonNode n, String field) {
    com.fasterxml.jackson.databind.JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new IllegalArgumentException(field + " must be a string");
    }
    return v.asText();
  }

  private final SparkSession spark;
  private final BaselineMirror mirror;
  private final Clock clock;
  private final Progress progress;

  public Triage(SparkSession spark, BaselineMirror mirror, Clock clock, Progress progress) {
    this.spark = spark;
    this.mirror = mirror;
    this.clock = clock;
    this.progress = progress;
  }

  /**
   * The alerts of the requests, found in whichever business unit of the state holds them; an id
   * no BU holds is the user's error {@link ErrorCode#UNKNOWN_ALERT} naming the request's source.
   */
  public static Map<Request, Alert> locate(StateLayout layout, List<Request> requests) {
    List<String> ids = requests.stream().map(Request::alertId).distinct().toList();
    Map<String, Alert> found = new LinkedHashMap<>();
    for (String bu : layout.businessUnits()) {
      found.putAll(layout.of(bu).alerts().byId(List.of(bu), ids));
    }
    Map<Request, Alert> out = new LinkedHashMap<>();
    for (Request r : requests) {
      Alert a = found.get(r.alertId());
      if (a == null) {
        throw TrailwatchException.of(ErrorCode.UNKNOWN_ALERT, "%s: no alert %s in the state at %s", r.source(),
            r.alertId(), layout.root());
      }
      out.put(r, a);
    }
    return out;
  }

  /** Records the verdicts on one business unit's alerts, in {@code state} (its folder, fenced by its lease). */
  public Outcome record(String businessUnit, StateStore state, Map<Request, Alert> requests) {
    return state.guarded(() -> recordChecked(businessUnit, state, requests));
  }

  private Outcome recordChecked(String businessUnit, StateStore state, Map<Request, Alert> requests) {
    state.ensureTables();
    Instant now = clock.instant();
    Verdicts before = new Verdicts(state.verdicts().all(List.of(businessUnit)), Verdicts.DEFAULT_WATCH_DAYS);
    Map<String, Verdict> inForce = new LinkedHashMap<>();
    before.latest().forEach(v -> inForce.put(v.alertId(), v));
    List<Verdict> written = new ArrayList<>();
    List<Verdict> unchanged = new ArrayList<>();
    for (Map.Entry<Request, Alert> e : requests.entrySet()) {
      Request r = e.getKey();
      Alert a = e.getValue();
      Verdict v = Verdict.on(a, r.kind(), r.scope(), r.kind() == VerdictKind.EXPECTED ? r.expiry().after(a.hour())
          : null, r.by(), now, r.note());
      if (v.sameAnswer(inForce.get(v.alertId()))) {
        unchanged.add(v);
      } else {
        written.add(v);
        inForce.put(v.alertId(), v);
      }
    }
    state.verdicts().append(written);
    long rolledBack = rollBack(businessUnit, state, written.stream()
        .filter(v -> v.kind() == VerdictKind.MALICIOUS && !wasMalicious(before.on(v.alertId()))).toList());
    return new Outcome(written, unchanged, rolledBack);
  }

  private static boolean wasMalicious(Optional<Verdict> v) {
    return v.map(x -> x.kind() == VerdictKind.MALICIOUS).orElse(false);
  }

  /** Deletes what the confirmed incidents' hours taught their principals, in Delta and the mirror. */
  private long rollBack(String businessUnit, StateStore state, List<Verdict> confirmed) {
    if (confirmed.isEmpty()) {
      return 0;
    }
    Optional<Mirroring> mirroring = mirror == null ? Optional.empty()
        : Optional.of(new Mirroring(new BaselineReader(spark, state), mirror, progress));
    long versionBefore = mirroring.map(m -> m.before(List.of(businessUnit))).orElse(0L);
    long removed = 0;
    for (Verdict v : confirmed) {
      List<BehaviorKey> keys = new ArrayList<>(new LinkedHashSet<>(
          v.behaviours().stream().map(b -> b.of(v.principal())).toList()));
      removed += state.baseline().forget(List.of(businessUnit), keys, v.hour());
    }
    mirroring.ifPresent(m -> m.afterReplace(List.of(businessUnit), versionBefore));
    progress.step("malicious: " + removed + " baseline rows the incidents taught were removed");
    return removed;
  }
}
