package io.trailwatch.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.TrailwatchException;
import java.io.Serializable;

/** What {@code trailwatch maintain} keeps and forgets, and the table properties it sets. */
public record MaintenanceConfig(
    /** Baseline rows that expired more than this many days before the BU's last run are deleted. */
    @JsonProperty("grace-days") Integer graceDays,
    /** VACUUM deletes files that left the tables at least this many hours ago (delta.deletedFileRetentionDuration). */
    @JsonProperty("vacuum-retain-hours") Integer vacuumRetainHours,
    /** Refuse a VACUUM retention under 168 hours, as Delta's retentionDurationCheck does; false allows it. */
    @JsonProperty("retention-check") Boolean retentionCheck,
    /** Commits older than this many days are removed from the _delta_log (delta.logRetentionDuration). */
    @JsonProperty("log-retention-days") Integer logRetentionDays,
    /** Delta writes a checkpoint every this many commits (delta.checkpointInterval). */
    @JsonProperty("checkpoint-interval") Integer checkpointInterval,
    /** The baseline's compacted files hold about this many MB each, each a narrow range of last_seen. */
    @JsonProperty("baseline-file-mb") Integer baselineFileMb) implements Serializable {

  /** Delta's own default and the least retention allowed while {@code retention-check} is on. */
  public static final int SAFE_RETAIN_HOURS = 168;

  /**
   * Commits between two Delta checkpoints, for the tables a new state gets and the default of
   * {@code checkpoint-interval}. A checkpoint written by an hourly run costs it about 1 s wall and
   * 1.6 s CPU per table, while replaying ten JSON commits instead of a checkpoint costs nothing
   * measurable (docs/fixed-cost.md). At 50, a BU's hourly runs (24 commits a table a day at most)
   * leave checkpoints to the daily {@code maintain}, which writes one of each table's last version.
   */
  public static final int DEFAULT_CHECKPOINT_INTERVAL = 50;

  public MaintenanceConfig {
    graceDays = Checks.orDefault(graceDays, 7);
    vacuumRetainHours = Checks.orDefault(vacuumRetainHours, SAFE_RETAIN_HOURS);
    retentionCheck = retentionCheck == null ? Boolean.TRUE : retentionCheck;
    logRetentionDays = Checks.orDefault(logRetentionDays, 30);
    checkpointInterval = Checks.orDefault(checkpointInterval, DEFAULT_CHECKPOINT_INTERVAL);
    baselineFileMb = Checks.orDefault(baselineFileMb, 64);
  }

  public static MaintenanceConfig defaults() {
    return new MaintenanceConfig(null, null, null, null, null, null);
  }

  void validate(String p) {
    Checks.atLeast(p + ".grace-days", graceDays, 0);
    Checks.atMost(p + ".grace-days", graceDays, 3650);
    Checks.atLeast(p + ".vacuum-retain-hours", vacuumRetainHours, 0);
    Checks.atMost(p + ".vacuum-retain-hours", vacuumRetainHours, 24 * 3650);
    if (retentionCheck && vacuumRetainHours < SAFE_RETAIN_HOURS) {
      throw TrailwatchException.of(ErrorCode.BAD_CONFIG_VALUE, "Cannot set %s.vacuum-retain-hours to %d: must be >= %d"
          + " while %s.retention-check is true (a reader or writer older than that could lose its files)", p,
          vacuumRetainHours, SAFE_RETAIN_HOURS, p);
    }
    Checks.atLeast(p + ".log-retention-days", logRetentionDays, 1);
    Checks.atMost(p + ".log-retention-days", logRetentionDays, 3650);
    Checks.atLeast(p + ".checkpoint-interval", checkpointInterval, 1);
    Checks.atMost(p + ".checkpoint-interval", checkpointInterval, 1000);
    Checks.atLeast(p + ".baseline-file-mb", baselineFileMb, 1);
    Checks.atMost(p + ".baseline-file-mb", baselineFileMb, 1024);
  }
}
