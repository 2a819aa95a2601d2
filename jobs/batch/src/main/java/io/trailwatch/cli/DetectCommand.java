package io.trailwatch.cli;

import io.trailwatch.core.ErrorCode;
import io.trailwatch.alerting.AlertJson;
import io.trailwatch.alerting.AlertTable;
import io.trailwatch.config.TrailwatchConfig;
import io.trailwatch.delivery.AlertSink;
import io.trailwatch.core.Hour;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.accounts.Account;
import io.trailwatch.accounts.Accounts;
import io.trailwatch.pipeline.Coverage;
import io.trailwatch.pipeline.PerBusinessUnit;
import io.trailwatch.pipeline.Progress;
import java.util.LinkedHashMap;
import java.util.Map;
import io.trailwatch.core.RunSummary;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "detect", mixinStandardHelpOptions = true,
    description = "Detect new behaviour in one hour, record alerts and merge the hour into the baseline.")
final class DetectCommand implements Callable<Integer> {
  @Mixin Options where;

  @Mixin SinkOptions sinks;

  @Option(names = "--hour", required = true, paramLabel = "YYYY-MM-DDTHH", description = "The UTC hour to process")
  String hour;

  @Option(names = "--bu", paramLabel = "NAME", description = "Only this business unit's accounts (default: all)")
  String bu;

  @Option(names = "--alerts-out", paramLabel = "FILE", description = "Write the hour's alerts here, one JSON object a line")
  Path alertsOut;

  @Option(names = "--summary-out", paramLabel = "FILE", description = "Write the run summary here as JSON")
  Path summaryOut;

  @Mixin LeaseOption lease;

  @Option(names = "--fill-gaps", description = "First detect, oldest first, each hour of the coverage.lookback-days"
      + " before --hour that no detect run of the business unit completed (under the same lease)")
  boolean fillGaps;

  @Option(names = "--pending-ok", description = "Exit 0, not 5, when everything was detected and recorded but some"
      + " alerts are still pending delivery (a sink is down): the next run or deliver sends them, status shows them."
      + " Alerts a sink refused for good (failed) still exit 5")
  boolean pendingOk;

  @Override
  public Integer call() {
    Hour h = Hour.parse("--hour", hour);
    if (h.start().isAfter(Instant.now())) {
      throw TrailwatchException.of(ErrorCode.BAD_HOUR, "Cannot detect --hour %s: it has not started yet", hour);
    }
    TrailwatchConfig cfg = where.loadConfig();
    List<Account> accounts = Accounts.ofBusinessUnit(where.loadAccounts(), bu);
    Progress progress = Progress.stderr();
    // The hour is listed while Spark starts: its size chooses the JIT of the JVMs that read it.
    JitBySize jit = JitBySize.forDetect(where.master, h, accounts, cfg.ingest(), where.planner(), progress);
    SparkSession spark = where.spark(jit.sparkSettings());
    java.util.Optional<Integer> elsewhere = jit.runElsewhereIfLarge(spark);
    if (elsewhere.isPresent()) {
      return elsewhere.get();
    }
    String readJit = jit.readingJit(spark);
    List<AlertSink> to = sinks.sinks(cfg.delivery());
    PerBusinessUnit.Detected run;
    try {
      run = where.pipeline(spark, cfg, progress, to, LeaseOption.leases(where.stateRoot(), cfg),
          lease.waitFor(), jit.planner()).detect(h, accounts, cfg.coverage().lookbackDays(), fillGaps);
    } finally {
      to.forEach(AlertSink::close);
    }
    RunSummary s = run.summary();
    for (RunSummary f : run.filled()) {
      Output.print(f, System.out);
      System.out.print(AlertTable.render(f.alerts()));
    }
    Output.print(s, System.out);
    List<Hour> missing = run.missing().values().stream().flatMap(List::stream).distinct().sorted().toList();
    List<String> filled = run.filled().stream().map(f -> Hour.containing(f.windowFrom()).toString()).distinct()
        .sorted().toList();
    if (!filled.isEmpty()) {
      System.out.printf("  gaps filled         %d hours: %s%n", filled.size(), String.join(", ", filled));
    }
    System.out.printf("  missing hours       %s%n", missing.isEmpty() ? "none in the last " + cfg.coverage().lookbackDays()
        + " days" : missing.size() + " before this one (" + Coverage.describe(missing) + "); --fill-gaps detects them");
    if (!s.neverDelivered().isEmpty()) {
      System.out.printf("  never delivered     %d listed accounts: %s (an onboarding gap, not alerted: docs/coverage.md)%n",
          s.neverDelivered().size(), String.join(", ", s.neverDelivered()));
    }
    boolean incomplete = s.delivery().incomplete() || run.filled().stream().anyMatch(f -> f.delivery().incomplete());
    boolean pendingOnly = s.delivery().failed() == 0 && run.filled().stream().allMatch(f -> f.delivery().failed() == 0);
    if (incomplete && pendingOk && pendingOnly) {
      System.out.printf("  delivery pending    %d alerts: the next run or deliver sends them (--pending-ok)%n",
          s.delivery().pending());
    }
    System.out.print(AlertTable.render(s.alerts()));
    if (alertsOut != null) {
      AlertJson.writeLines(alertsOut, s.alerts());
    }
    Map<String, Object> more = new LinkedHashMap<>();
    more.put("missing_hours", missing.stream().map(Hour::toString).toList());
    more.put("filled_hours", filled);
    more.put("delivery_pending", s.delivery().pending() > 0);
    more.put("read_jit", readJit);
    Output.writeSummary(summaryOut, s, more);
    return !incomplete || (pendingOk && pendingOnly) ? 0 : Main.DELIVERY_INCOMPLETE;
  }
}
