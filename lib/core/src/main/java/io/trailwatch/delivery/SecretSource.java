package io.trailwatch.delivery;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where a secret comes from: an environment variable, a file, or (in {@code lib/aws}) an AWS
 * Secrets Manager secret. Read once at start-up; errors name the source, never the value.
 */
public interface SecretSource {
  /** The variable that holds the HEC token by default. */
  String HEC_TOKEN_VARIABLE = "TRAILWATCH_HEC_TOKEN";

  /** Reads the secret; a missing or empty one is a TrailwatchException naming {@link #describe()}. */
  Secret read();

  /** Where the secret is, for messages: {@code environment variable TRAILWATCH_HEC_TOKEN}. */
  String describe();

  /** The process environment's variable {@code name}. */
  static SecretSource env(String name) {
    return new EnvironmentSecret(name, System.getenv());
  }

  /** Variable {@code name} of {@code env} (tests pass a map instead of the process environment). */
  static SecretSource env(String name, Map<String, String> env) {
    return new EnvironmentSecret(name, env);
  }

  /** The whole content of {@code file} (UTF-8), surrounding whitespace removed. */
  static SecretSource file(Path file) {
    return new FileSecret(file);
  }
}
