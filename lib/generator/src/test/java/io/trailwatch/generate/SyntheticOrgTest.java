package io.trailwatch.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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

/** The synthetic organisation, checked against its own files (principal keys recomputed from DESIGN.md). */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SyntheticOrgTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LOG_NAME =
      Pattern.compile("(\\d{12})_CloudTrail_([a-z0-9-]+)_(\\d{8}T\\d{4}Z)_[A-Za-z0-9]{16}\\.json\\.gz");
  private static final Pattern LOG_PATH = Pattern.compile(
      "AWSLogs/(?:(o-[a-z0-9]+)/)?(\\d{12})/CloudTrail/([a-z0-9-]+)/(\\d{4})/(\\d{2})/(\\d{2})/([^/]+)");
  private static final Pattern DIGEST_PATH = Pattern.compile("AWSLogs/(?:o-[a-z0-9]+/)?(\\d{12})/CloudTrail-Digest/us-east-1/"
      + "\\d{4}/\\d{2}/\\d{2}/\\1_CloudTrail-Digest_us-east-1_[A-Za-z0-9-]+_us-east-1_\\d{8}T\\d{6}Z\\.json\\.gz");
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm'Z'");

  /** 20 days, 4 accounts: every scenario lands in its own account (secrets in the 3rd, cross-account in the 4th). */
  private static final GeneratorSpec SPEC = new GeneratorSpec(20, 4, 8, 40, 7L, GeneratorSpec.DEFAULT_END);

  @TempDir
  static Path dir;
  static GeneratedOrg org;
  static List<LogFile> files;
  static List<Rec> recs;

  record LogFile(String rel, String account, String region, Instant stamp, String dayFolder, List<JsonNode> records) {}

  /** One record, reduced to what the tests look at. */
  record Rec(LogFile file, JsonNode raw, String account, Instant time, String type, String key, String session,
      String source, String name, String errorCode, String eventId, String ip, String userAgent, String eventType) {
    String behaviour() {
      return source + ":" + name;
    }

    String principal() {
      return account + "|" + key;
    }
  }

  @BeforeAll
  static void generate() throws IOException {
    org = SyntheticOrg.generate(SPEC, dir.resolve("org"));
    files = new ArrayList<>();
    recs = new ArrayList<>();
    Path logs = org.logsDir();
    try (Stream<Path> s = Files.walk(logs)) {
      for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
        String rel = logs.relativize(p).toString().replace('\\', '/');
        if (rel.contains("/CloudTrail-Digest/")) {
          continue;
        }
        Matcher m = LOG_PATH.matcher(rel);
        assertTrue(m.matches(), "unexpected path " + rel);
        Matcher n = LOG_NAME.matcher(m.group(7));
        assertTrue(n.matches(), "unexpected file name " + rel);
        Instant stamp = LocalDateTime.parse(n.group(3), STAMP).toInstant(ZoneOffset.UTC);
        JsonNode root = readGzip(p);
        List<JsonNode> rs = new ArrayList<>();
        root.get("Records").forEach(rs::add);
        LogFile f = new LogFile(rel, m.group(2), m.group(3), stamp, m.group(4) + m.group(5) + m.group(6), rs);
        assertEquals(f.account(), n.group(1), rel);
        assertEquals(f.region(), n.group(2), rel);
        files.add(f);
        for (JsonNode r : rs) {
          recs.add(rec(f, r));
        }
      }
    }
  }

  private static JsonNode readGzip(Path p) throws IOException {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(p))) {
      return JSON.readTree(in);
    }
  }

  private static String text(JsonNode n, String field) {
    return GeneratedRecords.text(n, field);
  }

  /** The principal key of DESIGN.md, computed independently of the generator. */
  private static Rec rec(LogFile f, JsonNode r) {
    String type = GeneratedRecords.text(r.get("userIdentity"), "type");
    String acct = text(r, "recipientAccountId");
    GeneratedRecords.Keyed k = GeneratedRecords.principal(r);
    String key = k.key();
    String session = k.session();
    return new Rec(f, r, acct, Instant.parse(text(r, "eventTime")), type, key, session, text(r, "eventSource"),
        text(r, "eventName"), text(r, "errorCode"), text(r, "eventID"), text(r, "sourceIPAddress"), text(r, "userAgent"),
        text(r, "eventType"));
  }

  private static boolean inIncidentHour(Rec r) {
    return !r.time().isBefore(org.incidentHour());
  }

  // ---------------------------------------------------------------- spec

  @Test
  void specDefaultsAndValidation() {
    GeneratorSpec d = GeneratorSpec.defaults();
    assertEquals(new GeneratorSpec(92, 6, 8, 40, 42L, Instant.parse("2026-11-20T15:00:00Z")), d);
    d.validate();
    assertEquals(Instant.parse("2026-11-20T14:00:00Z"), d.incidentHour());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new GeneratorSpec(0, 6, 8, 40, 1, d.end()).validate());
    assertEquals("days must be >= 1, was 0", e.getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new GeneratorSpec(1, 1, 8, 40, 1, d.end()).validate())
        .getMessage().startsWith("accounts must be >= 2"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new GeneratorSpec(1, 2, 2, 40, 1, d.end()).validate())
        .getMessage().startsWith("principalsPerAccount"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new GeneratorSpec(1, 2, 3, 0, 1, d.end()).validate())
        .getMessage().startsWith("eventsPerHour"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new GeneratorSpec(1, 2, 3, 1, 1, null).validate())
        .getMessage().startsWith("end"));
    assertEquals(Instant.parse("2026-11-20T15:00:00Z"),
        new GeneratorSpec(1, 2, 3, 1, 1, Instant.parse("2026-11-20T15:42:10Z")).end(), "end is truncated to the hour");
  }

  @Test
  void refusesToMixWithOldOutput() {
    assertThrows(IOException.class, () -> SyntheticOrg.generate(SPEC, dir.resolve("org")));
  }

  // ---------------------------------------------------------------- determinism

  @Test
  void sameSpecSameBytesWhateverTheThreads() throws IOException {
    GeneratorSpec small = new GeneratorSpec(2, 3, 5, 30, 99L, GeneratorSpec.DEFAULT_END);
    GeneratedOrg a = SyntheticOrg.generate(small, dir.resolve("det-a"), small.hours(), 1);
    GeneratedOrg b = SyntheticOrg.generate(small, dir.resolve("det-b"), small.hours(), 3);
    Map<String, byte[]> fa = allFiles(a.logsDir());
    Map<String, byte[]> fb = allFiles(b.logsDir());
    assertEquals(fa.keySet(), fb.keySet());
    for (String k : fa.keySet()) {
      assertArrayEquals(fa.get(k), fb.get(k), k);
    }
    assertArrayEquals(Files.readAllBytes(a.manifest()), Files.readAllBytes(b.manifest()));
    assertArrayEquals(Files.readAllBytes(a.accountsCsv()), Files.readAllBytes(b.accountsCsv()));
    assertEquals(a.events(), b.events());

    GeneratedOrg c = SyntheticOrg.generate(new GeneratorSpec(2, 3, 5, 30, 100L, GeneratorSpec.DEFAULT_END),
        dir.resolve("det-c"));
    assertNotEquals(fa.keySet(), allFiles(c.logsDir()).keySet(), "another seed, other files");

    // The last hours alone are the same bytes as in the full history.
    GeneratedOrg last = SyntheticOrg.generate(small, dir.resolve("det-last"), 3);
    Map<String, byte[]> fl = allFiles(last.logsDir());
    assertFalse(fl.isEmpty());
    for (Map.Entry<String, byte[]> e : fl.entrySet()) {
      if (!e.getKey().contains("CloudTrail-Digest")) {
        assertArrayEquals(fa.get(e.getKey()), e.getValue(), e.getKey());
      }
    }
  }

  private static Map<String, byte[]> allFiles(Path root) throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        out.put(root.relativize(p).toString(), Files.readAllBytes(p));
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- layout

  @Test
  void accountsFile() throws IOException {
    List<String> lines = Files.readAllLines(org.accountsCsv());
    assertEquals("account_id,name,business_unit", lines.get(0));
    assertEquals(SPEC.accounts() + 1, lines.size());
    Set<String> bus = new HashSet<>();
    for (String l : lines.subList(1, lines.size())) {
      String[] c = l.split(",");
      assertEquals(3, c.length, l);
      assertTrue(c[0].matches("\\d{12}"), l);
      bus.add(c[2]);
    }
    assertTrue(bus.size() >= 2, "at least two business units: " + bus);
    assertEquals(Set.of("111100000001", "111100000002", "111100000003", "111100000004"),
        files.stream().map(LogFile::account).collect(Collectors.toSet()));
  }

  @Test
  void organizationTrailLayoutForTheLastAccount() throws IOException {
    String last = "111100000004";
    assertTrue(files.stream().filter(f -> f.account().equals(last)).allMatch(f -> f.rel().startsWith("AWSLogs/o-exampleorg1/" + last + "/CloudTrail/")));
    assertTrue(files.stream().filter(f -> !f.account().equals(last)).allMatch(f -> f.rel().startsWith("AWSLogs/" + f.account() + "/CloudTrail/")));
    assertFalse(Files.exists(org.logsDir().resolve("AWSLogs/" + last)));
  }

  @Test
  void digestFilesExistAndAreNotLogFiles() throws IOException {
    List<String> digests;
    try (Stream<Path> s = Files.walk(org.logsDir())) {
      digests = s.filter(Files::isRegularFile).map(p -> org.logsDir().relativize(p).toString().replace('\\', '/'))
          .filter(p -> p.contains("CloudTrail-Digest")).toList();
    }
    assertFalse(digests.isEmpty());
    for (String d : digests) {
      assertTrue(DIGEST_PATH.matcher(d).matches(), d);
      assertFalse(LOG_NAME.matcher(d.substring(d.lastIndexOf('/') + 1)).matches(), d);
    }
    assertTrue(digests.stream().anyMatch(d -> d.startsWith("AWSLogs/o-exampleorg1/")));
    assertEquals(org.files(), files.size(), "files counts log files only");
  }

  @Test
  void fileTimesFollowDelivery() {
    Set<String> regions = new HashSet<>();
    for (LogFile f : files) {
      regions.add(f.region());
      String day = f.stamp().toString().substring(0, 10).replace("-", "");
      assertEquals(day, f.dayFolder(), "day folder is the stamp's day: " + f.rel());
      assertFalse(f.records().isEmpty(), f.rel());
    }
    for (Rec r : recs) {
      assertTrue(r.file().stamp().isAfter(r.time()), "a file holds no event younger than itself: " + r.file().rel());
      Instant hour = r.time().truncatedTo(ChronoUnit.HOURS);
      assertFalse(r.file().stamp().isAfter(hour.plus(Duration.ofMinutes(73))), r.file().rel() + " " + r.time());
      assertFalse(r.file().stamp().isBefore(hour.plus(Duration.ofMinutes(32))), r.file().rel() + " " + r.time());
      assertEquals(r.file().account(), r.account());
      assertEquals(r.file().region(), r.raw().get("awsRegion").asText());
    }
    assertTrue(regions.containsAll(Set.of("us-east-1", "eu-west-1", "us-west-2")), regions.toString());
    // IAM and STS are global: logged in us-east-1.
    assertTrue(recs.stream().filter(r -> r.source().equals("iam.amazonaws.com") || r.source().equals("sts.amazonaws.com"))
        .allMatch(r -> r.file().region().equals("us-east-1")));
    // Late-evening events are delivered in the next day's folder.
    assertTrue(recs.stream().anyMatch(r -> r.file().stamp().atZone(ZoneOffset.UTC).getHour() == 0
        && r.time().atZone(ZoneOffset.UTC).getHour() == 23
        && !r.file().dayFolder().equals(r.time().toString().substring(0, 10).replace("-", ""))));
    // The incident hour's second half is in files stamped after the end of history.
    assertTrue(files.stream().anyMatch(f -> f.stamp().isAfter(SPEC.end())));
  }

  @Test
  void recordsLookLikeCloudTrail() {
    for (Rec r : recs) {
      JsonNode n = r.raw();
      assertEquals("1.08", n.get("eventVersion").asText());
      assertTrue(n.get("eventTime").asText().matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z"));
      assertTrue(r.eventId().matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"), r.eventId());
      assertTrue(n.get("readOnly").isBoolean());
      assertTrue(n.get("managementEvent").isBoolean());
      assertTrue(n.has("requestParameters") && n.has("responseElements") && n.has("requestID"));
      assertTrue(r.account().matches("\\d{12}"));
      assertEquals(r.errorCode() != null, n.has("errorMessage"));
      if (r.source().equals("s3.amazonaws.com") && r.name().endsWith("Object")) {
        assertEquals("Data", n.get("eventCategory").asText());
      }
    }
    assertTrue(recs.stream().allMatch(r -> r.account().equals(r.file().account())));
  }

  @Test
  void everyIdentityTypeAppears() {
    Set<String> types = recs.stream().map(Rec::type).collect(Collectors.toSet());
    assertTrue(types.containsAll(Set.of("Root", "IAMUser", "AssumedRole", "FederatedUser", "AWSAccount", "AWSService",
        "SAMLUser", "IdentityCenterUser")), types.toString());
    Set<String> eventTypes = recs.stream().map(Rec::eventType).collect(Collectors.toSet());
    assertTrue(eventTypes.containsAll(Set.of("AwsApiCall", "AwsServiceEvent", "AwsConsoleSignIn")), eventTypes.toString());
    assertTrue(recs.stream().anyMatch(r -> r.key().contains(":role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_")
        && r.key().endsWith("#alice@example.com")));
    assertTrue(recs.stream().anyMatch(r -> r.key().endsWith(
        ":role/aws-service-role/ops.apigateway.amazonaws.com/AWSServiceRoleForAPIGateway")));
    assertTrue(recs.stream().anyMatch(r -> r.type().equals("Root") && r.name().equals("ConsoleLogin")
        && !inIncidentHour(r)), "an early root console login");
    assertTrue(recs.stream().filter(r -> r.type().equals("AWSService")).allMatch(r -> r.eventType().equals("AwsServiceEvent")));
  }

  // ---------------------------------------------------------------- scenarios

  @Test
  void expectedAlertsAreNewInTheIncidentHour() {
    List<ExpectedAlert> alerts = org.expectedAlertsFor(List.of("api"));
    assertEquals(Set.of("stolen-access-key", "cloudtrail-tampering", "root-console-login", "sso-person-new-action",
        "failed-secrets-recon", "cross-account-new-action"), alerts.stream().map(ExpectedAlert::name).collect(Collectors.toSet()));
    assertTrue(alerts.stream().allMatch(a -> a.value() == null), alerts.toString());
    assertEquals(Set.of("api", "region", "network", "client"),
        org.expectedAlerts().stream().map(ExpectedAlert::dimension).collect(Collectors.toSet()));
    for (ExpectedAlert a : alerts) {
      List<Rec> mine = recs.stream().filter(r -> r.account().equals(a.accountId()) && r.key().equals(a.principal())
          && r.source().equals(a.eventSource()) && r.name().equals(a.eventName())).toList();
      assertFalse(mine.isEmpty(), "no record for " + a);
      assertTrue(mine.stream().allMatch(SyntheticOrgTest::inIncidentHour), "seen before the incident hour: " + a);
      assertTrue(mine.stream().allMatch(r -> (r.errorCode() != null) == a.failed()), "failed flag: " + a);
      assertTrue(mine.stream().allMatch(r -> r.type().equals(a.identityType())), "identity type: " + a);
      // The principal itself has a history (except root, whose every action alerts).
      if (!a.identityType().equals("Root")) {
        assertTrue(recs.stream().anyMatch(r -> !inIncidentHour(r) && r.account().equals(a.accountId())
            && r.key().equals(a.principal())), "principal without history: " + a);
      }
    }
    // The stolen key: attacker address and tooling.
    assertTrue(recs.stream().filter(r -> inIncidentHour(r) && r.name().equals("CreateAccessKey"))
        .allMatch(r -> r.ip().equals("203.0.113.66") && r.userAgent().equals("python-requests/2.31")));
    // Per-person keys: bob routinely creates users in the same role, before the incident hour.
    ExpectedAlert alice = alerts.stream().filter(a -> a.name().equals("sso-person-new-action")).findFirst().orElseThrow();
    String bob = alice.principal().replace("#alice@example.com", "#bob@example.com");
    assertTrue(recs.stream().anyMatch(r -> !inIncidentHour(r) && r.account().equals(alice.accountId())
        && r.key().equals(bob) && r.name().equals("CreateUser")));
    // Tampering comes from a session name never seen before.
    ExpectedAlert tamper = alerts.stream().filter(a -> a.name().equals("cloudtrail-tampering")).findFirst().orElseThrow();
    Set<String> oldSessions = recs.stream().filter(r -> !inIncidentHour(r) && r.key().equals(tamper.principal()))
        .map(Rec::session).collect(Collectors.toSet());
    assertTrue(recs.stream().filter(r -> r.name().equals("StopLogging")).noneMatch(r -> oldSessions.contains(r.session())));
  }

  @Test
  void quietCasesDoNewLookingThings() {
    Map<String, Set<String>> history = new HashMap<>();
    Map<String, Set<String>> failedHistory = new HashMap<>();
    Map<String, Set<String>> sessions = new HashMap<>();
    for (Rec r : recs) {
      if (!inIncidentHour(r)) {
        history.computeIfAbsent(r.principal(), k -> new HashSet<>()).add(r.behaviour());
        if (r.errorCode() != null) {
          failedHistory.computeIfAbsent(r.principal(), k -> new HashSet<>()).add(r.behaviour() + ":" + r.errorCode());
        }
        if (r.session() != null) {
          sessions.computeIfAbsent(r.principal(), k -> new HashSet<>()).add(r.session());
        }
      }
    }
    Set<String> names = new HashSet<>();
    for (ExpectedQuiet q : org.expectedQuiet()) {
      names.add(q.name());
      List<Rec> now = recs.stream().filter(r -> inIncidentHour(r) && r.account().equals(q.accountId())
          && r.key().startsWith(q.principalPrefix())).toList();
      assertFalse(now.isEmpty(), "quiet case inactive in the incident hour: " + q);
      String p = now.get(0).principal();
      Set<String> seen = history.getOrDefault(p, Set.of());
      switch (q.name()) {
        case "session-churn" -> {
          assertTrue(now.stream().allMatch(r -> seen.contains(r.behaviour())), "only routine calls: " + q);
          assertTrue(now.stream().noneMatch(r -> sessions.get(p).contains(r.session())), "new session names: " + q);
        }
        case "learning-period" -> {
          Instant first = recs.stream().filter(r -> r.principal().equals(p)).map(Rec::time).min(Instant::compareTo).orElseThrow();
          assertEquals(org.incidentHour().plus(Duration.ofHours(1)).minus(Duration.ofDays(3)), first.truncatedTo(ChronoUnit.HOURS));
          assertTrue(now.stream().filter(r -> !seen.contains(r.behaviour())).count() >= 5, "brand-new calls: " + q);
        }
        case "aws-service", "service-linked-role" ->
            assertTrue(now.stream().anyMatch(r -> !seen.contains(r.behaviour())), "a never-seen call: " + q);
        case "failed-only-routine" -> assertTrue(now.stream().anyMatch(r -> r.errorCode() != null
            && failedHistory.getOrDefault(p, Set.of()).contains(r.behaviour() + ":" + r.errorCode())), q.toString());
        case "sso-person-routine" -> assertTrue(now.stream().anyMatch(r -> r.name().equals("CreateUser"))
            && seen.contains("iam.amazonaws.com:CreateUser"), q.toString());
        case "ec2-internal-source" -> {
          assertTrue(now.stream().allMatch(r -> seen.contains(r.behaviour())), "only routine calls: " + q);
          assertTrue(now.stream().anyMatch(r -> r.ip().equals("AWS Internal")
              && !sessions.get(p).contains(r.session())), q.toString());
          assertTrue(now.stream().anyMatch(r -> r.ip().equals("ec2.amazonaws.com")
              && !sessions.get(p).contains(r.session())), q.toString());
        }
        case "client-version-change" -> {
          assertTrue(now.stream().allMatch(r -> seen.contains(r.behaviour())), "only routine calls: " + q);
          Set<String> oldAgents = recs.stream().filter(r -> !inIncidentHour(r) && r.principal().equals(p))
              .map(Rec::userAgent).collect(Collectors.toSet());
          assertTrue(now.stream().allMatch(r -> r.userAgent().startsWith("aws-cli/") && !oldAgents.contains(r.userAgent())),
              q.toString());
        }
        default -> throw new AssertionError("untested quiet case " + q);
      }
    }
    assertTrue(names.containsAll(Set.of("session-churn", "learning-period", "aws-service", "service-linked-role",
        "ec2-internal-source", "client-version-change")), names.toString());
    assertTrue(org.expectedQuiet().stream().allMatch(q -> q.dimensions().equals(ExpectedAlert.DIMENSIONS)));
  }

  /** Background must not produce alerts of its own: outside the scenarios, the incident hour is all routine. */
  @Test
  void nothingElseIsNewInTheIncidentHour() {
    Map<String, Set<String>> history = new HashMap<>();
    for (Rec r : recs) {
      if (!inIncidentHour(r)) {
        history.computeIfAbsent(r.principal(), k -> new HashSet<>()).add(r.behaviour() + ":" + r.errorCode());
      }
    }
    Set<String> alerting = org.expectedAlertsFor(List.of("api")).stream().map(a -> a.accountId() + "|" + a.principal() + "|"
        + a.eventSource() + ":" + a.eventName()).collect(Collectors.toSet());
    Set<String> quiet = org.expectedQuiet().stream().filter(q -> !q.name().equals("session-churn")
        && !q.name().equals("failed-only-routine") && !q.name().equals("sso-person-routine"))
        .map(q -> q.accountId() + "|" + q.principalPrefix()).collect(Collectors.toSet());
    List<String> unexpected = new ArrayList<>();
    for (Rec r : recs) {
      if (inIncidentHour(r) && !alerting.contains(r.principal() + "|" + r.behaviour()) && !quiet.contains(r.principal())
          && !history.getOrDefault(r.principal(), Set.of()).contains(r.behaviour() + ":" + r.errorCode())) {
        unexpected.add(r.principal() + " " + r.behaviour() + " " + r.errorCode());
      }
    }
    assertTrue(unexpected.isEmpty(), "new behaviour nobody expects: " + unexpected);
  }

  @Test
  void redeliveredDuplicatesExist() {
    Map<String, List<Rec>> byId = recs.stream().collect(Collectors.groupingBy(Rec::eventId));
    List<List<Rec>> dups = byId.values().stream().filter(l -> l.size() > 1).toList();
    double share = (double) dups.size() / byId.size();
    assertTrue(share > 0.004 && share < 0.02, "duplicate share " + share);
    for (List<Rec> d : dups) {
      assertEquals(2, d.size());
      assertEquals(d.get(0).raw(), d.get(1).raw(), "identical records");
      assertNotEquals(d.get(0).file().rel(), d.get(1).file().rel(), "in two files");
      assertEquals(d.get(0).file().account(), d.get(1).file().account());
    }
    assertEquals(org.events(), recs.size());
  }

  @Test
  void incidentHourCountsAreWhatTheFilesHold() {
    List<Rec> hour = recs.stream().filter(SyntheticOrgTest::inIncidentHour).toList();
    long distinct = hour.stream().map(r -> r.account() + "|" + r.eventId()).distinct().count();
    assertEquals(new HourCounts(hour.size(), hour.size() - distinct), org.incidentHourCounts());
    assertTrue(org.incidentHourCounts().duplicates() > 0, "the hour has redeliveries to drop: " + org.incidentHourCounts());
  }

  @Test
  void manifestDescribesTheRun() throws IOException {
    JsonNode m = JSON.readTree(org.manifest().toFile());
    assertEquals("2026-11-20T14:00:00Z", m.get("incidentHour").asText());
    assertEquals(org.incidentHour().toString(), m.get("incidentHour").asText());
    assertEquals(org.events(), m.get("events").asLong());
    assertEquals(org.files(), m.get("files").asLong());
    assertEquals(org.incidentHourCounts(), new HourCounts(m.get("incidentHourRecords").asLong(),
        m.get("incidentHourDuplicates").asLong()));
    assertEquals(org.expectedAlerts().size(), m.get("expectedAlerts").size());
    assertEquals(org.expectedQuiet().size(), m.get("expectedQuiet").size());
    ExpectedAlert first = JSON.treeToValue(m.get("expectedAlerts").get(0), ExpectedAlert.class);
    assertEquals(org.expectedAlerts().get(0), first);
    int lastIdx = org.expectedAlerts().size() - 1;
    JsonNode lastJson = m.get("expectedAlerts").get(lastIdx);
    assertEquals(org.expectedAlerts().get(lastIdx), JSON.treeToValue(lastJson, ExpectedAlert.class));
    assertEquals("client", lastJson.get("dimension").asText());
    assertEquals("python-requests", lastJson.get("value").asText());
    assertTrue(m.get("expectedAlerts").get(0).get("value").isNull());
    ExpectedQuiet q = JSON.treeToValue(m.get("expectedQuiet").get(0), ExpectedQuiet.class);
    assertEquals(org.expectedQuiet().get(0), q);
  }
}
