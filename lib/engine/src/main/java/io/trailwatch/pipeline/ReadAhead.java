package io.trailwatch.pipeline;

import io.trailwatch.ingest.LogFile;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.apache.spark.SparkContext;

/**
 * A read started before the run knows for sure which files it reads. Most runs read exactly the
 * hour's planned files; only the ledgers can say that this run is a rerun (which reads the files
 * its first run read), and loading them takes seconds of Delta work that leaves cores idle. So the
 * planned files are read while the ledgers load, and the result is used only if the files the run
 * selects are the same set; otherwise the read is cancelled and its result dropped.
 */
final class ReadAhead<T> {
  private final SparkContext spark;
  private final String group = "trailwatch-read-ahead-" + UUID.randomUUID();
  private final AtomicBoolean dropped = new AtomicBoolean();
  private final Future<List<LogFile>> files;
  private final Future<T> result;

  private ReadAhead(SparkContext spark, Background background, Future<List<LogFile>> files,
      Function<List<LogFile>, T> read) {
    this.spark = spark;
    this.files = files;
    this.result = background.after(files, () -> {
      spark.setJobGroup(group, "trailwatch read ahead", true);
      try {
        // Dropped before it started: no job at all.
        return dropped.get() ? null : read.apply(Background.get(files));
      } finally {
        spark.clearJobGroup();
      }
    });
  }

  /** Starts {@code read} of the files {@code files} will name, on a background thread. */
  static <T> ReadAhead<T> start(SparkContext spark, Background background, Future<List<LogFile>> files,
      Function<List<LogFile>, T> read) {
    return new ReadAhead<>(spark, background, files, read);
  }

  /**
   * The result of reading {@code wanted}: the read ahead's if it read the same files, else a new
   * read with {@code read} (the read ahead is cancelled first, so that it does not hold the cores).
   */
  T take(List<LogFile> wanted, Function<List<LogFile>, T> read) {
    if (new HashSet<>(Background.get(files)).equals(new HashSet<>(wanted))) {
      return Background.get(result);
    }
    drop();
    return read.apply(wanted);
  }

  /** Cancels the read if it is still running and waits for it to end; its outcome is ignored. */
  void drop() {
    if (dropped.getAndSet(true)) {
      return;
    }
    // Cancelling reaches only jobs already submitted: repeat until the read ends, so that a job it
    // submits just after a cancel is cancelled too.
    while (!result.isDone()) {
      spark.cancelJobGroup(group);
      try {
        result.get(200, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        // still running: cancel again
      } catch (ExecutionException | CancellationException e) {
        // cancelled or failed: either way it is not used
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
