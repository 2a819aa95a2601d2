package io.trailwatch.cli;

import static io.trailwatch.testing.CloudTrailFixtures.record;
import static io.trailwatch.testing.CloudTrailFixtures.root;
import static io.trailwatch.testing.CloudTrailFixtures.writeAccounts;
import static io.trailwatch.testing.CloudTrailFixtures.writeLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.core.ErrorCode;
import io.trailwatch.testing.CommandRun;
import io.trailwatch.testing.SparkTest;
import io.trailwatch.testing.StateFolders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code trailwatch maintain} as a user runs it: help, what it refuses, and the report of a run and of a rerun. */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class MaintainCommandLineTest extends SparkTest {
  static final String PAY = "111111111111";

  @TempDir Path dir;

  static List<String> userErrorLines(CommandRun r, ErrorCode expected) {
    assertEquals(2, r.code(), r.err());
    assertEquals(expected, r.errorCode(), r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    return r.err().lines().filter(l -> l.startsWith("trailwatch: ")).toList();
  }

  @Test
  void helpNamesTheOptions() {
    CommandRun r = CommandRun.of(Main::run, "maintain", "--help");
    assertEquals(0, r.code(), r.err());
    for (String option : List.of("--state", "--bu", "--config", "--grace-days", "--retain-hours", "--master")) {
      assertTrue(r.out().contains(option), option + " in: " + r.out());
    }
  }

  @Test
  void aStateWithoutTablesAndAShortRetentionAreUserErrors() throws Exception {
    Files.createDirectories(dir.resolve("empty"));
    assertEquals(1, userErrorLines(CommandRun.of(Main::run, "maintain", "--state", dir.resolve("empty").toString(),
        "--master", "local[2]"), ErrorCode.NO_STATE).size());
    Path config = Files.writeString(dir.resolve("bad.yaml"), "maintenance: {grace-days: -1}\n");
    List<String> bad = userErrorLines(CommandRun.of(Main::run, "maintain", "--state", dir.resolve("empty").toString(),
        "--config", config.toString()), ErrorCode.BAD_CONFIG_VALUE);
    assertEquals(1, bad.size());
  }

  @Test
  void aRunReportsEveryTableAndARerunHasNothingToDo() throws Exception {
    Instant t = Instant.parse("2026-11-20T14:03:00Z");
    Path logs = dir.resolve("logs");
    writeLog(logs, PAY, "us-east-1", t.plusSeconds(600),
        List.of(record(root(PAY), PAY, "signin.amazonaws.com", "ConsoleLogin", t, null)));
    Path accounts = writeAccounts(dir.resolve("accounts.csv"), PAY + ",pay-prod,payments");
    String state = dir.resolve("state").toString();
    // A copy of this JVM's empty tables: the first run opens them instead of creating its ten tables.
    StateFolders.emptyLayout(spark, dir.resolve("state"), List.of("payments"));
    for (String hour : List.of("2026-11-20T14", "2026-11-20T15")) {
      CommandRun d = CommandRun.of(Main::run, "detect", "--logs", logs.toString(), "--state", state, "--accounts",
          accounts.toString(), "--hour", hour, "--master", "local[2]");
      assertEquals(0, d.code(), d.err());
    }

    CommandRun first = CommandRun.of(Main::run, "maintain", "--state", state, "--bu", "payments", "--master",
        "local[2]");
    assertEquals(0, first.code(), first.err());
    assertTrue(first.out().startsWith("maintain payments"), first.out());
    for (String table : List.of("baseline", "alerts", "runs", "ingested_files")) {
      assertTrue(first.out().lines().anyMatch(l -> l.strip().startsWith(table + " ")), table + " in: " + first.out());
    }
    assertFalse(first.out().contains("nothing to do"), first.out());

    CommandRun second = CommandRun.of(Main::run, "maintain", "--state", state, "--bu", "payments", "--master",
        "local[2]");
    assertEquals(0, second.code(), second.err());
    assertTrue(second.out().contains("nothing to do"), second.out());

    assertEquals(1, userErrorLines(CommandRun.of(Main::run, "maintain", "--state", state, "--bu", "hr", "--master",
        "local[2]"), ErrorCode.UNKNOWN_BU).size(), "a business unit the state does not hold");
    assertEquals(1, userErrorLines(CommandRun.of(Main::run, "maintain", "--state", state, "--retain-hours", "24",
        "--master", "local[2]"), ErrorCode.BAD_MAINTENANCE_OPTION).size(), "a retention under the tables' own");
  }
}
