package io.trailwatch.delivery;

import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.TrailwatchException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** A secret in a file of its own (e.g. a mounted Kubernetes or EMR secret). */
record FileSecret(Path file) implements SecretSource {
  @Override
  public Secret read() {
    String v;
    try {
      v = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw TrailwatchException.of(ErrorCode.SECRET_NOT_FOUND, "Cannot read the secret from %s: no such file", describe());
    } catch (IOException e) {
      throw TrailwatchException.of(ErrorCode.SECRET_NOT_READABLE, "Cannot read the secret from %s: %s", describe(),
          e.getClass().getSimpleName());
    }
    if (v.isBlank()) {
      throw TrailwatchException.of(ErrorCode.SECRET_NOT_FOUND, "Cannot read the secret from %s: it is empty", describe());
    }
    return Secret.of(v);
  }

  @Override
  public String describe() {
    return "file " + file;
  }
}
