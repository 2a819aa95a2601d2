package io.trailwatch.cli;

import io.trailwatch.aws.S3LeaseStore;
import io.trailwatch.aws.S3Location;
import io.trailwatch.config.TrailwatchConfig;
import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.lease.FileLeases;
import io.trailwatch.lease.Leases;
import io.trailwatch.lease.ObjectLeases;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * {@code --wait}: how a command that writes a business unit's tables waits for that BU's lease
 * (one writer per BU: docs/one-writer.md), and where the leases of a state are.
 */
final class LeaseOption {
  @Option(names = "--wait", paramLabel = "MINUTES", defaultValue = "0",
      description = "Wait up to MINUTES for another run of the business unit to finish (default: ${DEFAULT-VALUE}:"
          + " a busy business unit fails at once with exit 3 [BU_BUSY])")
  int waitMinutes;

  Duration waitFor() {
    if (waitMinutes < 0 || waitMinutes > 24 * 60) {
      throw TrailwatchException.of(ErrorCode.BAD_RANGE, "Cannot set --wait to %d: must be 0-1440 minutes", waitMinutes);
    }
    return Duration.ofMinutes(waitMinutes);
  }

  /**
   * The leases of the state at {@code stateRoot} (as {@link Options#stateRoot} gives it): objects
   * written with S3 conditional writes on S3, locked files on a local disk.
   */
  static Leases leases(String stateRoot, TrailwatchConfig cfg) {
    if (S3Location.isS3(stateRoot)) {
      return new ObjectLeases(S3LeaseStore.of(stateRoot), Duration.ofSeconds(cfg.lease().expirySeconds()));
    }
    return new FileLeases(Path.of(java.net.URI.create(stateRoot)));
  }
}
