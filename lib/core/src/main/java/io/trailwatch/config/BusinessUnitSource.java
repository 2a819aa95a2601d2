package io.trailwatch.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where AWS Organizations accounts get their business unit (config key {@code accounts.business-unit-from}). */
public enum BusinessUnitSource {
  /** The name of the OU directly under the root that holds the account (nested OUs count as their top-level OU). */
  @JsonProperty("top-level-ou") TOP_LEVEL_OU,
  /** {@code accounts.ou-map}: business units listed with their OU ids or OU paths. */
  @JsonProperty("ou-map") OU_MAP,
  /** The value of the account tag {@code accounts.tag-key}. */
  @JsonProperty("tag") TAG
}
