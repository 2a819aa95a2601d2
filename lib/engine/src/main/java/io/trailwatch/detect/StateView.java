package io.trailwatch.detect;

import io.trailwatch.alerting.Alert;
import io.trailwatch.core.BehaviorKey;
import io.trailwatch.core.PrincipalKey;
import io.trailwatch.policy.History;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What an hour's decision reads of the state, as it was at the start of the detect hour: the
 * Delta tables in an hourly run, the backtest's memory in a replay. {@link HourDecision} reads
 * only through it, so both decide alike.
 */
public interface StateView {
  /** The stored rows of these keys (those the state holds). */
  Rows stored(List<BehaviorKey> behaviors, List<PrincipalKey> principals);

  /**
   * When each of these behaviours was last seen, for those whose expired baseline rows
   * {@code maintain} moved to the memory of expired behaviours (a baseline row still held, expired
   * or not, is read by {@link #stored}).
   */
  Map<BehaviorKey, Instant> expiredLastSeen(List<BehaviorKey> behaviors);

  /** How much history the state holds, per business unit and dimension. */
  History history();

  /** How many peers hold each of {@code keys}, and how many principals of each type each account has. */
  PeerCounts peers(List<Peers.Key> keys);

  /** The alerts recorded for the detect hour already (a rerun's first run): none in a replay. */
  List<Alert> recordedAlerts();

  /** The analysts' verdicts ({@code expected} exceptions, {@code malicious} watches): none unless the state has some. */
  default io.trailwatch.verdict.Verdicts verdicts() {
    return io.trailwatch.verdict.Verdicts.NONE;
  }

  /** The stored rows of an hour's keys. */
  record Rows(List<Stored.Behavior> behaviors, List<Stored.Principal> principals) {
    public Rows {
      behaviors = List.copyOf(behaviors);
      principals = List.copyOf(principals);
    }
  }

  /** The counts prevalence is computed from ({@link Peers#withPrevalence}). */
  record PeerCounts(List<Peers.Holders> holders, List<Peers.TypeCount> typeCounts) {
    public PeerCounts {
      holders = List.copyOf(holders);
      typeCounts = List.copyOf(typeCounts);
    }
  }
}
