package io.trailwatch.state;

import io.trailwatch.ingest.LogFile;
import java.time.Instant;

/** A file read for the events of {@code eventHour} by the run of {@code detectHour}. */
public record IngestedFile(LogFile file, Instant eventHour, Instant detectHour, boolean late) {}
