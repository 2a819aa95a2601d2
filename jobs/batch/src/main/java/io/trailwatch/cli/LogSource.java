package io.trailwatch.cli;

import io.trailwatch.aws.S3Location;
import io.trailwatch.aws.S3LogPlanner;
import io.trailwatch.aws.S3Opener;
import io.trailwatch.aws.S3Settings;
import io.trailwatch.ingest.LocalLogPlanner;
import io.trailwatch.ingest.LocalOpener;
import io.trailwatch.ingest.LogOpener;
import io.trailwatch.ingest.LogPlanner;
import java.nio.file.Path;

/** {@code --logs}: a CloudTrail bucket ({@code s3://bucket[/prefix]}) or a folder laid out like one. */
public final class LogSource {
  private LogSource() {}

  /** What lists the log files of {@code logs}. */
  public static LogPlanner planner(String logs) {
    return S3Location.isS3(logs) ? S3LogPlanner.create(logs, S3Settings.fromEnvironment())
        : new LocalLogPlanner(Path.of(logs));
  }

  /** What opens the log files of {@code logs}. */
  public static LogOpener opener(String logs) {
    return S3Location.isS3(logs) ? new S3Opener(S3Settings.fromEnvironment()) : new LocalOpener();
  }
}
