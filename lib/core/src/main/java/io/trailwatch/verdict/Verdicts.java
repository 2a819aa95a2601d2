package io.trailwatch.verdict;

import io.trailwatch.core.BehaviorKey;
import io.trailwatch.core.PrincipalKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The verdicts that count: the latest per alert (a later verdict supersedes an earlier one), and
 * what they mean for an hour's decision: the {@code expected} exceptions in force, the principals
 * under watch after a {@code malicious} one, and the behaviours of the confirmed incidents.
 */
public final class Verdicts {
  public static final Verdicts NONE = new Verdicts(List.of(), 14);

  /** The default of {@code verdicts.watch-days}. */
  public static final int DEFAULT_WATCH_DAYS = 14;

  private final List<Verdict> latest;
  private final int watchDays;

  /** @param all every row of the verdicts table, in any order */
  public Verdicts(List<Verdict> all, int watchDays) {
    Map<String, Verdict> byAlert = new LinkedHashMap<>();
    all.stream().sorted(Comparator.comparing(Verdict::at)).forEach(v -> byAlert.put(v.alertId(), v));
    this.latest = List.copyOf(byAlert.values());
    this.watchDays = watchDays;
  }

  public boolean isEmpty() {
    return latest.isEmpty();
  }

  /** The latest verdict per alert, oldest first. */
  public List<Verdict> latest() {
    return latest;
  }

  /** The latest verdict on an alert, if any. */
  public Optional<Verdict> on(String alertId) {
    return latest.stream().filter(v -> v.alertId().equals(alertId)).findFirst();
  }

  /** The {@code expected} exception in force for an hour starting {@code when} that covers behaviour {@code b}. */
  public Optional<Verdict> exception(BehaviorKey b, Instant when) {
    return latest.stream().filter(v -> v.kind() == VerdictKind.EXPECTED && v.inForce(when) && v.covers(b))
        .findFirst();
  }

  /** The {@code malicious} verdict that keeps {@code p} under watch in an hour starting {@code when}. */
  public Optional<Verdict> watch(PrincipalKey p, Instant when) {
    return latest.stream().filter(v -> v.principal().equals(p) && v.watching(when, watchDays)).findFirst();
  }

  /** The {@code malicious} verdict whose incident had behaviour {@code b}, while its principal is watched. */
  public Optional<Verdict> incident(BehaviorKey b, Instant when) {
    return latest.stream().filter(v -> v.watching(when, watchDays) && v.principal().equals(b.principalKey())
        && v.behaviours().contains(new Verdict.Behaviour(b.eventSource(), b.eventName()))).findFirst();
  }

  /** The {@code malicious} verdicts whose alert was in the hour starting {@code hour}: what that hour must not teach. */
  public List<Verdict> confirmedIn(Instant hour) {
    List<Verdict> out = new ArrayList<>();
    latest.stream().filter(v -> v.kind() == VerdictKind.MALICIOUS && v.hour().equals(hour)).forEach(out::add);
    return out;
  }

  public int watchDays() {
    return watchDays;
  }
}
