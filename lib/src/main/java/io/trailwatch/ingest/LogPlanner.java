package io.trailwatch.ingest;

import java.time.Instant;
import java.util.List;

/**
 * Finds the log files of some accounts whose name time lies in [fileTimeFrom, fileTimeTo], by
 * walking only the day folders that can hold them: never a listing of the whole bucket.
 */
public interface LogPlanner {
  /** The files to read, and the objects met on the way that are not CloudTrail log files. */
  record Plan(List<LogFile> files, List<QuarantineEntry> rejected) {}

  Plan plan(List<Account> accounts, Instant fileTimeFrom, Instant fileTimeTo);

  /** A printable name of where logs come from. */
  String describe();
}
