package io.trailwatch.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.Serializable;
import java.util.List;

/** How principals are keyed. */
public record IdentityConfig(
    /**
     * Role-name globs ({@code *} and {@code ?}) of roles people sign in to. Their sessions are
     * keyed per role and session name, because the session name is the person.
     */
    @JsonProperty("human-role-patterns") List<String> humanRolePatterns) implements Serializable {

  public IdentityConfig {
    humanRolePatterns = humanRolePatterns == null ? List.of("AWSReservedSSO_*") : List.copyOf(humanRolePatterns);
  }

  public static IdentityConfig defaults() {
    return new IdentityConfig(null);
  }

  void validate(String p) {
    for (int i = 0; i < humanRolePatterns.size(); i++) {
      Checks.notBlank(p + ".human-role-patterns[" + i + "]", humanRolePatterns.get(i));
    }
  }
}
