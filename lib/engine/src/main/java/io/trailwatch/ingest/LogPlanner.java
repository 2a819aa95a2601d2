package io.trailwatch.ingest;

import io.trailwatch.accounts.Account;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Finds the log files of some accounts whose name time lies in [fileTimeFrom, fileTimeTo], by
 * walking only the day folders that can hold them: never a listing of the whole bucket.
 */
public interface LogPlanner {
  /** The files to read, and the objects met on the way that are not CloudTrail log files. */
  record Plan(List<LogFile> files, List<QuarantineEntry> rejected) {
    /** This plan without the files and rejects of some business units. */
    public Plan without(Set<String> businessUnits) {
      return new Plan(files.stream().filter(f -> !businessUnits.contains(f.businessUnit())).toList(),
          rejected.stream().filter(q -> !businessUnits.contains(q.businessUnit())).toList());
    }
  }

  Plan plan(List<Account> accounts, Instant fileTimeFrom, Instant fileTimeTo);

  /** A printable name of where logs come from. */
  String describe();
}
