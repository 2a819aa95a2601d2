package io.trailwatch.cli;

import io.trailwatch.aws.S3Location;
import io.trailwatch.aws.S3Settings;
import io.trailwatch.aws.S3a;
import io.trailwatch.config.TrailwatchConfig;
import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.Hour;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.delivery.AlertSink;
import io.trailwatch.delivery.Delivery;
import io.trailwatch.pipeline.Deliverer;
import io.trailwatch.pipeline.Progress;
import io.trailwatch.pipeline.Sparks;
import io.trailwatch.state.StateLayout;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "deliver", mixinStandardHelpOptions = true,
    description = "Send the alerts that are still pending to the configured sinks (Splunk HEC, SNS), without"
        + " detecting anything: after a sink was down, or a run died before its delivery.")
final class DeliverCommand implements Callable<Integer> {
  @Option(names = "--state", required = true, paramLabel = "DIR|S3", description = "The state's folder or s3://bucket/prefix")
  String state;

  @Option(names = "--bu", paramLabel = "NAME", description = "Only this business unit's alerts (default: every business unit in the state)")
  String bu;

  @Option(names = "--since", paramLabel = "YYYY-MM-DD[THH]",
      description = "Alerts of hours from this one (default: delivery.lookback-days ago)")
  String since;

  @Mixin ConfigOption config;

  @Option(names = "--master", paramLabel = "URL", defaultValue = "local[*]",
      description = "Spark master (default: ${DEFAULT-VALUE}); 'cluster' keeps what spark-submit set")
  String master;

  @Mixin SinkOptions sinks;

  @Mixin LeaseOption lease;

  @Override
  public Integer call() {
    TrailwatchConfig cfg = config.load();
    Instant from = since == null ? Instant.now().minus(Duration.ofDays(cfg.delivery().lookbackDays())) : Hour.parseDayOrHour("--since", since).start();
    List<AlertSink> to = sinks.sinks(cfg.delivery());
    if (to.isEmpty()) {
      throw TrailwatchException.of(ErrorCode.NO_SINK, "Cannot deliver: no sink is configured (set --hec-url or"
          + " --sns-topic-arn, or delivery.hec.url or delivery.sns.topic-arn in --config)");
    }
    SparkSession spark = Sparks.session("trailwatch-deliver", "cluster".equals(master) ? null : master, 8);
    if (S3Location.isS3(state)) {
      S3a.configure(spark, S3Settings.fromEnvironment());
    }
    StateLayout layout = new StateLayout(spark, Options.stateRoot(state));
    List<String> units = bu != null ? List.of(bu) : layout.businessUnits();
    if (bu != null && !layout.businessUnits().contains(bu)) {
      throw TrailwatchException.of(ErrorCode.UNKNOWN_BU, "Cannot deliver --bu %s: the state at %s has no tables of"
          + " that business unit (it has: %s)", bu, state, String.join(", ", layout.businessUnits()));
    }
    Delivery d = Delivery.none();
    io.trailwatch.lease.Leases leases = LeaseOption.leases(layout.root(), cfg);
    java.time.Duration wait = lease.waitFor();
    try {
      for (String unit : units) {
        try (io.trailwatch.lease.Lease held = leases.take(unit, "deliver", wait)) {
          d = d.plus(new Deliverer(layout.of(unit).fence(held), to, Progress.stderr()).pendingOnly(List.of(unit), from));
        }
      }
    } finally {
      to.forEach(AlertSink::close);
    }
    System.out.println("delivery  " + d.describe());
    return d.incomplete() ? Main.DELIVERY_INCOMPLETE : 0;
  }
}
