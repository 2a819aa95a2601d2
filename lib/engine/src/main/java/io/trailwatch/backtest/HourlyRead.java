package io.trailwatch.backtest;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.lit;

import io.trailwatch.config.TrailwatchConfig;
import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.Hour;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.core.Window;
import io.trailwatch.detect.HourBehavior;
import io.trailwatch.detect.DimensionValues;
import io.trailwatch.detect.HourlyBehaviors;
import io.trailwatch.ingest.CloudTrailReader;
import io.trailwatch.ingest.LogFile;
import io.trailwatch.ingest.LogOpener;
import io.trailwatch.ingest.ParserSettings;
import io.trailwatch.pipeline.Progress;
import io.trailwatch.pipeline.ReadProgress;
import io.trailwatch.pipeline.Sparks;
import java.io.IOException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The backtest's one pass over the logs: every planned file read once, in Spark tasks that reduce
 * each account's events to behaviours per event hour ({@link HourlyBehaviors}), written to a
 * scratch Parquet folder with one partition a day (and one for the seed). The replay then takes a
 * day at a time, so the driver never holds more than a day of behaviours with their context.
 */
final class HourlyRead {
  private static final String DAY = "day";
  private static final String SEED = "seed";

  private final SparkSession spark;
  private final String folder;
  private final CloudTrailReader.ReadStats stats;

  private HourlyRead(SparkSession spark, String folder, CloudTrailReader.ReadStats stats) {
    this.spark = spark;
    this.folder = folder;
    this.stats = stats;
  }

  /**
   * Reads {@code files} for events in [seed start, end of the detection range) and writes their
   * behaviours under {@code folder} (replaced).
   *
   * @param detectFrom the first hour decided: events before it form the seed
   */
  static HourlyRead run(SparkSession spark, List<LogFile> files, Window range, Instant detectFrom,
      TrailwatchConfig cfg, LogOpener opener, String folder, Progress progress) {
    CloudTrailReader.Read read = CloudTrailReader.read(spark, files, range, ParserSettings.of(cfg), opener);
    Duration lag = Duration.ofMinutes(cfg.ingest().deliveryLagMinutes());
    Dataset<Row> rows = spark.createDataFrame(read.perAccount(HourlyBehaviors.factory(detectFrom, lag,
        cfg.alerts().maxContextValues(), cfg.alerts().sampleEventIds(), DimensionValues.of(cfg.baseline()))),
        HourlyBehaviors.SCHEMA);
    try (ReadProgress p = ReadProgress.start(read, files.size(), range, progress, Duration.ofSeconds(15))) {
      Sparks.asRead(spark, files.size() + " files, " + range.from() + " .. " + range.to(), () -> {
        rows.withColumn(DAY, coalesce(date_format(col("event_hour"), "yyyy-MM-dd"), lit(SEED)))
            .write().mode("overwrite").partitionBy(DAY).parquet(folder);
        return null;
      });
    } catch (Exception e) { // Hadoop's IOExceptions reach here unchecked, through Scala
      throw failure("write", folder, e);
    }
    return new HourlyRead(spark, folder, read.stats());
  }

  CloudTrailReader.ReadStats stats() {
    return stats;
  }

  /** The seed's behaviours: one row per behaviour over the whole history before the first hour. */
  List<HourBehavior> seed() {
    return rows(SEED).stream().map(HourBehavior::fromRow).toList();
  }

  /** One day's behaviours, by event hour (hours without events are absent). */
  SortedMap<Hour, List<HourBehavior>> day(LocalDate day) {
    SortedMap<Hour, List<HourBehavior>> out = new TreeMap<>();
    for (Row r : rows(day.toString())) {
      Instant hour = r.<Timestamp>getAs("event_hour").toInstant();
      out.computeIfAbsent(new Hour(hour), h -> new ArrayList<>()).add(HourBehavior.fromRow(r));
    }
    return out;
  }

  private List<Row> rows(String partition) {
    String dir = folder + "/" + DAY + "=" + partition;
    try {
      Path p = new Path(dir);
      FileSystem fs = p.getFileSystem(spark.sessionState().newHadoopConf());
      if (!fs.exists(p)) {
        return List.of();
      }
      return spark.read().schema(HourlyBehaviors.SCHEMA).parquet(dir).collectAsList();
    } catch (IOException | RuntimeException e) {
      throw failure("read", dir, e);
    }
  }

  /** A failure of the scratch folder's store is external; anything else is a bug, rethrown as it is. */
  private static RuntimeException failure(String verb, String where, Exception e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof TrailwatchException te) {
        return te;
      }
      if (c instanceof IOException) {
        return TrailwatchException.wrap(ErrorCode.BACKTEST_SCRATCH_FAILED, e,
            "Cannot %s the backtest's scratch folder %s: %s", verb, where, c.getMessage());
      }
    }
    return e instanceof RuntimeException r ? r : new IllegalStateException(e);
  }
}
