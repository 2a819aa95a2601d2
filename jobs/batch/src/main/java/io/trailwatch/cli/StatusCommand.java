package io.trailwatch.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.trailwatch.aws.S3Location;
import io.trailwatch.config.TrailwatchConfig;
import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.Hour;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.lease.Leases;
import io.trailwatch.pipeline.BuStatus;
import io.trailwatch.pipeline.Coverage;
import io.trailwatch.state.StateLayout;
import io.trailwatch.state.TableStats;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "status", mixinStandardHelpOptions = true,
    description = {"Show how each business unit of the state stands: the last hour detected, the hours missing in the"
        + " last --days days (from the run ledger), the lease holder, alerts pending or failed per sink, the last"
        + " maintain, and the files and bytes of each table. Reads only; takes no lease.",
        "",
        "Exit status: 0 when all is well; 6 when a business unit has missing hours or alerts a sink refused for good"
            + " (failed), so that a monitor can page on it; 2 and 3 as for every command. See docs/one-writer.md."})
final class StatusCommand implements Callable<Integer> {
  /** The exit status of a status that found missing hours or failed deliveries. */
  static final int NEEDS_ATTENTION = 6;

  /** An hour is due (its detect run should have completed) once this long has passed since its end. */
  static final Duration DUE_AFTER = Duration.ofHours(2);

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Option(names = "--state", required = true, paramLabel = "DIR|S3", description = "The state's folder or s3://bucket/prefix")
  String state;

  @Option(names = "--bu", paramLabel = "NAME", description = "Only this business unit (default: every BU of the state)")
  String bu;

  @Option(names = "--json", description = "Print JSON instead of text")
  boolean json;

  @Option(names = "--days", paramLabel = "N", defaultValue = "7",
      description = "Look for missing hours and undelivered alerts in the last N days (default: ${DEFAULT-VALUE})")
  int days;

  @Option(names = "--until", paramLabel = "YYYY-MM-DDTHH",
      description = "End of the range, exclusive (default: the last hour that ended 2 hours ago or more, the last one due)")
  String until;

  @Mixin ConfigOption config;

  @Option(names = "--master", paramLabel = "URL", defaultValue = "local[*]",
      description = "Spark master (default: ${DEFAULT-VALUE}); 'cluster' keeps what spark-submit set")
  String master;

  @Override
  public Integer call() throws Exception {
    if (days < 1 || days > 90) {
      throw TrailwatchException.of(ErrorCode.BAD_RANGE, "Cannot set --days to %d: must be 1-90", days);
    }
    Instant to = until != null ? Hour.parse("--until", until).start()
        : Hour.containing(Instant.now().minus(DUE_AFTER)).start();
    Instant from = to.minus(Duration.ofDays(days));
    TrailwatchConfig cfg = config.load();
    String root = Options.stateRoot(state);
    SparkSession spark = Options.spark(master, S3Location.isS3(state));
    StateLayout layout = new StateLayout(spark, root);
    List<String> known = layout.businessUnits();
    if (bu != null && !known.contains(bu)) {
      throw TrailwatchException.of(ErrorCode.UNKNOWN_BU, "Cannot show --bu %s: the state at %s holds no tables of it"
          + " (business units there: %s)", bu, state, String.join(", ", known));
    }
    if (known.isEmpty()) {
      throw TrailwatchException.of(ErrorCode.NO_STATE, "Cannot show the state at %s: it holds no business unit's"
          + " tables (bu=<name>/ folders); run baseline or detect first", state);
    }
    Leases leases = LeaseOption.leases(root, cfg);
    List<BuStatus> all = new ArrayList<>();
    Map<String, List<io.trailwatch.verdict.Precision.Row>> precision = new LinkedHashMap<>();
    for (String unit : bu == null ? known : List.of(bu)) {
      all.add(BuStatus.of(spark, layout.of(unit), unit, leases, from, to));
      precision.put(unit, precision(layout.of(unit), unit, from, to, cfg.verdicts().watchDays()));
    }
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("from", from.toString());
      m.put("until", to.toString());
      m.put("healthy", all.stream().allMatch(BuStatus::healthy));
      m.put("business_units", all.stream().map(s -> {
        Map<String, Object> one = toMap(s);
        one.put("precision", precision.get(s.businessUnit()).stream().map(io.trailwatch.verdict.Precision.Row::toMap)
            .toList());
        return one;
      }).toList());
      System.out.println(JSON.writeValueAsString(m));
    } else {
      System.out.printf("state %s, hours %s .. %s%n", state, Hour.containing(from), Hour.containing(to));
      all.forEach(s -> {
        System.out.print(render(s, days));
        List<io.trailwatch.verdict.Precision.Row> rows = precision.get(s.businessUnit());
        System.out.println("  verdicts        " + (rows.isEmpty() ? "no alert in the range"
            : "per rule (alerts, verdicts, share benign or expected):"));
        System.out.print(io.trailwatch.verdict.Precision.render(rows, "    "));
      });
      long sick = all.stream().filter(s -> !s.healthy()).count();
      System.out.println(sick == 0 ? "all well" : sick + " of " + all.size()
          + " business units need attention (missing hours or failed deliveries)");
    }
    return all.stream().allMatch(BuStatus::healthy) ? 0 : NEEDS_ATTENTION;
  }

  /** Per identity type, dimension and severity: the range's alerts and what the verdicts said of them (docs/triage.md). */
  static List<io.trailwatch.verdict.Precision.Row> precision(io.trailwatch.state.StateStore store, String unit,
      Instant from, Instant to, int watchDays) {
    // Both tables are made together (every detect run checks them all); a state older than verdicts has neither row.
    if (!store.verdicts().exists()) {
      return List.of();
    }
    return io.trailwatch.verdict.Precision.of(store.alerts().between(List.of(unit), from, to),
        new io.trailwatch.verdict.Verdicts(store.verdicts().all(List.of(unit)), watchDays));
  }

  static String render(BuStatus s, int days) {
    StringBuilder b = new StringBuilder();
    b.append("business unit ").append(s.businessUnit()).append(s.healthy() ? "" : "  NEEDS ATTENTION").append('\n');
    b.append("  last detected   ").append(s.lastDetected().map(Hour::toString).orElse("never")).append('\n');
    b.append("  missing hours   ").append(s.missing().isEmpty() ? "none in the last " + days + " days"
        : s.missing().size() + ": " + Coverage.describe(s.missing())
            + "  (detect --fill-gaps detects them)").append('\n');
    b.append("  lease           ").append(s.holder().map(h -> "held by " + h.describe()).orElse("free")).append('\n');
    b.append("  delivery        ").append(s.sinks().isEmpty() ? "no sink has been used" : s.sinks().entrySet()
        .stream().map(e -> e.getKey() + ": " + e.getValue().pending() + " pending, " + e.getValue().failed()
            + " failed").collect(Collectors.joining("; "))).append('\n');
    if (!s.neverDelivered().isEmpty()) {
      b.append("  never delivered ").append(s.neverDelivered().size()).append(" listed accounts: ")
          .append(String.join(", ", s.neverDelivered())).append("  (onboarding gap: docs/coverage.md)\n");
    }
    b.append("  last maintain   ").append(s.lastMaintain().map(Instant::toString).orElse("never")).append('\n');
    b.append("  tables          ").append(s.tables().entrySet().stream().map(e -> String.format(Locale.ROOT,
        "%s %d files %s", e.getKey(), e.getValue().files(), size(e.getValue()))).collect(Collectors.joining(", ")))
        .append('\n');
    return b.toString();
  }

  private static String size(TableStats t) {
    long n = t.bytes();
    return n < 1_000_000 ? String.format(Locale.ROOT, "%.1f kB", n / 1e3) : String.format(Locale.ROOT, "%.1f MB", n / 1e6);
  }

  static Map<String, Object> toMap(BuStatus s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("business_unit", s.businessUnit());
    m.put("healthy", s.healthy());
    m.put("last_detected", s.lastDetected().map(Hour::toString).orElse(null));
    m.put("missing_hours", s.missing().stream().map(Hour::toString).toList());
    m.put("lease", s.holder().map(h -> {
      Map<String, Object> l = new LinkedHashMap<>();
      l.put("run_id", h.runId());
      l.put("command", h.command());
      l.put("host", h.host());
      l.put("started_at", h.startedAt().toString());
      l.put("expires_at", h.expiresAt().toString());
      return l;
    }).orElse(null));
    Map<String, Object> sinks = new LinkedHashMap<>();
    s.sinks().forEach((k, v) -> sinks.put(k, Map.of("pending", v.pending(), "failed", v.failed())));
    m.put("delivery", sinks);
    m.put("never_delivered_accounts", s.neverDelivered());
    m.put("last_maintain", s.lastMaintain().map(Instant::toString).orElse(null));
    Map<String, Object> tables = new LinkedHashMap<>();
    s.tables().forEach((k, v) -> tables.put(k, Map.of("files", v.files(), "bytes", v.bytes())));
    m.put("tables", tables);
    return m;
  }
}
