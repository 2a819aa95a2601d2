package io.trailwatch.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;

/** Opens a log file by URI on an executor. Implementations are serializable and build clients lazily. */
public interface LogOpener extends Serializable {
  InputStream open(String uri) throws IOException;
}
