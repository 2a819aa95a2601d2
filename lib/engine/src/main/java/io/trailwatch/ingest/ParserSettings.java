package io.trailwatch.ingest;

import io.trailwatch.config.GunzipMode;

import java.io.Serializable;
import java.util.List;

/** What the record parser needs from the configuration; plain values so executors can carry it. */
public record ParserSettings(int maxStringLength, int maxQuarantinedRecordsPerFile, List<String> humanRolePatterns,
    GunzipMode gunzip) implements Serializable {

  /** The settings of {@code cfg}'s ingest and identity sections. */
  public static ParserSettings of(io.trailwatch.config.TrailwatchConfig cfg) {
    return new ParserSettings(cfg.ingest().maxStringLength(), cfg.ingest().maxQuarantinedRecordsPerFile(),
        cfg.identity().humanRolePatterns(), cfg.ingest().gunzip());
  }

  /** With {@link GunzipMode#AUTO}. */
  public ParserSettings(int maxStringLength, int maxQuarantinedRecordsPerFile, List<String> humanRolePatterns) {
    this(maxStringLength, maxQuarantinedRecordsPerFile, humanRolePatterns, GunzipMode.AUTO);
  }
}
