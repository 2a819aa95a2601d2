package io.trailwatch.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.core.ErrorCode;
import io.trailwatch.testing.CommandRun;
import io.trailwatch.testing.SparkTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bench's comparison of one business unit against several in one process (what {@code bench
 * --fresh-jvm} runs in its children, here in this JVM): both runs read the same hour to the same
 * behaviours, the several-BU run on a folder of tables per BU.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class BenchBusinessUnitsTest extends SparkTest {
  static final Pattern WORK = Pattern.compile("on (\\d+) business units? \\(([^)]*)\\).*: ([0-9,]+) files, ([0-9,]+)"
      + " records, ([0-9,]+) behaviours");

  static final Pattern ALERTS = Pattern.compile("[0-9,]+ files, [0-9,]+ records, [0-9,]+ behaviours, \\d+ alerts");

  @TempDir Path dir;

  CommandRun bench(String... more) {
    List<String> args = new java.util.ArrayList<>(List.of("bench", "--dir", dir.resolve("bench").toString(),
        "--events", "2400", "--accounts", "6", "--threads", "2", "--no-duckdb"));
    args.addAll(List.of(more));
    return CommandRun.of(ToolsMain::run, args.toArray(new String[0]));
  }

  @Test
  void oneBusinessUnitAndThreeReadTheSameHourToTheSameBehaviours() throws Exception {
    CommandRun one = bench("--large-hour", "--bus", "1");
    assertEquals(0, one.code(), one.err());
    CommandRun three = bench("--large-hour", "--bus", "3");
    assertEquals(0, three.code(), three.err());

    Matcher a = WORK.matcher(one.out());
    Matcher b = WORK.matcher(three.out());
    assertTrue(a.find(), one.out());
    assertTrue(b.find(), three.out());
    assertEquals("1 bu-1", a.group(1) + " " + a.group(2));
    assertEquals("3 bu-1,bu-2,bu-3", b.group(1) + " " + b.group(2));
    assertTrue(Long.parseLong(a.group(4).replace(",", "")) >= 2400, "the hour's records: " + one.out());
    assertEquals(a.group(3) + " " + a.group(4) + " " + a.group(5), b.group(3) + " " + b.group(4) + " " + b.group(5),
        "the same files, records and behaviours");
    // The three BUs' state: a folder of tables each, as the command line keeps it.
    try (var folders = Files.list(dir.resolve("bench"))) {
      Path layout = folders.filter(p -> p.getFileName().toString().endsWith("-bus-3")).findFirst().orElseThrow();
      for (String bu : List.of("bu-1", "bu-2", "bu-3")) {
        assertTrue(Files.isDirectory(layout.resolve("bu=" + bu)), bu + " has its folder of tables");
      }
    }
  }

  /**
   * The steady-state comparison ({@code --bus-baseline}): every BU's folder holds its own accounts'
   * rows of the baseline, all of them together, and one BU and three read the hour to the same
   * behaviours and alerts against them.
   */
  @Test
  void withBaselinesEachBusinessUnitHoldsItsAccountsRowsAndTheAlertsAreTheSame() throws Exception {
    CommandRun one = bench("--large-hour", "--bus", "1", "--bus-baseline", "--baseline-rows", "3000");
    assertEquals(0, one.code(), one.err());
    CommandRun three = bench("--large-hour", "--bus", "3", "--bus-baseline", "--baseline-rows", "3000");
    assertEquals(0, three.code(), three.err());
    Matcher a = ALERTS.matcher(one.out());
    Matcher b = ALERTS.matcher(three.out());
    assertTrue(a.find(), one.out());
    assertTrue(b.find(), three.out());
    assertEquals(a.group(), b.group(), "the same behaviours and alerts");

    io.trailwatch.bench.BenchData data = new io.trailwatch.bench.BenchData(dir.resolve("bench"), 6, 2400,
        io.trailwatch.pipeline.Progress.SILENT);
    long whole = spark.read().format("delta").load(data.stateTemplate(3000).resolve("baseline").toString()).count();
    assertTrue(whole >= 3000, "the baseline template: " + whole);
    io.trailwatch.state.StateLayout layout = new io.trailwatch.state.StateLayout(spark,
        data.layoutTemplate(3, 3000).toUri().toString());
    long dealt = 0;
    for (String bu : List.of("bu-1", "bu-2", "bu-3")) {
      List<String> mine = data.accountsIn(3).stream().filter(x -> x.businessUnit().equals(bu))
          .map(io.trailwatch.accounts.Account::id).toList();
      org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> baseline = layout.of(bu).table(
          io.trailwatch.state.Tables.BASELINE);
      List<org.apache.spark.sql.Row> rows = baseline.selectExpr("business_unit", "account_id").distinct()
          .collectAsList();
      assertEquals(mine.stream().sorted().map(id -> bu + " " + id).toList(), rows.stream()
          .map(r -> r.getString(0) + " " + r.getString(1)).sorted().toList(), bu + ": its own accounts' rows");
      dealt += baseline.count();
    }
    assertEquals(whole, dealt, "every row of the baseline, once");
  }

  @Test
  void aBusinessUnitCountOutsideTheAccountsIsRefused() {
    CommandRun r = bench("--empty-hour", "--bus", "7");
    assertEquals(2, r.code(), r.err());
    assertEquals(ErrorCode.BAD_BENCH_OPTION, r.errorCode(), r.err());
    CommandRun c = bench("--fresh-jvm", "--compare-bus", "1");
    assertEquals(ErrorCode.BAD_BENCH_OPTION, c.errorCode(), c.err());
    CommandRun j = bench("--large-hour", "--jit-both");
    assertEquals(ErrorCode.BAD_BENCH_OPTION, j.errorCode(), j.err());
    CommandRun nb = bench("--large-hour", "--bus-baseline");
    assertEquals(ErrorCode.BAD_BENCH_OPTION, nb.errorCode(), nb.err());
    CommandRun cb = bench("--fresh-jvm", "--compare-bus", "0", "--compare-bus-baseline");
    assertEquals(ErrorCode.BAD_BENCH_OPTION, cb.errorCode(), cb.err());
  }
}
