package io.trailwatch.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.core.ErrorCode;
import io.trailwatch.testing.CommandRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/** What a user sees for bad command lines: exit code 2 and one line naming the problem, never a stack trace. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class CliErrorsTest {
  @TempDir Path dir;
  Path logs;
  Path accounts;

  static CommandRun run(String... args) {
    return CommandRun.of(ToolsMain::run, args);
  }

  @BeforeEach
  void setUp() throws Exception {
    logs = Files.createDirectories(dir.resolve("logs/AWSLogs"));
    accounts = dir.resolve("accounts.csv");
    Files.writeString(accounts, "account_id,name,business_unit\n111111111111,prod,payments\n");
  }

  String[] detect(String... extra) {
    String[] base = {"detect", "--logs", logs.getParent().toString(), "--state", dir.resolve("state").toString(),
        "--accounts", accounts.toString(), "--hour", "2026-11-20T14"};
    String[] all = new String[base.length + extra.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(extra, 0, all, base.length, extra.length);
    return all;
  }

  static void assertUserError(CommandRun r, ErrorCode expected) {
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().startsWith("trailwatch: "), r.err());
    assertEquals(expected, r.errorCode(), r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace for user errors: " + r.err());
  }

  @ParameterizedTest
  @ValueSource(strings = {"detect", "baseline", "generate", "demo", "backtest"})
  void everyCommandHasHelp(String command) {
    CommandRun r = run(command, "--help");
    assertEquals(0, r.code());
    assertTrue(r.out().contains("Usage: trailwatch " + command), r.out());
  }

  @Test
  void topLevelHelpListsTheCommands() {
    CommandRun r = run("--help");
    assertEquals(0, r.code());
    // Each command on its own line of the command list: "detect" alone also appears in prose.
    for (String c : new String[] {"detect", "baseline", "generate", "demo", "bench"}) {
      assertTrue(r.out().lines().anyMatch(l -> l.matches("\\s+" + c + "(\\s.*)?")), c + " listed in: " + r.out());
    }
  }

  @Test
  void rebuildingAnAccountTheAccountsFileDoesNotHoldIsAUserError() {
    String[] base = {"baseline", "--logs", logs.getParent().toString(), "--state", dir.resolve("state").toString(),
        "--accounts", accounts.toString(), "--from", "2026-11-01", "--to", "2026-11-20T00"};
    String[] unknown = java.util.Arrays.copyOf(base, base.length + 2);
    unknown[base.length] = "--account";
    unknown[base.length + 1] = "999999999999";
    assertUserError(run(unknown), ErrorCode.UNKNOWN_ACCOUNT);
    String[] otherBu = java.util.Arrays.copyOf(base, base.length + 4);
    System.arraycopy(new String[] {"--bu", "payments", "--account", "222222222222"}, 0, otherBu, base.length, 4);
    assertUserError(run(otherBu), ErrorCode.UNKNOWN_ACCOUNT);
  }

  @Test
  void malformedHourIsAUserError() {
    CommandRun r = run("detect", "--logs", logs.toString(), "--state", dir.toString(), "--accounts", accounts.toString(),
        "--hour", "2026-13-45T99");
    assertUserError(r, ErrorCode.BAD_HOUR);
    assertUserError(run("detect", "--logs", logs.toString(), "--state", dir.toString(), "--accounts",
        accounts.toString(), "--hour", "yesterday"), ErrorCode.BAD_HOUR);
  }

  @Test
  void futureHourIsAUserError() {
    assertUserError(run("detect", "--logs", logs.toString(), "--state", dir.toString(), "--accounts",
        accounts.toString(), "--hour", "2999-01-01T00"), ErrorCode.BAD_HOUR);
  }

  @Test
  void missingLogsFolderIsAUserError() {
    assertUserError(run("detect", "--logs", dir.resolve("nope").toString(), "--state", dir.toString(), "--accounts",
        accounts.toString(), "--hour", "2026-11-20T14"), ErrorCode.LOGS_NOT_FOUND);
  }

  @Test
  void folderWithoutAwsLogsIsAUserError() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    assertUserError(run("detect", "--logs", empty.toString(), "--state", dir.toString(), "--accounts",
        accounts.toString(), "--hour", "2026-11-20T14"), ErrorCode.LOGS_NOT_CLOUDTRAIL);
  }

  @Test
  void badAccountsFilesAreUserErrors() throws Exception {
    Files.writeString(accounts, "id,name\n1,x\n");
    assertUserError(run(detect()), ErrorCode.BAD_ACCOUNTS_FILE);
    Files.writeString(accounts, "account_id,name,business_unit\n12345,prod,payments\n");
    assertUserError(run(detect()), ErrorCode.BAD_ACCOUNTS_FILE);
    Files.writeString(accounts, "account_id,name,business_unit\n111111111111,prod,pay ments; DROP\n");
    assertUserError(run(detect()), ErrorCode.BAD_ACCOUNTS_FILE);
    assertUserError(run("detect", "--logs", logs.toString(), "--state", dir.toString(), "--accounts",
        dir.resolve("missing.csv").toString(), "--hour", "2026-11-20T14"), ErrorCode.ACCOUNTS_NOT_FOUND);
  }

  @Test
  void unknownBusinessUnitIsAUserError() {
    assertUserError(run(detect("--bu", "marketing")), ErrorCode.UNKNOWN_BU);
  }

  @Test
  void unknownConfigKeyIsAUserError() throws Exception {
    Path cfg = dir.resolve("c.yaml");
    Files.writeString(cfg, "policy:\n  learning-dayz: 3\n");
    assertUserError(run(detect("--config", cfg.toString())), ErrorCode.UNKNOWN_CONFIG_KEY);
  }

  @Test
  void badBaselineRangeIsAUserError() {
    assertUserError(run("baseline", "--logs", logs.toString(), "--state", dir.toString(), "--accounts",
        accounts.toString(), "--from", "2026-02-30", "--to", "2026-11-20T00"), ErrorCode.BAD_DATE);
    assertUserError(run("baseline", "--logs", logs.toString(), "--state", dir.toString(), "--accounts",
        accounts.toString(), "--from", "2026-11-21", "--to", "2026-11-20T00"), ErrorCode.BAD_RANGE);
  }

  @Test
  void unknownOptionsAndMissingOptionsAreUserErrors() {
    assertUserError(run("detect", "--hour", "2026-11-20T14"), ErrorCode.BAD_COMMAND_LINE);
    assertUserError(run("detect", "--frobnicate"), ErrorCode.BAD_COMMAND_LINE);
    assertUserError(run("bogus"), ErrorCode.BAD_COMMAND_LINE);
  }

  @Test
  void aConfigOrStateThatIsNotWhatItShouldBeIsAUserError() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("config.yaml"));
    assertUserError(run(detect("--config", folder.toString())), ErrorCode.CONFIG_NOT_READABLE);
    Path file = Files.writeString(dir.resolve("state-file"), "not a folder");
    assertUserError(run("detect", "--logs", logs.getParent().toString(), "--state", file.toString(), "--accounts",
        accounts.toString(), "--hour", "2026-11-20T14"), ErrorCode.STATE_NOT_A_FOLDER);
  }

  @Test
  void mirrorAndLookupOptionsAreCheckedBeforeAnyCall() {
    assertUserError(run("dynamodb-init"), ErrorCode.NO_DYNAMODB_TABLE);
    assertUserError(run("dynamodb-init", "--dynamodb-table", "t!"), ErrorCode.BAD_DYNAMODB_TABLE);
    String arn = "arn:aws:iam::111111111111:user/ci";
    assertUserError(run("lookup", "--principal", arn, "--account", "1111"), ErrorCode.BAD_ACCOUNT_ID);
    assertUserError(run("lookup", "--principal", arn, "--dynamodb-table", "tw-baseline", "--state",
        dir.resolve("state").toString()), ErrorCode.BAD_LOOKUP_SOURCE);
    assertUserError(run("lookup", "--principal", arn), ErrorCode.BAD_LOOKUP_SOURCE);
  }

  @Test
  void deliverWithoutASinkIsAUserError() {
    assertUserError(run("deliver", "--state", dir.resolve("state").toString()), ErrorCode.NO_SINK);
  }

  @Test
  void toolsRefuseFoldersTheyDidNotMake() throws Exception {
    Path full = Files.createDirectories(dir.resolve("full"));
    Files.writeString(full.resolve("keep.txt"), "mine");
    assertUserError(run("demo", "--dir", full.toString()), ErrorCode.DEMO_DIR_NOT_EMPTY);
    String[] backtest = {"backtest", "--logs", logs.getParent().toString(), "--accounts", accounts.toString(),
        "--from", "2026-11-20T10", "--to", "2026-11-20T12", "--report", dir.resolve("report.html").toString()};
    assertUserError(run(with(backtest, "--out", full.toString())), ErrorCode.BACKTEST_OUT_NOT_EMPTY);
    assertUserError(run(with(backtest, "--out", full.resolve("keep.txt").toString())), ErrorCode.OUTPUT_NOT_WRITABLE);
    assertUserError(run(with(backtest, "--seed-days", "-1")), ErrorCode.BAD_BACKTEST_OPTION);
  }

  @Test
  void benchPlanNeedsATestEndpoint() {
    assertUserError(run("bench-plan"), ErrorCode.NO_ENDPOINT);
  }

  static String[] with(String[] base, String... more) {
    String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  @Test
  void badGeneratorOptionIsAUserError() {
    assertUserError(run("generate", "--out", dir.resolve("g").toString(), "--days", "0"), ErrorCode.BAD_GENERATOR_OPTION);
  }
}
