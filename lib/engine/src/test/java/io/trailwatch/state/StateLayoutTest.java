package io.trailwatch.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.alerting.Alert;
import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.testing.SparkTest;
import io.trailwatch.testing.SyntheticAlerts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Each business unit's tables in their own folder, refused old layouts, and the views across BUs. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class StateLayoutTest extends SparkTest {
  @TempDir Path dir;

  @Test
  void eachBusinessUnitWritesOnlyItsOwnFolderAndTheViewsJoinThemAll() throws Exception {
    StateLayout layout = new StateLayout(spark, dir.toUri().toString());
    assertEquals(List.of(), layout.businessUnits(), "a new state has no BU yet");
    List<Alert> alerts = SyntheticAlerts.of(9);
    for (String bu : List.of("bu-0", "bu-1", "bu-2")) {
      StateStore store = layout.of(bu);
      store.ensureTables();
      store.alerts().append(alerts.stream().filter(a -> a.businessUnit().equals(bu)).toList(), "run-" + bu);
    }
    assertEquals(List.of("bu-0", "bu-1", "bu-2"), layout.businessUnits());
    for (String bu : layout.businessUnits()) {
      assertTrue(Files.isDirectory(dir.resolve("bu=" + bu).resolve(Tables.ALERTS).resolve("_delta_log")), bu);
      assertEquals(List.of(bu), layout.of(bu).table(Tables.ALERTS).select("business_unit").distinct()
          .collectAsList().stream().map(r -> r.getString(0)).toList());
    }
    for (String t : Tables.ALL) {
      assertTrue(Files.notExists(dir.resolve(t)), t + " is not shared by the BUs");
    }

    // The views in a session of this test's own: another class may make tw_ views in the shared one.
    org.apache.spark.sql.SparkSession views = spark.newSession();
    String sql = StateLayout.viewsSql(dir.toString(), layout.businessUnits());
    for (String stmt : sql.split(";\n")) {
      if (!stmt.isBlank()) {
        views.sql(stmt.lines().filter(l -> !l.startsWith("--")).reduce("", (a, b) -> a + b + "\n"));
      }
    }
    assertEquals(alerts.stream().map(Alert::alertId).sorted().toList(), views.table("tw_alerts")
        .select("alert_id").collectAsList().stream().map(r -> r.getString(0)).sorted().toList(),
        "tw_alerts holds every BU's alerts");
    for (String t : Tables.ALL) {
      assertEquals(List.of(Tables.schema(t).fieldNames()), List.of(views.table("tw_" + t).schema().fieldNames()), t);
    }
  }

  @Test
  void aStateOfTheSharedLayoutIsRefusedByName() {
    new StateStore(spark, dir.toUri().toString()).ensureTable(Tables.ALERTS);
    StateLayout layout = new StateLayout(spark, dir.toUri().toString());
    TrailwatchException e = assertThrows(TrailwatchException.class, layout::check);
    assertEquals(ErrorCode.STATE_OLD_LAYOUT, e.code());
    assertTrue(e.getMessage().contains("/alerts") && e.getMessage().contains("docs/state-layout.md"), e.getMessage());
    assertEquals(ErrorCode.STATE_OLD_LAYOUT, assertThrows(TrailwatchException.class, layout::businessUnits).code());
  }

  @Test
  void viewsOfAStateWithoutBusinessUnitsAreAUserError() {
    TrailwatchException e = assertThrows(TrailwatchException.class,
        () -> StateLayout.viewsSql(dir.toString(), List.of()));
    assertEquals(ErrorCode.NO_BUSINESS_UNITS, e.code());
  }
}
