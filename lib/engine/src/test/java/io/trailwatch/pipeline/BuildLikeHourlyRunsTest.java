package io.trailwatch.pipeline;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.accounts.Account;
import io.trailwatch.accounts.Accounts;
import io.trailwatch.config.TrailwatchConfig;
import io.trailwatch.core.Hour;
import io.trailwatch.core.Window;
import io.trailwatch.generate.GeneratedOrg;
import io.trailwatch.generate.GeneratorSpec;
import io.trailwatch.generate.SyntheticOrg;
import io.trailwatch.ingest.LocalLogPlanner;
import io.trailwatch.ingest.LocalOpener;
import io.trailwatch.state.BaselineTable;
import io.trailwatch.state.StateStore;
import io.trailwatch.state.Tables;
import io.trailwatch.testing.SparkTest;
import io.trailwatch.testing.StateFolders;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A baseline build learns what hourly runs over the same hours learn. On a generated
 * organisation, one state is built from every hour of a range ({@link Pipeline#buildBaseline}),
 * another, empty, runs {@link Pipeline#detect} hour by hour over the same hours (its warm-up keeps
 * it quiet). Their baseline and principals tables hold exactly the same keys, identity types and
 * first_seen.
 *
 * <p>last_seen (and expires_at with it) may differ, in one direction and by less than {@link
 * io.trailwatch.detect.BaselineRule#REFRESH_PERIOD}: an hourly run moves a stored row's last_seen only when the hour's
 * sighting is a day or more past it, so after the last hour the hourly state's last_seen is up to
 * (not quite) a day behind the last sighting, while the build, which reads the range at once (one
 * chunk here), stores the last sighting itself.
 */
// 26 hourly runs in one test: 205 s with one test JVM on the busy 2-core machine, over 10 minutes with
// two (docs/testing.md). A hang still fails, after 20 minutes, as in BacktestTest.
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class BuildLikeHourlyRunsTest extends SparkTest {
  /** Just over a day, so that hourly runs refresh some rows' last_seen once (each run costs seconds). */
  static final int HOURS = 26;

  @TempDir Path dir;

  @Test
  void aBuildHoldsTheKeysAndFirstSightingsOfHourlyRunsAndTheirLastSightingsUpToADayLater() throws Exception {
    GeneratorSpec spec = new GeneratorSpec(2, 2, 3, 10, 21L, GeneratorSpec.DEFAULT_END);
    GeneratedOrg org = SyntheticOrg.generate(spec, dir.resolve("org"));
    List<Account> accounts = Accounts.read(org.accountsCsv());
    Hour first = new Hour(spec.end().minus(Duration.ofHours(HOURS)));

    StateStore built = store("built");
    pipeline(org, built).buildBaseline(new Window(first.start(), spec.end()), accounts);
    StateStore hourly = store("hourly");
    Pipeline p = pipeline(org, hourly);
    for (int i = 0; i < HOURS; i++) {
      p.detect(first.plusHours(i), accounts);
    }

    assertTrue(hourly.table(Tables.BASELINE).where("last_seen >= first_seen + " + io.trailwatch.detect.BaselineRule.REFRESH).count() > 0,
        "some rows were refreshed by an hourly run");
    StateComparison.assertSameButLastSeenLag(built, hourly, io.trailwatch.detect.BaselineRule.REFRESH_PERIOD);
  }

  StateStore store(String name) {
    return StateFolders.empty(spark, dir.resolve(name));
  }

  static Pipeline pipeline(GeneratedOrg org, StateStore state) {
    return new Pipeline(spark, TrailwatchConfig.defaults(), new LocalLogPlanner(org.logsDir()), new LocalOpener(),
        state, Progress.SILENT);
  }
}
