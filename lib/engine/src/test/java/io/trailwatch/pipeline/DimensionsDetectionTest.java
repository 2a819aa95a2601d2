package io.trailwatch.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.accounts.Account;
import io.trailwatch.accounts.Accounts;
import io.trailwatch.alerting.Alert;
import io.trailwatch.alerting.NewBehavior;
import io.trailwatch.config.TrailwatchConfig;
import io.trailwatch.core.Hour;
import io.trailwatch.core.RunSummary;
import io.trailwatch.core.Window;
import io.trailwatch.dimensions.Dimension;
import io.trailwatch.generate.ExpectedAlert;
import io.trailwatch.generate.ExpectedQuiet;
import io.trailwatch.generate.GeneratedOrg;
import io.trailwatch.generate.GeneratorSpec;
import io.trailwatch.generate.SyntheticOrg;
import io.trailwatch.ingest.LocalLogPlanner;
import io.trailwatch.ingest.LocalOpener;
import io.trailwatch.state.StateLayout;
import io.trailwatch.state.Tables;
import io.trailwatch.testing.SparkTest;
import io.trailwatch.testing.StateFolders;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A generated organisation with 90 days of history, its baseline built and its incident hour
 * detected with api only (the default), with every dimension on, and with region turned on late. Stolen-key use of
 * usual calls from a new region, network or client is caught only with its dimension on; an EC2
 * role whose sessions churn and an SSO person who upgraded aws-cli stay quiet on every dimension.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class DimensionsDetectionTest extends SparkTest {
  static final List<Dimension> ALL = List.of(Dimension.values());
  @TempDir static Path dir;
  static GeneratedOrg org;
  static List<Account> accounts;
  static Hour incident;
  static RunSummary apiOnly;
  static RunSummary allDimensions;
  static RunSummary regionTurnedOnLater;
  static StateLayout allLayout;

  /**
   * One 90-day baseline build with every dimension (the expensive part), copied twice: its api
   * rows are exactly what an api-only build makes, and removing its region rows is a state whose
   * region was never learned. Each copy then detects the incident hour under its own config.
   */
  @BeforeAll
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  static void detectTheIncidentHourThreeWays() throws Exception {
    GeneratorSpec spec = new GeneratorSpec(90, 2, 3, 10, 7, GeneratorSpec.DEFAULT_END);
    org = SyntheticOrg.generate(spec, dir.resolve("org"));
    accounts = Accounts.read(org.accountsCsv());
    incident = new Hour(org.incidentHour());
    TrailwatchConfig all = TrailwatchConfig.defaults().withDimensions(ALL);
    allLayout = StateFolders.emptyLayout(spark, dir.resolve("state-all"),
        accounts.stream().map(Account::businessUnit).distinct().toList());
    pipeline(allLayout, all).buildBaseline(new Window(spec.start(), incident.start()), accounts);
    StateFolders.copy(dir.resolve("state-all"), dir.resolve("state-api"));
    StateFolders.copy(dir.resolve("state-all"), dir.resolve("state-later"));
    StateLayout later = layout("state-later");
    for (String bu : later.businessUnits()) {
      spark.sql("DELETE FROM delta.`" + later.of(bu).path(Tables.BASELINE) + "` WHERE event_source = '@region'");
    }
    allDimensions = pipeline(allLayout, all).detect(incident, accounts);
    apiOnly = pipeline(layout("state-api"), TrailwatchConfig.defaults()).detect(incident, accounts);
    regionTurnedOnLater = pipeline(later, TrailwatchConfig.defaults()
        .withDimensions(List.of(Dimension.API, Dimension.REGION))).detect(incident, accounts);
  }

  static StateLayout layout(String name) {
    return new StateLayout(spark, dir.resolve(name).toUri().toString());
  }

  static PerBusinessUnit pipeline(StateLayout layout, TrailwatchConfig cfg) {
    return new PerBusinessUnit(layout, store -> new Pipeline(spark, cfg, new LocalLogPlanner(org.logsDir()),
        new LocalOpener(), store, Progress.SILENT));
  }

  /**
   * Region turned on after 90 days of history without it (a state with no region rows): every
   * principal's region is new to the baseline, but the region dimension has no history yet, so
   * it warms up instead of alerting; api behaviour alerts exactly as before, and no rebuild was
   * needed.
   */
  @Test
  void aDimensionTurnedOnLaterWarmsUpOnItsOwn() {
    assertTrue(regionTurnedOnLater.alerts().stream().flatMap(a -> a.newBehaviors().stream())
        .noneMatch(b -> b.dimension().equals("region") && !b.known()), "no new region alerts while region warms up");
    assertEquals(apiOnly.alerts().stream().map(Alert::alertId).sorted().toList(),
        regionTurnedOnLater.alerts().stream().map(Alert::alertId).sorted().toList(), "api alerts as with api only");
    assertTrue(regionTurnedOnLater.quiet().getOrDefault(io.trailwatch.policy.Policy.Quiet.WARMUP, 0) > 0,
        "principals with only a new region are kept quiet by the warm-up: " + regionTurnedOnLater.quiet());
    assertTrue(regionTurnedOnLater.newBehaviors() > apiOnly.newBehaviors(), "the regions are being learned");
  }

  static Set<String> newDimensions(RunSummary s, ExpectedAlert e) {
    return s.alerts().stream().filter(a -> a.accountId().equals(e.accountId()) && a.principal().equals(e.principal()))
        .flatMap(a -> a.newBehaviors().stream()).map(NewBehavior::dimension).collect(Collectors.toCollection(TreeSet::new));
  }

  @Test
  void usualCallsFromANewRegionNetworkOrClientAlertOnlyWithTheirDimensionOn() {
    // The incidents of one dimension only (a stolen key's incident is new api behaviour and a new network and client).
    Set<String> withApi = org.expectedAlertsFor(List.of("api")).stream().map(ExpectedAlert::name)
        .collect(Collectors.toSet());
    List<ExpectedAlert> incidents = org.expectedAlerts().stream().filter(e -> !withApi.contains(e.name())).toList();
    assertEquals(Set.of("region", "network", "client"), incidents.stream().map(ExpectedAlert::dimension)
        .collect(Collectors.toSet()), "the generated org has one incident per dimension");
    for (ExpectedAlert e : incidents) {
      assertEquals(Set.of(), newDimensions(apiOnly, e), e.name() + ": usual calls are known api behaviour");
      assertEquals(Set.of(e.dimension()), newDimensions(allDimensions, e), e.name() + ": only its own dimension is new");
      NewBehavior b = allDimensions.alerts().stream().filter(a -> a.principal().equals(e.principal()))
          .flatMap(a -> a.newBehaviors().stream()).findFirst().orElseThrow();
      assertEquals(e.value(), b.value(), e.name());
      assertTrue(b.calls().stream().anyMatch(c -> c.call().equals(e.eventSource() + ":" + e.eventName())),
          e.name() + ": the evidence lists the calls made with the value: " + b.calls());
      assertEquals(b.count(), b.calls().stream().mapToLong(NewBehavior.Call::count).sum(), "every call is counted");
      Alert a = allDimensions.alerts().stream().filter(x -> x.principal().equals(e.principal())).findFirst()
          .orElseThrow();
      assertTrue(a.reason().startsWith("1 new " + e.dimension() + " for " + e.identityType()), a.reason());
      assertTrue(a.reason().contains(e.value()), a.reason());
    }
  }

  @Test
  void everyApiIncidentIsStillCaughtAndNothingElseAlertsWithEveryDimensionOn() {
    for (ExpectedAlert e : org.expectedAlertsFor(List.of("api"))) {
      assertTrue(allDimensions.alerts().stream().anyMatch(a -> a.principal().equals(e.principal())
          && a.newBehaviors().stream().anyMatch(b -> b.isApi() && b.eventName().equals(e.eventName()))), e.name());
    }
    Set<String> expectedPrincipals = org.expectedAlertsFor(ExpectedAlert.DIMENSIONS).stream()
        .map(ExpectedAlert::principal).collect(Collectors.toSet());
    Set<String> alerted = allDimensions.alerts().stream().map(Alert::principal).collect(Collectors.toSet());
    assertEquals(expectedPrincipals, alerted, "background principals keep their regions, networks and clients");
    assertTrue(org.expectedQuiet().stream().map(ExpectedQuiet::name).collect(Collectors.toSet())
        .containsAll(Set.of("ec2-internal-source", "client-version-change", "session-churn")),
        "the EC2 role calling from AWS Internal and the SSO person's new aws-cli version are among the quiet cases");
    for (ExpectedQuiet q : org.expectedQuiet()) {
      assertTrue(allDimensions.alerts().stream().noneMatch(a -> a.accountId().equals(q.accountId())
          && a.principal().startsWith(q.principalPrefix())), q.name() + ": " + q.description());
    }
  }

  @Test
  void theSummaryCountsEveryEventOnceWhateverTheDimensions() {
    assertEquals(apiOnly.recordsInWindow(), allDimensions.recordsInWindow());
    assertEquals(apiOnly.duplicatesDropped(), allDimensions.duplicatesDropped());
    assertEquals(apiOnly.principals(), allDimensions.principals());
    assertTrue(allDimensions.behaviors() > apiOnly.behaviors(), "values of the other dimensions are behaviours too");
  }

  @Test
  void prevalenceIsWhatTheBaselineHoldsAsOfTheHour() {
    Dataset<Row> baseline = null;
    for (String bu : allLayout.businessUnits()) {
      Dataset<Row> t = spark.read().format("delta").load(allLayout.of(bu).path(Tables.BASELINE));
      baseline = baseline == null ? t : baseline.unionByName(t);
    }
    Timestamp at = Timestamp.from(incident.start());
    Dataset<Row> known = baseline.filter(col("first_seen").lt(at).and(col("expires_at").gt(at))).cache();
    long checked = 0;
    for (Alert a : allDimensions.alerts()) {
      for (NewBehavior b : a.newBehaviors()) {
        if (b.prevalence() == null) {
          continue;
        }
        String source = b.isApi() ? b.eventSource() : Dimension.ofLabel(b.dimension()).keySource();
        String name = b.isApi() ? b.eventName() : b.value();
        Dataset<Row> holders = known.filter(col("business_unit").equalTo(a.businessUnit())
            .and(col("event_source").equalTo(source)).and(col("event_name").equalTo(name)));
        assertEquals(holders.count(), b.prevalence().businessUnitPrincipals(), a.principal() + " " + b.label());
        assertEquals(holders.filter(col("account_id").equalTo(a.accountId())).count(),
            b.prevalence().accountPrincipals(), a.principal() + " " + b.label());
        assertEquals(holders.filter(col("account_id").equalTo(a.accountId())
            .and(col("identity_type").equalTo(a.identityType()))).count(), b.prevalence().accountSameType());
        checked++;
      }
    }
    assertTrue(checked >= 5, "the incident's new behaviours carry prevalence: " + checked);
    assertTrue(allDimensions.alerts().stream().flatMap(a -> a.newBehaviors().stream())
        .anyMatch(b -> b.prevalence() != null && b.prevalence().newToBusinessUnit()), "something is new to a BU");
    Map<String, Object> summary = allDimensions.toMap();
    assertTrue(summary.containsKey("severity_moved_by_prevalence"), summary.toString());
  }
}
