package io.trailwatch.cli;

import io.trailwatch.alerting.Alert;
import io.trailwatch.aws.DynamoDbMirror;
import io.trailwatch.aws.S3Location;
import io.trailwatch.config.TrailwatchConfig;
import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.lease.Lease;
import io.trailwatch.lease.Leases;
import io.trailwatch.pipeline.Progress;
import io.trailwatch.pipeline.Triage;
import io.trailwatch.state.StateLayout;
import io.trailwatch.verdict.Expiry;
import io.trailwatch.verdict.Verdict;
import io.trailwatch.verdict.VerdictKind;
import io.trailwatch.verdict.VerdictScope;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "verdict", mixinStandardHelpOptions = true,
    description = {"Record an analyst's verdict on an alert: expected, benign or malicious (docs/triage.md).",
        "",
        "expected: findings inside --scope stay quiet until --expires (counted from the alert's hour), counted in the"
            + " run summary as quiet by verdict; still baselined. benign: recorded, nothing else changes. malicious:"
            + " the baseline rows the alert's hour taught the principal are removed (Delta and the DynamoDB mirror),"
            + " and the principal is watched for verdicts.watch-days (default 14) from the alert's hour: every new behaviour alerts one level higher, without a"
            + " learning period. A later verdict on the same alert supersedes the earlier one; the same verdict again"
            + " changes nothing.",
        "",
        "  trailwatch verdict --state DIR ALERT_ID malicious --by alice --note 'stolen key'",
        "  trailwatch verdict --state DIR --file verdicts.jsonl",
        "",
        "--file: one JSON object per line with alert_id, verdict, by and optionally note, scope, expires. A line that"
            + " is not a verdict, or names an alert the state does not hold, fails with exit 2 naming the line, and"
            + " nothing from the file is written. Writes hold the business unit's lease (docs/one-writer.md)."})
final class VerdictCommand implements Callable<Integer> {
  @Option(names = "--state", required = true, paramLabel = "DIR|S3", description = "The state's folder or s3://bucket/prefix")
  String state;

  @Parameters(index = "0", arity = "0..1", paramLabel = "ALERT_ID", description = "The alert's alert_id")
  String alertId;

  @Parameters(index = "1", arity = "0..1", paramLabel = "VERDICT", description = "expected, benign or malicious")
  String verdict;

  @Option(names = "--by", paramLabel = "NAME", description = "Who decided (required)")
  String by;

  @Option(names = "--note", paramLabel = "TEXT", description = "Why")
  String note;

  @Option(names = "--scope", paramLabel = "SCOPE", defaultValue = "behaviour",
      description = "What an expected verdict covers: behaviour (the alert's new behaviours of that principal),"
          + " principal (anything new from it) or account (default: ${DEFAULT-VALUE})")
  String scope;

  @Option(names = "--expires", paramLabel = "Nd|never", defaultValue = "30d",
      description = "How long an expected verdict lasts from the alert's hour: 30d, or never (default: ${DEFAULT-VALUE})")
  String expires;

  @Option(names = "--file", paramLabel = "FILE", description = "Verdicts as JSON Lines (instead of ALERT_ID VERDICT)")
  Path file;

  @Option(names = "--dynamodb-table", paramLabel = "NAME",
      description = "The DynamoDB mirror a malicious verdict rolls back too (default: dynamodb.table of the config)")
  String dynamodbTable;

  @Mixin ConfigOption config;

  @Mixin LeaseOption lease;

  @Mixin SinkOptions sinks;

  @Option(names = "--master", paramLabel = "URL", defaultValue = "local[*]",
      description = "Spark master (default: ${DEFAULT-VALUE}); 'cluster' keeps what spark-submit set")
  String master;


  @Override
  public Integer call() {
    TrailwatchConfig cfg = config.load();
    java.time.Duration wait = lease.waitFor();
    List<Triage.Request> requests = requests();
    String root = Options.stateRoot(state);
    SparkSession spark = Options.spark(master, S3Location.isS3(state));
    StateLayout layout = new StateLayout(spark, root);
    // Every request is checked before anything is written: a file is recorded whole or not at all.
    Map<Triage.Request, Alert> found = Triage.locate(layout, requests);
    Map<String, Map<Triage.Request, Alert>> byBu = new TreeMap<>();
    found.forEach((r, a) -> byBu.computeIfAbsent(a.businessUnit(), b -> new LinkedHashMap<>()).put(r, a));
    String table = dynamodbTable != null ? dynamodbTable : cfg.dynamodb().table();
    Leases leases = LeaseOption.leases(root, cfg);
    List<io.trailwatch.delivery.AlertSink> to = sinks.sinks(cfg.delivery());
    try (DynamoDbMirror mirror = table == null || table.isBlank() ? null : DynamoDbMirror.create(table)) {
      Triage triage = new Triage(spark, mirror, Clock.systemUTC(), Progress.stderr());
      for (Map.Entry<String, Map<Triage.Request, Alert>> e : byBu.entrySet()) {
        try (Lease held = leases.take(e.getKey(), "verdict", wait)) {
          Triage.Outcome o = triage.record(e.getKey(), layout.of(e.getKey()).fence(held), e.getValue());
          o.written().forEach(v -> System.out.println("recorded " + describe(v)));
          o.unchanged().forEach(v -> System.out.println("unchanged " + describe(v) + " (already in force)"));
          if (o.rolledBack() > 0) {
            System.out.println("rolled back " + o.rolledBack() + " baseline rows of " + e.getKey());
          }
          update(to, o.written(), e.getValue());
        }
      }
    } finally {
      to.forEach(io.trailwatch.delivery.AlertSink::close);
    }
    return 0;
  }

  /** Sends each new verdict to the sinks as an update of its alert (same alert_id); once, not retried. */
  private static void update(List<io.trailwatch.delivery.AlertSink> to, List<Verdict> written,
      Map<Triage.Request, Alert> alerts) {
    if (written.isEmpty() || to.isEmpty()) {
      return;
    }
    Map<String, Alert> byId = new LinkedHashMap<>();
    alerts.values().forEach(a -> byId.put(a.alertId(), a));
    List<io.trailwatch.verdict.VerdictUpdate> updates = written.stream()
        .map(v -> new io.trailwatch.verdict.VerdictUpdate(byId.get(v.alertId()), v)).toList();
    for (io.trailwatch.delivery.AlertSink sink : to) {
      List<io.trailwatch.delivery.DeliveryOutcome> out = sink.update(updates);
      long sent = out.stream().filter(d -> d.status() == io.trailwatch.delivery.DeliveryStatus.SENT).count();
      if (!out.isEmpty()) {
        System.out.println("update to " + sink.name() + ": " + sent + " of " + out.size() + " sent"
            + (sent == out.size() ? "" : " (" + out.stream().filter(d -> d.reason() != null)
                .map(io.trailwatch.delivery.DeliveryOutcome::reason).findFirst().orElse("") + ")"));
      }
    }
  }

  static String describe(Verdict v) {
    return v.alertId() + " " + v.kind().label() + (v.kind() == VerdictKind.EXPECTED ? " scope " + v.scope().label()
        + " until " + (v.expiresAt() == null ? "never" : v.expiresAt().toString()) : "") + " by " + v.by()
        + " (" + v.principal().principal() + " in " + v.principal().accountId() + ")";
  }

  private List<Triage.Request> requests() {
    if (file != null) {
      if (alertId != null || verdict != null) {
        throw TrailwatchException.of(ErrorCode.BAD_COMMAND_LINE, "Give either ALERT_ID VERDICT or --file, not both");
      }
      return Triage.fromFile(file);
    }
    if (alertId == null || verdict == null) {
      throw TrailwatchException.of(ErrorCode.BAD_COMMAND_LINE, "Give ALERT_ID VERDICT, or --file FILE");
    }
    return List.of(new Triage.Request("the command line", alertId, VerdictKind.of(verdict), VerdictScope.of(scope),
        Expiry.parse(expires), by, note));
  }

}
