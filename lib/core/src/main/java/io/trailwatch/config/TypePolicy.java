package io.trailwatch.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.trailwatch.policy.AlertOn;
import io.trailwatch.policy.Severity;
import io.trailwatch.dimensions.Dimension;
import java.io.Serializable;
import java.util.List;

/** The alert policy of one identity type. */
public record TypePolicy(
    @JsonProperty("alert-on") AlertOn alertOn,
    /** The severity an alert starts from before sensitive actions and counts move it. */
    @JsonProperty("severity") Severity severity,
    /** Whether new principals of this type get a learning period. */
    @JsonProperty("learning") Boolean learning,
    /**
     * The dimensions whose new values alert for this type (api included or not); null: every
     * dimension of {@code baseline.dimensions}. Every dimension is still learned.
     */
    @JsonProperty("dimensions") List<Dimension> dimensions) implements Serializable {

  public TypePolicy {
    alertOn = alertOn == null ? AlertOn.NEW_BEHAVIOR : alertOn;
    severity = severity == null ? Severity.MEDIUM : severity;
    learning = learning == null ? Boolean.TRUE : learning;
    dimensions = dimensions == null ? null : List.copyOf(dimensions);
  }

  public TypePolicy(AlertOn alertOn, Severity severity, Boolean learning) {
    this(alertOn, severity, learning, null);
  }

  public static TypePolicy of(AlertOn alertOn, Severity severity, boolean learning) {
    return new TypePolicy(alertOn, severity, learning, null);
  }

  /** Whether new values of {@code d} alert for this type. */
  public boolean alertsOn(Dimension d) {
    return dimensions == null || dimensions.contains(d);
  }
}
