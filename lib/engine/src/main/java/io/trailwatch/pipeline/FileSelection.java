package io.trailwatch.pipeline;

import io.trailwatch.core.Hour;
import io.trailwatch.ingest.LogFile;
import io.trailwatch.ingest.LogPlanner;
import io.trailwatch.ingest.QuarantineEntry;
import io.trailwatch.state.IngestedFile;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The files one detect run reads, per event hour (the run's own hour first among them), and the
 * odd objects met while planning. The first stage of {@link Pipeline#detect}: plain values in,
 * a plain value out.
 */
record FileSelection(Hour hour, SortedMap<Hour, List<LogFile>> byEventHour, List<QuarantineEntry> rejected,
    Set<String> rerunBusinessUnits) {

  FileSelection {
    TreeMap<Hour, List<LogFile>> copy = new TreeMap<>();
    byEventHour.forEach((h, files) -> copy.put(h, List.copyOf(files)));
    byEventHour = java.util.Collections.unmodifiableSortedMap(copy);
    rejected = List.copyOf(rejected);
    rerunBusinessUnits = Set.copyOf(rerunBusinessUnits);
  }

  /**
   * For a business unit that this hour's run already read, exactly the files its ledger rows name
   * (a rerun reads the same files). Otherwise, the hour's planned files, plus the files of earlier
   * hours (that had a completed run) which the ledger does not hold for that hour: delivered after
   * that run.
   *
   * @param recorded the ledger's rows for the run's business units, event hours from the late-file start to the hour's end
   * @param detected the hours a completed detect run covered, each with the business units it covered
   */
  static FileSelection choose(Hour hour, List<String> businessUnits, LogPlanner.Plan planned,
      List<IngestedFile> recorded, Map<Instant, Set<String>> detected, Duration deliveryLag) {
    TreeMap<Hour, List<LogFile>> byHour = new TreeMap<>();
    byHour.put(hour, new ArrayList<>());
    Set<String> rerun = new TreeSet<>();
    for (IngestedFile i : recorded) {
      if (i.detectHour().equals(hour.start())) {
        byHour.computeIfAbsent(new Hour(i.eventHour()), h -> new ArrayList<>()).add(i.file());
        rerun.add(i.file().businessUnit());
      }
    }
    if (rerun.containsAll(businessUnits)) {
      return new FileSelection(hour, byHour, List.of(), rerun);
    }
    LogPlanner.Plan plan = planned.without(rerun);
    byHour.get(hour).addAll(filesOf(plan, hour, deliveryLag));
    Set<String> done = new HashSet<>();
    recorded.forEach(i -> done.add(i.file().uri() + "@" + i.eventHour()));
    for (Map.Entry<Instant, Set<String>> run : detected.entrySet()) {
      Hour p = new Hour(run.getKey());
      // Late files of p: those of business units whose run of p completed, not read for p yet.
      List<LogFile> late = filesOf(plan, p, deliveryLag).stream()
          .filter(f -> run.getValue().contains(f.businessUnit()))
          .filter(f -> !done.contains(f.uri() + "@" + p.start())).toList();
      if (!late.isEmpty()) {
        byHour.computeIfAbsent(p, h -> new ArrayList<>()).addAll(late);
      }
    }
    return new FileSelection(hour, byHour, plan.rejected(), rerun);
  }

  /** The planned files that can hold events of {@code h}: named from h up to the delivery lag after it. */
  static List<LogFile> filesOf(LogPlanner.Plan plan, Hour h, Duration deliveryLag) {
    Instant last = h.end().plus(deliveryLag);
    return plan.files().stream().filter(f -> !f.fileTime().isBefore(h.start()) && !f.fileTime().isAfter(last))
        .toList();
  }

  /**
   * The ledger rows this run adds: every file it reads, for its event hour, except those of
   * business units it reruns (their rows are the ledger's already).
   */
  List<IngestedFile> toRecord() {
    List<IngestedFile> out = new ArrayList<>();
    byEventHour.forEach((h, files) -> files.stream().filter(f -> !rerunBusinessUnits.contains(f.businessUnit()))
        .forEach(f -> out.add(new IngestedFile(f, h.start(), hour.start(), !h.equals(hour)))));
    return out;
  }

  String describe() {
    long late = byEventHour.entrySet().stream().filter(e -> !e.getKey().equals(hour))
        .mapToLong(e -> e.getValue().size()).sum();
    return byEventHour.get(hour).size() + " files" + (late > 0 ? " + " + late + " late files of earlier hours" : "")
        + (rerunBusinessUnits.isEmpty() ? "" : " (rerun for " + String.join(", ", new TreeSet<>(rerunBusinessUnits))
            + ": the files the first run read)");
  }
}
