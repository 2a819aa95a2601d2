package io.trailwatch.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Which library inflates gzip log files (config key {@code ingest.gunzip}). */
public enum GunzipMode {
  /** libdeflate when it loads (see {@link Gunzip}), zlib otherwise. */
  @JsonProperty("auto") AUTO,
  /** Always the JDK's zlib (a file inflated whole when its size allows, else streamed). */
  @JsonProperty("zlib") ZLIB,
  /** libdeflate, or the run stops: for deployments that count on its speed. */
  @JsonProperty("libdeflate") LIBDEFLATE
}
