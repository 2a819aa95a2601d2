package io.trailwatch.state;

import io.trailwatch.testing.SharedData;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.testing.SparkTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sql/ddl.sql describes the tables the jobs create, and every query in sql/queries.sql runs on them. */
class SqlFilesTest extends SparkTest {
  static final Path SQL = SharedData.projectRoot().resolve("sql");

  /** The business unit whose tables ddl.sql makes in the test. */
  static final String BU = "unit-a";

  @TempDir Path dir;
  /**
   * This test's own session for the {@code tw_} views and the SQL files: temporary views belong to a
   * session, and another class may run in the shared one at the same time (StateLayoutTest makes the
   * same views).
   */
  org.apache.spark.sql.SparkSession views;

  @org.junit.jupiter.api.BeforeEach
  void ownSession() {
    views = spark.newSession();
  }

  /** Statements end with ';' at the end of a line; comment lines are dropped. */
  static List<String> statements(String file, String root) throws Exception {
    return statements(SQL.resolve(file), root);
  }

  static List<String> statements(Path file, String root) throws Exception {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (String line : Files.readAllLines(file)) {
      if (line.strip().startsWith("--")) {
        continue;
      }
      String l = line.replace("${state}", root).replace("${bu}", BU);
      if (l.strip().endsWith(";")) {
        cur.append(l, 0, l.lastIndexOf(';')).append('\n');
        out.add(cur.toString().strip());
        cur.setLength(0);
      } else {
        cur.append(l).append('\n');
      }
    }
    if (!cur.toString().isBlank()) {
      out.add(cur.toString().strip());
    }
    out.removeIf(String::isEmpty);
    return out;
  }

  @Test
  void ddlMatchesTheTablesTheJobsCreate() throws Exception {
    for (String stmt : statements("ddl.sql", dir.resolve("sql-state").toString())) {
      views.sql(stmt);
    }
    StateStore jobs = new StateStore(spark, dir.resolve("job-state").toUri().toString());
    jobs.ensureTables();
    StateStore fromSql = new StateLayout(spark, dir.resolve("sql-state").toUri().toString()).of(BU);
    for (String t : Tables.ALL) {
      assertEquals(shape(jobs.table(t).schema()), shape(fromSql.table(t).schema()), t);
      assertEquals(layout(jobs.path(t)), layout(fromSql.path(t)), t);
    }
  }

  /** The named queries of queries.sql ({@code -- name: x} before each), with ${state} replaced. */
  static Map<String, String> namedQueries(String root) throws Exception {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    for (String q : statements("queries.sql", root)) {
      // statements() drops comment lines: take the name from the file itself, in the same order.
      out.put("q" + out.size(), q);
    }
    List<String> names = new ArrayList<>();
    for (String line : Files.readAllLines(SQL.resolve("queries.sql"))) {
      if (line.startsWith("-- name: ")) {
        names.add(line.substring("-- name: ".length()).strip());
      }
    }
    assertEquals(names.size(), out.size(), "one '-- name:' per query");
    Map<String, String> named = new java.util.LinkedHashMap<>();
    List<String> qs = new ArrayList<>(out.values());
    for (int i = 0; i < names.size(); i++) {
      named.put(names.get(i), qs.get(i));
    }
    return named;
  }

  /**
   * Every analyst's query on the tables a real run produced (a generated organisation's history
   * and its incident hour), each checked against the same answer computed from the tables.
   */
  @Test
  void everyAnalystQueryAnswersWhatItSaysOnTheDemoTables() throws Exception {
    io.trailwatch.generate.GeneratorSpec spec = new io.trailwatch.generate.GeneratorSpec(21, 4, 4, 20, 7,
        io.trailwatch.generate.GeneratorSpec.DEFAULT_END);
    io.trailwatch.generate.GeneratedOrg generated = io.trailwatch.generate.SyntheticOrg.generate(spec,
        dir.resolve("org"));
    StateLayout layout = new StateLayout(spark, dir.resolve("state").toUri().toString());
    io.trailwatch.pipeline.PerBusinessUnit p = new io.trailwatch.pipeline.PerBusinessUnit(layout,
        store -> new io.trailwatch.pipeline.Pipeline(spark, io.trailwatch.config.TrailwatchConfig.defaults()
            .withDimensions(List.of(io.trailwatch.dimensions.Dimension.values())),
            new io.trailwatch.ingest.LocalLogPlanner(generated.logsDir()), new io.trailwatch.ingest.LocalOpener(),
            store, io.trailwatch.pipeline.Progress.SILENT));
    List<io.trailwatch.accounts.Account> accounts = io.trailwatch.accounts.Accounts.read(generated.accountsCsv());
    io.trailwatch.core.Hour incident = new io.trailwatch.core.Hour(generated.incidentHour());
    p.buildBaseline(new io.trailwatch.core.Window(spec.start(), incident.start()), accounts);
    io.trailwatch.core.RunSummary detect = p.detect(incident, accounts);
    assertTrue(detect.alerts().size() >= 3, "the incident hour alerts: " + detect.alerts());

    List<String> units = layout.businessUnits();
    assertEquals(sorted(accounts.stream().map(a -> a.businessUnit()).distinct().toList()), units,
        "one folder of tables per business unit");
    assertTrue(units.size() >= 2, "the views join several business units: " + units);
    for (String stmt : statementsOf(StateLayout.viewsSql(dir.resolve("state").toString(), units))) {
      views.sql(stmt);
    }
    Map<String, String> q = namedQueries(dir.resolve("state").toString());
    Everything state = new Everything(layout, units);
    assertEquals(List.of("alerts_last_day", "principal_baseline", "principal_dimensions", "rare_in_business_unit",
        "alerts_per_day", "quarantine_by_reason",
        "run_health", "new_principals", "late_files", "new_behaviors_today", "behaviors_about_to_expire",
        "top_principals_30_days", "delivery_status", "alerts_by_technique", "missing_runs",
        "silent_trails_last_day", "delivery_lag_per_account", "late_events_per_account"),
        new ArrayList<>(q.keySet()));
    org.apache.spark.sql.Dataset<Row> baseline = state.table(Tables.BASELINE);
    org.apache.spark.sql.Dataset<Row> alerts = state.table(Tables.ALERTS);

    // The last day's alerts are the incident hour's, every one.
    assertEquals(sorted(detect.alerts().stream().map(a -> a.principal()).toList()),
        sorted(rows(q.get("alerts_last_day")).stream().map(r -> r.<String>getAs("principal")).toList()));
    // One principal's baseline: exactly its rows.
    assertEquals(baseline.filter("principal = 'arn:aws:iam::111100000001:user/ci-deployer'").count(),
        rows(q.get("principal_baseline")).size());
    assertTrue(rows(q.get("principal_baseline")).size() > 0, "the CI user has a baseline");
    // Its regions, networks and clients: exactly its rows of the other dimensions.
    long dims = baseline.filter("principal = 'arn:aws:iam::111100000001:user/ci-deployer' AND event_source LIKE '@%'")
        .count();
    assertEquals(dims, rows(q.get("principal_dimensions")).size());
    assertTrue(dims >= 3, "the CI user has a region, a network and a client: " + dims);
    assertEquals(Set.of("region", "network", "client"), rows(q.get("principal_dimensions")).stream()
        .map(r -> r.<String>getAs("dimension")).collect(java.util.stream.Collectors.toSet()));
    // Every new behaviour of the incident hour's alerts whose prevalence was looked up, rarest first.
    List<Row> rare = rows(q.get("rare_in_business_unit"));
    assertEquals(detect.alerts().stream().flatMap(a -> a.newBehaviors().stream()).filter(b -> b.prevalence() != null)
        .count(), rare.size());
    assertTrue(rare.size() > 0, "the incident's new behaviours carry their prevalence");
    for (int i = 1; i < rare.size(); i++) {
      assertTrue(rare.get(i - 1).<Long>getAs("bu_peers") <= rare.get(i).<Long>getAs("bu_peers"), "rarest first");
    }
    // Alerts per day and severity add up to the alerts, and the severities are the alerts'.
    List<Row> perDay = rows(q.get("alerts_per_day"));
    assertEquals(alerts.count(), perDay.stream().mapToLong(r -> r.<Long>getAs("alerts")).sum());
    assertEquals(sorted(detect.alerts().stream().map(a -> a.severity().label()).distinct().toList()),
        sorted(perDay.stream().map(r -> r.<String>getAs("severity")).distinct().toList()));
    // Nothing was quarantined in the generated logs; two runs, baseline and detect.
    assertEquals(state.table(Tables.QUARANTINE).count(), rows(q.get("quarantine_by_reason")).stream()
        .mapToLong(r -> r.<Long>getAs("entries")).sum());
    // Per business unit, in its BU's run ledger: a baseline run per chunk (21 days, chunks of 30
    // days: one), and a detect run.
    List<Row> runs = rows(q.get("run_health"));
    assertEquals(2L * units.size(), runs.size());
    assertEquals(1L * units.size(), runs.stream().filter(r -> r.<String>getAs("command").equals("baseline")).count());
    assertEquals(List.of("baseline", "detect"), sorted(runs.stream().map(r -> r.<String>getAs("command"))
        .distinct().toList()));
    assertEquals(units, sorted(runs.stream().map(r -> r.<String>getList(r.fieldIndex("business_units")).get(0))
        .distinct().toList()));
    // New principals: first seen within 14 days of the latest sighting.
    assertEquals(state.table(Tables.PRINCIPALS).filter("first_seen >= (SELECT max(last_seen) FROM principals_v)"
        .replace("(SELECT max(last_seen) FROM principals_v)", "'" + latest(state.table(Tables.PRINCIPALS),
            "last_seen").minus(java.time.Duration.ofDays(14)) + "'")).count(), rows(q.get("new_principals")).size());
    assertEquals(0, rows(q.get("late_files")).size(), "no file arrived late");
    // Behaviours the baseline learned on the latest day: the incident hour's new ones that succeeded.
    java.time.Instant day = latest(baseline, "last_seen").truncatedTo(java.time.temporal.ChronoUnit.DAYS);
    assertEquals(baseline.filter(org.apache.spark.sql.functions.col("first_seen").geq(java.sql.Timestamp.from(day)))
        .count(), rows(q.get("new_behaviors_today")).size());
    assertTrue(rows(q.get("new_behaviors_today")).size() > 0);
    java.time.Instant soon = latest(baseline, "last_seen").plus(java.time.Duration.ofDays(7));
    assertEquals(baseline.filter(org.apache.spark.sql.functions.col("expires_at").lt(java.sql.Timestamp.from(soon)))
        .count(), rows(q.get("behaviors_about_to_expire")).size());
    // Top principals: one row per alerted principal, counts adding up to the alerts.
    List<Row> top = rows(q.get("top_principals_30_days"));
    assertEquals(detect.alerts().stream().map(a -> a.principal()).distinct().count(), top.size());
    assertEquals(detect.alerts().size(), top.stream().mapToLong(r -> r.<Long>getAs("alerts")).sum());
    assertEquals(detect.alerts().stream().map(a -> a.severity().label()).distinct().sorted().toList(),
        top.stream().map(r -> r.<String>getAs("worst_severity")).distinct().sorted().toList());
    // No sink configured: no delivery recorded.
    assertEquals(0, rows(q.get("delivery_status")).size());
    // Behaviours per ATT&CK technique: every new behaviour of the incident whose call has one.
    long withTechnique = detect.alerts().stream().flatMap(a -> a.newBehaviors().stream())
        .filter(b -> b.mitreTechniqueId() != null).count();
    assertTrue(withTechnique > 0, "the incident makes calls the catalogue maps to ATT&CK");
    assertEquals(withTechnique, rows(q.get("alerts_by_technique")).stream().mapToLong(r -> r.<Long>getAs("behaviours"))
        .sum());
    // One detect run per business unit: the 23 hours before it have none.
    assertEquals(23L * units.size(), rows(q.get("missing_runs")).size());

    // The coverage ledger: the detect hour read every account that delivered; nothing went quiet.
    org.apache.spark.sql.Dataset<Row> coverage = state.table(Tables.COVERAGE);
    assertTrue(coverage.count() > 0, "the detect run wrote the coverage ledger");
    assertEquals(0, rows(q.get("silent_trails_last_day")).size(), "one hour of ledger: nothing before the last day");
    List<Row> lag = rows(q.get("delivery_lag_per_account"));
    assertEquals(coverage.filter("events > 0").select("account_id").distinct().count(), lag.size());
    assertEquals(coverage.agg(org.apache.spark.sql.functions.max("lag_max_minutes")).first().getLong(0),
        lag.stream().mapToLong(r -> r.<Long>getAs("max_lag_minutes")).max().orElse(-1));
    List<Row> late = rows(q.get("late_events_per_account"));
    assertEquals(coverage.agg(org.apache.spark.sql.functions.sum("events")).first().getLong(0),
        late.stream().mapToLong(r -> r.<Long>getAs("events")).sum());
    assertEquals(0, late.stream().mapToLong(r -> r.<Long>getAs("late_events")).sum(), "no file arrived late");

    // The notebook's SQL cells, on the same views.
    List<String> cells = NotebookCells.sql(NOTEBOOK);
    assertEquals(4, cells.size(), "today's alerts, a principal's alerts and baseline, by technique");
    assertEquals(detect.alerts().size(), rows(cells.get(0)).size(), "today's alerts: the incident hour's");
    assertEquals(detect.alerts().stream().filter(a -> a.principal().equals("arn:aws:iam::111100000001:user/ci-deployer"))
        .count(), rows(cells.get(1)).size());
    assertEquals(baseline.filter("principal = 'arn:aws:iam::111100000001:user/ci-deployer'").count(),
        rows(cells.get(2)).stream().mapToLong(r -> r.<Long>getAs("behaviours_learned")).sum());
    assertEquals(rows(q.get("alerts_by_technique")).size(), rows(cells.get(3)).size());
  }

  static final Path NOTEBOOK = SharedData.projectRoot().resolve("notebooks/trailwatch.ipynb");

  /** The notebook's SQL cells ({@code %%sql} first), and the tables its views cell makes views of. */
  static final class NotebookCells {
    static List<String> sql(Path notebook) throws Exception {
      List<String> out = new ArrayList<>();
      for (com.fasterxml.jackson.databind.JsonNode c : new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree(notebook.toFile()).path("cells")) {
        StringBuilder src = new StringBuilder();
        c.path("source").forEach(l -> src.append(l.asText()));
        if (c.path("cell_type").asText().equals("code") && src.toString().startsWith("%%sql\n")) {
          out.add(src.substring("%%sql\n".length()).strip());
        }
      }
      return out;
    }

    static String code(Path notebook) throws Exception {
      StringBuilder all = new StringBuilder();
      for (com.fasterxml.jackson.databind.JsonNode c : new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree(notebook.toFile()).path("cells")) {
        if (c.path("cell_type").asText().equals("code")) {
          c.path("source").forEach(l -> all.append(l.asText()));
        }
      }
      return all.toString();
    }
  }

  /** Cheap and first: every query and notebook cell parses and resolves against the tables as the jobs make them. */
  @Test
  void everyQueryAndNotebookCellRunsOnFreshTables() throws Exception {
    StateLayout layout = new StateLayout(spark, dir.resolve("fresh").toUri().toString());
    for (String bu : List.of("unit-a", "unit-b")) {
      layout.of(bu).ensureTables();
    }
    for (String stmt : statementsOf(StateLayout.viewsSql(dir.resolve("fresh").toString(), List.of("unit-a", "unit-b")))) {
      views.sql(stmt);
    }
    for (Map.Entry<String, String> q : namedQueries("").entrySet()) {
      assertEquals(List.of(), rows(q.getValue()), q.getKey() + " on empty tables");
    }
    for (String cell : NotebookCells.sql(NOTEBOOK)) {
      assertEquals(List.of(), rows(cell), cell);
    }
  }

  @Test
  void theNotebooksViewsCoverEveryTableAndItOnlyReads() throws Exception {
    String code = NotebookCells.code(NOTEBOOK);
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("TABLES = \\[([^\\]]*)\\]").matcher(code);
    assertTrue(m.find(), "the views cell lists the tables");
    assertEquals(Tables.ALL, java.util.Arrays.stream(m.group(1).split(",")).map(x -> x.strip().replace("\"", ""))
        .toList());
    for (String write : List.of("OPTIMIZE", "VACUUM", "DELETE", "MERGE", "INSERT", "UPDATE ", "ALTER")) {
      assertTrue(!code.toUpperCase(java.util.Locale.ROOT).contains(write), "the notebook writes: " + write);
    }
  }

  @Test
  void topPrincipalsRanksSeveritiesNotTheirSpelling() throws Exception {
    views.sql("CREATE OR REPLACE TEMPORARY VIEW tw_alerts AS SELECT * FROM VALUES "
        + "('bu', '1', 'p-critical', 'IAMUser', 'medium', TIMESTAMP '2026-11-20 10:00:00'), "
        + "('bu', '1', 'p-critical', 'IAMUser', 'critical', TIMESTAMP '2026-11-20 11:00:00'), "
        + "('bu', '1', 'p-critical', 'IAMUser', 'low', TIMESTAMP '2026-11-20 12:00:00'), "
        + "('bu', '1', 'p-high', 'IAMUser', 'medium', TIMESTAMP '2026-11-20 10:00:00'), "
        + "('bu', '1', 'p-high', 'IAMUser', 'high', TIMESTAMP '2026-11-20 11:00:00'), "
        + "('bu', '1', 'p-info', 'AssumedRole', 'info', TIMESTAMP '2026-11-20 12:00:00') "
        + "AS t(business_unit, account_id, principal, identity_type, severity, hour)");
    Map<String, String> worst = new TreeMap<>();
    for (Row r : rows(namedQueries("").get("top_principals_30_days"))) {
      worst.put(r.getAs("principal"), r.getAs("worst_severity"));
    }
    assertEquals(Map.of("p-critical", "critical", "p-high", "high", "p-info", "info"), worst);
  }

  /**
   * Queries marked to run on Athena too use no Spark-only syntax; the Athena file's UNNEST aliases
   * list alerts.new_behaviors' fields in the table's order (Trino unnests a struct into its fields).
   */
  @Test
  void portableQueriesAvoidSparkOnlySyntaxAndAthenasUnnestMatchesTheTable() throws Exception {
    List<String> lines = Files.readAllLines(SQL.resolve("queries.sql"));
    Map<String, String> q = namedQueries("");
    Set<String> athena = new java.util.HashSet<>();
    String name = null;
    for (String line : lines) {
      if (line.startsWith("-- name: ")) {
        name = line.substring("-- name: ".length()).strip();
      } else if (line.strip().equals("-- runs on: Spark, Athena")) {
        athena.add(name);
      } else if (line.startsWith("-- runs on:")) {
        assertEquals("-- runs on: Spark", line.strip(), name);
      }
    }
    Map<String, String> athenaFile = new java.util.LinkedHashMap<>();
    List<String> athenaStatements = statements("athena/queries.sql", "");
    List<String> athenaNames = Files.readAllLines(SQL.resolve("athena/queries.sql")).stream()
        .filter(l -> l.startsWith("-- name: ")).map(l -> l.substring("-- name: ".length()).strip()).toList();
    for (int i = 0; i < athenaNames.size(); i++) {
      athenaFile.put(athenaNames.get(i), athenaStatements.get(i));
    }
    java.util.regex.Pattern sparkOnly = java.util.regex.Pattern.compile(
        "LATERAL VIEW|explode\\(|INTERVAL \\d|\\bfirst\\(|array_contains|`", java.util.regex.Pattern.CASE_INSENSITIVE);
    for (String n : q.keySet()) {
      assertTrue(athena.contains(n) || athenaFile.containsKey(n), n + ": marked for Athena or in sql/athena/");
      String text = athena.contains(n) ? q.get(n) : athenaFile.get(n);
      assertTrue(!sparkOnly.matcher(text).find(), n + " has Spark-only syntax for Athena: " + text);
    }
    String fields = String.join(", ", Tables.NEW_BEHAVIOR.fieldNames());
    for (String text : athenaFile.values()) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("UNNEST\\(a\\.new_behaviors\\) AS b\\(([^)]*)\\)")
          .matcher(text);
      while (m.find()) {
        assertEquals(fields, m.group(1).replaceAll("\\s+", " ").strip());
      }
    }
  }

  /** Every business unit's rows of a table, read from each BU's own tables (not through the views). */
  record Everything(StateLayout layout, List<String> units) {
    org.apache.spark.sql.Dataset<Row> table(String t) {
      return units.stream().map(u -> layout.of(u).table(t)).reduce(org.apache.spark.sql.Dataset::unionByName)
          .orElseThrow();
    }
  }

  /** The statements of a SQL text, as {@link #statements} splits a file. */
  static List<String> statementsOf(String sql) throws Exception {
    Path f = Files.createTempFile("views", ".sql");
    try {
      Files.writeString(f, sql);
      return statements(f, "");
    } finally {
      Files.delete(f);
    }
  }

  List<Row> rows(String query) {
    return views.sql(query).collectAsList();
  }

  static List<String> sorted(List<String> values) {
    return values.stream().sorted().toList();
  }

  static java.time.Instant latest(org.apache.spark.sql.Dataset<Row> table, String column) {
    return table.agg(org.apache.spark.sql.functions.max(column)).first().<java.sql.Timestamp>getAs(0).toInstant();
  }

  /** Partition columns and whether deletion vectors are on: what MERGE cost and concurrent jobs rely on. */
  List<Object> layout(String path) {
    Row d = io.delta.tables.DeltaTable.forPath(spark, path).detail()
        .selectExpr("partitionColumns", "properties['delta.enableDeletionVectors']").first();
    return List.of(d.getList(0), String.valueOf(d.get(1)));
  }

  /** Names and types (nested nullability aside): what a reader of the table relies on. */
  static Map<String, String> shape(StructType t) {
    Map<String, String> m = new TreeMap<>();
    for (StructField f : t.fields()) {
      m.put(f.name(), f.dataType().simpleString() + (f.nullable() ? "" : " not null"));
    }
    return m;
  }
}
