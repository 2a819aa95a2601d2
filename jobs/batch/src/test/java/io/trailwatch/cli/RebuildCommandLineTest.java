package io.trailwatch.cli;

import static io.trailwatch.testing.CloudTrailFixtures.iamUser;
import static io.trailwatch.testing.CloudTrailFixtures.record;
import static io.trailwatch.testing.CloudTrailFixtures.writeAccounts;
import static io.trailwatch.testing.CloudTrailFixtures.writeLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.testing.CommandRun;
import io.trailwatch.testing.SparkTest;
import io.trailwatch.testing.StateFolders;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code baseline --account ID} and {@code baseline --bu NAME} as a user runs them after a full
 * build: the rebuilt accounts' rows are what the rebuild's range holds (a behaviour only seen
 * before it is gone), every other account's rows, in the same business unit too, are untouched.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class RebuildCommandLineTest extends SparkTest {
  static final String PAY1 = "111111111111";
  static final String PAY2 = "222222222222";
  static final String PLAT = "333333333333";
  static final Instant DAY1 = Instant.parse("2026-11-18T10:00:00Z");
  static final Instant DAY2 = Instant.parse("2026-11-19T10:00:00Z");

  @TempDir Path dir;

  @Test
  void rebuildingAnAccountThenABusinessUnitReplacesTheirRowsOnly() throws Exception {
    Path logs = dir.resolve("logs");
    // Day 1: every account's routine; pay1 also lists users, which it does not do on day 2.
    call(logs, PAY1, DAY1, "s3.amazonaws.com", "ListBuckets");
    call(logs, PAY1, DAY1.plusSeconds(60), "iam.amazonaws.com", "ListUsers");
    call(logs, PAY2, DAY1, "ec2.amazonaws.com", "DescribeInstances");
    call(logs, PLAT, DAY1, "lambda.amazonaws.com", "ListFunctions");
    // Day 2: pay1 and platform again, platform with another call.
    call(logs, PAY1, DAY2, "s3.amazonaws.com", "ListBuckets");
    call(logs, PLAT, DAY2, "kms.amazonaws.com", "ListKeys");
    Path accounts = writeAccounts(dir.resolve("accounts.csv"), PAY1 + ",pay-one,payments", PAY2 + ",pay-two,payments",
        PLAT + ",plat,platform");
    String state = dir.resolve("state").toString();
    // A copy of this JVM's empty tables: the first run opens them instead of creating its ten tables.
    StateFolders.emptyLayout(spark, dir.resolve("state"), List.of("payments", "platform"));

    baseline(logs, accounts, state, "2026-11-18");
    assertEquals(List.of(PAY1 + " iam.amazonaws.com:ListUsers " + DAY1.plusSeconds(60),
        PAY1 + " s3.amazonaws.com:ListBuckets " + DAY1, PAY2 + " ec2.amazonaws.com:DescribeInstances " + DAY1),
        behaviours(state, "payments"));
    List<String> payTwo = rows(state, "payments", "account_id = '" + PAY2 + "'");
    List<String> platform = rows(state, "platform", "true");

    baseline(logs, accounts, state, "2026-11-19", "--account", PAY1);
    assertEquals(List.of(PAY1 + " s3.amazonaws.com:ListBuckets " + DAY2, PAY2 + " ec2.amazonaws.com:DescribeInstances "
        + DAY1), behaviours(state, "payments"), "pay1's rows are day 2's; ListUsers, seen only on day 1, is gone");
    assertEquals(List.of("principals " + PAY1 + " " + DAY2 + " " + DAY2), principals(state, "payments", PAY1));
    assertEquals(payTwo, rows(state, "payments", "account_id = '" + PAY2 + "'"), "pay2, in the same BU, untouched");
    assertEquals(platform, rows(state, "platform", "true"), "platform untouched");

    List<String> payments = rows(state, "payments", "true");
    baseline(logs, accounts, state, "2026-11-19", "--bu", "platform");
    assertEquals(List.of(PLAT + " kms.amazonaws.com:ListKeys " + DAY2), behaviours(state, "platform"),
        "platform's rows are day 2's; ListFunctions, seen only on day 1, is gone");
    assertEquals(payments, rows(state, "payments", "true"), "payments untouched");
  }

  static void call(Path logs, String account, Instant t, String source, String name) throws Exception {
    writeLog(logs, account, "us-east-1", t.plusSeconds(300),
        List.of(record(iamUser(account, "ops"), account, source, name, t, null)));
  }

  static void baseline(Path logs, Path accounts, String state, String from, String... more) {
    List<String> args = new ArrayList<>(List.of("baseline", "--logs", logs.toString(), "--state", state, "--accounts",
        accounts.toString(), "--from", from, "--to", "2026-11-20T00", "--chunk-days", "1", "--master", "local[2]"));
    args.addAll(List.of(more));
    CommandRun r = CommandRun.of(Main::run, args.toArray(new String[0]));
    assertEquals(0, r.code(), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
  }

  /** A BU's baseline rows as {@code account source:name first_seen}, sorted. */
  static List<String> behaviours(String state, String bu) {
    List<String> out = new ArrayList<>();
    for (Row r : table(state, bu, "baseline").collectAsList()) {
      out.add(r.getAs("account_id") + " " + r.getAs("event_source") + ":" + r.getAs("event_name") + " "
          + r.<java.sql.Timestamp>getAs("first_seen").toInstant());
    }
    return out.stream().sorted().toList();
  }

  static List<String> principals(String state, String bu, String account) {
    List<String> out = new ArrayList<>();
    for (Row r : table(state, bu, "principals").where("account_id = '" + account + "'").collectAsList()) {
      out.add("principals " + r.getAs("account_id") + " " + r.<java.sql.Timestamp>getAs("first_seen").toInstant() + " "
          + r.<java.sql.Timestamp>getAs("last_seen").toInstant());
    }
    return out;
  }

  /** Whole rows of a BU's baseline and principals tables matching {@code where}, as sorted text. */
  static List<String> rows(String state, String bu, String where) {
    List<String> out = new ArrayList<>();
    for (String t : List.of("baseline", "principals")) {
      table(state, bu, t).where(where).collectAsList().forEach(r -> out.add(t + " " + r));
    }
    assertTrue(!out.isEmpty(), "rows of " + bu + " where " + where);
    return out.stream().sorted().toList();
  }

  static org.apache.spark.sql.Dataset<Row> table(String state, String bu, String table) {
    return SparkSession.active().read().format("delta").load(Path.of(state, "bu=" + bu, table).toString());
  }
}
