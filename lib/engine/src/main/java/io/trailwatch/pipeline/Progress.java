package io.trailwatch.pipeline;

/** Where a run reports what it is doing. */
public interface Progress {
  void step(String message);

  Progress SILENT = m -> { };

  /** Lines on stderr, each with the seconds since the run started. */
  static Progress stderr() {
    long t0 = System.nanoTime();
    return m -> System.err.printf("[%6.1fs] %s%n", (System.nanoTime() - t0) / 1e9, m);
  }
}
