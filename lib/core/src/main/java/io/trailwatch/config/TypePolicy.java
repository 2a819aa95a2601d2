package io.trailwatch.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.trailwatch.policy.AlertOn;
import io.trailwatch.policy.Severity;
import java.io.Serializable;

/** The alert policy of one identity type. */
public record TypePolicy(
    @JsonProperty("alert-on") AlertOn alertOn,
    /** The severity an alert starts from before sensitive actions and counts move it. */
    @JsonProperty("severity") Severity severity,
    /** Whether new principals of this type get a learning period. */
    @JsonProperty("learning") Boolean learning) implements Serializable {

  public TypePolicy {
    alertOn = alertOn == null ? AlertOn.NEW_BEHAVIOR : alertOn;
    severity = severity == null ? Severity.MEDIUM : severity;
    learning = learning == null ? Boolean.TRUE : learning;
  }

  public static TypePolicy of(AlertOn alertOn, Severity severity, boolean learning) {
    return new TypePolicy(alertOn, severity, learning);
  }
}
