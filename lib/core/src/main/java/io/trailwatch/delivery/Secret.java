package io.trailwatch.delivery;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A credential (the HEC token) that prints as {@code ***} everywhere: {@code toString}, records
 * that hold it, log lines, exception messages. Only {@link #reveal()} gives the value, at the one
 * place it goes on the wire.
 */
public final class Secret {
  private final String value;

  private Secret(String value) {
    this.value = value;
  }

  /** A secret from its text, surrounding whitespace (a file's trailing newline) removed. */
  public static Secret of(String value) {
    Objects.requireNonNull(value, "value");
    String v = value.strip();
    if (v.isEmpty()) {
      throw new IllegalArgumentException("a secret cannot be empty");
    }
    return new Secret(v);
  }

  /** The value, for the request header only. */
  public String reveal() {
    return value;
  }

  @Override
  public String toString() {
    return "***";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret s && MessageDigest.isEqual(value.getBytes(StandardCharsets.UTF_8),
        s.value.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public int hashCode() {
    return 0;
  }
}
