package io.trailwatch.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.delta.exceptions.ConcurrentAppendException;
import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.state.StateFailures;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The engine's error codes that need no Spark: a background step, and the state's failures as Delta reports them. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class EngineErrorCodesTest {
  @Test
  void aBackgroundStepFailingWithACheckedExceptionIsABug() {
    CompletableFuture<String> step = CompletableFuture.failedFuture(new IOException("checked, unexpected"));
    assertEquals(ErrorCode.BUG, assertThrows(TrailwatchException.class, () -> Background.get(step)).code());
  }

  @Test
  void anInterruptWhileWaitingForABackgroundStepIsInterrupted() {
    CompletableFuture<String> never = new CompletableFuture<>();
    Thread.currentThread().interrupt();
    try {
      assertEquals(ErrorCode.INTERRUPTED, assertThrows(TrailwatchException.class, () -> Background.get(never)).code());
      assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is kept for the caller");
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void anotherWritersCommitIsACommitConflict() {
    RuntimeException delta = new RuntimeException("MERGE failed",
        new ConcurrentAppendException("Files were added to the root of the table by a concurrent update."));
    assertEquals(ErrorCode.STATE_COMMIT_CONFLICT, StateFailures.classify("Delta table /s/baseline", delta)
        .orElseThrow().code());
  }

  @Test
  void anyOtherIoFailureOfTheStoreIsStateIoFailed() {
    RuntimeException spark = new RuntimeException("Job aborted", new IOException("Input/output error"));
    assertEquals(ErrorCode.STATE_IO_FAILED, StateFailures.classify("Delta table /s/alerts", spark).orElseThrow().code());
    assertTrue(StateFailures.classify("Delta table /s/alerts", new IllegalStateException("a bug")).isEmpty(),
        "what does not come from the store stays a bug");
  }
}
