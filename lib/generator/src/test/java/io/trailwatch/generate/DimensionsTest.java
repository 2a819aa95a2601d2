package io.trailwatch.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The region, network and client of each principal's background are stable: in the incident hour, only the
 * injected dimension incidents show values that the principal's history has not (values recomputed here from
 * the records, independently of the generator).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DimensionsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  private static final List<String> DIMS = List.of("region", "network", "client");
  /** Background values of the incident hour were used this recently (baselines expire; a margin). */
  private static final Duration MARGIN = Duration.ofDays(7);

  /** 35 days, 3 accounts, 8 workload principals: every kind of background principal appears. */
  private static final GeneratorSpec SPEC = new GeneratorSpec(35, 3, 8, 40, 5L, GeneratorSpec.DEFAULT_END);

  @TempDir
  static Path dir;
  static GeneratedOrg org;
  static List<Rec> recs;

  /** One record: the principal (as in SyntheticOrgTest), its call and its three dimension values. */
  record Rec(String principal, String key, String account, Instant time, String session, String behaviour,
      String region, String network, String client, String userAgent) {
    String value(String dimension) {
      return switch (dimension) {
        case "region" -> region;
        case "network" -> network;
        case "client" -> client;
        default -> throw new IllegalArgumentException(dimension);
      };
    }
  }

  @BeforeAll
  static void generate() throws IOException {
    org = SyntheticOrg.generate(SPEC, dir.resolve("org"));
    recs = read(org);
  }

  static List<Rec> read(GeneratedOrg org) throws IOException {
    List<Rec> out = new ArrayList<>();
    try (Stream<Path> s = Files.walk(org.logsDir())) {
      for (Path p : s.filter(Files::isRegularFile).filter(p -> !p.toString().contains("CloudTrail-Digest")).toList()) {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(p))) {
          for (JsonNode r : JSON.readTree(in).get("Records")) {
            out.add(rec(r));
          }
        }
      }
    }
    return out;
  }

  private static String text(JsonNode n, String field) {
    return GeneratedRecords.text(n, field);
  }

  private static Rec rec(JsonNode r) {
    String acct = text(r, "recipientAccountId");
    GeneratedRecords.Keyed k = GeneratedRecords.principal(r);
    String key = k.key();
    String session = k.session();
    String ua = text(r, "userAgent");
    return new Rec(acct + "|" + key, key, acct, Instant.parse(text(r, "eventTime")), session,
        text(r, "eventSource") + ":" + text(r, "eventName"), text(r, "awsRegion"),
        network(text(r, "sourceIPAddress"), text(r, "vpcEndpointId")), family(ua), ua);
  }

  /** IPv4 to its /24, IPv6 to its /48, VPC endpoint calls to the endpoint, anything else (service names) as it is. */
  static String network(String ip, String vpce) {
    if (vpce != null) {
      return "vpce:" + vpce;
    }
    Matcher m = IPV4.matcher(ip);
    if (m.matches()) {
      return m.group(1) + "." + m.group(2) + "." + m.group(3) + ".0/24";
    }
    if (ip.contains(":")) {
      String[] h = ip.split(":", -1);
      return h[0] + ":" + (h.length > 1 ? h[1] : "") + ":" + (h.length > 2 ? h[2] : "") + "::/48";
    }
    return ip;
  }

  /** The user agent's first token without its version: "aws-cli/2.13.25 Python/..." is "aws-cli". */
  static String family(String ua) {
    int end = ua.length();
    for (int i = 0; i < ua.length(); i++) {
      char c = ua.charAt(i);
      if (c == '/' || c == ' ') {
        end = i;
        break;
      }
    }
    return ua.substring(0, end);
  }

  private static boolean inIncidentHour(Rec r) {
    return !r.time().isBefore(org.incidentHour());
  }

  /** principal -> "dimension=value" -> last time seen before the incident hour. */
  private static Map<String, Map<String, Instant>> history() {
    Map<String, Map<String, Instant>> h = new HashMap<>();
    for (Rec r : recs) {
      if (!inIncidentHour(r)) {
        Map<String, Instant> m = h.computeIfAbsent(r.principal(), k -> new HashMap<>());
        for (String d : DIMS) {
          m.merge(d + "=" + r.value(d), r.time(), (a, b) -> a.isAfter(b) ? a : b);
        }
      }
    }
    return h;
  }

  private static Set<String> expectedNew() {
    return org.expectedAlertsFor(DIMS).stream()
        .map(a -> a.accountId() + "|" + a.principal() + " " + a.dimension() + "=" + a.value())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  @Test
  void onlyTheDimensionIncidentsAreNewInTheIncidentHour() {
    Map<String, Map<String, Instant>> history = history();
    Set<String> fresh = new TreeSet<>();
    List<String> stale = new ArrayList<>();
    for (Rec r : recs) {
      Map<String, Instant> seen = history.get(r.principal());
      // A principal without history (root's first sign-in) has only new values: alerting on it is the api's job.
      if (!inIncidentHour(r) || seen == null) {
        continue;
      }
      for (String d : DIMS) {
        Instant last = seen.get(d + "=" + r.value(d));
        if (last == null) {
          fresh.add(r.principal() + " " + d + "=" + r.value(d));
        } else if (last.isBefore(org.incidentHour().minus(MARGIN))) {
          stale.add(r.principal() + " " + d + "=" + r.value(d) + " last seen " + last);
        }
      }
    }
    assertEquals(expectedNew(), fresh);
    assertTrue(stale.isEmpty(), "background values not seen for a week: " + stale);
  }

  @Test
  void dimensionIncidentsAreRoutineCallsWithOneNewValue() {
    Map<String, Set<String>> behaviours = new HashMap<>();
    for (Rec r : recs) {
      if (!inIncidentHour(r)) {
        behaviours.computeIfAbsent(r.principal(), k -> new TreeSet<>()).add(r.behaviour());
      }
    }
    List<ExpectedAlert> dims = org.expectedAlertsFor(DIMS);
    assertEquals(Map.of("new-region", "region", "new-network", "network", "new-client", "client"),
        dims.stream().filter(a -> a.name().startsWith("new-"))
            .collect(Collectors.toMap(ExpectedAlert::name, ExpectedAlert::dimension)));
    for (ExpectedAlert a : dims) {
      String p = a.accountId() + "|" + a.principal();
      List<Rec> now = recs.stream().filter(r -> inIncidentHour(r) && r.principal().equals(p)
          && r.value(a.dimension()).equals(a.value())).toList();
      assertFalse(now.isEmpty(), "no record with the new value: " + a);
      assertTrue(now.stream().anyMatch(r -> r.behaviour().equals(a.eventSource() + ":" + a.eventName())), a.toString());
      assertTrue(now.stream().allMatch(r -> r.key().equals(a.principal())), a.toString());
      if (a.name().startsWith("new-")) {
        // With api only, nothing alerts for it: every call of its incident hour is routine.
        Set<String> seen = behaviours.getOrDefault(p, Set.of());
        assertTrue(recs.stream().filter(r -> inIncidentHour(r) && r.principal().equals(p))
            .allMatch(r -> seen.contains(r.behaviour())), "a new call: " + a);
        assertTrue(org.expectedAlertsFor(List.of("api")).stream()
            .noneMatch(x -> x.accountId().equals(a.accountId()) && x.principal().equals(a.principal())), a.toString());
      }
    }
    ExpectedAlert region = dims.stream().filter(a -> a.name().equals("new-region")).findFirst().orElseThrow();
    assertEquals("ap-southeast-1", region.value());
    assertTrue(recs.stream().filter(r -> inIncidentHour(r) && r.region().equals("ap-southeast-1")).count() >= 8);
    assertTrue(recs.stream().filter(r -> !inIncidentHour(r)).noneMatch(r -> r.region().equals("ap-southeast-1")));
    assertEquals("198.51.100.0/24",
        dims.stream().filter(a -> a.name().equals("new-network")).findFirst().orElseThrow().value());
    assertEquals("python-requests",
        dims.stream().filter(a -> a.name().equals("new-client")).findFirst().orElseThrow().value());
  }

  @Test
  void clientVersionsChurnWithinTheFamily() {
    ExpectedQuiet laptop = org.expectedQuiet().stream().filter(q -> q.name().equals("client-version-change"))
        .findFirst().orElseThrow();
    String bob = laptop.accountId() + "|" + laptop.principalPrefix();
    Set<String> old = recs.stream().filter(r -> !inIncidentHour(r) && r.principal().equals(bob)).map(Rec::userAgent)
        .collect(Collectors.toSet());
    assertTrue(old.size() >= 2, "versions change over history: " + old);
    assertEquals(Set.of("aws-cli"), old.stream().map(DimensionsTest::family).collect(Collectors.toSet()));
    List<Rec> now = recs.stream().filter(r -> inIncidentHour(r) && r.principal().equals(bob)).toList();
    assertFalse(now.isEmpty());
    assertTrue(now.stream().allMatch(r -> r.client().equals("aws-cli") && !old.contains(r.userAgent())), now.toString());
  }

  @Test
  void ec2RolesCallFromAFewSubnetsOrFromAws() {
    Map<String, Set<String>> networks = new HashMap<>();
    Map<String, Set<String>> sessions = new HashMap<>();
    for (Rec r : recs) {
      if (r.key().contains(":role/app-") || r.key().contains(":role/batch-")) {
        networks.computeIfAbsent(r.principal(), k -> new TreeSet<>()).add(r.network());
        sessions.computeIfAbsent(r.principal(), k -> new TreeSet<>()).add(r.session());
      }
    }
    assertFalse(networks.isEmpty());
    for (Map.Entry<String, Set<String>> e : networks.entrySet()) {
      Set<String> n = e.getValue();
      assertTrue(n.size() <= 4, e.toString());
      assertTrue(n.stream().allMatch(v -> v.equals("AWS Internal") || v.equals("ec2.amazonaws.com")
          || v.matches("10\\.\\d+\\.\\d+\\.0/24")), e.toString());
      assertTrue(sessions.get(e.getKey()).size() > 20, "session names churn: " + e.getKey());
    }
    ExpectedQuiet q = org.expectedQuiet().stream().filter(x -> x.name().equals("ec2-internal-source")).findFirst()
        .orElseThrow();
    Set<String> now = recs.stream().filter(r -> inIncidentHour(r) && r.principal().equals(q.accountId() + "|"
        + q.principalPrefix())).map(Rec::network).collect(Collectors.toSet());
    assertTrue(now.containsAll(Set.of("AWS Internal", "ec2.amazonaws.com")), now.toString());
  }

  /** The smallest org the other modules' tests generate (2 accounts, 3 workload principals) has every incident. */
  @Test
  void theSmallestOrgHasEveryDimensionIncident() throws IOException {
    GeneratedOrg small = SyntheticOrg.generate(new GeneratorSpec(2, 2, 3, 5, 11L, GeneratorSpec.DEFAULT_END),
        dir.resolve("small"));
    List<Rec> rs = read(small);
    for (ExpectedAlert a : small.expectedAlertsFor(DIMS)) {
      assertTrue(rs.stream().anyMatch(r -> !r.time().isBefore(small.incidentHour())
          && r.principal().equals(a.accountId() + "|" + a.principal()) && r.value(a.dimension()).equals(a.value())),
          a.toString());
    }
    for (ExpectedQuiet q : small.expectedQuiet()) {
      assertTrue(rs.stream().anyMatch(r -> !r.time().isBefore(small.incidentHour())
          && r.principal().startsWith(q.accountId() + "|" + q.principalPrefix())), q.toString());
    }
    assertEquals(Set.of("api", "region", "network", "client"),
        small.expectedAlerts().stream().map(ExpectedAlert::dimension).collect(Collectors.toSet()));
  }
}
