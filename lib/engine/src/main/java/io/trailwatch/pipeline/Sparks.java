package io.trailwatch.pipeline;

import io.trailwatch.localfs.NioLocalFileSystem;
import io.trailwatch.localfs.NioLocalFs;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** The SparkSession of the embedded default (local mode) and the settings every session needs. */
public final class Sparks {
  /** The scheduler pool of log reads (see {@link #asRead}). */
  public static final String READ_POOL = "read";

  /** How the descriptions of read jobs start (Spark's UI shows them; the benchmark times these jobs). */
  public static final String READ_DESCRIPTION = "trailwatch read: ";

  private Sparks() {}

  /** Runs {@code work} with this thread's Spark jobs in the read pool, described as reading {@code what}. */
  public static <T> T asRead(SparkSession spark, String what, java.util.function.Supplier<T> work) {
    var sc = spark.sparkContext();
    String pool = sc.getLocalProperty("spark.scheduler.pool");
    String description = sc.getLocalProperty("spark.job.description");
    sc.setLocalProperty("spark.scheduler.pool", READ_POOL);
    sc.setLocalProperty("spark.job.description", READ_DESCRIPTION + what);
    try {
      return work.get();
    } finally {
      sc.setLocalProperty("spark.scheduler.pool", pool);
      sc.setLocalProperty("spark.job.description", description);
    }
  }

  /**
   * A session for {@code master} (e.g. {@code local[*]}); on a cluster, pass null to keep what
   * spark-submit set. Shuffle partitions stay small: an hour reduces to few rows early. The
   * tunable settings below are defaults: a {@code spark.*} system property of the same key (a
   * {@code --conf} of spark-submit, or {@code -D} in {@code TRAILWATCH_JAVA_OPTS}) wins.
   */
  public static SparkSession session(String appName, String master, int shufflePartitions) {
    return session(appName, master, shufflePartitions, java.util.Map.of());
  }

  /** The same, with {@code settings} set last (they win over everything above and over spark-submit's). */
  public static SparkSession session(String appName, String master, int shufflePartitions,
      java.util.Map<String, String> settings) {
    SparkSession.Builder b = SparkSession.builder().appName(appName)
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false");
    for (java.util.Map.Entry<String, String> t : tunables(shufflePartitions, System.getProperties()).entrySet()) {
      b = b.config(t.getKey(), t.getValue());
    }
    localFileSystem(master != null ? master : new SparkConf().get("spark.master", "")).forEach(b::config);
    if (master != null) {
      b = b.master(master)
          // trailwatch uses path-based tables only: keep Spark's warehouse out of the user's folder.
          .config("spark.sql.warehouse.dir", System.getProperty("java.io.tmpdir") + "/trailwatch-spark-warehouse")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1");
    }
    settings.forEach(b::config);
    return b.getOrCreate();
  }

  /** The settings a user may override (see {@link #session}): trailwatch's values, or those {@code set} holds. */
  static java.util.Map<String, String> tunables(int shufflePartitions, java.util.Properties set) {
    java.util.Map<String, String> t = new java.util.LinkedHashMap<>();
    t.put("spark.sql.shuffle.partitions", String.valueOf(shufflePartitions));
    t.put("spark.sql.adaptive.enabled", "true");
    // A detect run generates about 200 classes; Spark keeps 100 by default, so a driver that
    // runs again (tests, bench, a long-lived session) compiled them all again every run.
    t.put("spark.sql.codegen.cache.maxEntries", "1000");
    // Bounded-set aggregators keep small objects per group: stay hash-based for many groups.
    t.put("spark.sql.objectHashAggregate.sortBased.fallbackThreshold", "1000000");
    // The hour's read runs beside the run's small Delta jobs (ledgers, snapshots): with FAIR
    // scheduling and the read in its own pool, they take the next free slot instead of
    // queueing behind every task of the read.
    t.put("spark.scheduler.mode", "FAIR");
    // A state table's log is small: its snapshot is rebuilt in one task, not Delta's 50.
    t.put("spark.databricks.delta.snapshotPartitions", "1");
    // The MERGE source is already small and grouped: no extra shuffle before writing.
    t.put("spark.databricks.delta.merge.repartitionBeforeWrite.enabled", "false");
    t.put("spark.databricks.delta.stats.skipping", "true");
    // Timestamps as 64-bit microseconds, not Spark's default INT96, of which Parquet keeps no min
    // and max: with them, a scan with a last_seen range (the hour's baseline MERGE) skips the row
    // groups outside it inside a file sorted by last_seen. Older files keep INT96; both read alike.
    t.put("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS");
    // Interpreted, not generated code: a run plans each of its ~15 queries once, mostly on small
    // tables, and compiling generated Java for each (Janino, on C1 code) cost more than it saved.
    // Measured in fresh JVMs (docs/fixed-cost.md): empty hour 10.4 s to 5.7 s, the 2 M-event hour
    // 29.1 s to 27.5 s, a 5-day baseline 32.4 s to 29.5 s. The hour's heavy work is trailwatch's
    // own parser and object-hash aggregation, which never used whole-stage code generation.
    t.put("spark.sql.codegen.wholeStage", "false");
    t.put("spark.sql.codegen.factoryMode", "NO_CODEGEN");
    t.replaceAll((k, v) -> set.getProperty(k, v));
    return t;
  }

  /**
   * Local folders without a process per file written or renamed (see io.trailwatch.localfs), in
   * local mode only. On a cluster the executors' Hadoop loads {@code fs.file.impl} by name with
   * class loaders that do not see the job jar spark-submit ships ({@code spark.jars}): s3a, which
   * buffers uploads on local disk, asks for the local file system with its own class loader, so
   * every Delta write to S3 from an executor failed with ClassNotFoundException. A cluster keeps
   * Hadoop's own local file system (its nodes have Hadoop's native library; state is on S3).
   */
  static java.util.Map<String, String> localFileSystem(String effectiveMaster) {
    if (!effectiveMaster.startsWith("local")) {
      return java.util.Map.of();
    }
    return java.util.Map.of("spark.hadoop.fs.file.impl", NioLocalFileSystem.class.getName(),
        "spark.hadoop.fs.AbstractFileSystem.file.impl", NioLocalFs.class.getName());
  }
}
