package io.trailwatch.backtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.trailwatch.config.TrailwatchConfig;
import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.core.Window;
import io.trailwatch.pipeline.Progress;
import io.trailwatch.state.StateStore;
import io.trailwatch.state.Tables;
import io.trailwatch.testing.SparkTest;
import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Folders that are not what trailwatch needs, met on real local folders: a backtest's scratch
 * folder that cannot be written, and a table folder that holds something else than a Delta table.
 */
class StoreErrorsTest extends SparkTest {
  @TempDir Path dir;

  @Test
  void aScratchFolderUnderAFileIsScratchFailed() throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "not a folder");
    Instant from = Instant.parse("2026-11-20T10:00:00Z");
    TrailwatchException e = assertThrows(TrailwatchException.class, () -> HourlyRead.run(spark, List.of(),
        new Window(from, from.plusSeconds(7200)), from.plusSeconds(3600), TrailwatchConfig.defaults(),
        uri -> new FileInputStream(uri), file.resolve("behaviors").toUri().toString(), Progress.SILENT));
    assertEquals(ErrorCode.BACKTEST_SCRATCH_FAILED, e.code());
  }

  @Test
  void aTableFolderHoldingOtherFilesIsNotWritable() throws Exception {
    StateStore state = new StateStore(spark, dir.resolve("state").toUri().toString());
    Path table = Files.createDirectories(Path.of(java.net.URI.create(state.path(Tables.RUNS))));
    Files.writeString(table.resolve("notes.txt"), "someone else's file");
    TrailwatchException e = assertThrows(TrailwatchException.class, () -> state.ensureTable(Tables.RUNS));
    assertEquals(ErrorCode.STATE_NOT_WRITABLE, e.code(), e.getMessage());
  }
}
