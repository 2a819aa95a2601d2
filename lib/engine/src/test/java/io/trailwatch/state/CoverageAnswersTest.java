package io.trailwatch.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.config.SilentTrailsConfig;
import io.trailwatch.core.Hour;
import io.trailwatch.detect.CoverageView;
import io.trailwatch.detect.SilentTrails;
import io.trailwatch.detect.TrailHour;
import io.trailwatch.ingest.TamperCall;
import io.trailwatch.ingest.TrailRead;
import io.trailwatch.testing.SparkTest;
import io.trailwatch.testing.StateFolders;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CoverageTable#reads}, the two queries a run makes of the coverage ledger for the
 * silent-trail rule, answers every business unit exactly as the four reads of {@link
 * CoverageTable#view} do, one business unit at a time: on a ledger of random rows (late rows,
 * reruns' rows of later detect hours that must not count, hours without events, trails unknown,
 * tamper calls), and whether the detect hour's rows are there, for hours and windows that start
 * before the ledger, inside it, and with the recent rows reaching further back than the rates.
 */
class CoverageAnswersTest extends SparkTest {
  static final Instant START = Instant.parse("2026-11-01T00:00:00Z");
  static final List<String> UNITS = List.of("alpha", "beta", "gamma");
  static final int HOURS = 60;

  @TempDir static Path dir;
  static StateStore state;
  /** Every row of the ledger, with the business unit and the detect hour that stored it. */
  static final List<Stored> ROWS = new ArrayList<>();

  record Stored(String businessUnit, Instant detectHour, TrailHour row) {}

  @BeforeAll
  static void randomLedger() {
    state = StateFolders.empty(spark, dir.resolve("state"));
    Random random = new Random(29);
    List<org.apache.spark.sql.Row> rows = new ArrayList<>();
    java.sql.Timestamp now = java.sql.Timestamp.from(START);
    // Per detect hour, the rows its run stored: its own hour's, and now and then a late one of two hours before.
    for (int d = 0; d < HOURS; d++) {
      for (int late : d >= 2 && random.nextInt(4) == 0 ? new int[] {0, 2} : new int[] {0}) {
        for (int u = 0; u < UNITS.size(); u++) {
          for (int a = 0; a < 3; a++) {
            String account = (u + 1) + "0000000000" + a;
            for (String region : List.of("us-east-1", "eu-west-1")) {
              if (random.nextInt(5) == 0) {
                continue; // no file of this account-region in this hour
              }
              // One trail per account-region, unknown (null) for one of them.
              String trail = a == 2 && region.equals("eu-west-1") ? null : "org-trail-" + u;
              long events = random.nextInt(3) == 0 ? 0 : 1 + random.nextInt(50);
              TamperCall tamper = random.nextInt(15) == 0 ? new TamperCall("cloudtrail.amazonaws.com", "StopLogging",
                  "arn:aws:iam::" + account + ":user/mallory", "IAMUser", hour(d - late).plusSeconds(600)) : null;
              TrailRead read = new TrailRead(UNITS.get(u), account, region, trail, 1, 100, events, new TreeMap<>(),
                  tamper);
              rows.add(CoverageTable.row(read, hour(d - late), hour(d), "run-" + d, now));
              ROWS.add(new Stored(UNITS.get(u), hour(d), new TrailHour(account, region, hour(d - late), trail, events,
                  tamper)));
            }
          }
        }
      }
    }
    // One commit (what runs append, hour by hour, is the same rows).
    spark.createDataFrame(rows, Tables.COVERAGE_SCHEMA).write().format("delta").mode("append")
        .save(state.path(Tables.COVERAGE));
  }

  static Instant hour(int i) {
    return START.plus(Duration.ofHours(i));
  }

  /** The four reads of the rule for {@code h}, as {@code ledger} answers them. */
  static CoverageView.Answers read(CoverageView ledger, Instant h, SilentTrails.Windows w) {
    return new CoverageView.Answers(ledger.observedHours(w.from(), w.streakStart()),
        ledger.rates(w.from(), w.streakStart()), ledger.accounts(w.from(), h), ledger.hours(w.recentFrom(), w.end()));
  }

  /** The ledger of one business unit as runs of hours before {@code h} stored it, in memory. */
  static CoverageView inMemory(String bu, Instant h) {
    return CoverageView.of(ROWS.stream().filter(s -> s.businessUnit().equals(bu) && s.detectHour().isBefore(h))
        .map(Stored::row).toList());
  }

  /** Comparable answers: the recent rows in one order. */
  static CoverageView.Answers sorted(CoverageView.Answers a) {
    List<TrailHour> hours = new ArrayList<>(a.hours());
    hours.sort(Comparator.comparing(TrailHour::accountId).thenComparing(TrailHour::region)
        .thenComparing(TrailHour::hour));
    return new CoverageView.Answers(a.observedHours(), a.rates(), new TreeSet<>(a.accounts()), hours);
  }

  @Test
  void twoQueriesAnswerEveryBusinessUnitAsItsOwnReadsDo() {
    List<String> listed = List.of("alpha", "beta", "gamma", "none-yet");
    // window days, hours in a row, tamper look-back: rates of 2 days, recent rows reaching back 5 or 30 hours.
    int[][] rules = {{2, 2, 5}, {1, 1, 30}};
    int compared = 0;
    for (int[] r : rules) {
      SilentTrailsConfig cfg = new SilentTrailsConfig(null, null, r[1], null, r[2], null, null, null, null);
      SilentTrails rule = new SilentTrails(cfg, r[0]);
      for (int at : new int[] {10, 40, 55}) {
        Instant h = hour(at);
        SilentTrails.Windows w = rule.windows(new Hour(h));
        Map<String, CoverageView.Answers> all = state.coverage().reads(listed, h, w, 1).answers();
        assertEquals(listed, List.copyOf(all.keySet()));
        for (String bu : UNITS) {
          CoverageView.Answers expected = sorted(read(inMemory(bu, h), h, w));
          String what = bu + " at hour " + at + ", rule " + java.util.Arrays.toString(r);
          assertEquals(expected, sorted(all.get(bu)), what);
          if (at == 55 && r[0] == 2) {
            // And as the table's own reads answer, one business unit at a time (four queries each).
            assertEquals(expected, sorted(read(state.coverage().view(List.of(bu), h), h, w)), what + ", the table's reads");
          }
          compared += expected.rates().size() + expected.hours().size();
        }
        assertEquals(CoverageView.Answers.observedOnly(0), all.get("none-yet"));
        assertTrue(all.get("alpha").observedHours() > 0 && !all.get("alpha").hours().isEmpty(), () -> all.toString());
      }
    }
    assertTrue(compared > 300, "compared " + compared + " rates and rows");
    // Below the rule's minimum of observed hours, only those are read: the rule stops there.
    SilentTrails rule = new SilentTrails(SilentTrailsConfig.defaults(), 2);
    Instant h = hour(20);
    Map<String, CoverageView.Answers> young = state.coverage().reads(listed, h, rule.windows(new Hour(h)), 72).answers();
    for (String bu : listed) {
      long observed = inMemory(bu, h).observedHours(rule.windows(new Hour(h)).from(), h);
      assertEquals(CoverageView.Answers.observedOnly(observed), young.get(bu), bu);
    }
    assertEquals(20, young.get("alpha").observedHours());
    // Whether rows of the detect hour are there already (a rerun's rows MERGE), read in the same query.
    SilentTrails.Windows w = rule.windows(new Hour(h));
    assertTrue(state.coverage().reads(listed, h, w, 72).holdsDetectHour());
    assertEquals(false, state.coverage().reads(List.of("none-yet"), h, w, 72).holdsDetectHour());
    assertEquals(false, state.coverage().reads(listed, hour(HOURS), rule.windows(new Hour(hour(HOURS))), 72)
        .holdsDetectHour());
    assertEquals(state.coverage().holdsDetectHour(List.of("beta"), h), state.coverage().reads(List.of("beta"), h, w, 1)
        .holdsDetectHour());
  }
}
