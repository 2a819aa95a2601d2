package io.trailwatch.cli;

import io.trailwatch.core.ErrorCode;
import io.trailwatch.config.TrailwatchConfig;
import io.trailwatch.core.Hour;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.core.Window;
import io.trailwatch.accounts.Account;
import io.trailwatch.accounts.AccountList;
import io.trailwatch.pipeline.PerBusinessUnit;
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
    description = {"Build (or extend) the baseline from all events in [--from, --to), in chunks of whole days, each"
        + " recorded when merged: run again after a crash, the same build skips the chunks done. No alerts.",
        "With --bu or --account, rebuild: the baseline and principals rows of those accounts are replaced by what"
            + " [--from, --to) holds (the first chunk replaces them, the others merge); other accounts' rows are not"
            + " touched."})
final class BaselineCommand implements Callable<Integer> {
  @Mixin Options where;

  @Mixin LeaseOption lease;

  @Option(names = "--bu", paramLabel = "NAME", description = "Rebuild this business unit's accounts only")
  String bu;

  @Option(names = "--account", paramLabel = "ID", description = "Rebuild this account only (repeatable)")
  List<String> accountIds;

  @Option(names = "--from", required = true, paramLabel = "YYYY-MM-DD", description = "First day (UTC), inclusive")
  String from;

  @Option(names = "--to", required = true, paramLabel = "YYYY-MM-DDTHH", description = "End hour (UTC), exclusive")
  String to;

  @Option(names = "--chunk-days", paramLabel = "N", description = "Read and merge N whole days at a time (1-3650;"
      + " default: baseline.build-chunk-days, 30)")
  Integer chunkDays;

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
    TrailwatchConfig cfg = withChunkDays(where.loadConfig());
    boolean rebuild = bu != null || accountIds != null;
    List<Account> accounts = rebuild ? chosen(where.accountList()) : where.loadAccounts();
    where.planner();
    SparkSession spark = where.spark();
    PerBusinessUnit pipeline = where.pipeline(spark, cfg, Progress.stderr(), List.of(),
        LeaseOption.leases(where.stateRoot(), cfg), lease.waitFor());
    Window window = new Window(start.atStartOfDay().toInstant(ZoneOffset.UTC), end.start());
    RunSummary s = rebuild ? pipeline.rebuildBaseline(window, accounts) : pipeline.buildBaseline(window, accounts);
    Output.print(s, System.out);
    Output.writeSummary(summaryOut, s);
    return 0;
  }

  /** The config with --chunk-days, when given, as baseline.build-chunk-days. */
  private TrailwatchConfig withChunkDays(TrailwatchConfig cfg) {
    if (chunkDays == null) {
      return cfg;
    }
    if (chunkDays < 1 || chunkDays > 3650) {
      throw TrailwatchException.of(ErrorCode.BAD_BASELINE_OPTION, "Cannot set --chunk-days to %d: must be 1-3650",
          chunkDays);
    }
    return cfg.withBaseline(cfg.baseline().withBuildChunkDays(chunkDays));
  }

  /** The accounts of --bu (all when absent), narrowed to the --account ids; an id not among them is a user error. */
  private List<Account> chosen(AccountList all) {
    AccountList inBu = all.ofBusinessUnit(bu);
    if (accountIds == null) {
      return inBu.accounts();
    }
    for (String id : accountIds) {
      if (inBu.accounts().stream().noneMatch(a -> a.id().equals(id))) {
        throw TrailwatchException.of(ErrorCode.UNKNOWN_ACCOUNT, "Cannot rebuild --account %s: %s holds no such account%s",
            id, inBu.source(), bu == null ? "" : " in business unit " + bu);
      }
    }
    return inBu.accounts().stream().filter(a -> accountIds.contains(a.id())).toList();
  }
}
