package io.trailwatch.verdict;

import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.TrailwatchException;
import java.util.Locale;

/**
 * What an {@code expected} verdict covers: the alert's new behaviours for that principal, anything
 * new from that principal, or anything new in that account.
 */
public enum VerdictScope {
  BEHAVIOUR, PRINCIPAL, ACCOUNT;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** From its label; anything else is the user's error {@link ErrorCode#BAD_VERDICT_SCOPE}. */
  public static VerdictScope of(String label) {
    for (VerdictScope s : values()) {
      if (s.label().equals(label)) {
        return s;
      }
    }
    throw TrailwatchException.of(ErrorCode.BAD_VERDICT_SCOPE,
        "Unknown verdict scope '%s': behaviour, principal or account", label);
  }
}
