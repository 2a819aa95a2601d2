package io.trailwatch.cli;

import static io.trailwatch.testing.CloudTrailFixtures.record;
import static io.trailwatch.testing.CloudTrailFixtures.root;
import static io.trailwatch.testing.CloudTrailFixtures.writeAccounts;
import static io.trailwatch.testing.CloudTrailFixtures.writeLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trailwatch.testing.CommandRun;
import io.trailwatch.testing.HecServer;
import io.trailwatch.testing.SparkTest;
import io.trailwatch.testing.StateFolders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alerts reach Splunk HEC exactly once whatever the receiver does: down for a run, busy, refusing
 * the token, or a run that died between its commit and its delivery. The receiver is the
 * project's own HEC server on 127.0.0.1, which enforces Splunk's protocol.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class DeliveryEndToEndTest extends SparkTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String TOKEN = "5c0ffee0-1111-2222-3333-4444deadbeef";
  static final List<String> ACCOUNTS = List.of("111111111111", "222222222222", "333333333333");

  @TempDir Path dir;
  Path logs;
  Path accounts;
  Path tokenFile;
  HecServer hec;

  @BeforeEach
  void anHourWithThreeRootSignIns() throws Exception {
    Instant t = Instant.parse("2026-11-20T14:03:00Z");
    logs = dir.resolve("logs");
    List<String> rows = new ArrayList<>();
    for (String a : ACCOUNTS) {
      writeLog(logs, a, "us-east-1", t.plusSeconds(600),
          List.of(record(root(a), a, "signin.amazonaws.com", "ConsoleLogin", t, null)));
      rows.add(a + ",acct-" + a.charAt(0) + ",payments");
    }
    accounts = writeAccounts(dir.resolve("accounts.csv"), rows.toArray(new String[0]));
    // A copy of this JVM's empty tables: the first run opens them instead of creating its ten tables.
    StateFolders.emptyLayout(spark, dir.resolve("state"), List.of("payments"));
    tokenFile = dir.resolve("hec-token");
    Files.writeString(tokenFile, TOKEN + "\n");
    hec = HecServer.start(TOKEN);
  }

  @AfterEach
  void stop() {
    hec.close();
  }

  CommandRun detect(String hour, String... extra) {
    List<String> args = new ArrayList<>(List.of("detect", "--logs", logs.toString(), "--state",
        dir.resolve("state").toString(), "--accounts", accounts.toString(), "--hour", hour, "--master", "local[2]",
        "--summary-out", dir.resolve("summary-" + hour + ".json").toString()));
    args.addAll(List.of(extra));
    return CommandRun.of(Main::run, args.toArray(new String[0]));
  }

  CommandRun deliver(String... extra) {
    List<String> args = new ArrayList<>(List.of("deliver", "--state", dir.resolve("state").toString(),
        "--master", "local[2]", "--hec-url", hec.url(), "--hec-token-file", tokenFile.toString()));
    args.addAll(List.of(extra));
    return CommandRun.of(Main::run, args.toArray(new String[0]));
  }

  String[] toHec() {
    return new String[] {"--hec-url", hec.url(), "--hec-token-file", tokenFile.toString()};
  }

  JsonNode summary(String hour) throws Exception {
    return JSON.readTree(dir.resolve("summary-" + hour + ".json").toFile());
  }

  /** The alert ids the alerts table holds, each with how often HEC received it. */
  Map<String, Long> received() {
    return new TreeMap<>(hec.alertIdCounts());
  }

  static Map<String, Long> once(List<String> ids) {
    Map<String, Long> m = new TreeMap<>();
    ids.forEach(id -> m.put(id, 1L));
    return m;
  }

  List<String> alertIds(String hour) throws Exception {
    List<String> ids = new ArrayList<>();
    summary(hour);
    for (String line : Files.readAllLines(dir.resolve("alerts-" + hour + ".jsonl"))) {
      ids.add(JSON.readTree(line).get("alert_id").asText());
    }
    return ids;
  }

  @Test
  void hecDownForOneRunThenUpEveryAlertArrivesExactlyOnce() throws Exception {
    hec.down();
    CommandRun first = detect("2026-11-20T14", concat(toHec(), "--alerts-out",
        dir.resolve("alerts-2026-11-20T14.jsonl").toString()));
    assertEquals(Main.DELIVERY_INCOMPLETE, first.code(), first.err());
    assertEquals(3, summary("2026-11-20T14").at("/delivery/hec/pending").asInt(), first.out());
    assertTrue(first.out().contains("3 pending"), first.out());

    hec.up();
    // The next hour's run retries what the first left pending, before anything of its own.
    CommandRun next = detect("2026-11-20T15", toHec());
    assertEquals(0, next.code(), next.err());
    assertEquals(3, summary("2026-11-20T15").at("/delivery/hec/sent").asInt());
    assertEquals(once(alertIds("2026-11-20T14")), received());

    // Nothing is left: deliver sends nothing, and HEC still has each alert once.
    CommandRun again = deliver();
    assertEquals(0, again.code(), again.err());
    assertEquals(once(alertIds("2026-11-20T14")), received());
  }

  @Test
  void aStormOf503sIsRetriedAndDelivered() throws Exception {
    hec.answer(503, 3);
    CommandRun r = detect("2026-11-20T14", concat(toHec(), "--alerts-out",
        dir.resolve("alerts-2026-11-20T14.jsonl").toString()));
    assertEquals(0, r.code(), r.err());
    assertEquals(once(alertIds("2026-11-20T14")), received());
    assertEquals(3, summary("2026-11-20T14").at("/delivery/hec/sent").asInt());
  }

  @Test
  void aRefusedTokenIsRecordedAsFailedWithoutARetryStormAndNeverLeaks() throws Exception {
    Path wrong = dir.resolve("wrong-token");
    String wrongToken = "0badc0de-9999-8888-7777-666655554444";
    Files.writeString(wrong, wrongToken);
    CommandRun r = detect("2026-11-20T14", "--hec-url", hec.url(), "--hec-token-file", wrong.toString());
    assertEquals(Main.DELIVERY_INCOMPLETE, r.code(), r.err());
    JsonNode hecCounts = summary("2026-11-20T14").at("/delivery/hec");
    assertEquals(3, hecCounts.get("failed").asInt(), hecCounts.toString());
    assertTrue(hecCounts.get("reason").asText().contains("403"), hecCounts.toString());
    assertEquals(1, hec.eventRequests(), "one request, no retry storm");
    assertTrue(received().isEmpty());
    for (String out : List.of(r.out(), r.err(), Files.readString(dir.resolve("summary-2026-11-20T14.json")))) {
      assertFalse(out.contains(wrongToken) || out.contains(TOKEN), "the token never appears: " + out);
    }
    // Failed for good: a later deliver does not send it again (a person looks at the reason first).
    CommandRun later = deliver();
    assertEquals(0, later.code(), later.err());
    assertEquals(1, hec.eventRequests());
  }

  @Test
  void aRunThatDiedBeforeItsDeliveryIsDeliveredByTheNextDeliver() throws Exception {
    // A run without sinks leaves the state exactly as one killed after its commit and before its
    // delivery: alerts recorded, baseline merged, no delivery attempted.
    CommandRun died = detect("2026-11-20T14", "--alerts-out", dir.resolve("alerts-2026-11-20T14.jsonl").toString());
    assertEquals(0, died.code(), died.err());
    assertTrue(received().isEmpty());

    CommandRun d = deliver("--since", "2026-11-20");
    assertEquals(0, d.code(), d.err());
    assertEquals(once(alertIds("2026-11-20T14")), received());

    // A rerun of the hour finds the same alert ids and sends none of them again.
    CommandRun rerun = detect("2026-11-20T14", toHec());
    assertEquals(0, rerun.code(), rerun.err());
    assertEquals(once(alertIds("2026-11-20T14")), received());
  }

  static String[] concat(String[] a, String... b) {
    String[] out = new String[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
