package io.trailwatch.cli;

import io.trailwatch.config.ConfigLoader;
import io.trailwatch.config.TrailwatchConfig;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.ingest.Account;
import io.trailwatch.ingest.Accounts;
import io.trailwatch.ingest.LocalLogPlanner;
import io.trailwatch.ingest.LocalOpener;
import io.trailwatch.ingest.LogOpener;
import io.trailwatch.ingest.LogPlanner;
import io.trailwatch.pipeline.Pipeline;
import io.trailwatch.pipeline.Progress;
import io.trailwatch.pipeline.Sparks;
import io.trailwatch.state.StateStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

/** The options that say where logs, accounts, state and config are: shared by baseline and detect. */
final class Options {
  @Option(names = "--logs", required = true, paramLabel = "DIR",
      description = "Folder laid out like a CloudTrail bucket: AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/")
  String logs;

  @Option(names = "--state", required = true, paramLabel = "DIR",
      description = "Folder of the Delta tables (baseline, principals, alerts, runs, quarantine); created if missing")
  String state;

  @Option(names = "--accounts", required = true, paramLabel = "CSV",
      description = "CSV with header account_id,name,business_unit")
  Path accounts;

  @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration (default: built-in defaults)")
  Path config;

  @Option(names = "--master", paramLabel = "URL", defaultValue = "local[*]",
      description = "Spark master (default: ${DEFAULT-VALUE}); 'cluster' keeps what spark-submit set")
  String master;

  TrailwatchConfig loadConfig() {
    return ConfigLoader.load(config);
  }

  List<Account> loadAccounts() {
    return Accounts.read(accounts);
  }

  LogPlanner planner() {
    return new LocalLogPlanner(Path.of(logs));
  }

  LogOpener opener() {
    return new LocalOpener();
  }

  String stateRoot() {
    Path p = Path.of(state).toAbsolutePath();
    if (Files.exists(p) && !Files.isDirectory(p)) {
      throw TrailwatchException.user("STATE_NOT_A_FOLDER", "Cannot use --state %s: it is a file, not a folder", state);
    }
    return p.toUri().toString();
  }

  SparkSession spark() {
    return Sparks.session("trailwatch", "cluster".equals(master) ? null : master, 8);
  }

  Pipeline pipeline(SparkSession spark, TrailwatchConfig cfg, Progress progress) {
    return new Pipeline(spark, cfg, planner(), opener(), new StateStore(spark, stateRoot()), progress);
  }
}
