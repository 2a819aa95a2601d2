package io.trailwatch.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.trailwatch.alerting.Alert;
import io.trailwatch.alerting.NewBehavior;
import io.trailwatch.policy.Severity;
import io.trailwatch.testing.HecServer;
import io.trailwatch.testing.SharedData;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Splunk app in splunk/trailwatch against the events {@link HecSink} really sends (captured by
 * the test HEC): its sourcetype is theirs, every field a .conf names is in them, the event type
 * is tagged alert, and the CIM Alerts fields are there as single values.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SplunkAppTest {
  static final Path APP = SharedData.projectRoot().resolve("splunk/trailwatch/default");
  static final String TOKEN = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
  static final Instant HOUR = Instant.parse("2026-11-20T14:00:00Z");
  /** CIM Alerts' fields (DESIGN.md). */
  static final List<String> CIM_ALERTS = List.of("app", "description", "dest", "id", "mitre_technique_id", "severity",
      "severity_id", "signature", "signature_id", "src", "type", "user", "vendor_account", "vendor_region");
  /** Fields Splunk has for any event, or that a search makes itself. */
  static final Set<String> SPLUNK = Set.of("_time", "sourcetype", "source", "host", "index", "tag", "eventtype");

  static HecServer hec;
  static List<JsonNode> events;

  @BeforeAll
  static void captureWhatTheSinkSends() throws IOException {
    hec = HecServer.start(TOKEN);
    HecSettings s = HecSettings.builder(URI.create(hec.url()), Secret.of(TOKEN)).maxAttempts(1)
        .connectTimeout(Duration.ofSeconds(5)).readTimeout(Duration.ofSeconds(10)).build();
    List<DeliveryOutcome> out = new HecSink(s).send(List.of(tamper(), recon()));
    assertTrue(out.stream().allMatch(o -> o.status() == DeliveryStatus.SENT), out::toString);
    events = hec.events();
    assertEquals(2, events.size());
  }

  @AfterAll
  static void stop() {
    hec.close();
  }

  /** An IAM user stopping CloudTrail from two addresses in two regions. */
  static Alert tamper() {
    return alert("user/intruder", "IAMUser", Severity.CRITICAL, new NewBehavior("cloudtrail.amazonaws.com",
        "StopLogging", 1, HOUR.plusSeconds(600), HOUR.plusSeconds(600), false, false, "critical", false),
        List.of("203.0.113.9", "198.51.100.7"), List.of("us-east-1", "eu-west-1"));
  }

  /** A role listing users: medium. */
  static Alert recon() {
    return alert("role/app", "AssumedRole", Severity.MEDIUM, new NewBehavior("iam.amazonaws.com", "ListUsers", 3,
        HOUR.plusSeconds(60), HOUR.plusSeconds(90), false, true, "medium", false), List.of("10.0.0.5"),
        List.of("us-east-1"));
  }

  static Alert alert(String name, String type, Severity severity, NewBehavior b, List<String> ips,
      List<String> regions) {
    String p = "arn:aws:iam::111122223333:" + name;
    return Alert.builder().alertId(Alert.idFor("payments", "111122223333", p, HOUR, HOUR)).hour(HOUR).detectHour(HOUR)
        .businessUnit("payments").accountId("111122223333").principal(p).identityType(type).severity(severity)
        .reason("new: " + b.label()).newBehaviors(List.of(b)).sourceIps(ips).userAgents(List.of("aws-cli/2.15.0"))
        .regions(regions).eventIds(List.of("e-" + name)).build();
  }

  @Test
  void theSourcetypeIsTrailwatchsOwnAndPropsExtractsItsJson() throws IOException {
    Map<String, Map<String, String>> props = conf("props.conf");
    for (JsonNode e : events) {
      assertEquals("trailwatch:alert", e.path("sourcetype").asText());
    }
    assertEquals(Set.of("trailwatch:alert"), props.keySet());
    assertEquals(HecSettings.DEFAULT_SOURCETYPE, props.keySet().iterator().next());
    assertEquals("json", props.get("trailwatch:alert").get("KV_MODE"));
    assertFalse(props.get("trailwatch:alert").containsKey("INDEXED_EXTRACTIONS"),
        "HEC's event endpoint does not apply indexed extractions");
  }

  @Test
  void everyFieldAliasReadsAFieldTheEventsHaveAndAddsANewName() throws IOException {
    Set<String> fields = fields();
    int aliases = 0;
    for (Map.Entry<String, String> kv : conf("props.conf").get("trailwatch:alert").entrySet()) {
      if (!kv.getKey().startsWith("FIELDALIAS-")) {
        continue;
      }
      Matcher m = Pattern.compile("(\"[^\"]+\"|\\S+)\\s+AS\\s+(\\S+)").matcher(kv.getValue());
      while (m.find()) {
        String from = m.group(1).replace("\"", "");
        assertTrue(fields.contains(from), kv.getKey() + " reads " + from + ", which no event has: " + fields);
        assertFalse(fields.contains(m.group(2)), kv.getKey() + " would overwrite " + m.group(2));
        aliases++;
      }
    }
    assertTrue(aliases >= 5, aliases + " aliases");
  }

  @Test
  void theEventTypeIsTaggedAlertSoAlertsEnterTheCimAlertsDataModel() throws IOException {
    Map<String, Map<String, String>> types = conf("eventtypes.conf");
    Map<String, Map<String, String>> tags = conf("tags.conf");
    assertEquals(Set.of("trailwatch_alert"), types.keySet());
    assertEquals("sourcetype=\"" + events.get(0).path("sourcetype").asText() + "\"",
        types.get("trailwatch_alert").get("search"));
    assertEquals(Map.of("alert", "enabled"), tags.get("eventtype=trailwatch_alert"));
  }

  @Test
  void theCimAlertsFieldsAreThereAsSingleValues() {
    for (JsonNode e : events) {
      JsonNode ev = e.path("event");
      for (String f : CIM_ALERTS) {
        assertTrue(ev.has(f) && ev.get(f).isValueNode() && !ev.get(f).isNull(), f + " in " + ev);
      }
      assertEquals(ev.path("source_ips").get(0).asText(), ev.path("src").asText(), "src: the first source IP");
      assertEquals(ev.path("account_id").asText(), ev.path("vendor_account").asText());
      assertTrue(Set.of("critical", "high", "medium", "low", "informational").contains(ev.path("severity").asText()));
    }
    assertEquals("T1562.008", events.get(0).path("event").path("mitre_technique_id").asText(), "StopLogging");
    assertEquals(5, events.get(0).path("event").path("severity_id").asInt());
    assertEquals("T1087.004", events.get(1).path("event").path("mitre_technique_id").asText(), "ListUsers");
  }

  @Test
  void everyFieldTheSavedSearchesNameIsInTheEventsOrMadeByTheSearch() throws IOException {
    Set<String> known = new TreeSet<>(fields());
    known.addAll(aliasTargets());
    known.addAll(SPLUNK);
    Map<String, Map<String, String>> saved = conf("savedsearches.conf");
    assertTrue(saved.size() >= 2, saved.keySet().toString());
    for (Map.Entry<String, Map<String, String>> s : saved.entrySet()) {
      String spl = s.getValue().get("search");
      Set<String> made = new TreeSet<>();
      Matcher eval = Pattern.compile("\\beval\\s+(\\w+)\\s*=").matcher(spl);
      while (eval.find()) {
        made.add(eval.group(1));
      }
      for (String f : named(spl)) {
        assertTrue(known.contains(f) || made.contains(f), s.getKey() + " names " + f + ", which no event has");
      }
      Matcher in = Pattern.compile("severity IN \\(([^)]*)\\)").matcher(spl);
      while (in.find()) {
        for (String v : in.group(1).split(",\\s*")) {
          assertTrue(Set.of("critical", "high", "medium", "low", "informational").contains(v), v);
        }
      }
      Matcher type = Pattern.compile("eventtype=(\\w+)").matcher(spl);
      while (type.find()) {
        assertTrue(conf("eventtypes.conf").containsKey(type.group(1)), type.group(1));
      }
    }
  }

  /** The fields a search names: in field=value and field IN, and in dedup, table, by and strptime(). */
  static Set<String> named(String spl) {
    Set<String> out = new TreeSet<>();
    String base = spl.split("\\|", 2)[0];
    Matcher kv = Pattern.compile("(\\w+)\\s*(=|\\s+IN\\s*\\()").matcher(base);
    while (kv.find()) {
      out.add(kv.group(1));
    }
    for (String cmd : spl.split("\\|")) {
      String c = cmd.strip();
      if (c.startsWith("table ") || c.startsWith("dedup ")) {
        out.addAll(List.of(c.substring(c.indexOf(' ') + 1).strip().split("\\s+")));
      }
      Matcher by = Pattern.compile("\\bby\\s+(\\w+)").matcher(c);
      while (by.find()) {
        out.add(by.group(1));
      }
      Matcher fn = Pattern.compile("strptime\\((\\w+)").matcher(c);
      while (fn.find()) {
        out.add(fn.group(1));
      }
    }
    return out;
  }

  /** The field names Splunk's JSON extraction gives the captured events: a.b for objects, a{} for lists. */
  static Set<String> fields() {
    Set<String> out = new TreeSet<>();
    for (JsonNode e : events) {
      flatten("", e.path("event"), out);
    }
    return out;
  }

  static void flatten(String prefix, JsonNode n, Set<String> out) {
    if (n.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        flatten(prefix.isEmpty() ? f.getKey() : prefix + "." + f.getKey(), f.getValue(), out);
      }
    } else if (n.isArray()) {
      for (JsonNode x : n) {
        flatten(prefix + "{}", x, out);
      }
    } else if (!n.isNull()) {
      out.add(prefix);
    }
  }

  static Set<String> aliasTargets() throws IOException {
    Set<String> out = new TreeSet<>();
    for (Map.Entry<String, String> kv : conf("props.conf").get("trailwatch:alert").entrySet()) {
      if (kv.getKey().startsWith("FIELDALIAS-")) {
        Matcher m = Pattern.compile("\\bAS\\s+(\\S+)").matcher(kv.getValue());
        while (m.find()) {
          out.add(m.group(1));
        }
      } else if (kv.getKey().startsWith("EVAL-")) {
        out.add(kv.getKey().substring("EVAL-".length()));
      }
    }
    return out;
  }

  /** A .conf file: stanzas of key = value, comments (#) dropped, a trailing backslash continuing a line. */
  static Map<String, Map<String, String>> conf(String name) throws IOException {
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    Map<String, String> cur = null;
    List<String> lines = new ArrayList<>(Files.readAllLines(APP.resolve(name)));
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      while (line.endsWith("\\") && i + 1 < lines.size()) {
        line = line.substring(0, line.length() - 1) + "\n" + lines.get(++i);
      }
      String t = line.strip();
      if (t.isEmpty() || t.startsWith("#")) {
        continue;
      }
      if (t.startsWith("[") && t.endsWith("]")) {
        cur = new LinkedHashMap<>();
        out.put(t.substring(1, t.length() - 1), cur);
        continue;
      }
      int eq = t.indexOf('=');
      assertTrue(cur != null && eq > 0, name + ": not key = value in a stanza: " + t);
      assertEquals(null, cur.put(t.substring(0, eq).strip(), t.substring(eq + 1).strip()), name + ": twice: " + t);
    }
    return out;
  }
}
