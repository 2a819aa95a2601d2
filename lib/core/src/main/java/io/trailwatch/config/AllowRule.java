package io.trailwatch.config;

import io.trailwatch.core.ErrorCode;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.trailwatch.identity.Globs;
import java.io.Serializable;

/**
 * One allow-list entry. Each field is a glob ({@code *}, {@code ?}); a missing field matches
 * anything. A rule with only {@code principal} silences that principal; a rule with only
 * {@code event-source}/{@code event-name} silences that behaviour for everyone (in
 * {@code account}, if given).
 */
public record AllowRule(
    @JsonProperty("account") String account,
    @JsonProperty("principal") String principal,
    @JsonProperty("event-source") String eventSource,
    @JsonProperty("event-name") String eventName,
    /** Why this is allowed: shown nowhere but kept for reviewers of the config. */
    @JsonProperty("reason") String reason) implements Serializable {

  public AllowRule {
    account = account == null ? "*" : account;
    principal = principal == null ? "*" : principal;
    eventSource = eventSource == null ? "*" : eventSource;
    eventName = eventName == null ? "*" : eventName;
  }

  public boolean matches(String acct, String princ, String source, String name) {
    return Globs.matches(account, acct) && Globs.matches(principal, princ)
        && Globs.matches(eventSource, source) && Globs.matches(eventName, name);
  }

  void validate(String key) {
    if ("*".equals(account) && "*".equals(principal) && "*".equals(eventSource) && "*".equals(eventName)) {
      throw io.trailwatch.core.TrailwatchException.of(ErrorCode.BAD_CONFIG_VALUE,
          "Cannot set %s to a rule that matches everything: give account, principal, event-source or event-name", key);
    }
  }
}
