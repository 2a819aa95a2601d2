package io.trailwatch.ingest;

import io.trailwatch.core.QuarantineReason;
import java.io.Serializable;

/**
 * Input that could not be used, and why. {@code recordIndex} is the record's position in its
 * file's {@code Records} array, or -1 when the whole file (or the rest of it) is rejected.
 */
public record QuarantineEntry(
    String source, long recordIndex, String eventId, QuarantineReason reason, String detail, String businessUnit,
    String accountId) implements Serializable {

  public static final long WHOLE_FILE = -1;

  public boolean isFile() {
    return recordIndex == WHOLE_FILE;
  }
}
