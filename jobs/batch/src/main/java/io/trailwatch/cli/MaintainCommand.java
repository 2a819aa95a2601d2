package io.trailwatch.cli;

import io.trailwatch.core.TrailwatchException;
import io.trailwatch.core.ErrorCode;
import java.util.List;
import io.trailwatch.aws.S3Location;
import io.trailwatch.config.MaintenanceConfig;
import io.trailwatch.pipeline.Progress;
import io.trailwatch.state.Maintenance;
import io.trailwatch.state.MaintenanceReport;
import io.trailwatch.state.StateLayout;
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
        "Each business unit's tables are its own folder of the state (bu=<name>/), so it runs beside other business"
            + " units' hourly jobs. On S3 it must not run at the same time as its own BU's hourly job (Delta's S3"
            + " log store is safe with one writer per table): the Airflow DAGs of a BU share a pool of one slot."
            + " A run that stops half-way leaves every table readable; the next one finishes the work, and a run"
            + " with nothing to do changes nothing. See docs/maintenance.md."})
final class MaintainCommand implements Callable<Integer> {
  @Option(names = "--state", required = true, paramLabel = "DIR|S3",
      description = "Folder or s3://bucket/prefix of the Delta tables")
  String state;

  @Option(names = "--bu", paramLabel = "NAME", description = "Only this business unit's tables (default: every BU of the state, one after the other)")
  String bu;

  @Mixin ConfigOption config;

  @Mixin LeaseOption lease;

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
    io.trailwatch.config.TrailwatchConfig all = config.load();
    MaintenanceConfig cfg = all.maintenance();
    java.time.Duration wait = lease.waitFor();
    String root = Options.stateRoot(state);
    int grace = graceDays == null ? cfg.graceDays() : graceDays;
    int retain = retainHours == null ? cfg.vacuumRetainHours() : retainHours;
    SparkSession spark = Options.spark(master, S3Location.isS3(state));
    StateLayout layout = new StateLayout(spark, root);
    List<String> known = layout.businessUnits();
    if (known.isEmpty()) {
      throw TrailwatchException.of(ErrorCode.NO_STATE, "Cannot maintain the state at %s: it holds no business"
          + " unit's tables (bu=<name>/ folders); run baseline or detect first", state);
    }
    if (bu != null && !known.contains(bu)) {
      throw TrailwatchException.of(ErrorCode.UNKNOWN_BU, "Cannot maintain --bu %s: the state at %s holds no tables of"
          + " it (business units there: %s)", bu, state, String.join(", ", known));
    }
    Progress progress = Progress.stderr();
    io.trailwatch.lease.Leases leases = LeaseOption.leases(root, all);
    for (String unit : bu == null ? known : List.of(bu)) {
      try (io.trailwatch.lease.Lease held = leases.take(unit, "maintain", wait)) {
        MaintenanceReport report = new Maintenance(spark, layout.of(unit).fence(held), cfg, Clock.systemUTC(),
            progress::step, Maintenance.Hook.NONE).withReturningHorizonDays(all.baseline().returningHorizonDays())
            .run(new Maintenance.Request(unit, grace, retain));
        System.out.print(report.render());
      }
    }
    return 0;
  }
}
