package io.trailwatch.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trailwatch.generate.GeneratedOrg;
import io.trailwatch.generate.GeneratorSpec;
import io.trailwatch.generate.SyntheticOrg;
import io.trailwatch.testing.CommandRun;
import io.trailwatch.testing.SparkTest;
import java.nio.file.Files;
import org.apache.spark.sql.Encoders;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trailwatch backtest} as a user runs it, on a generated organisation with two policies:
 * the alerts table, the JSON Lines, the summary and the report agree with one another, and bad
 * options stop it at once with a user error.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class BacktestCommandTest extends SparkTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH").withZone(ZoneOffset.UTC);

  @TempDir Path dir;

  /** Over its --budget, the backtest still writes everything, then exits 7 naming what raises most. */
  @Test
  void writesTheAlertsOfBothPoliciesTheSummaryAndTheReportThenExitsSevenOverBudget() throws Exception {
    GeneratorSpec spec = new GeneratorSpec(3, 3, 4, 20, 5L, GeneratorSpec.DEFAULT_END);
    GeneratedOrg org = SyntheticOrg.generate(spec, dir.resolve("org"));
    Path a = Files.writeString(dir.resolve("a.yaml"), "baseline: {retention-days: 1, warmup-days: 1}\n"
        + "policy: {learning-days: 1}\n");
    Path b = Files.writeString(dir.resolve("b.yaml"), "baseline: {retention-days: 1, warmup-days: 1}\n"
        + "policy:\n  learning-days: 1\n  allow: [{event-source: \"s3.amazonaws.com\", reason: test}]\n");
    Path out = dir.resolve("out");
    Path report = dir.resolve("report.html");

    CommandRun run = CliErrorsTest.run("backtest", "--master", "local[2]", "--logs", org.logsDir().toString(),
        "--accounts", org.accountsCsv().toString(), "--from", HOUR.format(spec.end().minus(Duration.ofHours(12))),
        "--to", HOUR.format(spec.end()), "--config", a.toString(), "--compare", b.toString(), "--report",
        report.toString(), "--out", out.toString(), "--budget", "0.5");
    assertEquals(BacktestCommand.OVER_BUDGET, run.code(), run.err());

    JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
    // The budget names the loudest identity type, as the per-rule breakdown counts it, in the output and the summary.
    JsonNode budget = summary.get("budget");
    String loudestType = summary.at("/policies/0/breakdown/by_identity_type/0/rule").asText();
    assertEquals(List.of(true, loudestType, summary.at("/policies/0/alert_rate").asDouble()),
        List.of(budget.get("exceeded").asBoolean(), budget.at("/identity_types/0/name").asText(),
            budget.get("alert_rate").asDouble()));
    assertTrue(budget.get("alert_rate").asDouble() > 0.5);
    assertTrue(run.out().contains("OVER BUDGET") && run.out().contains("top identity types: " + loudestType)
        && run.out().contains("top principals:     " + summary.at("/policies/0/top_principals/0/principal")
        .asText()), run.out());
    assertEquals(12, summary.at("/settings/hours").asLong());
    assertEquals(1.0, summary.at("/settings/seed_days").asDouble(), "seed: the retention of --config");
    List<String> a1 = ids(out.resolve("alerts.jsonl"));
    List<String> b1 = ids(out.resolve("compare/alerts.jsonl"));
    assertTrue(a1.size() > b1.size(), () -> "the allow rule silences some alerts: " + a1.size() + " vs " + b1.size());
    assertTrue(a1.containsAll(b1), "B only allows more");
    for (int i = 0; i < 2; i++) {
      JsonNode p = summary.at("/policies/" + i);
      long perDay = 0;
      for (JsonNode d : p.get("days")) {
        perDay += d.get("alerts").asLong();
      }
      assertEquals(List.of((long) (i == 0 ? a1 : b1).size(), (long) (i == 0 ? a1 : b1).size()),
          List.of(p.get("alerts").asLong(), perDay));
      // The Delta table holds the same alerts as the JSON Lines.
      Path table = (i == 0 ? out : out.resolve("compare")).resolve("alerts");
      assertEquals(new TreeSet<>(i == 0 ? a1 : b1), new TreeSet<>(spark.read().format("delta")
          .load(table.toString()).select("alert_id").as(Encoders.STRING()).collectAsList()));
    }
    assertEquals(List.of((long) (a1.size() - b1.size()), 0L, (long) b1.size()), List.of(
        summary.at("/difference/only_a").asLong(), summary.at("/difference/only_b").asLong(),
        summary.at("/difference/both").asLong()));
    assertEquals(a1.size() - b1.size(), summary.at("/policies/1/quiet/allow_listed").asLong()
        - summary.at("/policies/0/quiet/allow_listed").asLong());
    String html = Files.readString(report);
    assertTrue(html.contains("<svg id=\"per-day-0\"") && html.contains("<svg id=\"compare-chart\""), "charts");
    assertTrue(html.contains("id=\"budget\"") && html.contains("id=\"per-rule-A\""), "budget and per-rule sections");
    assertTrue(!Files.exists(out.resolve("behaviors")), "the scratch behaviours are removed");
  }

  @Test
  void badOptionsAreUserErrorsBeforeAnythingIsRead() throws Exception {
    Path accounts = Files.writeString(dir.resolve("accounts.csv"), "account_id,name,business_unit\n"
        + "111111111111,prod,payments\n");
    Path logs = Files.createDirectories(dir.resolve("logs/AWSLogs")).getParent();
    Path foreign = Files.createDirectories(dir.resolve("mine"));
    Files.writeString(foreign.resolve("notes.txt"), "keep me");
    Path lag = Files.writeString(dir.resolve("lag.yaml"), "ingest: {delivery-lag-minutes: 60}\n");
    List<List<String>> cases = List.of(
        List.of("--from", "2026-11-20", "--to", "2026-11-19"),
        List.of("--from", "2026-11-19", "--to", "2026-11-20T25"),
        List.of("--from", "2026-11-19", "--to", "2026-11-20", "--seed-days", "-1"),
        List.of("--from", "2026-11-19", "--to", "2026-11-20", "--budget", "-1"),
        List.of("--from", "2026-11-19", "--to", "2026-11-20", "--compare", lag.toString()),
        List.of("--from", "2026-11-19", "--to", "2026-11-20", "--out", foreign.toString()));
    List<Integer> codes = new ArrayList<>();
    for (List<String> c : cases) {
      List<String> args = new ArrayList<>(List.of("backtest", "--logs", logs.toString(), "--accounts",
          accounts.toString(), "--report", dir.resolve("r.html").toString()));
      args.addAll(c);
      codes.add(CliErrorsTest.run(args.toArray(new String[0])).code());
    }
    assertEquals(List.of(2, 2, 2, 2, 2, 2), codes);
    assertEquals("keep me", Files.readString(foreign.resolve("notes.txt")));
    assertTrue(!Files.exists(dir.resolve("r.html")), "no report");
  }

  static List<String> ids(Path jsonl) throws Exception {
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(jsonl)) {
      out.add(JSON.readTree(line).get("alert_id").asText());
    }
    return out;
  }
}
