package io.trailwatch.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.trailwatch.alerting.Alert;
import io.trailwatch.alerting.NewBehavior;
import io.trailwatch.backtest.BacktestResult;
import io.trailwatch.backtest.BacktestSummary;
import io.trailwatch.backtest.HourTally;
import io.trailwatch.backtest.PolicyRun;
import io.trailwatch.backtest.Variant;
import io.trailwatch.config.ConfigLoader;
import io.trailwatch.config.TrailwatchConfig;
import io.trailwatch.ingest.CloudTrailReader;
import io.trailwatch.policy.Policy;
import io.trailwatch.policy.Severity;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report as a browser shows it: a fixed summary of two policies over five days, rendered to
 * HTML, opened in headless Chromium (Debian's {@code chromium}); the charts must be drawn with
 * exactly the bars the numbers call for, the page must not be blank, and text from the logs must
 * stay text.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class BacktestReportBrowserTest {
  static final Instant FROM = Instant.parse("2026-11-01T00:00:00Z");
  static final String HOSTILE = "arn:aws:iam::333333333333:role/<script>alert(1)</script>";

  @TempDir Path dir;

  @Test
  void chartsAreDrawnWithOneBarPerNonZeroCountAndThePageIsNotBlank() throws Exception {
    Path page = dir.resolve("report.html");
    BacktestReport.write(BacktestSummary.of(fixture()), page);

    String dom = chromium("--dump-dom", page.toUri().toString());
    // Bars (class "mark") per chart: one per non-zero (day, severity) segment, per policy and day in
    // the comparison, per policy and non-zero rule in the quiet chart.
    Map<String, Integer> expected = new LinkedHashMap<>();
    expected.put("per-day-0", 6);
    expected.put("per-day-1", 6);
    expected.put("by-bu-0", 2);
    expected.put("by-bu-1", 2);
    expected.put("by-bu-2", 2);
    expected.put("by-type-0", 3);
    expected.put("by-type-1", 2);
    expected.put("by-type-2", 1);
    expected.put("compare-chart", 8);
    expected.put("quiet-chart", 5);
    assertEquals(expected, marksPerChart(dom));
    // Every chart has a text title and description, and its section a table of the numbers behind it.
    assertEquals(expected.size(), count(dom, "role=\"img\""));
    for (String id : expected.keySet()) {
      assertTrue(dom.contains("<title id=\"" + id + "-title\">") && dom.contains("<desc id=\"" + id + "-desc\">"),
          id);
    }
    for (String section : List.of("per-day", "by-bu", "by-type", "compare", "quiet")) {
      String body = dom.substring(dom.indexOf("<section id=\"" + section + "\""));
      body = body.substring(0, body.indexOf("</section>"));
      assertTrue(body.contains("<table"), section + " has a data table");
    }
    // A principal name from the logs is text, not markup.
    assertTrue(dom.contains("role/&lt;script&gt;alert(1)&lt;/script&gt;"), "escaped principal");
    assertFalse(dom.contains("<script"), "no script element");

    Path png = dir.resolve("report.png");
    chromium("--screenshot=" + png, "--window-size=1200,1600", page.toUri().toString());
    BufferedImage img = ImageIO.read(png.toFile());
    assertEquals(List.of(1200, 1600), List.of(img.getWidth(), img.getHeight()));
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < img.getHeight(); y += 2) {
      for (int x = 0; x < img.getWidth(); x += 2) {
        colours.add(img.getRGB(x, y) & 0xFFFFFF);
      }
    }
    assertTrue(colours.size() > 40, () -> "a blank-looking page: " + colours.size() + " colours");
    // The bars' own colours are on screen: critical, high, medium and low in the first chart.
    for (int rgb : new int[] {0x67001f, 0xd6604d, 0xf4a582, 0x92c5de}) {
      assertTrue(colours.contains(rgb), () -> "colour " + Integer.toHexString(rgb) + " drawn");
    }
  }

  /**
   * Two policies over five days. A: day 0 high x2 and medium x3, day 2 critical, day 3 medium and
   * low x4, day 4 high. B: A without day 0's mediums, plus two lows on day 4.
   */
  static BacktestResult fixture() {
    List<Alert> a = new ArrayList<>();
    add(a, 0, Severity.HIGH, 2, "payments", "AssumedRole", "arn:aws:iam::111111111111:role/app");
    add(a, 0, Severity.MEDIUM, 3, "data", "IAMUser", "arn:aws:iam::222222222222:user/ci");
    add(a, 2, Severity.CRITICAL, 1, "payments", "Root", "arn:aws:iam::111111111111:root");
    add(a, 3, Severity.MEDIUM, 1, "platform", "AssumedRole", HOSTILE);
    add(a, 3, Severity.LOW, 4, "platform", "AssumedRole", HOSTILE);
    add(a, 4, Severity.HIGH, 1, "data", "IAMUser", "arn:aws:iam::222222222222:user/ci");
    List<Alert> b = new ArrayList<>(a.stream().filter(x -> x.severity() != Severity.MEDIUM
        || !x.hour().isBefore(FROM.plus(Duration.ofDays(1)))).toList());
    add(b, 4, Severity.LOW, 2, "data", "IAMUser", "arn:aws:iam::222222222222:user/new");
    TrailwatchConfig cfgB = ConfigLoader.parse("policy: {learning-days: 7}\n", "b.yaml");
    Instant to = FROM.plus(Duration.ofDays(5));
    BacktestResult.Settings settings = new BacktestResult.Settings("/data/cloudtrail/AWSLogs", 6,
        List.of("data", "payments", "platform"), FROM, to, FROM.minus(Duration.ofDays(90)), Duration.ofMinutes(30));
    CloudTrailReader.ReadStats read = new CloudTrailReader.ReadStats(2400, 50_000_000, 1_200_000, 1_100_000, 3, 1,
        List.of());
    return new BacktestResult(settings, 2400, 0, read, new BacktestResult.Seed(4000, 9_000_000,
        FROM.minus(Duration.ofDays(90))), List.of(
        run(new Variant("A", "a.yaml", TrailwatchConfig.defaults()), a, Map.of(Policy.Quiet.LEARNING, 3,
            Policy.Quiet.BASELINE_ONLY, 7)),
        run(new Variant("B", "b.yaml", cfgB), b, Map.of(Policy.Quiet.LEARNING, 5, Policy.Quiet.ALLOW_LISTED, 2,
            Policy.Quiet.BASELINE_ONLY, 7))), 40.0, 2.0, 42.0);
  }

  /** {@code n} alerts of one principal on one day, in consecutive hours (from 4 times the severity's rank). */
  static void add(List<Alert> to, int day, Severity severity, int n, String bu, String type, String principal) {
    for (int i = 0; i < n; i++) {
      Instant hour = FROM.plus(Duration.ofDays(day)).plus(Duration.ofHours(severity.ordinal() * 4L + i));
      to.add(Alert.builder().alertId(Alert.idFor(bu, "111111111111", principal, hour, hour)).hour(hour)
          .detectHour(hour).businessUnit(bu).accountId("111111111111").principal(principal).identityType(type)
          .severity(severity).reason("1 new behaviour: s3:PutBucketPolicy")
          .newBehaviors(List.of(new NewBehavior("s3.amazonaws.com", "PutBucketPolicy", 2, hour, hour.plusSeconds(60),
              false, false, "high", false)))
          .build());
    }
  }

  /** A policy's run with its quiet counts all in the first hour. */
  static PolicyRun run(Variant v, List<Alert> alerts, Map<Policy.Quiet, Integer> quiet) {
    List<HourTally> hours = new ArrayList<>();
    for (int h = 0; h < 5 * 24; h++) {
      hours.add(new HourTally(FROM.plus(Duration.ofHours(h)), 100, 1000, h % 7, 2, 0, h == 0 ? quiet : Map.of(), Map.of()));
    }
    return new PolicyRun(v, alerts.stream().sorted(java.util.Comparator.comparing(Alert::hour)).toList(), hours,
        5000, 40, 40);
  }

  static Map<String, Integer> marksPerChart(String dom) {
    Map<String, Integer> out = new LinkedHashMap<>();
    Matcher m = Pattern.compile("<svg id=\"([^\"]+)\"(.*?)</svg>", Pattern.DOTALL).matcher(dom);
    while (m.find()) {
      out.put(m.group(1), count(m.group(2), "class=\"mark\""));
    }
    return out;
  }

  static int count(String s, String what) {
    int n = 0;
    for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }

  /**
   * Runs headless Chromium ({@code TRAILWATCH_CHROMIUM}, which bin/test sets, else {@code chromium} on the PATH)
   * with {@code args}; its stdout. Fails, never skips, when it is not installed.
   */
  String chromium(String... args) throws Exception {
    String exe = System.getenv("TRAILWATCH_CHROMIUM");
    if (exe != null && !Files.isExecutable(Path.of(exe))) {
      fail("TRAILWATCH_CHROMIUM=" + exe + " is not an executable file");
    }
    for (String name : List.of("chromium", "chromium-browser")) {
      for (String p : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
        if (exe == null && Files.isExecutable(Path.of(p, name))) {
          exe = Path.of(p, name).toString();
        }
      }
    }
    if (exe == null) {
      fail("chromium is not installed: the report test opens the page in headless Chromium."
          + " Install it with `apt-get install -y chromium` (Debian; `bin/test` and `.ci/run` do this).");
    }
    List<String> cmd = new ArrayList<>(List.of(exe, "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--hide-scrollbars", "--user-data-dir=" + dir.resolve("chromium-profile")));
    cmd.addAll(List.of(args));
    Path out = dir.resolve("chromium.out");
    Path err = dir.resolve("chromium.err");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("chromium did not finish in 120 s: " + Files.readString(err));
    }
    assertEquals(0, p.exitValue(), () -> "chromium failed: " + read(err));
    return Files.readString(out, StandardCharsets.UTF_8);
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (Exception e) {
      return e.toString();
    }
  }
}
