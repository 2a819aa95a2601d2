package io.trailwatch.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.trailwatch.accounts.Account;
import io.trailwatch.config.TrailwatchConfig;
import io.trailwatch.core.Window;
import io.trailwatch.generate.GeneratedOrg;
import io.trailwatch.generate.GeneratorSpec;
import io.trailwatch.generate.SyntheticOrg;
import io.trailwatch.ingest.CloudTrailReader;
import io.trailwatch.ingest.LocalLogPlanner;
import io.trailwatch.ingest.LocalOpener;
import io.trailwatch.state.StateStore;
import io.trailwatch.state.Tables;
import io.trailwatch.testing.SparkTest;
import io.trailwatch.testing.StateFolders;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Rebuilding some accounts' baseline replaces exactly their rows, as a build on an empty state would make them. */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class RebuildBaselineTest extends SparkTest {
  @TempDir Path dir;

  @Test
  void rebuildingAnAccountReplacesItsRowsAndNoOthers() throws Exception {
    GeneratorSpec spec = new GeneratorSpec(3, 3, 3, 10, 3L, GeneratorSpec.DEFAULT_END);
    GeneratedOrg org = SyntheticOrg.generate(spec, dir.resolve("org"));
    // Two accounts in payments, one in platform: the rebuilt account shares its partition with another.
    List<Account> all = List.of(new Account("111100000001", "a", "payments"),
        new Account("111100000002", "b", "payments"), new Account("111100000003", "c", "platform"));
    Account rebuilt = all.get(0);
    Window everything = new Window(spec.start(), spec.end());
    Window lastDay = new Window(spec.end().minus(Duration.ofDays(1)), spec.end());

    StateStore state = store("state");
    pipeline(org, state).buildBaseline(everything, all);
    List<String> othersBefore = rows(state, "<> '" + rebuilt.id() + "'");
    List<String> rebuiltBefore = rows(state, "= '" + rebuilt.id() + "'");
    pipeline(org, state).rebuildBaseline(lastDay, List.of(rebuilt));

    StateStore fresh = store("fresh");
    pipeline(org, fresh).buildBaseline(lastDay, List.of(rebuilt));
    assertEquals(rows(fresh, "= '" + rebuilt.id() + "'"), rows(state, "= '" + rebuilt.id() + "'"));
    assertNotEquals(rebuiltBefore, rows(state, "= '" + rebuilt.id() + "'"), "the last day alone holds less");
    assertEquals(othersBefore, rows(state, "<> '" + rebuilt.id() + "'"));
  }

  @Test
  void progressLinesSayFilesDaysRecordsAndTimeLeft() {
    Window range = new Window(Instant.parse("2026-08-22T00:00:00Z"), Instant.parse("2026-11-20T00:00:00Z"));
    assertEquals("read 1,200 of 4,800 files (25%, about 23 of 90 days), 3,400,000 records, 68,000 records/s,"
        + " about 2m30s left", ReadProgress.line(new CloudTrailReader.ReadCount(1200, 9, 3_400_000), 4800, range,
        50.0));
    assertEquals("read 4,800 of 4,800 files (100%, about 90 of 90 days), 3,400,000 records, 34,000 records/s",
        ReadProgress.line(new CloudTrailReader.ReadCount(4800, 9, 3_400_000), 4800, range, 100.0));
  }

  StateStore store(String name) {
    return StateFolders.empty(spark, dir.resolve(name));
  }

  static Pipeline pipeline(GeneratedOrg org, StateStore state) {
    return new Pipeline(spark, TrailwatchConfig.defaults(), new LocalLogPlanner(org.logsDir()), new LocalOpener(),
        state, Progress.SILENT);
  }

  /** Both tables' rows of the accounts matching {@code account_id <condition>}, as sorted text. */
  static List<String> rows(StateStore state, String condition) {
    List<String> out = new java.util.ArrayList<>();
    for (String t : List.of(Tables.BASELINE, Tables.PRINCIPALS)) {
      for (Row r : state.table(t).where("account_id " + condition).collectAsList()) {
        out.add(t + " " + r);
      }
    }
    return out.stream().sorted().toList();
  }
}
