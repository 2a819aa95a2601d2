package io.trailwatch.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The project's own files, and the optional shared corpus of real CloudTrail records.
 *
 * <p>The suite is complete without the corpus. {@code TRAILWATCH_SHARED_SAMPLES} switches its
 * tests on: {@code on} for {@code ../shared/cloudtrail-samples} beside the project root (where
 * CI puts it; {@code .ci/run} sets the switch), or the folder's path. With the switch on and the
 * folder missing, those tests fail.
 */
public final class SharedData {
  /** The switch: the environment variable that turns the shared-corpus tests on. */
  public static final String SWITCH = "TRAILWATCH_SHARED_SAMPLES";

  private SharedData() {}

  /** The project's root folder (surefire passes it; a test run from an IDE falls back to the working folder's parents). */
  public static Path projectRoot() {
    String root = System.getProperty("trailwatch.project.root");
    if (root != null && !root.isBlank()) {
      return Path.of(root);
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("trailwatch.example.yaml"))) {
        return p;
      }
    }
    throw new IllegalStateException("Cannot find the project root (no trailwatch.example.yaml above "
        + Path.of("").toAbsolutePath() + ")");
  }

  /** The corpus folder named by {@link #SWITCH}; fails when the switch is on and the folder is missing. */
  public static Path samples() {
    String value = System.getenv(SWITCH);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(SWITCH + " is not set: the shared-corpus tests run only when it is");
    }
    Path p = value.equals("on") ? projectRoot().resolveSibling("shared").resolve("cloudtrail-samples")
        : Path.of(value);
    if (!Files.isDirectory(p)) {
      throw new IllegalStateException(SWITCH + "=" + value + " but " + p + " is not a folder: put the shared"
          + " corpus there (CI puts shared/ beside the checkout) or unset the switch");
    }
    return p;
  }
}
