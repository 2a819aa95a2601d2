package io.trailwatch.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.trailwatch.dimensions.Dimension;
import java.io.Serializable;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** How long behaviour is remembered, and which dimensions of it. */
public record BaselineConfig(
    /** A behaviour not seen again for this many days is forgotten: it is new again. */
    @JsonProperty("retention-days") Integer retentionDays,
    /** No alerts (but Root's) until the state holds this many days of history for the BU (per dimension). */
    @JsonProperty("warmup-days") Integer warmupDays,
    /** What each principal's baseline remembers: api (always), region, network, client. */
    @JsonProperty("dimensions") List<Dimension> dimensions,
    /** How a call's source becomes its network. */
    @JsonProperty("network") NetworkConfig network,
    /**
     * A baseline build reads and merges its range this many whole days at a time, and records
     * each chunk as done: a build that stops resumes at the first chunk not done.
     */
    @JsonProperty("build-chunk-days") Integer buildChunkDays,
    /**
     * {@code maintain} keeps what it expires from the baseline this many days after the behaviour
     * was last seen, so a behaviour that comes back is alerted as returning, not as never seen.
     */
    @JsonProperty("returning-horizon-days") Integer returningHorizonDays) implements Serializable {

  public BaselineConfig {
    retentionDays = Checks.orDefault(retentionDays, 90);
    warmupDays = Checks.orDefault(warmupDays, 7);
    dimensions = dimensions == null ? List.of(Dimension.API) : List.copyOf(dimensions);
    network = network == null ? NetworkConfig.defaults() : network;
    buildChunkDays = Checks.orDefault(buildChunkDays, 30);
    returningHorizonDays = Checks.orDefault(returningHorizonDays, 730);
  }

  /** Without the returning horizon (its default). */
  public BaselineConfig(Integer retentionDays, Integer warmupDays, List<Dimension> dimensions, NetworkConfig network,
      Integer buildChunkDays) {
    this(retentionDays, warmupDays, dimensions, network, buildChunkDays, null);
  }

  public static BaselineConfig defaults() {
    return new BaselineConfig(null, null, null, null, null);
  }

  /** The dimensions learned and compared: {@link #dimensions} with api, which is always on. */
  public Set<Dimension> enabledDimensions() {
    EnumSet<Dimension> out = EnumSet.of(Dimension.API);
    out.addAll(dimensions);
    return out;
  }

  /** The same config with these dimensions (a demo, a test, a backtest variant). */
  public BaselineConfig withDimensions(List<Dimension> dims) {
    return new BaselineConfig(retentionDays, warmupDays, dims, network, buildChunkDays, returningHorizonDays);
  }

  /** The same config with baseline builds in chunks of this many days ({@code baseline --chunk-days}). */
  public BaselineConfig withBuildChunkDays(int days) {
    return new BaselineConfig(retentionDays, warmupDays, dimensions, network, days, returningHorizonDays);
  }

  void validate(String p) {
    Checks.atLeast(p + ".retention-days", retentionDays, 1);
    Checks.atMost(p + ".retention-days", retentionDays, 3650);
    Checks.atLeast(p + ".warmup-days", warmupDays, 0);
    for (int i = 0; i < dimensions.size(); i++) {
      if (dimensions.get(i) == null) {
        throw Checks.bad(p + ".dimensions[" + i + "]", "", "must be one of api, region, network, client");
      }
    }
    network.validate(p + ".network");
    Checks.atLeast(p + ".build-chunk-days", buildChunkDays, 1);
    Checks.atMost(p + ".build-chunk-days", buildChunkDays, 3650);
    Checks.atLeast(p + ".returning-horizon-days", returningHorizonDays, 0);
    Checks.atMost(p + ".returning-horizon-days", returningHorizonDays, 3650);
  }

  /** The prefix lengths that turn a source address into its network. */
  public record NetworkConfig(
      /** An IPv4 source becomes its network of this many bits (24: a /24). */
      @JsonProperty("ipv4-prefix") Integer ipv4Prefix,
      /** An IPv6 source becomes its network of this many bits (48: a /48). */
      @JsonProperty("ipv6-prefix") Integer ipv6Prefix) implements Serializable {

    public NetworkConfig {
      ipv4Prefix = Checks.orDefault(ipv4Prefix, 24);
      ipv6Prefix = Checks.orDefault(ipv6Prefix, 48);
    }

    public static NetworkConfig defaults() {
      return new NetworkConfig(null, null);
    }

    void validate(String p) {
      Checks.atLeast(p + ".ipv4-prefix", ipv4Prefix, 8);
      Checks.atMost(p + ".ipv4-prefix", ipv4Prefix, 32);
      Checks.atLeast(p + ".ipv6-prefix", ipv6Prefix, 16);
      Checks.atMost(p + ".ipv6-prefix", ipv6Prefix, 128);
    }
  }
}
