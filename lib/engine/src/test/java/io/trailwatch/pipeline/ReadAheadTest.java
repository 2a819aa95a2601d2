package io.trailwatch.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.ingest.LogFile;
import io.trailwatch.testing.SparkTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The read started before the run knows its files: used when the files match, cancelled (within seconds) when not. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ReadAheadTest extends SparkTest {
  private static final LogFile A = file("a");
  private static final LogFile B = file("b");
  private static final LogFile C = file("c");

  @Test
  void theSameFilesInAnotherOrderUseTheReadAhead() {
    AtomicInteger reads = new AtomicInteger();
    try (Background background = new Background()) {
      ReadAhead<String> ahead = ReadAhead.start(spark.sparkContext(), background,
          CompletableFuture.completedFuture(List.of(A, B)), files -> {
            reads.incrementAndGet();
            return "ahead";
          });
      assertEquals("ahead", ahead.take(List.of(B, A), files -> "again"));
      ahead.drop();
    }
    assertEquals(1, reads.get());
  }

  /**
   * The read ahead's tasks wait on this until the test releases them (or 30 s pass): only a
   * cancel that interrupts them ends the job early. Static: local-mode tasks run in this JVM.
   */
  private static volatile CountDownLatch release = new CountDownLatch(0);
  private static volatile CountDownLatch tasksRunning = new CountDownLatch(0);
  private static final AtomicInteger interruptedTasks = new AtomicInteger();

  @Test
  void otherFilesCancelTheReadAheadAndAreReadAnew() throws Exception {
    release = new CountDownLatch(1);
    tasksRunning = new CountDownLatch(2);
    interruptedTasks.set(0);
    CompletableFuture<Throwable> aheadEnded = new CompletableFuture<>();
    try (Background background = new Background()) {
      try {
        ReadAhead<String> ahead = ReadAhead.start(spark.sparkContext(), background,
            CompletableFuture.completedFuture(List.of(A, B)), files -> {
              try {
                // A Spark job whose two tasks block until released: it ends early only if cancelled.
                JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(List.of(1, 2), 2)
                    .foreach(i -> blockUntilReleased());
                aheadEnded.complete(null);
              } catch (Exception e) {
                // Spark's exception is checked in Java's eyes (SparkException)
                aheadEnded.complete(e);
                throw new IllegalStateException(e);
              }
              return "ahead";
            });
        assertTrue(tasksRunning.await(60, TimeUnit.SECONDS), "the read ahead's two tasks are running");
        // The rerun reads the files its ledger names: A and C. The take cancels the read ahead first.
        String fresh = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> ahead.take(List.of(A, C),
            files -> "fresh " + files.stream().map(LogFile::uri).toList()), "the read ahead was not cancelled");
        assertEquals("fresh [a, c]", fresh);
        // Spark fails the cancelled job at once and interrupts its tasks just after, from another thread:
        // on a busy machine that comes late. Wait for it (30 s at most) before the finally below releases
        // whatever is still blocked; the assertion after the block still fails if no task was interrupted.
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (interruptedTasks.get() < 2 && System.nanoTime() < until) {
          Thread.sleep(50);
        }
      } finally {
        // Whatever happened, no task stays blocked (closing the Background waits for the read ahead).
        release.countDown();
      }
    }
    Throwable failure = aheadEnded.get(30, TimeUnit.SECONDS);
    assertTrue(failure != null && String.valueOf(failure.getMessage()).contains("cancelled"),
        () -> "the read ahead's job was cancelled: " + failure);
    assertEquals(2, interruptedTasks.get(), "both tasks were interrupted by the cancel, not released");
  }

  /** A task body that waits for {@link #release}; an interrupt (Spark cancelling the job) is counted and ends it. */
  private static void blockUntilReleased() {
    tasksRunning.countDown();
    try {
      release.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      interruptedTasks.incrementAndGet();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("task interrupted", e);
    }
  }

  @Test
  void aFailedPlanFailsTheTake() {
    try (Background background = new Background()) {
      ReadAhead<String> ahead = ReadAhead.start(spark.sparkContext(), background,
          CompletableFuture.failedFuture(new IllegalStateException("listing failed")), files -> "ahead");
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> ahead.take(List.of(A), files -> "again"));
      assertEquals("listing failed", e.getMessage());
      ahead.drop();
    }
  }

  private static LogFile file(String name) {
    return new LogFile(name, "111111111111", "bu", "us-east-1", Instant.parse("2026-11-20T14:05:00Z"), 1);
  }
}
