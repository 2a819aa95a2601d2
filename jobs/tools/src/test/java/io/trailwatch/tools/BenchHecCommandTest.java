package io.trailwatch.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.core.ErrorCode;
import io.trailwatch.testing.CommandRun;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code bench-hec} delivers through the test receiver and checks exactly-once arrival. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class BenchHecCommandTest {
  @Test
  void smallBenchDeliversEveryAlertOnceInManyRequests() {
    CommandRun r = CommandRun.of(ToolsMain::run, "bench-hec", "--alerts", "500", "--batch-bytes", "20000", "--gzip",
        "--runs", "1");
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().matches("(?s).*run 1: 500 sent in .* alerts/s; \\d{2,} requests, .*each alert exactly once: "
        + "yes\n"), r.out());
  }

  @Test
  void badOptionIsAUserError() {
    CommandRun r = CommandRun.of(ToolsMain::run, "bench-hec", "--alerts", "0");
    assertEquals(2, r.code(), r.err());
    assertEquals(ErrorCode.BAD_BENCH_OPTION, r.errorCode(), r.err());
  }
}
