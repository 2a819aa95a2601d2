package io.trailwatch.verdict;

import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.TrailwatchException;
import java.util.Locale;

/** An analyst's answer to an alert: {@code benign} records it, {@code expected} quiets, {@code malicious} rolls back and watches. */
public enum VerdictKind {
  EXPECTED, BENIGN, MALICIOUS;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** From its label; anything else is the user's error {@link ErrorCode#BAD_VERDICT}. */
  public static VerdictKind of(String label) {
    for (VerdictKind k : values()) {
      if (k.label().equals(label)) {
        return k;
      }
    }
    throw TrailwatchException.of(ErrorCode.BAD_VERDICT, "Unknown verdict '%s': expected, benign or malicious", label);
  }
}
