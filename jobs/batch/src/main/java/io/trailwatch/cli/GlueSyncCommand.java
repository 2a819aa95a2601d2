package io.trailwatch.cli;

import io.trailwatch.aws.GlueCatalog;
import io.trailwatch.aws.S3Location;
import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.state.StateLayout;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "glue-sync", mixinStandardHelpOptions = true,
    description = {"Register every business unit's Delta tables of an S3 state in the AWS Glue Data Catalog, as"
        + " Athena and EMR Studio read them (<bu>_<table>: payments_alerts, ...). Safe to run again: present tables"
        + " are updated.", "Prints Athena's views across the business units (tw_alerts, ...) for sql/queries.sql."})
final class GlueSyncCommand implements Callable<Integer> {
  @Option(names = "--state", required = true, paramLabel = "S3", description = "The state: s3://bucket/prefix")
  String state;

  @Option(names = "--database", required = true, paramLabel = "NAME",
      description = "Glue database (made when missing): lower case letters, digits, _")
  String database;

  @Option(names = "--bu", paramLabel = "NAME", description = "Only these business units (repeatable; default: every"
      + " one under --state, listed with Spark)")
  List<String> businessUnits = List.of();

  @Option(names = "--region", paramLabel = "REGION", description = "Glue's region (default: the SDK's, else us-east-1)")
  String region;

  @Option(names = "--glue-endpoint", paramLabel = "URL", description = "Glue endpoint (tests, VPC endpoints)")
  String endpoint;

  @Option(names = "--master", paramLabel = "URL", defaultValue = "local[1]",
      description = "Spark master, to list the state (default: ${DEFAULT-VALUE})")
  String master;

  @Override
  public Integer call() {
    if (!S3Location.isS3(state)) {
      throw TrailwatchException.of(ErrorCode.BAD_S3_URI, "Cannot use --state %s for glue-sync: Athena reads tables"
          + " on S3 only (s3://bucket/prefix)", state);
    }
    String root = "s3://" + S3Location.parse("--state", state).s3a().substring("s3a://".length());
    List<String> units = businessUnits.isEmpty()
        ? new StateLayout(Options.spark(master, true), Options.stateRoot(state)).businessUnits() : businessUnits;
    GlueCatalog.Synced done = GlueCatalog.connect(endpoint, region).sync(database, root, units);
    System.err.println("glue-sync: " + database + ": " + done.created().size() + " tables created, "
        + done.updated().size() + " updated, for " + String.join(", ", units));
    System.out.print(GlueCatalog.athenaViews(database, units));
    System.out.flush();
    return 0;
  }
}
