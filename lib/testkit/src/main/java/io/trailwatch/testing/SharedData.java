package io.trailwatch.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds {@code ../shared/} beside the project root (the README and CI put it there). */
public final class SharedData {
  private SharedData() {}

  public static Path samples() {
    Path p = Path.of("").toAbsolutePath();
    for (int i = 0; i < 4 && p != null; i++, p = p.getParent()) {
      Path c = p.resolveSibling("shared").resolve("cloudtrail-samples");
      if (Files.isDirectory(c)) {
        return c;
      }
    }
    throw new IllegalStateException("../shared/cloudtrail-samples not found beside the project: the samples test"
        + " needs it (CI and the README put shared/ next to the checkout)");
  }
}
