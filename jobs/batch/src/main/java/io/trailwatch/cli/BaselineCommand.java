package io.trailwatch.cli;

import io.trailwatch.core.ErrorCode;
import io.trailwatch.config.TrailwatchConfig;
import io.trailwatch.core.Hour;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.core.Window;
import io.trailwatch.accounts.Account;
import io.trailwatch.pipeline.Progress;
import io.trailwatch.core.RunSummary;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "baseline", mixinStandardHelpOptions = true,
    description = "Build (or extend) the baseline from all events in [--from, --to), in one pass. No alerts.")
final class BaselineCommand implements Callable<Integer> {
  @Mixin Options where;

  @Option(names = "--from", required = true, paramLabel = "YYYY-MM-DD", description = "First day (UTC), inclusive")
  String from;

  @Option(names = "--to", required = true, paramLabel = "YYYY-MM-DDTHH", description = "End hour (UTC), exclusive")
  String to;

  @Option(names = "--summary-out", paramLabel = "FILE", description = "Write the run summary here as JSON")
  Path summaryOut;

  @Override
  public Integer call() {
    LocalDate start;
    try {
      start = LocalDate.parse(from);
    } catch (DateTimeParseException e) {
      throw TrailwatchException.of(ErrorCode.BAD_DATE, "Cannot parse --from '%s': expected YYYY-MM-DD", from);
    }
    Hour end = Hour.parse("--to", to);
    if (!start.atStartOfDay().toInstant(ZoneOffset.UTC).isBefore(end.start())) {
      throw TrailwatchException.of(ErrorCode.BAD_RANGE, "Cannot build a baseline from %s to %s: --from must be before --to",
          from, to);
    }
    TrailwatchConfig cfg = where.loadConfig();
    List<Account> accounts = where.loadAccounts();
    where.planner();
    SparkSession spark = where.spark();
    RunSummary s = where.pipeline(spark, cfg, Progress.stderr())
        .buildBaseline(new Window(start.atStartOfDay().toInstant(ZoneOffset.UTC), end.start()), accounts);
    Output.print(s, System.out);
    Output.writeSummary(summaryOut, s);
    return 0;
  }
}
