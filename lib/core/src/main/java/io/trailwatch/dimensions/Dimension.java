package io.trailwatch.dimensions;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/**
 * What a principal's baseline remembers about its calls. {@code api} is the call itself
 * (eventSource and eventName); the others are where and how the call was made: {@code region}
 * (awsRegion), {@code network} (the source, normalised: {@link Networks}) and {@code client} (the
 * user-agent family: {@link ClientFamilies}).
 *
 * <p>Every dimension is kept in the same baseline rows, under one key shape: an api behaviour has
 * the call's eventSource and eventName; a value of another dimension has {@link #keySource()}
 * ({@code @region}, never an AWS eventSource: records whose eventSource starts with {@code @} are
 * quarantined) as its event_source and the value as its event_name. So every dimension has the
 * same retention, refresh and merge rules, and turning one on adds rows without touching the others.
 */
public enum Dimension {
  @JsonProperty("api") API,
  @JsonProperty("region") REGION,
  @JsonProperty("network") NETWORK,
  @JsonProperty("client") CLIENT;

  /** The first character of the event_source of every non-api dimension's baseline rows. */
  public static final char KEY_MARK = '@';

  private final String label = name().toLowerCase(Locale.ROOT);
  /** Made once: the reduction asks for it for every event. */
  private final String keySource = KEY_MARK + label;

  public String label() {
    return label;
  }

  /** The event_source of this dimension's baseline rows ({@code @region}); not defined for {@link #API}. */
  public String keySource() {
    if (this == API) {
      throw new IllegalStateException("api behaviours are keyed by their own eventSource");
    }
    return keySource;
  }

  /** The dimension of a baseline row or behaviour from its event_source. */
  public static Dimension ofKeySource(String eventSource) {
    if (eventSource == null || eventSource.isEmpty() || eventSource.charAt(0) != KEY_MARK) {
      return API;
    }
    return switch (eventSource) {
      case "@region" -> REGION;
      case "@network" -> NETWORK;
      case "@client" -> CLIENT;
      default -> throw new IllegalArgumentException("Not a dimension key: " + eventSource);
    };
  }

  /** The dimension of a label ({@code region}), or null. */
  public static Dimension ofLabel(String label) {
    for (Dimension d : values()) {
      if (d.label().equals(label)) {
        return d;
      }
    }
    return null;
  }
}
