package io.trailwatch.cli;

import io.trailwatch.aws.S3Location;
import io.trailwatch.config.MaintenanceConfig;
import io.trailwatch.pipeline.Progress;
import io.trailwatch.state.Maintenance;
import io.trailwatch.state.MaintenanceReport;
import io.trailwatch.state.StateStore;
import java.time.Clock;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "maintain", mixinStandardHelpOptions = true,
    description = {"Compact, expire and vacuum the state's tables: run it once a day per business unit.",
        "",
        "For each table: sets the checkpoint and retention properties, deletes baseline rows that expired more than"
            + " --grace-days before the business unit's last run, compacts small files (the baseline in last_seen"
            + " order), vacuums files that left the table --retain-hours ago or more, and writes a checkpoint.",
        "",
        "Every write names the business unit's partitions, so it runs beside other business units' hourly jobs"
            + "; beside its own, the one that commits second to a table fails (STATE_COMMIT_CONFLICT, exit 3) and"
            + " is safe to run again. A run that stops half-way leaves every table readable; the next one finishes"
            + " the work, and a run with nothing to do changes nothing. See docs/maintenance.md."})
final class MaintainCommand implements Callable<Integer> {
  @Option(names = "--state", required = true, paramLabel = "DIR|S3",
      description = "Folder or s3://bucket/prefix of the Delta tables")
  String state;

  @Option(names = "--bu", paramLabel = "NAME", description = "Only this business unit's partitions (default: all)")
  String bu;

  @Mixin ConfigOption config;

  @Option(names = "--grace-days", paramLabel = "N",
      description = "Delete baseline rows expired more than N days (default: maintenance.grace-days)")
  Integer graceDays;

  @Option(names = "--retain-hours", paramLabel = "N",
      description = "VACUUM files that left a table at least N hours ago (default: maintenance.vacuum-retain-hours;"
          + " less is refused while maintenance.retention-check is on)")
  Integer retainHours;

  @Option(names = "--master", paramLabel = "URL", defaultValue = "local[*]",
      description = "Spark master (default: ${DEFAULT-VALUE}); 'cluster' keeps what spark-submit set")
  String master;

  @Override
  public Integer call() {
    MaintenanceConfig cfg = config.load().maintenance();
    String root = Options.stateRoot(state);
    Maintenance.Request request = new Maintenance.Request(bu, graceDays == null ? cfg.graceDays() : graceDays,
        retainHours == null ? cfg.vacuumRetainHours() : retainHours);
    SparkSession spark = Options.spark(master, S3Location.isS3(state));
    Progress progress = Progress.stderr();
    MaintenanceReport report = new Maintenance(spark, new StateStore(spark, root), cfg, Clock.systemUTC(),
        progress::step, Maintenance.Hook.NONE).run(request);
    System.out.print(report.render());
    return 0;
  }
}
