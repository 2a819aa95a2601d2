package io.trailwatch.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;

import io.trailwatch.config.TrailwatchConfig;
import io.trailwatch.core.Hour;
import io.trailwatch.core.Window;
import io.trailwatch.detect.Behaviors;
import io.trailwatch.generate.ExpectedAlert;
import io.trailwatch.generate.GeneratedOrg;
import io.trailwatch.generate.GeneratorSpec;
import io.trailwatch.generate.HourCounts;
import io.trailwatch.generate.SyntheticOrg;
import io.trailwatch.accounts.Account;
import io.trailwatch.accounts.Accounts;
import io.trailwatch.ingest.CloudTrailReader;
import io.trailwatch.ingest.LocalLogPlanner;
import io.trailwatch.ingest.LocalOpener;
import io.trailwatch.ingest.LogFile;
import io.trailwatch.ingest.ParserSettings;
import io.trailwatch.pipeline.Progress;
import io.trailwatch.state.Maintenance;
import io.trailwatch.state.StateLayout;
import io.trailwatch.state.StateStore;
import io.trailwatch.state.Tables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * The bench's inputs, made once under one folder and reused by every later run:
 *
 * <pre>
 *   hour-A-E/               the generated hour (logs/, accounts.csv, manifest.json), A accounts, E events
 *   hour-A-E/behaviours/    its behaviours (parquet): what the baselines are made of
 *   state-v3-S-A-E-R/       a state root whose baseline holds R rows (S: hash of the table schemas);
 *                           copied before each run that writes
 * </pre>
 *
 * A baseline is written directly rather than learnt from history (history at bench volume would
 * be 24 times the hour per day): every behaviour of the hour except the injected incidents, first
 * seen 60 days ago and last seen within the last day (so about 1 in 24 is due for its daily
 * refresh, as in a steady hourly run), plus filler rows of made-up principals in the same accounts
 * up to R rows, in last_seen order within each business unit (as hourly MERGEs with deletion
 * vectors leave the table, and maintain's compaction keeps it) in files of 250,000 rows, sorted
 * inside in row groups of the size compaction writes. The principals table holds every principal.
 */
public final class BenchData {
  /** Workload principals per account: the generator's realistic mix of roles and users. */
  static final int PRINCIPALS_PER_ACCOUNT = 40;
  static final long SEED = 42L;
  private static final String DONE = ".complete";
  private static final String[] SERVICES = {"s3.amazonaws.com", "ec2.amazonaws.com", "dynamodb.amazonaws.com",
      "sqs.amazonaws.com", "sns.amazonaws.com", "lambda.amazonaws.com", "kms.amazonaws.com", "sts.amazonaws.com",
      "logs.amazonaws.com", "monitoring.amazonaws.com", "ecr.amazonaws.com", "ecs.amazonaws.com",
      "secretsmanager.amazonaws.com", "ssm.amazonaws.com", "rds.amazonaws.com", "glue.amazonaws.com",
      "athena.amazonaws.com", "kinesis.amazonaws.com", "events.amazonaws.com", "elasticloadbalancing.amazonaws.com"};

  private final Path root;
  private final int accounts;
  private final long events;
  private final Progress progress;

  public BenchData(Path root, int accounts, long events, Progress progress) {
    this.root = root.toAbsolutePath();
    this.accounts = accounts;
    this.events = events;
    this.progress = progress;
  }

  public GeneratorSpec spec() {
    return new GeneratorSpec(1, accounts, PRINCIPALS_PER_ACCOUNT, (int) (events / accounts), SEED,
        GeneratorSpec.DEFAULT_END);
  }

  public Path hourDir() {
    return root.resolve("hour-" + accounts + "-" + events);
  }

  public Hour hour() {
    return new Hour(spec().incidentHour());
  }

  /** The generated hour, made on first use. */
  public GeneratedOrg org() throws IOException {
    Path dir = hourDir();
    GeneratorSpec spec = spec().validate();
    if (!Files.exists(dir.resolve(DONE))) {
      delete(dir);
      progress.step(String.format("generating %,d events over %d accounts under %s (once)", events, accounts, dir));
      long t0 = System.nanoTime();
      SyntheticOrg.generate(spec, dir, 1);
      Files.writeString(dir.resolve(DONE), "");
      progress.step(String.format("generated in %.1fs", (System.nanoTime() - t0) / 1e9));
    }
    // Generating again is deterministic and cheap to describe: re-derive the summary without writing.
    return new GeneratedOrg(dir.resolve("logs"), dir.resolve("accounts.csv"), dir.resolve("manifest.json"),
        spec.incidentHour(), 0, 0, expectedAlerts(dir.resolve("manifest.json")), List.of(),
        incidentHourCounts(dir.resolve("manifest.json")));
  }

  /** The counts the generator wrote into the manifest (0 for a folder made before it wrote them). */
  private static HourCounts incidentHourCounts(Path manifest) throws IOException {
    var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(manifest.toFile());
    return new HourCounts(json.path("incidentHourRecords").asLong(),
        json.path("incidentHourDuplicates").asLong());
  }

  private static List<ExpectedAlert> expectedAlerts(Path manifest) throws IOException {
    var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(manifest.toFile());
    List<ExpectedAlert> out = new ArrayList<>();
    for (var a : json.get("expectedAlerts")) {
      // A manifest written before alerts carried their dimension holds api alerts only.
      var value = a.path("value");
      out.add(new ExpectedAlert(a.get("name").asText(), a.get("accountId").asText(), a.get("principal").asText(),
          a.get("identityType").asText(), a.path("dimension").asText(ExpectedAlert.API),
          value.isTextual() ? value.asText() : null, a.get("eventSource").asText(), a.get("eventName").asText(),
          a.get("failed").asBoolean(), a.get("description").asText()));
    }
    return out;
  }

  public List<Account> accountList() {
    return Accounts.read(hourDir().resolve("accounts.csv"));
  }

  /**
   * The same accounts in {@code businessUnits} business units, dealt out in turn ({@code bu-1},
   * {@code bu-2}, ...): the bench's comparison of one BU against several runs the same hour's work.
   */
  public List<Account> accountsIn(int businessUnits) {
    List<Account> all = accountList();
    List<Account> out = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      out.add(new Account(all.get(i).id(), all.get(i).name(), "bu-" + (i % businessUnits + 1)));
    }
    return out;
  }

  /** Where the state with a folder of tables per BU ({@link #layout}) for {@code businessUnits} BUs lives. */
  public Path layoutTemplate(int businessUnits) {
    int schemas = Tables.ALL.stream().map(t -> Tables.schema(t).json()).reduce("", String::concat).hashCode();
    return root.resolve("layout-" + Integer.toHexString(schemas) + "-" + accounts + "-" + events + "-bus-"
        + businessUnits);
  }

  /**
   * A state with a folder of tables per business unit ({@link #accountsIn}), as the command line
   * keeps it, after one detect of an hour with no files (every BU's tables made, the run ledger
   * started, the baseline empty), made on first use with {@code detect}; returns its folder.
   */
  public Path layout(int businessUnits, java.util.function.Consumer<Path> detect) throws IOException {
    Path dir = layoutTemplate(businessUnits);
    if (!Files.exists(dir.resolve(DONE))) {
      delete(dir);
      progress.step(String.format("making a state of %d business units under %s (once)", businessUnits, dir));
      detect.accept(dir);
      Files.writeString(dir.resolve(DONE), "");
    }
    return dir;
  }

  /** The files a detect run of the hour plans (the same list every contestant reads). */
  public List<LogFile> files(TrailwatchConfig cfg) throws IOException {
    org();
    Hour h = hour();
    return new LocalLogPlanner(hourDir().resolve("logs")).plan(accountList(), h.start(),
        h.end().plus(Duration.ofMinutes(cfg.ingest().deliveryLagMinutes()))).files();
  }

  /** The hour's behaviours (counted, deduplicated), computed once with the pipeline's own steps. */
  /** The hour's behaviours as detect's comparison takes them. */
  public List<io.trailwatch.detect.HourBehavior> hourBehaviors(SparkSession spark, TrailwatchConfig cfg)
      throws IOException {
    return behaviours(spark, cfg).collectAsList().stream().map(io.trailwatch.detect.HourBehavior::fromRow).toList();
  }

  public Dataset<Row> behaviours(SparkSession spark, TrailwatchConfig cfg) throws IOException {
    // v2: with the context lists (detect's comparison takes whole behaviours)
    Path dir = hourDir().resolve("behaviours-v2");
    if (!Files.exists(dir.resolve(DONE))) {
      delete(dir);
      progress.step("computing the hour's behaviours for the baselines (once)");
      ParserSettings ps = new ParserSettings(cfg.ingest().maxStringLength(),
          cfg.ingest().maxQuarantinedRecordsPerFile(), cfg.identity().humanRolePatterns());
      CloudTrailReader.Read read = CloudTrailReader.read(spark, files(cfg), Window.of(hour()), ps, new LocalOpener());
      Behaviors.withContext(read, cfg.alerts().maxContextValues(), cfg.alerts().sampleEventIds()).coalesce(1).write()
          .parquet(dir.toString());
      Files.writeString(dir.resolve(DONE), "");
    }
    return spark.read().parquet(dir.toString());
  }

  public Path stateTemplate(long rows) {
    // v2: deletion vectors on, rows clustered by last_seen; v3: timestamps as microseconds, the
    // baseline's row groups as maintain's compaction writes them. The schemas' hash: a template made
    // with other table schemas is not reused (ensureTables would refuse it).
    int schemas = Tables.ALL.stream().map(t -> Tables.schema(t).json()).reduce("", String::concat).hashCode();
    return root.resolve("state-v3-" + Integer.toHexString(schemas) + "-" + accounts + "-" + events + "-" + rows);
  }

  /**
   * A state root whose baseline has {@code rows} rows (at least the hour's known behaviours),
   * made on first use; returns its folder. Callers copy it ({@link #copy}) before writing to it.
   */
  public Path state(SparkSession spark, TrailwatchConfig cfg, long rows) throws IOException {
    Path dir = stateTemplate(rows);
    if (Files.exists(dir.resolve(DONE))) {
      return dir;
    }
    delete(dir);
    long t0 = System.nanoTime();
    GeneratedOrg org = org();
    StateStore state = new StateStore(spark, dir.toUri().toString());
    state.ensureTables();
    Timestamp h = Timestamp.from(hour().start());
    Dataset<Row> seen = behaviours(spark, cfg);
    for (ExpectedAlert a : org.expectedAlertsFor(List.of(ExpectedAlert.API))) {
      seen = seen.filter(col("account_id").notEqual(a.accountId()).or(col("principal").notEqual(a.principal()))
          .or(col("event_source").notEqual(a.eventSource())).or(col("event_name").notEqual(a.eventName())));
    }
    seen = seen.filter(col("events").gt(col("failed_events")));
    // Last seen a day ago plus 0..1439 minutes: the ones whose last_seen is within the hour's minutes are due.
    Column lastSeen = lit(h).minus(expr("INTERVAL 1 DAYS"))
        .plus(expr("make_dt_interval(0, 0, pmod(xxhash64(principal, event_source, event_name), 1440), 0)"));
    Dataset<Row> known = seen.select(col("business_unit"), col("account_id"), col("principal"),
        col("identity_type"), col("event_source"), col("event_name"),
        lit(h).minus(expr("INTERVAL 60 DAYS")).as("first_seen"), lastSeen.as("last_seen"))
        .withColumn("expires_at", col("last_seen").plus(expr("INTERVAL 90 DAYS")));
    long knownRows = known.count();
    long filler = Math.max(0, rows - knownRows);
    progress.step(String.format("writing a baseline of %,d rows (%,d from the hour, %,d filler) under %s (once)",
        knownRows + filler, knownRows, filler, dir));

    List<Account> accts = accountList();
    String ids = accts.stream().map(a -> "'" + a.id() + "'").reduce((x, y) -> x + "," + y).orElseThrow();
    String bus = accts.stream().map(a -> "'" + a.businessUnit() + "'").reduce((x, y) -> x + "," + y).orElseThrow();
    int n = accts.size();
    // Filler: row i is account i % n, principal (i / n) / 40, action (i / n) % 40 (unique keys, 40 per principal).
    Dataset<Row> fill = spark.range(filler).toDF("i")
        .withColumn("a", pmod(col("i"), lit(n)).plus(1))
        .withColumn("q", col("i").divide(n).cast("long"))
        .select(element_at(expr("array(" + bus + ")"), col("a").cast("int")).as("business_unit"),
            element_at(expr("array(" + ids + ")"), col("a").cast("int")).as("account_id"),
            concat(lit("arn:aws:iam::"), element_at(expr("array(" + ids + ")"), col("a").cast("int")),
                lit(":role/bench-filler-"), col("q").divide(40).cast("long").cast("string")).as("principal"),
            lit("AssumedRole").as("identity_type"),
            element_at(expr("array(" + quoted(SERVICES) + ")"), pmod(col("q"), lit(SERVICES.length)).plus(1).cast("int"))
                .as("event_source"),
            concat(lit("BenchAction"), pmod(col("q"), lit(40)).cast("string")).as("event_name"),
            lit(h).minus(expr("INTERVAL 60 DAYS")).as("first_seen"),
            lit(h).minus(expr("INTERVAL 2 DAYS")).minus(expr("make_dt_interval(0, 0, pmod(i, 1440), 0)"))
                .as("last_seen"))
        .withColumn("expires_at", col("last_seen").plus(expr("INTERVAL 90 DAYS")));
    Dataset<Row> baseline = known.unionByName(fill);
    writeBaseline(spark, state, baseline);
    writePrincipals(state, baseline.groupBy("business_unit", "account_id", "principal")
        .agg(functions.max("identity_type").as("identity_type"),
            functions.min("first_seen").as("first_seen"),
            functions.max("last_seen").as("last_seen")));
    Files.writeString(dir.resolve(DONE), "");
    progress.step(String.format("baseline written in %.1fs", (System.nanoTime() - t0) / 1e9));
    return dir;
  }

  /**
   * Appends baseline rows as hourly MERGEs leave a table (each hour writes the rows it refreshed or
   * added), and as maintain's compaction keeps it: rows in last_seen order within a business unit,
   * files of 250,000 rows (about 2 MB), row groups of the size compaction writes.
   */
  private static void writeBaseline(SparkSession spark, StateStore state, Dataset<Row> baseline) {
    state.beforeCommit(Tables.BASELINE);
    spark.conf().set(Maintenance.ROW_GROUP_SIZE, String.valueOf(Maintenance.BASELINE_ROW_GROUP_BYTES));
    try {
      baseline.repartition(col("business_unit")).sortWithinPartitions(col("last_seen"), col("account_id"),
          col("principal")).write().format("delta").mode("append").option("maxRecordsPerFile", 250_000)
          .save(state.path(Tables.BASELINE));
    } finally {
      spark.conf().unset(Maintenance.ROW_GROUP_SIZE);
    }
  }

  private static void writePrincipals(StateStore state, Dataset<Row> principals) {
    state.beforeCommit(Tables.PRINCIPALS);
    principals.repartition(col("business_unit")).write().format("delta").mode("append")
        .save(state.path(Tables.PRINCIPALS));
  }

  /**
   * Where {@link #layoutWithBaseline} keeps the state of {@code businessUnits} BUs sharing a {@code
   * rows}-row baseline; named after the baseline's template too, so a new template version is dealt again.
   */
  public Path layoutTemplate(int businessUnits, long rows) {
    Path empty = layoutTemplate(businessUnits);
    return empty.resolveSibling(empty.getFileName() + "-with-" + stateTemplate(rows).getFileName());
  }

  /**
   * The state of {@link #layout}, every BU's baseline and principals holding its accounts' rows of
   * the {@code rows}-row baseline ({@link #state}): a steady hourly run's state, dealt into BUs.
   * Made on first use; returns its folder.
   */
  public Path layoutWithBaseline(SparkSession spark, TrailwatchConfig cfg, int businessUnits, long rows,
      java.util.function.Consumer<Path> detect) throws IOException {
    Path dir = layoutTemplate(businessUnits, rows);
    if (Files.exists(dir.resolve(DONE))) {
      return dir;
    }
    delete(dir);
    Path empty = layout(businessUnits, detect);
    StateStore whole = new StateStore(spark, state(spark, cfg, rows).toUri().toString());
    progress.step(String.format("dealing the %,d-row baseline into %d business units under %s (once)", rows,
        businessUnits, dir));
    copy(empty, dir);
    Files.deleteIfExists(dir.resolve(DONE));
    StateLayout layout = new StateLayout(spark, dir.toUri().toString());
    Map<String, List<String>> byUnit = accountsIn(businessUnits).stream().collect(
        Collectors.groupingBy(Account::businessUnit, TreeMap::new, Collectors.mapping(Account::id, Collectors.toList())));
    for (Map.Entry<String, List<String>> unit : byUnit.entrySet()) {
      StateStore to = layout.of(unit.getKey());
      Column mine = col("account_id").isin(unit.getValue().toArray());
      writeBaseline(spark, to, whole.table(Tables.BASELINE).where(mine).withColumn("business_unit",
          lit(unit.getKey())));
      writePrincipals(to, whole.table(Tables.PRINCIPALS).where(mine).withColumn("business_unit", lit(unit.getKey())));
    }
    Files.writeString(dir.resolve(DONE), "");
    return dir;
  }

  private static Column[] keyColumns() {
    return Stream.of(Behaviors.KEY).map(functions::col).toArray(Column[]::new);
  }

  private static String quoted(String[] values) {
    return String.join(",", Stream.of(values).map(v -> "'" + v + "'").toList());
  }

  /** Copies a state template to {@code to} (emptied first): Delta logs hold relative paths, so a copy is a table. */
  public static void copy(Path from, Path to) throws IOException {
    delete(to);
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path q = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(q);
        } else if (!p.getFileName().toString().equals(DONE)) {
          Files.copy(p, q, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  public static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
