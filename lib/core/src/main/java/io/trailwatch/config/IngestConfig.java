package io.trailwatch.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.trailwatch.config.GunzipMode;
import java.io.Serializable;

/** How log files are planned and read. */
public record IngestConfig(
    /** Read files whose name time is up to this many minutes after the hour's end. */
    @JsonProperty("delivery-lag-minutes") Integer deliveryLagMinutes,
    /** Each run also reads files of this many earlier hours that were delivered after their run. */
    @JsonProperty("late-file-hours") Integer lateFileHours,
    /** Longer strings (user agents are attacker text) are cut to this many characters. */
    @JsonProperty("max-string-length") Integer maxStringLength,
    /** Bad records quarantined one by one per file; past this they are counted, not listed. */
    @JsonProperty("max-quarantined-records-per-file") Integer maxQuarantinedRecordsPerFile,
    /** What inflates gzip files: auto (libdeflate when it loads, else zlib), zlib, or libdeflate (required). */
    @JsonProperty("gunzip") GunzipMode gunzip,
    /**
     * detect reads an hour with the tiered JIT (C1, then C2) when its files exceed this many MB of
     * gzip per reading JVM, with C1 only below (as bin/trailwatch and the EMR template start it).
     */
    @JsonProperty("tiered-jit-above-mb") Integer tieredJitAboveMb) implements Serializable {

  public IngestConfig {
    deliveryLagMinutes = Checks.orDefault(deliveryLagMinutes, 30);
    lateFileHours = Checks.orDefault(lateFileHours, 6);
    maxStringLength = Checks.orDefault(maxStringLength, 512);
    maxQuarantinedRecordsPerFile = Checks.orDefault(maxQuarantinedRecordsPerFile, 50);
    gunzip = gunzip == null ? GunzipMode.AUTO : gunzip;
    tieredJitAboveMb = Checks.orDefault(tieredJitAboveMb, 1000);
  }

  public static IngestConfig defaults() {
    return new IngestConfig(null, null, null, null, null, null);
  }

  void validate(String p) {
    Checks.atLeast(p + ".delivery-lag-minutes", deliveryLagMinutes, 0);
    Checks.atMost(p + ".delivery-lag-minutes", deliveryLagMinutes, 24 * 60);
    Checks.atLeast(p + ".late-file-hours", lateFileHours, 0);
    Checks.atMost(p + ".late-file-hours", lateFileHours, 72);
    Checks.atLeast(p + ".max-string-length", maxStringLength, 16);
    Checks.atLeast(p + ".max-quarantined-records-per-file", maxQuarantinedRecordsPerFile, 1);
    Checks.atLeast(p + ".tiered-jit-above-mb", tieredJitAboveMb, 0);
  }
}
