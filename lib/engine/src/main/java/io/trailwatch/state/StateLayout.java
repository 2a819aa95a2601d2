package io.trailwatch.state;

import io.trailwatch.accounts.BusinessUnits;
import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.TrailwatchException;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * Where the tables live under a {@code --state} root: each business unit has its own tables, in
 * {@code <root>/bu=<name>/<table>}.
 *
 * <p>Why: separate jobs are separate Spark drivers, and Delta's default S3 log store is safe only
 * when one driver writes a table (two drivers can write the same {@code _delta_log} entry, and one
 * commit silently replaces the other). The hourly job of a BU writes only its own folder, so jobs
 * of different BUs never write the same table, whenever they run. Analysts read across BUs through
 * the views of {@link #viewsSql}.
 */
public final class StateLayout {
  /** The folder of a business unit's tables is this prefix and its name. */
  public static final String PREFIX = "bu=";

  private final SparkSession spark;
  private final String root;
  private final Clock clock;

  public StateLayout(SparkSession spark, String root) {
    this(spark, root, Clock.systemUTC());
  }

  public StateLayout(SparkSession spark, String root, Clock clock) {
    this.spark = spark;
    this.root = new Path(root).toString();
    this.clock = clock;
  }

  /** The state root as Hadoop names it. */
  public String root() {
    return root;
  }

  /** A business unit's folder under {@code root}. Names are checked plain ({@link BusinessUnits}) before they get here. */
  public static String folder(String root, String businessUnit) {
    if (!BusinessUnits.isValid(businessUnit)) {
      throw new IllegalArgumentException("Not a business unit name: " + businessUnit);
    }
    return new Path(root).toString() + "/" + PREFIX + businessUnit;
  }

  /** The tables of one business unit: the only state a job of that BU writes. */
  public StateStore of(String businessUnit) {
    return new StateStore(spark, folder(root, businessUnit), clock);
  }

  /**
   * Fails with {@link ErrorCode#STATE_OLD_LAYOUT} when the root holds tables of the layout before
   * this one (one table for every BU, straight under the root), which parallel BU jobs corrupt.
   */
  public void check() {
    for (String t : Tables.ALL) {
      if (exists(new Path(root + "/" + t + "/_delta_log"))) {
        throw TrailwatchException.of(ErrorCode.STATE_OLD_LAYOUT, "The state at %s has its tables straight under it"
            + " (%s/%s), as earlier versions kept them for every business unit together; this version keeps each"
            + " business unit's tables in %s/%s<name>/ so that parallel BU jobs never write one table. Point --state"
            + " at a new folder and run baseline again, or move the rows as docs/state-layout.md shows", root, root, t,
            root, PREFIX);
      }
    }
  }

  /** The business units that have a folder under the root, sorted (none when the root does not exist yet). */
  public List<String> businessUnits() {
    check();
    List<String> out = new ArrayList<>();
    try {
      Path p = new Path(root);
      FileSystem fs = p.getFileSystem(spark.sessionState().newHadoopConf());
      if (!fs.exists(p)) {
        return List.of();
      }
      for (FileStatus s : fs.listStatus(p)) {
        String name = s.getPath().getName();
        if (s.isDirectory() && name.startsWith(PREFIX) && BusinessUnits.isValid(name.substring(PREFIX.length()))) {
          out.add(name.substring(PREFIX.length()));
        }
      }
    } catch (IOException | RuntimeException e) {
      throw StateFailures.classify("the state at " + root, e).orElseGet(() -> TrailwatchException.wrap(
          ErrorCode.STATE_IO_FAILED, e, "Cannot list the business units of the state at %s: %s", root,
          StateFailures.summary(e)));
    }
    out.sort(null);
    return List.copyOf(out);
  }

  /**
   * Spark SQL that makes one temporary view per table across the given business units, named
   * {@code tw_<table>} (e.g. {@code tw_alerts}): each a {@code UNION ALL} of the BUs' tables.
   * sql/queries.sql reads these views. {@code root} is written as the analyst will query it (an
   * {@code s3://} or local path).
   */
  public static String viewsSql(String root, List<String> businessUnits) {
    if (businessUnits.isEmpty()) {
      throw TrailwatchException.of(ErrorCode.NO_BUSINESS_UNITS, "Cannot make views of the state at %s: it has no"
          + " business unit's tables yet (%s<name>/ folders); run baseline or detect first", root, PREFIX);
    }
    StringBuilder sql = new StringBuilder();
    sql.append("-- Views across the business units of ").append(root).append(": ")
        .append(String.join(", ", businessUnits)).append('\n');
    for (String t : Tables.ALL) {
      sql.append("CREATE OR REPLACE TEMPORARY VIEW tw_").append(t).append(" AS\n");
      List<String> parts = new ArrayList<>();
      for (String bu : businessUnits) {
        parts.add("  SELECT * FROM delta.`" + folder(root, bu) + "/" + t + "`");
      }
      sql.append(String.join("\n  UNION ALL\n", parts)).append(";\n");
    }
    return sql.toString();
  }

  private boolean exists(Path p) {
    try {
      return p.getFileSystem(spark.sessionState().newHadoopConf()).exists(p);
    } catch (IOException | RuntimeException e) {
      throw StateFailures.classify("the state at " + root, e).orElseGet(() -> TrailwatchException.wrap(
          ErrorCode.STATE_IO_FAILED, e, "Cannot read the state at %s: %s", root, StateFailures.summary(e)));
    }
  }
}
