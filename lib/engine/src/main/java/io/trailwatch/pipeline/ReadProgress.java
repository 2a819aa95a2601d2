package io.trailwatch.pipeline;

import io.trailwatch.core.Window;
import io.trailwatch.ingest.CloudTrailReader;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Progress lines while a long read runs (a baseline build, a backtest): every so often, the
 * files done of those planned, how many days of the range that is worth, records and records a
 * second, and an estimate of the time left. Counts come from the read's accumulators, which grow
 * as tasks finish (a task reads whole accounts), so the lines move in steps of a task.
 */
public final class ReadProgress implements AutoCloseable {
  private final ScheduledExecutorService timer;

  private ReadProgress(ScheduledExecutorService timer) {
    this.timer = timer;
  }

  /** Starts printing to {@code progress} every {@code every}; close to stop. */
  public static ReadProgress start(CloudTrailReader.Read read, int plannedFiles, Window range, Progress progress,
      Duration every) {
    return start(read::soFar, System::nanoTime, plannedFiles, range, progress, every);
  }

  static ReadProgress start(java.util.function.Supplier<CloudTrailReader.ReadCount> soFar, LongSupplier nanos,
      int plannedFiles, Window range, Progress progress, Duration every) {
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "trailwatch-read-progress");
      t.setDaemon(true);
      return t;
    });
    long started = nanos.getAsLong();
    timer.scheduleAtFixedRate(() -> progress.step(line(soFar.get(), plannedFiles, range,
        (nanos.getAsLong() - started) / 1e9)), every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    return new ReadProgress(timer);
  }

  /** {@code read 1,200 of 4,800 files (25%, about 22 of 90 days), 3,400,000 records, 61,000 records/s, about 2m45s left}. */
  static String line(CloudTrailReader.ReadCount c, int plannedFiles, Window range, double seconds) {
    double done = plannedFiles == 0 ? 1 : Math.min(1, c.files() / (double) plannedFiles);
    double days = Duration.between(range.from(), range.to()).toHours() / 24.0;
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
        "read %,d of %,d files (%.0f%%, about %.0f of %.0f days), %,d records, %,.0f records/s", c.files(),
        plannedFiles, done * 100, done * days, days, c.records(), c.records() / Math.max(seconds, 1e-9)));
    if (done > 0 && done < 1) {
      long left = Math.round(seconds * (1 - done) / done);
      sb.append(String.format(Locale.ROOT, ", about %dm%02ds left", left / 60, left % 60));
    }
    return sb.toString();
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
