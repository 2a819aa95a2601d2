package io.trailwatch.pipeline;

import io.trailwatch.detect.HourBehavior;
import io.trailwatch.ingest.CloudTrailReader;
import io.trailwatch.ingest.LogFile;
import java.util.List;

/** Stage 2's value: one event hour's files, read and reduced to behaviours (collected: few rows). */
record HourRead(List<LogFile> files, List<HourBehavior> behaviors, CloudTrailReader.ReadStats stats) {
  HourRead {
    files = List.copyOf(files);
    behaviors = List.copyOf(behaviors);
  }
}
