package io.trailwatch.state;

import java.util.List;
import java.util.Locale;

/**
 * What one {@link Maintenance} run did, table by table.
 *
 * @param businessUnits the business units whose partitions it worked on
 * @param tables one entry per table, in the order they were maintained
 */
public record MaintenanceReport(List<String> businessUnits, List<Table> tables) {
  public MaintenanceReport {
    businessUnits = List.copyOf(businessUnits);
    tables = List.copyOf(tables);
  }

  /**
   * One table.
   *
   * @param before the table (the business units' partitions, when named) before maintenance
   * @param after the same after compaction and VACUUM
   * @param rowsRemoved expired baseline rows moved out (baseline), or expired behaviours forgotten past the
   *     returning horizon (expired_behaviors)
   * @param filesVacuumed files VACUUM deleted (anywhere in the table: files of no current snapshot)
   * @param bytesReclaimed their size
   * @param propertiesSet table properties changed (none once they are as configured)
   * @param compacted whether OPTIMIZE rewrote files
   * @param checkpointed whether a checkpoint was written (none when the last commit has one)
   * @param seconds how long the table took
   */
  public record Table(String table, TableStats before, TableStats after, long rowsRemoved, long filesVacuumed,
      long bytesReclaimed, List<String> propertiesSet, boolean compacted, boolean checkpointed, double seconds) {
    public Table {
      propertiesSet = List.copyOf(propertiesSet);
    }

    /** Whether the run changed nothing in this table. */
    public boolean unchanged() {
      return rowsRemoved == 0 && filesVacuumed == 0 && propertiesSet.isEmpty() && !compacted && !checkpointed
          && before.version() == after.version();
    }
  }

  /** Whether the run changed nothing at all (what a second run in a row reports). */
  public boolean unchanged() {
    return tables.stream().allMatch(Table::unchanged);
  }

  /** The report as the command prints it: a line per table, then the totals. */
  public String render() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "maintain %s%n", String.join(",", businessUnits)));
    sb.append(String.format(Locale.ROOT, "  %-15s %12s %11s %10s %9s %12s %9s %12s %9s %8s%n", "table",
        "files before", "files after", "MB before", "MB after", "rows removed", "vacuumed", "MB reclaimed",
        "log files", "seconds"));
    long removed = 0;
    long vacuumed = 0;
    long reclaimed = 0;
    for (Table t : tables) {
      sb.append(String.format(Locale.ROOT, "  %-15s %12d %11d %10.2f %9.2f %12d %9d %12.2f %9d %8.1f%s%n", t.table(),
          t.before().files(), t.after().files(), t.before().bytes() / 1e6, t.after().bytes() / 1e6, t.rowsRemoved(),
          t.filesVacuumed(), t.bytesReclaimed() / 1e6, t.after().logFiles(), t.seconds(), notes(t)));
      removed += t.rowsRemoved();
      vacuumed += t.filesVacuumed();
      reclaimed += t.bytesReclaimed();
    }
    sb.append(String.format(Locale.ROOT, "  %d rows removed, %d files vacuumed, %.2f MB reclaimed%s%n", removed,
        vacuumed, reclaimed / 1e6, unchanged() ? "; nothing to do" : ""));
    return sb.toString();
  }

  private static String notes(Table t) {
    StringBuilder sb = new StringBuilder();
    if (t.compacted()) {
      sb.append(t.table().equals(Tables.BASELINE) ? "compacted in last_seen order" : "compacted");
    }
    if (!t.propertiesSet().isEmpty()) {
      sb.append(sb.length() == 0 ? "" : "; ").append("set ").append(String.join(", ", t.propertiesSet()));
    }
    if (t.checkpointed()) {
      sb.append(sb.length() == 0 ? "" : "; ").append("checkpoint");
    }
    return sb.length() == 0 ? "" : "  (" + sb + ")";
  }
}
