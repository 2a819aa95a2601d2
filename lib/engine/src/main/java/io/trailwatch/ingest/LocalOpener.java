package io.trailwatch.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens {@code file:} URIs and plain paths. */
public final class LocalOpener implements LogOpener {
  @Override
  public InputStream open(String uri) throws IOException {
    Path p = uri.startsWith("file:") ? Path.of(URI.create(uri)) : Path.of(uri);
    return Files.newInputStream(p);
  }
}
