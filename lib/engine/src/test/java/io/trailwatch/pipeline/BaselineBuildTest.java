package io.trailwatch.pipeline;

import io.trailwatch.state.RunsTable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.trailwatch.accounts.Account;
import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.core.Window;
import io.trailwatch.state.StateStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** How a build is cut into chunks, named, and resumed from the run ledger's chunks. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class BaselineBuildTest {
  static final Window RANGE = new Window(Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-11-16T15:00:00Z"));
  static final List<Account> ACCOUNTS = List.of(new Account("111100000001", "a", "payments"),
      new Account("111100000002", "b", "payments"));

  @Test
  void aRangeIsCutInWholeDaysAndTheLastChunkEndsWithIt() {
    List<BaselineBuild.Chunk> chunks = BaselineBuild.of(RANGE, ACCOUNTS, false, 7).chunks();
    assertEquals(List.of("days 1-7", "days 8-14", "days 15-16"),
        chunks.stream().map(BaselineBuild.Chunk::describe).toList());
    assertEquals(new Window(Instant.parse("2026-11-15T00:00:00Z"), RANGE.to()), chunks.get(2).window());
    assertEquals(List.of("day 1", "day 2"), BaselineBuild.cut(new Window(RANGE.from(),
        Instant.parse("2026-11-02T01:00:00Z")), 1).stream().map(BaselineBuild.Chunk::describe).toList());
  }

  @Test
  void theSameBuildHasTheSameIdAndAnotherCutIsAnotherBuild() {
    BaselineBuild b = BaselineBuild.of(RANGE, ACCOUNTS, false, 7);
    assertEquals(b.id(), BaselineBuild.of(RANGE, List.of(ACCOUNTS.get(1), ACCOUNTS.get(0)), false, 7).id());
    assertNotEquals(b.id(), BaselineBuild.of(RANGE, ACCOUNTS, false, 5).id());
    assertNotEquals(b.id(), BaselineBuild.of(RANGE, ACCOUNTS, true, 7).id());
    assertNotEquals(b.id(), BaselineBuild.of(RANGE, ACCOUNTS.subList(0, 1), false, 7).id());
    assertNotEquals(b.id(), BaselineBuild.of(new Window(RANGE.from(), RANGE.to().plusSeconds(3600)), ACCOUNTS, false,
        7).id());
  }

  @Test
  void theLeadingChunksOfAnUnfinishedAttemptAreDone() {
    BaselineBuild b = BaselineBuild.of(RANGE, ACCOUNTS, false, 7);
    List<BaselineBuild.Chunk> c = b.chunks();
    assertEquals(Map.of(), b.done(List.of()));
    assertEquals(Map.of(c.get(0), "r1", c.get(1), "r2"), b.done(List.of(run("r1", c.get(0), 1), run("r2", c.get(1), 2))));
    // A chunk after one not done is redone: the build resumes at the first chunk not done.
    assertEquals(Map.of(), b.done(List.of(run("r2", c.get(1), 2))));
    // A finished attempt (its last chunk recorded) is over: a build run again starts over.
    List<RunsTable.BuildChunk> finished = List.of(run("r1", c.get(0), 1), run("r2", c.get(1), 2),
        run("r3", c.get(2), 3));
    assertEquals(Map.of(), b.done(finished));
    List<RunsTable.BuildChunk> again = new java.util.ArrayList<>(finished);
    again.add(run("r4", c.get(0), 4));
    assertEquals(Map.of(c.get(0), "r4"), b.done(again));
  }

  @Test
  void chunksOfLessThanADayAreRefused() {
    TrailwatchException e = assertThrows(TrailwatchException.class, () -> BaselineBuild.of(RANGE, ACCOUNTS, false, 0));
    assertEquals(ErrorCode.BAD_BASELINE_OPTION, e.code());
  }

  static RunsTable.BuildChunk run(String id, BaselineBuild.Chunk c, int finishedHour) {
    return new RunsTable.BuildChunk(id, c.window().from(), c.window().to(),
        Instant.parse("2026-12-01T00:00:00Z").plusSeconds(3600L * finishedHour));
  }
}
