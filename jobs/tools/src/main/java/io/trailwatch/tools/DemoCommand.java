package io.trailwatch.tools;

import io.trailwatch.core.ErrorCode;
import io.trailwatch.alerting.Alert;
import io.trailwatch.cli.Output;
import io.trailwatch.alerting.AlertJson;
import io.trailwatch.alerting.AlertTable;
import io.trailwatch.config.TrailwatchConfig;
import io.trailwatch.core.Hour;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.core.Window;
import io.trailwatch.generate.ExpectedAlert;
import io.trailwatch.generate.ExpectedQuiet;
import io.trailwatch.generate.GeneratedOrg;
import io.trailwatch.generate.GeneratorSpec;
import io.trailwatch.generate.SilentTrail;
import io.trailwatch.generate.SyntheticOrg;
import io.trailwatch.accounts.Account;
import io.trailwatch.accounts.Accounts;
import io.trailwatch.ingest.LocalLogPlanner;
import io.trailwatch.ingest.LocalOpener;
import io.trailwatch.pipeline.PerBusinessUnit;
import io.trailwatch.pipeline.Pipeline;
import io.trailwatch.pipeline.Progress;
import io.trailwatch.core.RunSummary;
import io.trailwatch.pipeline.Sparks;
import io.trailwatch.state.StateLayout;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Generate a synthetic organisation, build its baseline, detect the incident hour, and check the result.")
final class DemoCommand implements Callable<Integer> {
  private static final String MARKER = ".trailwatch-demo";

  @Option(names = "--dir", paramLabel = "DIR", description = "Working folder, emptied and reused (default: ${DEFAULT-VALUE})")
  Path dir = Path.of("demo");

  @Option(names = "--config", paramLabel = "FILE",
      description = "YAML configuration (default: the shipped demo config, every dimension on, written to DIR/trailwatch-demo.yaml)")
  Path config;

  @Override
  public Integer call() throws IOException {
    prepare(dir);
    Progress progress = Progress.stderr();
    progress.step("generating a synthetic organisation under " + dir);
    GeneratorSpec spec = GeneratorSpec.defaults();
    GeneratedOrg org = SyntheticOrg.generate(spec, dir);
    progress.step(String.format("generated %,d events in %,d files", org.events(), org.files()));
    SilentTrail.Expected silence = SilentTrail.stage(org, LEDGER_HOURS);
    progress.step("staged a silent trail: " + silence.call() + " in account " + silence.accountId()
        + ", then nothing from it");

    List<Account> accounts = Accounts.read(org.accountsCsv());
    Path configFile = config;
    if (configFile == null) {
      configFile = dir.resolve("trailwatch-demo.yaml");
      try (var in = DemoCommand.class.getResourceAsStream("demo.yaml")) {
        Files.write(configFile, in.readAllBytes());
      }
    }
    TrailwatchConfig cfg = io.trailwatch.config.ConfigLoader.load(configFile);
    progress.step("config " + configFile + ": dimensions " + cfg.baseline().enabledDimensions());
    SparkSession spark = Sparks.session("trailwatch-demo", "local[*]", 8);
    PerBusinessUnit pipeline = new PerBusinessUnit(new StateLayout(spark, dir.resolve("state").toAbsolutePath().toUri()
        .toString()), store -> new Pipeline(spark, cfg, new LocalLogPlanner(org.logsDir()), new LocalOpener(), store,
        progress));
    Hour incident = new Hour(org.incidentHour());
    RunSummary base = pipeline.buildBaseline(new Window(spec.start(), incident.start()), accounts);
    Output.print(base, System.out);
    // The hours before the incident, as the hourly runs would have detected them: the coverage
    // ledger learns from them how each account-region delivers (docs/coverage.md).
    for (int h = LEDGER_HOURS; h >= 1; h--) {
      pipeline.detect(incident.plusHours(-h), accounts);
    }
    RunSummary s = pipeline.detect(incident, accounts);
    Output.print(s, System.out);
    AlertJson.writeLines(dir.resolve("alerts.jsonl"), s.alerts());
    System.out.println();
    System.out.print(AlertTable.render(s.alerts()));
    System.out.println();
    boolean ok = checkSilence(silence, s.alerts(), System.out);
    ok &= check(org, s.alerts(), cfg.baseline().enabledDimensions().stream().map(d -> d.label()).toList(),
        System.out);
    StateLayout layout = new StateLayout(spark, dir.resolve("state").toAbsolutePath().toUri().toString());
    ok &= triage(org, s.alerts(), cfg, spark, layout, incident, accounts, progress);
    System.out.printf("%nalerts: %s   state: %s%n", dir.resolve("alerts.jsonl"), dir.resolve("state"));
    return ok ? 0 : 1;
  }

  /**
   * The triage loop (docs/triage.md): one incident alert marked malicious, one other alert expected,
   * then the next hour, in which both principals come back ({@link DemoTriage}), shows both effects.
   */
  private static boolean triage(GeneratedOrg org, List<Alert> alerts, TrailwatchConfig cfg, SparkSession spark,
      StateLayout layout, Hour incident, List<Account> accounts, Progress progress)
      throws IOException {
    List<String> dims = cfg.baseline().enabledDimensions().stream().map(d -> d.label()).toList();
    List<ExpectedAlert> expected = org.expectedAlertsFor(dims);
    java.util.Optional<Alert> bad = alerts.stream().filter(a -> !"Root".equals(a.identityType()))
        .filter(a -> expected.stream().anyMatch(e -> caught(e, List.of(a))))
        // An incident whose new calls succeeded: what it taught the baseline is what the verdict rolls back.
        .sorted(java.util.Comparator.comparing((Alert a) -> a.newBehaviors().stream().noneMatch(b -> !b.failed())))
        .findFirst();
    java.util.Optional<Alert> fine = alerts.stream().filter(a -> !"Root".equals(a.identityType()))
        .filter(a -> bad.isEmpty() || !a.principalKey().equals(bad.get().principalKey())).findFirst();
    System.out.println();
    if (bad.isEmpty() || fine.isEmpty()) {
      System.out.println("Triage: not enough alerts to mark one malicious and one expected.");
      return false;
    }
    DemoTriage.Picked picked = new DemoTriage.Picked(bad.get(), fine.get());
    System.out.println("Triage (docs/triage.md):");
    DemoTriage.record(new io.trailwatch.pipeline.Triage(spark, null, java.time.Clock.systemUTC(), progress), layout,
        picked, System.out);
    Hour next = incident.plusHours(1);
    DemoTriage.writeReturn(org.logsDir(), picked, next);
    // The generated organisation holds no logs after the incident hour but these two principals': every
    // other account-region is silent in it, so this hour runs without the silent-trail rule (docs/coverage.md).
    TrailwatchConfig noSilence = cfg.withCoverage(new io.trailwatch.config.CoverageConfig(cfg.coverage().lookbackDays(),
        cfg.coverage().ledger(), cfg.coverage().silentTrails().off()));
    RunSummary after = new PerBusinessUnit(layout, store -> new Pipeline(spark, noSilence,
        new LocalLogPlanner(org.logsDir()), new LocalOpener(), store, progress)).detect(next, accounts);
    System.out.println("Next hour " + next + ": both principals come back.");
    System.out.print(AlertTable.render(after.alerts()));
    boolean raised = after.alerts().stream().anyMatch(a -> a.principalKey().equals(picked.incident().principalKey())
        && a.severity().compareTo(picked.incident().severity()) >= 0 && a.reason().contains("confirmed incident"));
    boolean quiet = after.alerts().stream().noneMatch(a -> a.principalKey().equals(picked.other().principalKey()))
        && after.quiet().getOrDefault(io.trailwatch.policy.Policy.Quiet.VERDICT, 0) > 0;
    System.out.printf("  %-8s malicious: %s repeats the incident and alerts as part of it, a level higher%n",
        raised ? "ALERTED" : "MISSED", picked.incident().principal());
    System.out.printf("  %-8s expected:  %s does something new and stays quiet (quiet by verdict: %d)%n",
        quiet ? "QUIET" : "ALERTED", picked.other().principal(),
        after.quiet().getOrDefault(io.trailwatch.policy.Policy.Quiet.VERDICT, 0));
    return raised && quiet;
  }

  /** Hours detected before the incident hour to fill the coverage ledger (demo.yaml's min-history-hours). */
  static final int LEDGER_HOURS = 2;

  /** Says whether the silent trail was caught: one critical coverage alert naming who stopped it. */
  static boolean checkSilence(SilentTrail.Expected e, List<Alert> alerts, PrintStream out) {
    boolean caught = alerts.stream().anyMatch(a -> a.trailSilent() && a.accountId().equals(e.accountId())
        && a.principal().equals(e.principal()) && a.severity() == io.trailwatch.policy.Severity.CRITICAL);
    out.println("Injected coverage incident:");
    out.printf("  %-8s %-28s coverage alert naming %s  (%s)%n", caught ? "CAUGHT" : "MISSED", "silent-trail",
        e.principal(), e.description());
    if (!caught) {
      out.println("Demo check FAILED: the silent trail was not alerted.");
    }
    return caught;
  }

  /** Says which injected incidents were caught and whether the quiet cases stayed quiet. */
  static boolean check(GeneratedOrg org, List<Alert> alerts, List<String> dimensions, PrintStream out) {
    boolean ok = true;
    out.println("Injected incidents (dimensions " + dimensions + "):");
    List<ExpectedAlert> expected = org.expectedAlertsFor(dimensions);
    for (String name : expected.stream().map(ExpectedAlert::name).distinct().toList()) {
      List<ExpectedAlert> parts = expected.stream().filter(e -> e.name().equals(name)).toList();
      long caught = parts.stream().filter(e -> caught(e, alerts)).count();
      boolean all = caught == parts.size();
      ok &= all;
      out.printf("  %-8s %-28s %d/%d behaviours alerted  (%s)%n", all ? "CAUGHT" : "MISSED", name, caught,
          parts.size(), parts.get(0).description());
    }
    out.println("Cases that must stay quiet:");
    for (ExpectedQuiet q : org.expectedQuiet()) {
      boolean quiet = alerts.stream().noneMatch(a -> a.accountId().equals(q.accountId())
          && a.principal().startsWith(q.principalPrefix()));
      ok &= quiet;
      out.printf("  %-8s %-28s (%s)%n", quiet ? "QUIET" : "ALERTED", q.name(), q.description());
    }
    out.println(ok ? "Demo check passed." : "Demo check FAILED: see above.");
    return ok;
  }

  private static boolean caught(ExpectedAlert e, List<Alert> alerts) {
    return alerts.stream().anyMatch(a -> a.accountId().equals(e.accountId()) && a.principal().equals(e.principal())
        && a.newBehaviors().stream().anyMatch(b -> b.dimension().equals(e.dimension()) && (b.isApi()
            ? b.eventSource().equals(e.eventSource()) && b.eventName().equals(e.eventName())
            : b.value().equals(e.value())) && b.failed() == e.failed()));
  }

  /** Empties a folder made by an earlier demo; refuses to touch a non-empty folder that is not one. */
  private static void prepare(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      try (Stream<Path> s = Files.list(dir)) {
        if (s.findAny().isPresent() && !Files.exists(dir.resolve(MARKER))) {
          throw TrailwatchException.of(ErrorCode.DEMO_DIR_NOT_EMPTY,
              "Cannot use --dir %s: it is not empty and was not made by 'trailwatch demo'", dir);
        }
      }
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          if (!p.equals(dir)) {
            Files.delete(p);
          }
        }
      }
    }
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(MARKER), "made by trailwatch demo; emptied on every run\n");
  }
}
