package io.trailwatch.state;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.accounts.Account;
import io.trailwatch.accounts.Accounts;
import io.trailwatch.alerting.Alert;
import io.trailwatch.config.ConfigLoader;
import io.trailwatch.config.TrailwatchConfig;
import io.trailwatch.core.Hour;
import io.trailwatch.core.Window;
import io.trailwatch.generate.GeneratedOrg;
import io.trailwatch.generate.GeneratorSpec;
import io.trailwatch.generate.SyntheticOrg;
import io.trailwatch.ingest.LocalLogPlanner;
import io.trailwatch.ingest.LocalOpener;
import io.trailwatch.pipeline.Pipeline;
import io.trailwatch.pipeline.Progress;
import io.trailwatch.testing.SparkTest;
import io.trailwatch.testing.StateFolders;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.delta.DeltaLog;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code maintain} on the tables that hourly runs leave behind: a small generated organisation,
 * its baseline, then two hours of {@link Pipeline#detect}, each adding commits and small files to
 * every table (with the build's, two or more files in each table that maintain compacts: four
 * hours until session 17 checked nothing more). Behaviour expires after a day, so that some rows are past expiry and
 * maintenance has rows to delete as well as files to compact and vacuum.
 *
 * <p>What costs here is {@code maintain} (a dozen Delta operations per table) and hourly runs, not
 * the size of the organisation. So the hourly runs are made once for the class, the incident hour
 * is detected once on a plain copy, and one full {@code maintain} of a copy serves the tests that
 * inspect its result (each goes on writing on a copy of its own).
 */
@Timeout(value = 20, unit = java.util.concurrent.TimeUnit.MINUTES)
class MaintenanceAfterHourlyRunsTest extends SparkTest {
  /**
   * maintain's own session: it changes session settings while it runs, and another class may run
   * maintain in the shared session at the same time.
   */
  static org.apache.spark.sql.SparkSession ownSession;

  @org.junit.jupiter.api.BeforeAll
  static void maintainSession() {
    ownSession = spark.newSession();
  }

  static final TrailwatchConfig CFG = ConfigLoader.parse(String.join("\n",
      "baseline: {retention-days: 1, warmup-days: 0}",
      "policy: {learning-days: 0}",
      // One process, nothing else reads the copies: VACUUM may delete replaced files at once.
      "maintenance: {grace-days: 0, vacuum-retain-hours: 0, retention-check: false}"), "test");
  static final int HOURS = 2;
  /** Tables that every hourly run writes to, in every business unit's partition. */
  static final List<String> HOURLY = List.of(Tables.BASELINE, Tables.INGESTED_FILES, Tables.RUNS);

  @TempDir static Path shared;
  static GeneratedOrg org;
  static List<Account> accounts;
  /** The hour after the detected ones: the incident hour. */
  static Hour next;
  /** That hour's alerts on a copy of the state without maintenance. */
  static List<Alert> plainAlerts;
  /** The copy without maintenance, after its run of the incident hour. */
  static StateStore plainAfterNext;
  /** A copy of the hourly runs' state after one full maintain, and that maintain's report: made once, on first use. */
  static Path maintained;
  static MaintenanceReport firstMaintain;
  static int copies;

  @TempDir Path dir;

  @BeforeAll
  static void hourlyRuns() throws Exception {
    GeneratorSpec spec = new GeneratorSpec(3, 2, 3, 10, 11, GeneratorSpec.DEFAULT_END);
    org = SyntheticOrg.generate(spec, shared.resolve("org"));
    accounts = Accounts.read(org.accountsCsv());
    next = new Hour(org.incidentHour());
    Hour first = next.plusHours(-HOURS);
    Pipeline p = pipeline(new StateStore(spark, shared.resolve("template").toUri().toString()));
    p.buildBaseline(new Window(spec.start(), first.start()), accounts);
    for (int i = 0; i < HOURS; i++) {
      p.detect(first.plusHours(i), accounts);
    }
    plainAfterNext = copyOf(shared, "plain");
    plainAlerts = pipeline(plainAfterNext).detect(next, accounts).alerts();
    assertFalse(plainAlerts.isEmpty(), "the incident hour alerts");
  }

  static Pipeline pipeline(StateStore state) {
    return new Pipeline(spark, CFG, new LocalLogPlanner(org.logsDir()), new LocalOpener(), state, Progress.SILENT);
  }

  /** A copy of the state the hourly runs left, under a new path (Delta caches logs by path). */
  static StateStore copyOf(Path where, String name) throws Exception {
    return copy(shared.resolve("template"), where, name);
  }

  /** A copy of the state after one full maintain (the first call runs that maintain). */
  static StateStore copyOfMaintained(Path where, String name) throws Exception {
    maintainedOnce();
    return copy(maintained, where, name);
  }

  /** The report of the one full maintain of a copy of the hourly runs' state, run on first use. */
  static synchronized MaintenanceReport maintainedOnce() throws Exception {
    if (firstMaintain == null) {
      Path to = shared.resolve("maintained");
      StateFolders.copy(shared.resolve("template"), to);
      firstMaintain = maintain(new StateStore(spark, to.toUri().toString()));
      maintained = to;
    }
    return firstMaintain;
  }

  static StateStore copy(Path from, Path where, String name) {
    Path to = where.resolve(name + "-" + ++copies);
    StateFolders.copy(from, to);
    return new StateStore(spark, to.toUri().toString());
  }

  static Maintenance maintenance(StateStore state, Maintenance.Hook hook) {
    return new Maintenance(ownSession, state, CFG.maintenance(), Clock.systemUTC(), m -> { }, hook);
  }

  static MaintenanceReport maintain(StateStore state) {
    return maintenance(state, Maintenance.Hook.NONE).run(Maintenance.Request.of(CFG.maintenance()));
  }

  @Test
  void maintenanceChangesNoDetectionResult() throws Exception {
    MaintenanceReport report = maintainedOnce();
    MaintenanceReport.Table baseline = report.tables().get(0);
    assertTrue(baseline.rowsRemoved() > 0, report.render());
    assertTrue(baseline.compacted(), report.render());
    for (MaintenanceReport.Table t : report.tables()) {
      if (HOURLY.contains(t.table())) {
        assertTrue(t.after().files() < t.before().files(), () -> t.table() + " compacted: " + report.render());
        assertTrue(t.filesVacuumed() > 0 && t.bytesReclaimed() > 0, () -> t.table() + " vacuumed: " + report.render());
      }
    }

    StateStore state = copyOfMaintained(dir, "maintained");
    List<Alert> alerts = pipeline(state).detect(next, accounts).alerts();
    assertEquals(plainAlerts, alerts, "the same alerts, ids and severities, with maintenance and without");
    // What maintenance deleted had expired before the hour: the same as absent. The baseline differs
    // only by the expired rows the hour did not see again, which the copy without maintenance keeps.
    Timestamp cutoff = Timestamp.from(next.start());
    assertEquals(MaintenanceTest.baselineRows(plainAfterNext, col("expires_at").geq(cutoff)),
        MaintenanceTest.baselineRows(state));
  }

  @Test
  void twoMaintainRunsInARowAreANoOpTheSecondTime() throws Exception {
    MaintenanceReport first = maintainedOnce();
    assertFalse(first.unchanged());
    StateStore state = copyOfMaintained(dir, "twice");
    Map<String, Long> rows = rowCounts(state);
    MaintenanceReport second = maintain(state);
    assertTrue(second.unchanged(), second.render());
    for (int i = 0; i < second.tables().size(); i++) {
      MaintenanceReport.Table a = first.tables().get(i);
      MaintenanceReport.Table b = second.tables().get(i);
      assertEquals(a.after(), b.before(), a.table());
      assertEquals(b.before(), b.after(), a.table());
      assertEquals(0, b.rowsRemoved() + b.filesVacuumed() + b.bytesReclaimed(), a.table());
    }
    assertEquals(rows, rowCounts(state));
    assertTrue(second.render().contains("0 rows removed, 0 files vacuumed, 0.00 MB reclaimed; nothing to do"),
        second.render());
  }

  /**
   * A maintain stopped after its first table, then one stopped inside a later table (the run
   * ledger compacted, its old files not vacuumed, no checkpoint written): each leaves every table
   * readable, with the rows it had, and the next run finishes what they left. (Two tests until
   * session 17, each on a copy of its own, with a maintain and a detect more.)
   */
  @Test
  void maintainsStoppedAfterATableAndInsideOneLeaveEveryTableReadableAndTheNextRunFinishes() throws Exception {
    StateStore state = copyOf(dir, "stopped");
    Map<String, Long> before = rowCounts(state);
    AtomicInteger steps = new AtomicInteger();
    IllegalStateException stop = assertThrows(IllegalStateException.class, () -> maintenance(state, (table, step) -> {
      steps.incrementAndGet();
      if (table.equals(Tables.BASELINE) && step == Maintenance.Step.CHECKPOINT) {
        throw new IllegalStateException("stopped after " + table);
      }
    }).run(Maintenance.Request.of(CFG.maintenance())));
    assertEquals("stopped after baseline", stop.getMessage());
    assertEquals(Maintenance.Step.values().length, steps.get());

    Map<String, Long> after = rowCounts(state);
    long expired = before.get(Tables.BASELINE) - after.get(Tables.BASELINE);
    assertTrue(expired > 0, "the baseline's expired rows went with its steps");
    assertEquals(expired, after.get(Tables.EXPIRED_BEHAVIORS).longValue(), "to the memory of expired behaviours");
    before.put(Tables.BASELINE, after.get(Tables.BASELINE));
    before.put(Tables.EXPIRED_BEHAVIORS, after.get(Tables.EXPIRED_BEHAVIORS));
    assertEquals(before, after, "every other table reads as before");

    IllegalStateException inside = assertThrows(IllegalStateException.class, () -> maintenance(state,
        (table, step) -> {
          if (table.equals(Tables.RUNS) && step == Maintenance.Step.COMPACT) {
            throw new IllegalStateException("stopped inside " + table);
          }
        }).run(Maintenance.Request.of(CFG.maintenance())));
    assertEquals("stopped inside runs", inside.getMessage());
    assertEquals(after, rowCounts(state), "every table reads as before, the stopped one too");

    // The first stop left every table after the baseline; the second finished those before the run ledger.
    MaintenanceReport rest = maintain(state);
    int runs = Tables.ALL.indexOf(Tables.RUNS);
    for (MaintenanceReport.Table t : rest.tables()) {
      int at = Tables.ALL.indexOf(t.table());
      if (at < runs) {
        assertTrue(t.unchanged(), () -> t.table() + " was finished by the stopped runs: " + rest.render());
      } else if (at == runs) {
        assertFalse(t.compacted(), rest.render());
        assertTrue(t.filesVacuumed() > 0 && t.checkpointed(), () -> "the steps left over: " + rest.render());
      } else {
        assertFalse(t.propertiesSet().isEmpty(), () -> t.table() + " finished: " + rest.render());
        assertTrue(t.compacted() || !HOURLY.contains(t.table()), () -> t.table() + " finished: " + rest.render());
      }
    }
    assertTrue(maintain(state).unchanged());
    assertEquals(plainAlerts, pipeline(state).detect(next, accounts).alerts());
  }

  @Test
  void maintainingOneBusinessUnitRewritesNoFileOfAnother() throws Exception {
    StateStore state = copyOf(dir, "one-bu");
    Map<String, List<String>> platform = files(state, "platform");
    Map<String, List<String>> payments = files(state, "payments");
    MaintenanceReport report = maintenance(state, Maintenance.Hook.NONE)
        .run(Maintenance.Request.of(CFG.maintenance()).forBusinessUnit("payments"));
    assertEquals(List.of("payments"), report.businessUnits());
    assertEquals(platform, files(state, "platform"), "platform's partitions are as they were");
    Map<String, List<String>> paymentsAfter = files(state, "payments");
    for (String t : List.of(Tables.BASELINE, Tables.INGESTED_FILES)) {
      assertNotEquals(payments.get(t), paymentsAfter.get(t), t + " of payments is compacted");
      assertEquals(1, paymentsAfter.get(t).size(), t);
    }
  }

  /** The data files of one business unit's partition of every partitioned table. */
  static Map<String, List<String>> files(StateStore state, String bu) {
    Map<String, List<String>> out = new TreeMap<>();
    for (String t : Tables.ALL) {
      if (!Tables.definition(t).partitionedBy().isEmpty()) {
        var snapshot = DeltaLog.forTable(spark, state.path(t))
            .update(false, scala.Option.empty(), scala.Option.empty());
        out.put(t, TableStats.files(snapshot, List.of(bu)).select("path").collectAsList().stream()
            .map(r -> r.getString(0)).sorted().toList());
      }
    }
    return out;
  }

  static Map<String, Long> rowCounts(StateStore state) {
    Map<String, Long> out = new TreeMap<>();
    for (String t : Tables.ALL) {
      out.put(t, state.table(t).count());
    }
    return out;
  }
}
