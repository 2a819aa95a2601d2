package io.trailwatch.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.accounts.Account;
import io.trailwatch.accounts.Accounts;
import io.trailwatch.config.TrailwatchConfig;
import io.trailwatch.core.Window;
import io.trailwatch.generate.GeneratedOrg;
import io.trailwatch.generate.GeneratorSpec;
import io.trailwatch.generate.SyntheticOrg;
import io.trailwatch.ingest.LocalLogPlanner;
import io.trailwatch.ingest.LogFile;
import io.trailwatch.ingest.LogOpener;
import io.trailwatch.state.BaselineTable;
import io.trailwatch.state.StateStore;
import io.trailwatch.state.Tables;
import io.trailwatch.testing.SparkTest;
import io.trailwatch.testing.StateFolders;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A baseline build in chunks of a day, on a generated organisation of four days: killed in its
 * third chunk (a log file of that chunk cannot be read at all: the task fails, and the job with
 * it), then run again. The rerun reads only the chunks not done and ends with the tables of an
 * uninterrupted build; a chunked build ends with the one pass's tables but for last_seen, which
 * lags by less than a day.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ResumableBaselineBuildTest extends SparkTest {
  static final TrailwatchConfig DAILY = config(1);
  static final TrailwatchConfig ONE_PASS = config(30);

  @TempDir static Path shared;
  static GeneratedOrg org;
  static List<Account> accounts;
  static Window range;
  static List<BaselineBuild.Chunk> chunks;
  /** The uninterrupted daily-chunk build (see {@link #dailyBuild}), once built. */
  static Path dailyBuild;

  @TempDir Path dir;

  @BeforeAll
  static void generate() throws Exception {
    GeneratorSpec spec = new GeneratorSpec(4, 2, 3, 5, 5L, GeneratorSpec.DEFAULT_END);
    org = SyntheticOrg.generate(spec, shared.resolve("org"));
    accounts = Accounts.read(org.accountsCsv());
    range = new Window(spec.start(), spec.end());
    chunks = BaselineBuild.cut(range, 1);
    assertEquals(4, chunks.size());
  }

  @BeforeEach
  void resetOpener() {
    RecordingOpener.OPENED.clear();
    RecordingOpener.FAILING.clear();
  }

  @Test
  void aBuildKilledInAChunkRereadsOnlyTheChunksNotDoneAndEndsAsAnUninterruptedBuild() {
    StateStore uninterrupted = dailyBuild("uninterrupted");

    StateStore killed = store("killed");
    // Files only the third chunk reads (not those named in the lag after the second's end).
    Set<String> third = uris(chunks.get(2).window());
    third.removeAll(uris(chunks.get(1).window()));
    RecordingOpener.FAILING.add(third.iterator().next());
    assertThrows(Exception.class, () -> pipeline(killed, DAILY, Progress.SILENT).buildBaseline(range, accounts));
    List<Row> firstAttempt = chunkRuns(killed);
    assertEquals(List.of(chunks.get(0).window(), chunks.get(1).window()), windows(firstAttempt),
        "the first two chunks are recorded as done");

    RecordingOpener.FAILING.clear();
    RecordingOpener.OPENED.clear();
    List<String> lines = new CopyOnWriteArrayList<>();
    pipeline(killed, DAILY, lines::add).buildBaseline(range, accounts);

    Set<String> doneOnly = uris(new Window(chunks.get(0).window().from(), chunks.get(1).window().to()));
    doneOnly.removeAll(uris(new Window(chunks.get(2).window().from(), range.to())));
    assertFalse(doneOnly.isEmpty());
    Set<String> reread = new HashSet<>(RecordingOpener.OPENED);
    reread.retainAll(doneOnly);
    assertEquals(Set.of(), reread, "no file of the chunks done is read again");
    assertEquals(uris(new Window(chunks.get(2).window().from(), range.to())), new HashSet<>(RecordingOpener.OPENED),
        "every file of the chunks not done is read");
    assertTrue(lines.contains("day 1 already built (run " + firstAttempt.get(0).getAs("run_id") + "), skipped"),
        lines.toString());
    assertTrue(lines.contains("day 2 already built (run " + firstAttempt.get(1).getAs("run_id") + "), skipped"),
        lines.toString());
    assertEquals(chunks.stream().map(BaselineBuild.Chunk::window).toList(), windows(chunkRuns(killed)));

    assertEquals(rows(uninterrupted, Tables.BASELINE), rows(killed, Tables.BASELINE));
    assertEquals(rows(uninterrupted, Tables.PRINCIPALS), rows(killed, Tables.PRINCIPALS));
  }

  /**
   * A chunked build holds the one pass's keys, identity types and first_seen; its last_seen is
   * at most a day behind (a later chunk moves it only by a day or more, as an hourly run does).
   * Built again after it completed, the build starts over and merges every chunk a second time,
   * which changes nothing.
   */
  @Test
  void aChunkedBuildIsTheOnePassButForLastSeenAndMergingItAgainChangesNothing() {
    StateStore onePass = store("one-pass");
    io.trailwatch.core.RunSummary whole = pipeline(onePass, ONE_PASS, Progress.SILENT).buildBaseline(range, accounts);
    StateStore chunked = dailyBuild("chunked");
    assertEquals(1, chunkRuns(onePass).size());
    assertEquals(4, chunkRuns(chunked).size());

    StateComparison.assertSameButLastSeenLag(onePass, chunked, io.trailwatch.detect.BaselineRule.REFRESH_PERIOD);

    List<String> baseline = rows(chunked, Tables.BASELINE);
    List<String> principals = rows(chunked, Tables.PRINCIPALS);
    RecordingOpener.OPENED.clear();
    io.trailwatch.core.RunSummary again = pipeline(chunked, DAILY, Progress.SILENT).buildBaseline(range, accounts);
    assertEquals(uris(range), new HashSet<>(RecordingOpener.OPENED), "a completed build run again starts over");
    // Its summary counts each principal and behaviour once, as the one pass does, not once per day that saw it.
    assertEquals(whole.principals() + " principals, " + whole.behaviors() + " behaviours",
        again.principals() + " principals, " + again.behaviors() + " behaviours");
    assertEquals(0, again.newBehaviors(), "nothing new the second time");
    assertEquals(baseline, rows(chunked, Tables.BASELINE));
    assertEquals(principals, rows(chunked, Tables.PRINCIPALS));
    assertEquals(8, chunkRuns(chunked).size());
  }

  static TrailwatchConfig config(int chunkDays) {
    TrailwatchConfig d = TrailwatchConfig.defaults();
    return d.withBaseline(d.baseline().withBuildChunkDays(chunkDays));
  }

  StateStore store(String name) {
    return StateFolders.empty(spark, dir.resolve(name));
  }

  /**
   * A copy of the build of the range in daily chunks on an empty state: both tests start from it,
   * so it is built once per class, then copied (a test writes to its copy).
   */
  StateStore dailyBuild(String name) {
    synchronized (ResumableBaselineBuildTest.class) {
      if (dailyBuild == null) {
        Path built = shared.resolve("daily-build");
        pipeline(StateFolders.empty(spark, built), DAILY, Progress.SILENT).buildBaseline(range, accounts);
        dailyBuild = built;
      }
    }
    StateFolders.copy(dailyBuild, dir.resolve(name));
    return new StateStore(spark, dir.resolve(name).toUri().toString());
  }

  static Pipeline pipeline(StateStore state, TrailwatchConfig cfg, Progress progress) {
    return new Pipeline(spark, cfg, new LocalLogPlanner(org.logsDir()), new RecordingOpener(), state, progress);
  }

  /** The files a chunk of this window plans (named from its start to the delivery lag after its end). */
  static Set<String> uris(Window w) {
    Duration lag = Duration.ofMinutes(DAILY.ingest().deliveryLagMinutes());
    Set<String> out = new HashSet<>();
    for (LogFile f : new LocalLogPlanner(org.logsDir()).plan(accounts, w.from(), w.to().plus(lag)).files()) {
      out.add(f.uri());
    }
    return out;
  }

  /** The runs of baseline chunks, in the order they finished. */
  static List<Row> chunkRuns(StateStore state) {
    return state.table(Tables.RUNS).where("command = 'baseline' AND build IS NOT NULL")
        .orderBy("finished_at", "window_from").collectAsList();
  }

  static List<Window> windows(List<Row> runs) {
    return runs.stream().map(r -> new Window(r.<Timestamp>getAs("window_from").toInstant(),
        r.<Timestamp>getAs("window_to").toInstant())).toList();
  }

  /** A whole table, each row as text, sorted. */
  static List<String> rows(StateStore state, String table) {
    return state.table(table).collectAsList().stream().map(Row::toString).sorted().toList();
  }

  /** Opens local files and records which; a file named in {@link #FAILING} kills the task reading it. */
  static final class RecordingOpener implements LogOpener {
    /** Shared with the tasks: local mode runs them in this JVM. */
    static final Set<String> OPENED = ConcurrentHashMap.newKeySet();
    static final Set<String> FAILING = ConcurrentHashMap.newKeySet();

    @Override
    public InputStream open(String uri) throws IOException {
      if (FAILING.contains(uri)) {
        // Not an IOException nor a RuntimeException: those quarantine the file and the run goes on.
        throw new Killed(uri);
      }
      OPENED.add(uri);
      return Files.newInputStream(uri.startsWith("file:") ? Path.of(URI.create(uri)) : Path.of(uri));
    }
  }

  /** The build's process dying while a chunk is read. */
  static final class Killed extends Error {
    Killed(String uri) {
      super("killed while reading " + uri);
    }
  }
}
