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
import io.trailwatch.pipeline.Progress;
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

  @Override
  public Integer call() {
    Hour h = Hour.parse("--hour", hour);
    if (h.start().isAfter(Instant.now())) {
      throw TrailwatchException.of(ErrorCode.BAD_HOUR, "Cannot detect --hour %s: it has not started yet", hour);
    }
    TrailwatchConfig cfg = where.loadConfig();
    List<Account> accounts = Accounts.ofBusinessUnit(where.loadAccounts(), bu);
    where.planner();
    SparkSession spark = where.spark();
    List<AlertSink> to = sinks.sinks(cfg.delivery());
    RunSummary s;
    try {
      s = where.pipeline(spark, cfg, Progress.stderr(), to).detect(h, accounts);
    } finally {
      to.forEach(AlertSink::close);
    }
    Output.print(s, System.out);
    System.out.print(AlertTable.render(s.alerts()));
    if (alertsOut != null) {
      AlertJson.writeLines(alertsOut, s.alerts());
    }
    Output.writeSummary(summaryOut, s);
    return s.delivery().incomplete() ? Main.DELIVERY_INCOMPLETE : 0;
  }
}
