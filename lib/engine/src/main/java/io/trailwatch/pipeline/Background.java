package io.trailwatch.pipeline;

import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.TrailwatchException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Work of one run done beside its main thread: state loaded while the files are read, and tables
 * written side by side (Spark runs jobs from several threads at once; Delta commits to different
 * tables independently). Closing waits for whatever is still running.
 */
final class Background implements AutoCloseable {
  private static final AtomicInteger RUNS = new AtomicInteger();
  private final ExecutorService pool;

  Background() {
    int run = RUNS.incrementAndGet();
    AtomicInteger n = new AtomicInteger();
    // Enough threads that steps waiting for another (after) never hold up the ones they wait for.
    pool = Executors.newFixedThreadPool(12, r -> {
      Thread t = new Thread(r, "trailwatch-" + run + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  <T> Future<T> submit(Callable<T> work) {
    return pool.submit(work);
  }

  Future<?> submit(Runnable work) {
    return pool.submit(work);
  }

  /** Runs {@code then} once {@code first} has ended; a failure of {@code first} is the result's failure. */
  <T> Future<T> after(Future<?> first, Callable<T> then) {
    return pool.submit(() -> {
      get(first);
      return then.call();
    });
  }

  Future<?> after(Future<?> first, Runnable then) {
    return pool.submit(() -> {
      get(first);
      then.run();
    });
  }

  /**
   * Waits for every one of {@code running}; then rethrows the first failure, if any, with the other
   * failures suppressed in it (each once).
   */
  static void await(List<Future<?>> running) {
    RuntimeException first = null;
    for (Future<?> f : running) {
      try {
        get(f);
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        } else if (e != first && !java.util.Arrays.asList(first.getSuppressed()).contains(e)) {
          // A task that waits on a failed one (after) rethrows that same failure: kept once.
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /** The task's result; its own exception as thrown (unwrapped). */
  static <T> T get(Future<T> f) {
    try {
      return f.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw TrailwatchException.wrap(ErrorCode.BUG, e.getCause(), "A background step failed: %s",
          e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw TrailwatchException.wrap(ErrorCode.INTERRUPTED, e, "Interrupted while waiting for a background step");
    }
  }

  @Override
  public void close() {
    pool.shutdown();
    try {
      while (!pool.awaitTermination(1, TimeUnit.MINUTES)) {
        // a state read or write still running: let it end before the run returns
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
