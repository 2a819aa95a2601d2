package io.trailwatch.policy;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What makes a principal of some identity type alert. */
public enum AlertOn {
  /** Behaviour not in the baseline (after the learning period). */
  @JsonProperty("new-behavior") NEW_BEHAVIOR,
  /** Any activity at all, learned or not (Root). */
  @JsonProperty("any-activity") ANY_ACTIVITY,
  /** Baseline only: never alert (AWS services, service-linked roles). */
  @JsonProperty("never") NEVER
}
