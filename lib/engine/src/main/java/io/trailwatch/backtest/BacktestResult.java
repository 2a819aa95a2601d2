package io.trailwatch.backtest;

import io.trailwatch.ingest.CloudTrailReader;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What a backtest did: its settings, the one read (planned files, what was read and
 * quarantined), the seed history it found, each variant's replay, and how long the read and the
 * replay took.
 */
public record BacktestResult(Settings settings, int filesPlanned, int filesRejected,
    CloudTrailReader.ReadStats read, Seed seed, List<PolicyRun> runs, double readSeconds, double replaySeconds,
    double seconds) {

  public BacktestResult {
    runs = List.copyOf(runs);
  }

  /**
   * The history before the first hour: its behaviours and events (redelivered copies counted:
   * they change nothing the baseline stores), and its first event (null: none; later than the
   * seed's start when the logs begin later).
   */
  public record Seed(long behaviors, long events, Instant firstEvent) {}

  /**
   * Where the logs came from, the accounts' business units, the hours decided [from, to), where
   * the seed starts, and the delivery lag that says which files each hour reads.
   */
  public record Settings(String logs, int accounts, List<String> businessUnits, Instant from, Instant to,
      Instant seedFrom, Duration deliveryLag) {
    public Settings {
      businessUnits = List.copyOf(businessUnits);
    }
  }
}
