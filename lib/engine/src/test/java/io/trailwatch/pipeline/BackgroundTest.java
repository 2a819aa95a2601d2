package io.trailwatch.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The side-by-side steps of a run: a failed write fails the run, but only after the others ended. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class BackgroundTest {
  @Test
  void allRunsEveryTaskAtOnceAndRethrowsTheFirstFailureAfterTheOthersEnded() {
    AtomicInteger finished = new AtomicInteger();
    CountDownLatch bothStarted = new CountDownLatch(2);
    IllegalStateException boom = new IllegalStateException("baseline MERGE failed");
    try (Background b = new Background()) {
      Runnable slow = () -> {
        bothStarted.countDown();
        await(bothStarted);
        sleep(200);
        finished.incrementAndGet();
      };
      Runnable failing = () -> {
        bothStarted.countDown();
        await(bothStarted);
        throw boom;
      };
      RuntimeException e = assertThrows(RuntimeException.class, () -> all(b, List.of(failing, slow)));
      assertSame(boom, e);
      assertEquals(1, finished.get(), "the other write had ended before the failure was reported");
    }
  }

  /** Every task submitted at once, then {@link Background#await}: how a run starts and waits for its writes. */
  private static void all(Background b, List<Runnable> tasks) {
    List<Future<?>> running = new java.util.ArrayList<>();
    tasks.forEach(t -> running.add(b.submit(t)));
    Background.await(running);
  }

  @Test
  void afterWaitsForItsTableAndFailsWithIt() throws Exception {
    try (Background b = new Background()) {
      CountDownLatch tableReady = new CountDownLatch(1);
      Future<?> ensure = b.submit(() -> await(tableReady));
      Future<String> read = b.after(ensure, () -> "rows");
      assertTrue(!read.isDone());
      tableReady.countDown();
      assertEquals("rows", Background.get(read));

      Future<?> broken = b.submit(() -> {
        throw new IllegalArgumentException("table not writable");
      });
      Future<String> dependent = b.after(broken, () -> "never");
      assertEquals("table not writable",
          assertThrows(IllegalArgumentException.class, () -> Background.get(dependent)).getMessage());
    }
  }

  /**
   * Two writes that wait on one failed step both rethrow its failure: the run fails with that
   * failure (before, adding it to itself as suppressed threw IllegalArgumentException, "Self-suppression
   * not permitted", which hid it as an internal error), and another failure is kept beside it once.
   */
  @Test
  void allRethrowsAFailureThatSeveralTasksShareAsItself() {
    try (Background b = new Background()) {
      IllegalStateException tableMissing = new IllegalStateException("table missing");
      Future<?> ensure = b.submit(() -> {
        throw tableMissing;
      });
      IllegalArgumentException other = new IllegalArgumentException("sink down");
      RuntimeException e = assertThrows(RuntimeException.class, () -> all(b, List.of(
          () -> Background.get(ensure), () -> Background.get(ensure), () -> {
            throw other;
          })));
      assertSame(tableMissing, e);
      assertEquals(List.of(other), List.of(e.getSuppressed()));
    }
  }

  private static void await(CountDownLatch l) {
    try {
      assertTrue(l.await(10, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }
}
