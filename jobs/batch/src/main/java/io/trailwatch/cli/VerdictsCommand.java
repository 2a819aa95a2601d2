package io.trailwatch.cli;

import io.trailwatch.aws.S3Location;
import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.state.StateLayout;
import io.trailwatch.state.VerdictsTable;
import io.trailwatch.verdict.Verdict;
import io.trailwatch.verdict.VerdictKind;
import io.trailwatch.verdict.Verdicts;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "verdicts", mixinStandardHelpOptions = true,
    description = {"List the analysts' verdicts (the latest per alert) and when each ends (docs/triage.md).",
        "",
        "An expected verdict is in force until its expiry; one written with --expires never is flagged NEVER EXPIRES."
            + " A malicious verdict keeps its principal watched for verdicts.watch-days (default 14) from the alert's hour. Reads only."})
final class VerdictsCommand implements Callable<Integer> {
  @Option(names = "--state", required = true, paramLabel = "DIR|S3", description = "The state's folder or s3://bucket/prefix")
  String state;

  @Option(names = "--bu", paramLabel = "NAME", description = "Only this business unit (default: every BU of the state)")
  String bu;

  @Option(names = "--active", description = "Only what is in force now (exceptions not expired, principals watched)")
  boolean active;

  @picocli.CommandLine.Mixin ConfigOption config;

  @Option(names = "--master", paramLabel = "URL", defaultValue = "local[*]",
      description = "Spark master (default: ${DEFAULT-VALUE}); 'cluster' keeps what spark-submit set")
  String master;

  @Override
  public Integer call() {
    int watchDays = config.load().verdicts().watchDays();
    String root = Options.stateRoot(state);
    SparkSession spark = Options.spark(master, S3Location.isS3(state));
    StateLayout layout = new StateLayout(spark, root);
    List<String> known = layout.businessUnits();
    if (bu != null && !known.contains(bu)) {
      throw TrailwatchException.of(ErrorCode.UNKNOWN_BU, "Cannot list the verdicts of --bu %s: the state at %s holds"
          + " no tables of it (business units there: %s)", bu, state, String.join(", ", known));
    }
    Instant now = Instant.now();
    int shown = 0;
    for (String unit : bu == null ? known : List.of(bu)) {
      VerdictsTable table = layout.of(unit).verdicts();
      if (!table.exists()) {
        continue;
      }
      for (Verdict v : new Verdicts(table.all(List.of(unit)), watchDays).latest()) {
        Instant until = until(v, watchDays);
        if (active && (v.kind() == VerdictKind.BENIGN || (until != null && !until.isAfter(now)))) {
          continue;
        }
        System.out.println(line(unit, v, until, now));
        shown++;
      }
    }
    if (shown == 0) {
      System.out.println(active ? "no verdict in force" : "no verdict");
    }
    return 0;
  }

  /** When a verdict stops acting: an exception's expiry, a watch's end; null: never (or benign: nothing to end). */
  static Instant until(Verdict v, int watchDays) {
    return switch (v.kind()) {
      case EXPECTED -> v.expiresAt();
      case MALICIOUS -> v.hour().plus(Duration.ofDays(watchDays));
      case BENIGN -> null;
    };
  }

  static String line(String unit, Verdict v, Instant until, Instant now) {
    String ends = switch (v.kind()) {
      case EXPECTED -> until == null ? "NEVER EXPIRES" : (until.isAfter(now) ? "until " : "expired ") + until;
      case MALICIOUS -> (until.isAfter(now) ? "watched until " : "watch ended ") + until;
      case BENIGN -> "-";
    };
    return String.join("  ", unit, v.alertId(), v.kind().label(),
        v.kind() == VerdictKind.EXPECTED ? "scope " + v.scope().label() : "", ends, "by " + v.by(),
        "at " + v.at(), v.principal().principal() + " in " + v.principal().accountId(),
        v.note() == null ? "" : "\"" + v.note() + "\"").replaceAll(" {4,}", "  ");
  }
}
