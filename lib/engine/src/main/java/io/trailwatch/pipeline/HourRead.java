package io.trailwatch.pipeline;

import io.trailwatch.detect.HourBehavior;
import io.trailwatch.ingest.CloudTrailReader;
import io.trailwatch.ingest.LogFile;
import io.trailwatch.ingest.TrailRead;
import java.util.List;

/**
 * Stage 2's value: one event hour's files, read and reduced to behaviours (collected: few rows),
 * and what each account-region's files held (the coverage ledger's rows, counted in the same read).
 */
record HourRead(List<LogFile> files, List<HourBehavior> behaviors, CloudTrailReader.ReadStats stats,
    List<TrailRead> coverage) {
  HourRead {
    files = List.copyOf(files);
    behaviors = List.copyOf(behaviors);
    coverage = List.copyOf(coverage);
  }
}
