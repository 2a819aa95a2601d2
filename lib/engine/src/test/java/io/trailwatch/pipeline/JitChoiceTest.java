package io.trailwatch.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.accounts.Account;
import io.trailwatch.config.IngestConfig;
import io.trailwatch.core.Hour;
import io.trailwatch.ingest.LogFile;
import io.trailwatch.ingest.LogPlanner;
import io.trailwatch.ingest.PlannedOnce;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** detect's JIT by the hour's size, and the listing done for that choice serving the run. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class JitChoiceTest {
  static final long MB = 1_000_000L;
  static final Hour HOUR = Hour.parse("--hour", "2026-11-20T10");
  static final Account PAY1 = new Account("111111111111", "pay-1", "payments");
  static final Account PAY2 = new Account("111111111112", "pay-2", "payments");
  static final Account RETAIL = new Account("222222222221", "retail-1", "retail");
  static final IngestConfig INGEST = new IngestConfig(null, null, null, null, null, 700);

  @Test
  void anHourAboveTheThresholdPerReadingJvmGetsTheTieredJit() {
    assertFalse(JitChoice.of(0, 1, 700).tiered(), "an empty hour");
    assertFalse(JitChoice.of(700 * MB, 1, 700).tiered(), "at the threshold");
    assertTrue(JitChoice.of(700 * MB + 1, 1, 700).tiered(), "above it");
    assertFalse(JitChoice.of(1_400 * MB, 2, 700).tiered(), "two executors share 1,400 MB");
    assertTrue(JitChoice.of(1_500 * MB, 2, 700).tiered());
    assertTrue(JitChoice.of(1, 1, 0).tiered(), "0: every hour with files");
    assertFalse(JitChoice.of(0, 1, 0).tiered(), "0: but not an hour without files");
  }

  @Test
  void onlyTheHoursOwnFilesCountNotTheLateFilesListedWithThem() {
    LogPlanner.Plan plan = new LogPlanner.Plan(List.of(
        file(PAY1, "2026-11-20T10:05:00Z", 500 * MB),
        file(PAY2, "2026-11-20T11:20:00Z", 300 * MB), // within the 30-minute delivery lag
        file(PAY1, "2026-11-20T07:05:00Z", 900 * MB), // a late file of an earlier hour
        file(PAY1, "2026-11-20T11:45:00Z", 900 * MB)), List.of()); // after the lag: the next hour's
    JitChoice c = JitChoice.forHour(plan, HOUR, INGEST, 1);
    assertEquals(800 * MB, c.hourBytes());
    assertTrue(c.tiered());
    assertFalse(JitChoice.forHour(plan, HOUR, new IngestConfig(null, null, null, null, null, 800), 1).tiered());
  }

  @Test
  void theListingDoneAheadAnswersTheRunsListingOfWholeBusinessUnits() {
    JitChoice.Listing listing = JitChoice.Listing.of(List.of(PAY1, PAY2, RETAIL), HOUR, INGEST);
    assertEquals(Instant.parse("2026-11-20T04:00:00Z"), listing.from(), "six late-file hours before");
    assertEquals(Instant.parse("2026-11-20T11:30:00Z"), listing.to(), "the delivery lag after");
    LogPlanner.Plan all = new LogPlanner.Plan(List.of(file(PAY1, "2026-11-20T10:05:00Z", 1),
        file(PAY2, "2026-11-20T10:06:00Z", 2), file(RETAIL, "2026-11-20T10:07:00Z", 3)), List.of());
    List<String> asked = new ArrayList<>();
    LogPlanner lister = new LogPlanner() {
      @Override
      public Plan plan(List<Account> accounts, Instant from, Instant to) {
        asked.add(accounts.size() + " accounts from " + from);
        return new Plan(List.of(), List.of());
      }

      @Override
      public String describe() {
        return "test";
      }
    };
    PlannedOnce once = new PlannedOnce(lister, listing.accounts(), listing.from(), listing.to(), all);

    assertEquals(all.files().subList(0, 2), once.plan(List.of(PAY2, PAY1), listing.from(), listing.to()).files(),
        "payments' run: its two files");
    assertEquals(all.files().subList(2, 3), once.plan(List.of(RETAIL), listing.from(), listing.to()).files());
    assertEquals(all, once.plan(List.of(PAY1, PAY2, RETAIL), listing.from(), listing.to()));
    assertEquals(List.of(), asked, "nothing listed again");

    once.plan(List.of(PAY1), listing.from(), listing.to());
    once.plan(List.of(PAY1, PAY2), listing.from().minusSeconds(3600), listing.to());
    assertEquals(List.of("1 accounts from 2026-11-20T04:00:00Z", "2 accounts from 2026-11-20T03:00:00Z"), asked,
        "part of a business unit, or another window (a gap filled first), is listed");
  }

  static LogFile file(Account a, String fileTime, long size) {
    Instant t = Instant.parse(fileTime);
    return new LogFile("file:/logs/" + a.id() + "/" + t.getEpochSecond() + ".json.gz", a.id(), a.businessUnit(),
        "us-east-1", t, size);
  }
}
