package io.trailwatch.cli;

import static io.trailwatch.testing.CloudTrailFixtures.iamUser;
import static io.trailwatch.testing.CloudTrailFixtures.record;
import static io.trailwatch.testing.CloudTrailFixtures.writeAccounts;
import static io.trailwatch.testing.CloudTrailFixtures.writeLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.aws.DynamoDbMirror;
import io.trailwatch.mirror.MirrorItem;
import io.trailwatch.testing.CommandRun;
import io.trailwatch.testing.MotoServer;
import io.trailwatch.testing.SparkTest;
import io.trailwatch.testing.StateFolders;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --dynamodb-table} on baseline and detect: after each run the mirror holds exactly the
 * business unit's Delta baseline, and an hourly run writes only the rows it changed.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
// Points the AWS SDK at its moto server through a system property: no other class that sets it runs beside it.
@org.junit.jupiter.api.parallel.ResourceLock("aws.endpointUrlDynamoDb")
class MirrorEndToEndTest extends SparkTest {
  @RegisterExtension static final MotoServer MOTO = new MotoServer();
  static final String PAY = "111111111111";
  static final String CI = iamUser(PAY, "ci");

  @TempDir Path dir;

  @BeforeAll
  static void pointAtMoto() {
    System.setProperty("aws.endpointUrlDynamoDb", MOTO.endpoint());
  }

  @AfterAll
  static void restore() {
    System.clearProperty("aws.endpointUrlDynamoDb");
  }

  /** The mirror's items of the BU and the Delta baseline's rows, both as comparable lines. */
  static List<String> lines(List<MirrorItem> items) {
    return items.stream().map(i -> i.accountId() + " " + i.principal() + " " + i.eventSource() + ":" + i.eventName()
        + " " + i.firstSeen() + " " + i.lastSeen() + " " + i.expiresAt()).sorted().toList();
  }

  static List<String> delta(Path state) {
    SparkSession spark = SparkSession.active();
    List<String> out = new ArrayList<>();
    for (Row r : spark.read().format("delta").load(state.resolve("bu=payments").resolve("baseline").toString()).collectAsList()) {
      out.add(r.getAs("account_id") + " " + r.getAs("principal") + " " + r.getAs("event_source") + ":"
          + r.getAs("event_name") + " " + r.<java.sql.Timestamp>getAs("first_seen").toInstant() + " "
          + r.<java.sql.Timestamp>getAs("last_seen").toInstant() + " "
          + r.<java.sql.Timestamp>getAs("expires_at").toInstant());
    }
    return out.stream().sorted().collect(Collectors.toList());
  }

  @Test
  void theMirrorEqualsTheBaselineAndAnHourWritesOnlyWhatItChanged() throws Exception {
    String table = "tw-" + UUID.randomUUID().toString().substring(0, 8);
    assertEquals(0, CommandRun.of(Main::run, "dynamodb-init", "--dynamodb-table", table).code());
    Path logs = dir.resolve("logs");
    Instant day = Instant.parse("2026-11-01T10:00:00Z");
    // Twenty days of the CI user's routine: three calls a day.
    for (int d = 0; d < 20; d++) {
      Instant t = day.plus(Duration.ofDays(d));
      writeLog(logs, PAY, "us-east-1", t.plusSeconds(600), List.of(
          record(CI, PAY, "s3.amazonaws.com", "ListBuckets", t, null),
          record(CI, PAY, "sts.amazonaws.com", "GetCallerIdentity", t.plusSeconds(5), null),
          record(CI, PAY, "ec2.amazonaws.com", "DescribeInstances", t.plusSeconds(9), null)));
    }
    // The hour: one routine call seen again the next day (its last_seen moves) and one new call.
    Instant hour = Instant.parse("2026-11-21T14:03:00Z");
    writeLog(logs, PAY, "us-east-1", hour.plusSeconds(600), List.of(
        record(CI, PAY, "s3.amazonaws.com", "ListBuckets", hour, null),
        record(CI, PAY, "iam.amazonaws.com", "CreateAccessKey", hour.plusSeconds(30), null)));
    Path accounts = writeAccounts(dir.resolve("accounts.csv"), PAY + ",pay-prod,payments");
    Path state = dir.resolve("state");
    // A copy of this JVM's empty tables: the first run opens them instead of creating its ten tables.
    StateFolders.emptyLayout(spark, state, List.of("payments"));

    CommandRun base = CommandRun.of(Main::run, "baseline", "--logs", logs.toString(), "--state", state.toString(),
        "--accounts", accounts.toString(), "--from", "2026-11-01", "--to", "2026-11-21T00", "--master", "local[2]",
        "--dynamodb-table", table);
    assertEquals(0, base.code(), base.err());
    try (DynamoDbMirror mirror = DynamoDbMirror.create(table)) {
      assertEquals(delta(state), lines(mirror.scan("payments")), "after the baseline build");
      assertEquals(3, mirror.scan("payments").size());
    }

    CommandRun detect = CommandRun.of(Main::run, "detect", "--logs", logs.toString(), "--state", state.toString(),
        "--accounts", accounts.toString(), "--hour", "2026-11-21T14", "--master", "local[2]",
        "--dynamodb-table", table);
    assertEquals(0, detect.code(), detect.err());
    // ListBuckets refreshed (last seen a day ago) and CreateAccessKey inserted: two rows, two items.
    assertTrue(detect.err().contains("mirror: 2 items in 1 requests"), detect.err());
    try (DynamoDbMirror mirror = DynamoDbMirror.create(table)) {
      assertEquals(delta(state), lines(mirror.scan("payments")), "after the hour");
    }
  }
}
