package io.trailwatch.pipeline;

import io.trailwatch.config.TrailwatchConfig;
import io.trailwatch.core.Hour;
import io.trailwatch.core.Window;
import io.trailwatch.detect.Behaviors;
import io.trailwatch.detect.DimensionValues;
import io.trailwatch.detect.HourBehavior;
import io.trailwatch.ingest.CloudTrailReader;
import io.trailwatch.ingest.LogFile;
import io.trailwatch.ingest.LogOpener;
import io.trailwatch.ingest.ParserSettings;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Stage 2: one event hour's files, read in Spark tasks that reduce them to behaviour rows. */
final class HourReader {
  private final SparkSession spark;
  private final TrailwatchConfig cfg;
  private final LogOpener opener;

  HourReader(SparkSession spark, TrailwatchConfig cfg, LogOpener opener) {
    this.spark = spark;
    this.cfg = cfg;
    this.opener = opener;
  }

  HourRead read(Hour eventHour, List<LogFile> files) {
    if (files.isEmpty()) {
      // Nothing to read (a quiet hour of a small BU): no Spark job, no broadcast, no plan.
      return new HourRead(files, List.of(), new CloudTrailReader.ReadStats(0, 0, 0, 0, 0, 0, List.of()), List.of());
    }
    CloudTrailReader.Read read = CloudTrailReader.read(spark, files, Window.of(eventHour), ParserSettings.of(cfg),
        opener).ledger(cfg.coverage().ledger());
    List<Row> behaviors = Sparks.asRead(spark, files.size() + " files, events of " + eventHour,
        () -> Behaviors.collected(read, cfg.alerts().maxContextValues(), cfg.alerts().sampleEventIds(),
            DimensionValues.of(cfg.baseline())));
    return new HourRead(files, behaviors.stream().map(HourBehavior::fromRow).toList(), read.stats(),
        read.coverage());
  }
}
