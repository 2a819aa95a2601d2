package io.trailwatch.detect;

import io.trailwatch.config.BaselineConfig;
import io.trailwatch.dimensions.ClientFamilies;
import io.trailwatch.dimensions.Dimension;
import io.trailwatch.dimensions.Networks;
import io.trailwatch.dimensions.Regions;
import io.trailwatch.ingest.ParsedEvent;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The values of an event in the dimensions other than api that the baseline learns: its region,
 * its network and its client family. Made once per task ({@link #forTask}): the parser hands out
 * one String per repeated user agent or address, so each distinct one is normalised once.
 */
public final class DimensionValues implements Serializable {
  private static final int MAX_CACHED = 4096;

  private final List<Dimension> dimensions;
  private final int ipv4Prefix;
  private final int ipv6Prefix;

  private DimensionValues(List<Dimension> dimensions, int ipv4Prefix, int ipv6Prefix) {
    this.dimensions = List.copyOf(dimensions);
    this.ipv4Prefix = ipv4Prefix;
    this.ipv6Prefix = ipv6Prefix;
  }

  /** The dimensions of {@code cfg} besides api. */
  public static DimensionValues of(BaselineConfig cfg) {
    List<Dimension> dims = new ArrayList<>();
    for (Dimension d : Set.copyOf(cfg.enabledDimensions())) {
      if (d != Dimension.API) {
        dims.add(d);
      }
    }
    dims.sort(null);
    return new DimensionValues(dims, cfg.network().ipv4Prefix(), cfg.network().ipv6Prefix());
  }

  /** Api only: no other values. */
  public static DimensionValues none() {
    return new DimensionValues(List.of(), 24, 48);
  }

  /** The dimensions besides api, in their order. */
  public List<Dimension> dimensions() {
    return dimensions;
  }

  public boolean isEmpty() {
    return dimensions.isEmpty();
  }

  /** A normaliser for one task's events (not thread-safe: it caches by String identity). */
  public Task forTask() {
    return new Task();
  }

  /** Per-task normalisation with small caches. */
  public final class Task {
    private final ClientFamilies families = dimensions.contains(Dimension.CLIENT) ? ClientFamilies.shipped() : null;
    private final Map<String, String> clients = new IdentityHashMap<>();
    private final Map<String, String> networks = new IdentityHashMap<>();
    private final Map<String, String> regions = new IdentityHashMap<>();
    private final Map<String, String> endpoints = new IdentityHashMap<>();

    private Task() {}

    /** The value of {@code e} in {@code d} (not api): never null. */
    public String value(Dimension d, ParsedEvent e) {
      return switch (d) {
        case REGION -> cached(regions, e.awsRegion, Regions::sanitiseRegion);
        case NETWORK -> e.vpcEndpointId != null && !e.vpcEndpointId.isBlank()
            ? cached(endpoints, e.vpcEndpointId, v -> Networks.normalise(null, v, ipv4Prefix, ipv6Prefix))
            : cached(networks, e.sourceIp, v -> Networks.normalise(v, null, ipv4Prefix, ipv6Prefix));
        case CLIENT -> cached(clients, e.userAgent, families::familyOf);
        case API -> throw new IllegalArgumentException("api has no value of its own");
      };
    }

    private String cached(Map<String, String> cache, String raw, java.util.function.UnaryOperator<String> f) {
      if (raw == null) {
        return f.apply(null);
      }
      String v = cache.get(raw);
      if (v == null) {
        if (cache.size() >= MAX_CACHED) {
          cache.clear();
        }
        v = f.apply(raw);
        cache.put(raw, v);
      }
      return v;
    }
  }
}
