package io.trailwatch.backtest;

import io.trailwatch.config.TrailwatchConfig;
import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.TrailwatchException;
import java.util.List;

/**
 * One configuration a backtest decides with: its name in the report, where it came from (a file,
 * or the built-in defaults) and the configuration itself.
 */
public record Variant(String name, String source, TrailwatchConfig config) {

  /**
   * Checks that every variant reads the logs as the first one does, since they share one read:
   * the same {@code ingest} and {@code identity} sections (which files an hour reads, how events
   * are parsed and principals keyed) and the same {@code alerts} section (the context the read
   * keeps). Only {@code baseline} and {@code policy} may differ.
   */
  public static void checkSharedRead(List<Variant> variants) {
    Variant a = variants.get(0);
    for (Variant b : variants.subList(1, variants.size())) {
      differs(a, b, "ingest", a.config.ingest().equals(b.config.ingest()));
      differs(a, b, "identity", a.config.identity().equals(b.config.identity()));
      differs(a, b, "alerts", a.config.alerts().equals(b.config.alerts()));
    }
  }

  private static void differs(Variant a, Variant b, String section, boolean same) {
    if (!same) {
      throw TrailwatchException.of(ErrorCode.COMPARE_CONFIG_MISMATCH,
          "Cannot compare %s with %s: their %s sections differ, and the two policies share one read of the logs"
              + " (only the baseline and policy sections may differ)", b.source, a.source, section);
    }
  }
}
