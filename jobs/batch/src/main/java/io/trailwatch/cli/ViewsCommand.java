package io.trailwatch.cli;

import io.trailwatch.aws.S3Location;
import io.trailwatch.state.StateLayout;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "views", mixinStandardHelpOptions = true,
    description = {"Print the Spark SQL that makes one view per table across every business unit of a state"
        + " (tw_alerts, tw_baseline, tw_principals, tw_runs, tw_quarantine, tw_ingested_files, tw_deliveries).",
        "Each BU's tables are in <state>/bu=<name>/; run the output in a notebook before sql/queries.sql."})
final class ViewsCommand implements Callable<Integer> {
  @Option(names = "--state", required = true, paramLabel = "DIR|S3", description = "The state's folder or s3://bucket/prefix")
  String state;

  @Option(names = "--master", paramLabel = "URL", defaultValue = "local[1]",
      description = "Spark master, to list the state (default: ${DEFAULT-VALUE})")
  String master;

  @Override
  public Integer call() {
    boolean s3 = S3Location.isS3(state);
    var spark = Options.spark(master, s3);
    StateLayout layout = new StateLayout(spark, Options.stateRoot(state));
    // Written as the analyst queries it: s3://bucket/prefix on EMR, the absolute folder locally.
    String root = s3 ? state.replaceAll("/+$", "") : Path.of(state).toAbsolutePath().normalize().toString();
    System.out.print(StateLayout.viewsSql(root, layout.businessUnits()));
    System.out.flush();
    return 0;
  }
}
