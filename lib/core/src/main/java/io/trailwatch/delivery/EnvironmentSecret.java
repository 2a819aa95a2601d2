package io.trailwatch.delivery;

import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.TrailwatchException;
import java.util.Map;

/** A secret in an environment variable. */
record EnvironmentSecret(String name, Map<String, String> env) implements SecretSource {
  @Override
  public Secret read() {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      throw TrailwatchException.of(ErrorCode.SECRET_NOT_FOUND, "Cannot read the secret from %s: it is %s", describe(),
          v == null ? "not set" : "empty");
    }
    return Secret.of(v);
  }

  @Override
  public String describe() {
    return "environment variable " + name;
  }

  @Override
  public String toString() {
    return describe();
  }
}
