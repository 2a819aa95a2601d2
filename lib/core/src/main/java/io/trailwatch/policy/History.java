package io.trailwatch.policy;

import io.trailwatch.dimensions.Dimension;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/**
 * How much history the state holds, per business unit: for api, the first time anything was
 * seen; for each other dimension, the first time one of its values was, since the dimension is
 * learned from the day it is turned on. The warm-up rule applies to each on its own.
 */
public record History(Map<String, Instant> api, Map<Dimension, Map<String, Instant>> dimensions) {

  public History {
    api = Map.copyOf(api);
    Map<Dimension, Map<String, Instant>> d = new EnumMap<>(Dimension.class);
    dimensions.forEach((k, v) -> d.put(k, Map.copyOf(v)));
    dimensions = Map.copyOf(d);
  }

  /** Api history only: no other dimension has any. */
  public static History ofApi(Map<String, Instant> api) {
    return new History(api, Map.of());
  }

  /** The first time the state saw {@code d} for {@code businessUnit}; null: never. */
  public Instant start(String businessUnit, Dimension d) {
    if (d == Dimension.API) {
      return api.get(businessUnit);
    }
    return dimensions.getOrDefault(d, Map.of()).get(businessUnit);
  }
}
