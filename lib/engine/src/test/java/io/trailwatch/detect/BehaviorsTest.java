package io.trailwatch.detect;

import static io.trailwatch.testing.CloudTrailFixtures.assumedRole;
import static io.trailwatch.testing.CloudTrailFixtures.iamUser;
import static io.trailwatch.testing.CloudTrailFixtures.record;
import static io.trailwatch.testing.CloudTrailFixtures.writeLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.core.Window;
import io.trailwatch.accounts.Account;
import io.trailwatch.ingest.CloudTrailReader;
import io.trailwatch.ingest.LocalLogPlanner;
import io.trailwatch.ingest.LocalOpener;
import io.trailwatch.ingest.LogFile;
import io.trailwatch.ingest.ParserSettings;
import io.trailwatch.testing.SparkTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/** The in-task reduction ({@link AccountBehaviors}) gives exactly what the SQL steps give. */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class BehaviorsTest extends SparkTest {
  static final String PAY = "111111111111";
  static final String PLAT = "222222222222";
  static final List<Account> ACCOUNTS = List.of(new Account(PAY, "pay", "payments"),
      new Account(PLAT, "plat", "platform"));
  static final Instant H = Instant.parse("2026-11-20T14:00:00Z");
  static final Window HOUR = new Window(H, H.plusSeconds(3600));

  @TempDir Path dir;

  String ev(String identity, String account, String name, int minute, String error, String id, String ip) {
    return record(identity, account, "s3.amazonaws.com", name, H.plusSeconds(60L * minute), error, id, ip,
        "ua-" + (minute % 3));
  }

  /** Two accounts, several regions and files; redeliveries in later files, ids reused across accounts. */
  Path logs() throws Exception {
    Path logs = dir.resolve("logs");
    Files.createDirectories(logs.resolve("AWSLogs"));
    String ci = iamUser(PAY, "ci");
    String app = assumedRole(PAY, "app", "i-0abc");
    String other = iamUser(PLAT, "deploy");
    List<String> first = new ArrayList<>();
    List<String> second = new ArrayList<>();
    for (int m = 0; m < 30; m++) {
      String id = "pay-" + m;
      String rec = ev(m % 2 == 0 ? ci : app, PAY, m % 5 == 0 ? "PutObject" : "GetObject", m,
          m % 7 == 0 ? "AccessDenied" : null, id, "10.0.0." + (m % 13));
      first.add(rec);
      if (m % 4 == 0) {
        second.add(rec); // redelivered in the next file
      }
    }
    for (int m = 30; m < 60; m++) {
      second.add(ev(ci, PAY, "ListBucket", m, null, "pay-" + m, "10.0.1." + (m % 17)));
    }
    writeLog(logs, PAY, "us-east-1", H.plusSeconds(35 * 60), first);
    writeLog(logs, PAY, "us-east-1", H.plusSeconds(65 * 60), second);
    // The same event redelivered in another region's folder of the same account, and a third copy.
    writeLog(logs, PAY, "eu-west-1", H.plusSeconds(70 * 60), List.of(first.get(3), first.get(3), second.get(20)));
    // Reused ids: same id in another account, and same id at another time (both real events).
    List<String> plat = new ArrayList<>();
    for (int m = 0; m < 20; m++) {
      plat.add(ev(other, PLAT, "GetObject", m, m == 5 ? "NoSuchKey" : null, "pay-" + m, "192.0.2." + m));
    }
    plat.add(ev(other, PLAT, "GetObject", 44, null, "pay-1", "192.0.2.99"));
    writeLog(logs, PLAT, "us-west-2", H.plusSeconds(40 * 60), plat);
    writeLog(logs, PLAT, "us-west-2", H.plusSeconds(66 * 60), plat.subList(10, 15));
    return logs;
  }

  CloudTrailReader.Read read(Path logs) {
    List<LogFile> files = new LocalLogPlanner(logs).plan(ACCOUNTS, H, H.plusSeconds(7200)).files();
    return CloudTrailReader.read(spark, files, HOUR, new ParserSettings(512, 100, List.of()), new LocalOpener());
  }

  static List<String> sorted(Dataset<Row> rows) {
    return rows.collectAsList().stream().map(BehaviorsTest::text).sorted().collect(Collectors.toList());
  }

  static String text(Row r) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < r.size(); i++) {
      Object v = r.get(i);
      parts.add(v instanceof scala.collection.Seq<?> s
          ? scala.collection.JavaConverters.seqAsJavaList(s).toString() : String.valueOf(v));
    }
    return String.join(" | ", parts);
  }

  @Test
  void inTaskReductionEqualsTheSqlSteps() throws Exception {
    Path logs = logs();
    for (int[] k : new int[][] {{10, 5}, {2, 1}, {1, 3}}) {
      List<String> sql = sorted(SqlOracle.withContext(SqlOracle.dropDuplicateEvents(SqlOracle.events(read(logs))),
          k[0], k[1]));
      List<String> inTask = sorted(Behaviors.withContext(read(logs), k[0], k[1]));
      assertEquals(sql, inTask, "maxValues " + k[0] + ", sampleEventIds " + k[1]);
    }
    assertEquals(sorted(SqlOracle.counted(SqlOracle.dropDuplicateEvents(SqlOracle.events(read(logs))))),
        sorted(Behaviors.counted(read(logs))));
  }

  @Test
  void redeliveriesAcrossFilesAndRegionsAreDroppedButReusedIdsAreNot() throws Exception {
    List<Row> rows = Behaviors.counted(read(logs())).collectAsList();
    long pay = rows.stream().filter(r -> r.getString(1).equals(PAY)).mapToLong(r -> r.getLong(6)).sum();
    long plat = rows.stream().filter(r -> r.getString(1).equals(PLAT)).mapToLong(r -> r.getLong(6)).sum();
    assertEquals(60, pay);
    assertEquals(21, plat);
  }

  @Test
  void contextSchemaIsTheSqlOne() throws Exception {
    Dataset<Row> sql = SqlOracle.withContext(SqlOracle.dropDuplicateEvents(SqlOracle.events(read(logs()))), 3, 2);
    assertEquals(Arrays.asList(sql.schema().fieldNames()), Arrays.asList(Behaviors.CONTEXT.fieldNames()));
    for (int i = 0; i < Behaviors.CONTEXT.size(); i++) {
      assertEquals(sql.schema().fields()[i].dataType().typeName(), Behaviors.CONTEXT.fields()[i].dataType().typeName(),
          Behaviors.CONTEXT.fields()[i].name());
    }
  }

  @Test
  void smallestSetKeepsTheSmallestDistinctValues() {
    AccountBehaviors.SmallestSet s = new AccountBehaviors.SmallestSet(3);
    for (String v : new String[] {"d", "b", null, "b", "e", "a", "c", "a"}) {
      s.add(v);
    }
    assertEquals(List.of("a", "b", "c"), s.values());
    AccountBehaviors.SmallestSet empty = new AccountBehaviors.SmallestSet(2);
    empty.add("");
    assertTrue(empty.values().isEmpty(), "a lone empty string gives no values, as the SQL path");
  }
}
