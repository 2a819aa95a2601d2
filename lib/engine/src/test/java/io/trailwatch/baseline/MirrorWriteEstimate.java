package io.trailwatch.baseline;

import io.trailwatch.accounts.Account;
import io.trailwatch.accounts.Accounts;
import io.trailwatch.core.Window;
import io.trailwatch.generate.GeneratorSpec;
import io.trailwatch.generate.SyntheticOrg;
import io.trailwatch.ingest.LocalLogPlanner;
import io.trailwatch.ingest.LocalOpener;
import io.trailwatch.ingest.LogFile;
import io.trailwatch.ingest.ParsedEvent;
import io.trailwatch.ingest.ParserSettings;
import io.trailwatch.ingest.QuarantineEntry;
import io.trailwatch.ingest.RecordParser;
import io.trailwatch.mirror.MirrorItem;
import io.trailwatch.mirror.MirrorRule;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.Map;
import java.util.TreeMap;

/**
 * Not a test: {@code main(dir)} estimates DynamoDB writes per hourly run on the demo organisation.
 * Replays the generated history hour by hour into an in-memory baseline with the MERGE's rules (insert new; refresh when last_seen
 * moves >= 1 day or first_seen moves earlier; restart when expired), and counts per hour
 *  - without the rule: every behaviour that succeeded in the hour (expires_at refreshed every hour)
 *  - with MirrorRule: new rows + rows whose expires_at moved >= 1 day (what the mirror writes).
 * Generates the demo organisation into {@code dir} unless it is there. Run with the engine's test
 * class path; figures in docs/dynamodb.md.
 */
public final class MirrorWriteEstimate {
  private MirrorWriteEstimate() {}

  record Key(String bu, String acct, String principal, String src, String name) {}
  record Seen(long first, long last) {}

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]);
    GeneratorSpec spec = GeneratorSpec.defaults();
    if (!Files.exists(out.resolve("manifest.json"))) {
      SyntheticOrg.generate(spec, out);
    }
    List<Account> accounts = Accounts.read(out.resolve("accounts.csv"));
    Instant start = spec.start();
    Instant end = spec.end();
    var plan = new LocalLogPlanner(out.resolve("logs")).plan(accounts, start, end.plus(Duration.ofHours(2)));
    RecordParser parser = new RecordParser(new ParserSettings(512, 50, List.of("AWSReservedSSO_*")));
    Window all = new Window(start, end);
    // hour index -> (key -> [first, last] successful times in that hour)
    TreeMap<Long, Map<Key, long[]>> byHour = new TreeMap<>();
    LocalOpener opener = new LocalOpener();
    long events = 0;
    for (LogFile f : plan.files()) {
      try (InputStream in = opener.open(f.uri())) {
        final long[] n = {0};
        parser.parse(in, f, all, new RecordParser.Sink() {
          public void event(ParsedEvent e) {
            n[0]++;
            if (e.errorCode != null) return;
            long hour = Math.floorDiv(e.eventTimeMicros, 3_600_000_000L);
            Key k = new Key(f.businessUnit(), e.accountId, e.principal, e.eventSource, e.eventName);
            long[] v = byHour.computeIfAbsent(hour, h -> new HashMap<>()).computeIfAbsent(k,
                x -> new long[] {Long.MAX_VALUE, Long.MIN_VALUE});
            v[0] = Math.min(v[0], e.eventTimeMicros);
            v[1] = Math.max(v[1], e.eventTimeMicros);
          }
          public void quarantine(QuarantineEntry q) {}
        });
        events += n[0];
      }
    }
    long keep = Duration.ofDays(90).toSeconds() * 1_000_000L;
    long day = Duration.ofDays(1).toSeconds() * 1_000_000L;
    Map<Key, Seen> baseline = new HashMap<>();
    long lastWeekFrom = Math.floorDiv(end.minus(Duration.ofDays(7)).getEpochSecond(), 3600);
    List<long[]> week = new ArrayList<>();
    Map<String, long[]> perBu = new TreeMap<>();
    for (var h : byHour.entrySet()) {
      int without = 0, with = 0, merged = 0;
      for (var e : h.getValue().entrySet()) {
        long first = e.getValue()[0], last = e.getValue()[1];
        without++;
        boolean inWeek = h.getKey() >= lastWeekFrom;
        if (inWeek) perBu.computeIfAbsent(e.getKey().bu(), b -> new long[2])[0]++;
        Seen s = baseline.get(e.getKey());
        Seen next;
        if (s == null || s.last + keep <= first) {
          next = new Seen(first, last);
        } else if (last >= s.last + day || first < s.first) {
          next = new Seen(Math.min(s.first, first), Math.max(s.last, last));
        } else {
          continue; // the MERGE leaves the row as it is
        }
        merged++;
        MirrorItem prev = s == null ? null : item(e.getKey(), s, keep);
        if (MirrorRule.needsWrite(prev, item(e.getKey(), next, keep))) {
          with++;
          if (inWeek) perBu.get(e.getKey().bu())[1]++;
        }
        baseline.put(e.getKey(), next);
      }
      if (h.getKey() >= lastWeekFrom) week.add(new long[] {h.getKey(), without, with, merged});
    }
    LongSummaryStatistics wo = week.stream().mapToLong(r -> r[1]).summaryStatistics();
    LongSummaryStatistics wi = week.stream().mapToLong(r -> r[2]).summaryStatistics();
    long[] inc = week.get(week.size() - 1);
    System.out.printf("events %,d, files %,d, baseline rows at end %,d, hours in last week %d%n", events,
        plan.files().size(), baseline.size(), week.size());
    System.out.printf("without rule: mean %.1f, min %d, max %d writes/hour (sum %d over the week)%n", wo.getAverage(), wo.getMin(), wo.getMax(), wo.getSum());
    System.out.printf("with rule:    mean %.1f, min %d, max %d writes/hour (sum %d over the week)%n", wi.getAverage(), wi.getMin(), wi.getMax(), wi.getSum());
    System.out.printf("rows the MERGE writes: sum %d over the week%n", week.stream().mapToLong(r -> r[3]).sum());
    System.out.printf("incident hour %s: without %d, with %d%n", Instant.ofEpochSecond(inc[0] * 3600), inc[1], inc[2]);
    perBu.forEach((b, v) -> System.out.printf("BU %s: without %.1f, with %.1f writes/hour%n", b, v[0] / 168.0, v[1] / 168.0));
    System.out.println("per hour (last 24): hour without with");
    for (long[] r : week.subList(week.size() - 24, week.size())) System.out.printf("  %s %d %d%n", Instant.ofEpochSecond(r[0] * 3600), r[1], r[2]);
  }

  static MirrorItem item(Key k, Seen s, long keep) {
    return new MirrorItem(k.bu, k.acct, k.principal, "x", k.src, k.name, micros(s.first), micros(s.last), micros(s.last + keep));
  }

  static Instant micros(long m) {
    return Instant.ofEpochSecond(Math.floorDiv(m, 1_000_000L), Math.floorMod(m, 1_000_000L) * 1000);
  }
}
