package io.trailwatch.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.trailwatch.ingest.LogFile;
import io.trailwatch.testing.SparkTest;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

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

  @Test
  void otherFilesCancelTheReadAheadAndAreReadAnew() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CompletableFuture<Throwable> aheadEnded = new CompletableFuture<>();
    try (Background background = new Background()) {
      ReadAhead<String> ahead = ReadAhead.start(spark.sparkContext(), background,
          CompletableFuture.completedFuture(List.of(A, B)), files -> {
            started.countDown();
            try {
              // A Spark job that would run for ten minutes unless cancelled.
              JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(List.of(1, 2), 2).foreach(i -> {
                Thread.sleep(600_000);
              });
              aheadEnded.complete(null);
            } catch (Exception e) {
              // Spark's exception is checked in Java's eyes (SparkException)
              aheadEnded.complete(e);
              throw new IllegalStateException(e);
            }
            return "ahead";
          });
      started.await();
      // The rerun reads the files its ledger names: A and C.
      assertEquals("fresh [a, c]", ahead.take(List.of(A, C),
          files -> "fresh " + files.stream().map(LogFile::uri).toList()));
    }
    Throwable failure = aheadEnded.get(60, TimeUnit.SECONDS);
    assertEquals(true, failure != null && String.valueOf(failure.getMessage()).contains("cancelled"),
        "the read ahead's job was cancelled: " + failure);
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
