package io.trailwatch.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trailwatch.alerting.Alert;
import io.trailwatch.core.Hour;
import io.trailwatch.pipeline.Triage;
import io.trailwatch.state.StateLayout;
import io.trailwatch.verdict.Expiry;
import io.trailwatch.verdict.VerdictKind;
import io.trailwatch.verdict.VerdictScope;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The demo's last act (docs/triage.md): an analyst marks one incident alert malicious and one
 * other alert expected (principal scope, 7 days), and in the next hour both principals come back,
 * the attacker repeating the incident's calls and the other principal doing something new. The
 * next hour's run shows both effects: the repeat alerts a level higher as part of the confirmed
 * incident, and the other principal stays quiet, counted as quiet by verdict.
 */
final class DemoTriage {
  static final String ANALYST = "demo-analyst";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm'Z'")
      .withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(ZoneOffset.UTC);

  /** The two verdicts: on {@code incident} (malicious) and on {@code other} (expected). */
  record Picked(Alert incident, Alert other) {}

  private DemoTriage() {}

  /** Records the two verdicts, as {@code trailwatch verdict} does. */
  static void record(Triage triage, StateLayout layout, Picked p, PrintStream out) {
    Triage.Request bad = new Triage.Request("the demo", p.incident().alertId(), VerdictKind.MALICIOUS,
        VerdictScope.BEHAVIOUR, null, ANALYST, "confirmed incident");
    Triage.Request fine = new Triage.Request("the demo", p.other().alertId(), VerdictKind.EXPECTED,
        VerdictScope.PRINCIPAL, Expiry.parse("7d"), ANALYST, "known change");
    for (Map.Entry<Triage.Request, Alert> e : List.of(Map.entry(bad, p.incident()), Map.entry(fine, p.other()))) {
      String bu = e.getValue().businessUnit();
      Triage.Outcome o = triage.record(bu, layout.of(bu), Map.of(e.getKey(), e.getValue()));
      o.written().forEach(v -> out.printf("  verdict %-9s on %s (%s in %s)%s%n", v.kind().label(), v.alertId(),
          v.principal().principal(), v.principal().accountId(), o.rolledBack() > 0 ? ": " + o.rolledBack()
              + " baseline rows rolled back" : ""));
    }
  }

  /**
   * Writes the next hour's return of both principals: the incident alert's sampled events again,
   * and the other alert's sampled events as calls it never made. One file per account, beside the
   * incident hour's files.
   */
  static void writeReturn(Path logs, Picked p, Hour next) throws IOException {
    List<ObjectNode> bad = copies(logs, p.incident(), next, null);
    List<ObjectNode> fine = copies(logs, p.other(), next, "DescribeDemoChange");
    write(logs, p.incident().accountId(), next, bad, "return1");
    write(logs, p.other().accountId(), next, fine, "return2");
  }

  private static List<ObjectNode> copies(Path logs, Alert a, Hour next, String newName) throws IOException {
    Set<String> ids = Set.copyOf(a.eventIds());
    List<ObjectNode> out = new ArrayList<>();
    // The alert's events are in the files written from its hour up to the delivery lag after it.
    String from = STAMP.format(a.hour());
    String to = STAMP.format(a.hour().plusSeconds(3 * 3600));
    for (Path f : files(logs, a.accountId())) {
      String name = f.getFileName().toString();
      String[] parts = name.split("_");
      if (parts.length < 5 || parts[3].compareTo(from) < 0 || parts[3].compareTo(to) > 0) {
        continue;
      }
      for (JsonNode r : records(f)) {
        if (ids.contains(r.path("eventID").asText()) && out.size() < 5) {
          ObjectNode c = r.deepCopy();
          c.put("eventID", java.util.UUID.randomUUID().toString());
          c.put("eventTime", next.start().plusSeconds(300 + out.size()).toString());
          c.remove("errorCode");
          c.remove("errorMessage");
          if (newName != null) {
            c.put("eventName", newName);
          }
          out.add(c);
        }
      }
    }
    return out;
  }

  private static List<Path> files(Path logs, String account) throws IOException {
    try (Stream<Path> s = Files.walk(logs)) {
      return s.filter(f -> f.getFileName().toString().startsWith(account + "_CloudTrail_")).sorted().toList();
    }
  }

  /** A file's records; none from a file the generator broke on purpose (truncated, not CloudTrail). */
  private static List<JsonNode> records(Path f) {
    List<JsonNode> out = new ArrayList<>();
    try (InputStream in = new GZIPInputStream(Files.newInputStream(f))) {
      JSON.readTree(in).path("Records").forEach(out::add);
    } catch (IOException | RuntimeException broken) {
      return List.of();
    }
    return out;
  }

  private static void write(Path logs, String account, Hour next, List<ObjectNode> records, String tag)
      throws IOException {
    if (records.isEmpty()) {
      return;
    }
    String region = records.get(0).path("awsRegion").asText();
    Path any = files(logs, account).stream().filter(f -> f.getFileName().toString().contains("_" + region + "_"))
        .findFirst().orElseThrow();
    // <...>/CloudTrail/<region>/YYYY/MM/DD/<file>: the next hour's day folder under the same region.
    Path regionDir = any.getParent().getParent().getParent().getParent();
    Path dir = regionDir.resolve(DAY.format(next.start()));
    Files.createDirectories(dir);
    ObjectNode body = JSON.createObjectNode();
    ArrayNode arr = body.putArray("Records");
    records.forEach(arr::add);
    Path file = dir.resolve(account + "_CloudTrail_" + region + "_" + STAMP.format(next.start().plusSeconds(900))
        + "_" + tag + ".json.gz");
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(file))) {
      JSON.writeValue(o, body);
    }
  }
}
