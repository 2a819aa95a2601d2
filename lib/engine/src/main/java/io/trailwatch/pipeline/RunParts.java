package io.trailwatch.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.trailwatch.accounts.Account;
import io.trailwatch.alerting.Alert;
import io.trailwatch.core.PrincipalKey;
import io.trailwatch.core.RunKind;
import io.trailwatch.core.RunSummary;
import io.trailwatch.core.Window;
import io.trailwatch.detect.HourBehavior;
import io.trailwatch.ingest.CloudTrailReader;
import io.trailwatch.ingest.QuarantineEntry;
import io.trailwatch.policy.Policy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** What the detect run and the baseline build both add up into their {@link RunSummary}, and name their runs by. */
final class RunParts {
  private RunParts() {}

  /** Sizes of an hour's (or range's) behaviours. */
  record Totals(long behaviors, long events, long principals) {
    /** Of a large (cached) Dataset: one job. */
    static Totals of(Dataset<Row> seen) {
      // Events once: each is in one api row and in one row of every other dimension.
      Row r = seen.agg(count(lit(1)).as("behaviors"), sum(when(col("event_source").startsWith(
          String.valueOf(io.trailwatch.dimensions.Dimension.KEY_MARK)), lit(0L)).otherwise(col("events"))).as("events"),
          countDistinct(col("business_unit"), col("account_id"), col("principal")).as("principals")).first();
      Long events = r.getAs("events");
      return new Totals(r.<Long>getAs("behaviors"), events == null ? 0 : events, r.<Long>getAs("principals"));
    }

    /**
     * Of an hour's behaviours, or of several hours' (a detect run's own hour and late files of
     * earlier ones): a principal or behaviour seen in more than one counts once, its events each time.
     */
    static Totals of(List<HourBehavior> behaviors) {
      long events = 0;
      Set<PrincipalKey> principals = new HashSet<>();
      Set<List<String>> keys = new HashSet<>();
      for (HourBehavior b : behaviors) {
        events += b.isApi() ? b.events() : 0;
        principals.add(new PrincipalKey(b.businessUnit(), b.accountId(), b.principal()));
        keys.add(List.of(b.businessUnit(), b.accountId(), b.principal(), b.eventSource(), b.eventName()));
      }
      return new Totals(keys.size(), events, principals.size());
    }
  }


  /** What one read (an event hour of a detect run, or a baseline's range) adds to the run's summary. */
  record Part(CloudTrailReader.ReadStats stats, Totals totals, long newBehaviors,
      Map<Policy.Quiet, Integer> quiet, Map<Policy.Moved, Integer> moved) {}

  static RunSummary summarize(String runId, RunKind command, List<Account> accounts, Window window,
      List<QuarantineEntry> rejected, List<Part> parts, List<Alert> alerts, Instant started, Clock clock) {
    List<String> bus = businessUnits(accounts);
    long files = 0, fileErrors = rejected.size(), bytes = 0, records = 0, inWindow = 0, bad = 0, kept = 0;
    long principals = 0, behaviors = 0, fresh = 0;
    Map<Policy.Quiet, Integer> quiet = new java.util.EnumMap<>(Policy.Quiet.class);
    Map<Policy.Moved, Integer> moved = new java.util.EnumMap<>(Policy.Moved.class);
    for (Part x : parts) {
      CloudTrailReader.ReadStats st = x.stats();
      files += st.files();
      fileErrors += st.quarantinedFiles();
      bytes += st.bytes();
      records += st.records();
      inWindow += st.inWindow();
      bad += st.quarantinedRecords();
      kept += x.totals().events();
      principals += x.totals().principals();
      behaviors += x.totals().behaviors();
      fresh += x.newBehaviors();
      x.quiet().forEach((k, v) -> quiet.merge(k, v, Integer::sum));
      x.moved().forEach((k, v) -> moved.merge(k, v, Integer::sum));
    }
    return RunSummary.builder().runId(runId).command(command.label()).businessUnits(bus).window(window)
        .filesRead(files).filesQuarantined(fileErrors).bytesRead(bytes).recordsRead(records)
        .recordsInWindow(inWindow).recordsQuarantined(bad).duplicatesDropped(inWindow - kept)
        .principals(principals).behaviors(behaviors).newBehaviors(fresh).alerts(alerts).quiet(quiet)
        .severityMoved(moved)
        .accountsPerBusinessUnit(accounts.stream().collect(Collectors.groupingBy(Account::businessUnit,
            Collectors.counting())))
        .seconds(Duration.between(started, clock.instant()).toNanos() / 1e9).build();
  }


  /** What planning rejected and what each read quarantined. */
  static List<QuarantineEntry> quarantine(List<QuarantineEntry> rejected,
      List<CloudTrailReader.ReadStats> reads) {
    List<QuarantineEntry> all = new ArrayList<>(rejected);
    reads.forEach(x -> all.addAll(x.quarantine()));
    return all;
  }

  static List<String> businessUnits(List<Account> accounts) {
    return accounts.stream().map(Account::businessUnit).distinct().sorted().toList();
  }

  /** {@code detect-20261120T140312.345Z-1a2b3c4d}: when the run started (from the clock), and a random part. */
  static String runId(RunKind command, Instant started) {
    return command.label() + "-" + started.toString().replace(":", "").replace("-", "") + "-"
        + UUID.randomUUID().toString().substring(0, 8);
  }
}
