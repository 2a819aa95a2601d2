package io.trailwatch.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The release of trailwatch this code belongs to, as the build wrote it
 * ({@code release.properties}, filled from the Maven project version): what {@code trailwatch
 * --version} prints and what the run ledger records.
 */
public final class Release {
  /** For example {@code 0.2.0}. */
  public static final String VERSION = read();

  private Release() {}

  private static String read() {
    try (InputStream in = Release.class.getResourceAsStream("release.properties")) {
      if (in == null) {
        throw new IllegalStateException("release.properties is missing beside " + Release.class.getName()
            + ": the jar was not built by Maven");
      }
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version", "");
      if (v.isBlank() || v.contains("${")) {
        throw new IllegalStateException("release.properties names no version (unfiltered resource): " + v);
      }
      return v.strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
