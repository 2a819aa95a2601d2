package io.trailwatch.aws;

import io.trailwatch.core.ErrorCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.core.Hour;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.accounts.Account;
import io.trailwatch.ingest.LogFile;
import io.trailwatch.ingest.LogPlanner.Plan;
import io.trailwatch.ingest.QuarantineEntry;
import io.trailwatch.core.QuarantineReason;
import io.trailwatch.testing.MotoServer;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/** Planning against a real S3-compatible server (moto): what is listed, how often, and what comes out. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class S3LogPlannerTest {
  @RegisterExtension static final MotoServer MOTO = new MotoServer();

  static final String PAY = "111111111111";
  static final String PLAT = "222222222222";
  static final String OTHER = "333333333333";
  static final String ORG = "o-abcdef1234";
  static final List<Account> ACCOUNTS = List.of(new Account(PAY, "pay-prod", "payments"),
      new Account(PLAT, "plat-prod", "platform"));
  static final Hour H = Hour.parse("--hour", "2026-11-20T14");
  static final Duration LAG = Duration.ofMinutes(30);
  static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm'Z'").withZone(ZoneOffset.UTC);
  static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(ZoneOffset.UTC);
  static final AtomicInteger IDS = new AtomicInteger();

  String bucket;
  S3Client client;

  @BeforeEach
  void setUp() {
    bucket = MOTO.newBucket("trail");
    client = S3Clients.create(new S3Settings(MOTO.endpoint(), "us-east-1"), 4, false);
  }

  @AfterEach
  void tearDown() {
    client.close();
  }

  /** Puts a log object of (account, region, fileTime) under {@code root} (e.g. {@code AWSLogs/}) and returns its key. */
  String log(String root, String account, String region, Instant fileTime) {
    String key = root + account + "/CloudTrail/" + region + "/" + DAY.format(fileTime) + "/" + account
        + "_CloudTrail_" + region + "_" + STAMP.format(fileTime) + "_" + Integer.toHexString(IDS.incrementAndGet())
        + "Xy.json.gz";
    MOTO.put(bucket, key, "{\"Records\":[]}");
    return key;
  }

  String log(String account, String region, Instant fileTime) {
    return log("AWSLogs/", account, region, fileTime);
  }

  S3LogPlanner planner(String prefix, int pageSize) {
    return new S3LogPlanner(client, false, S3Location.parse("--logs", "s3://" + bucket + "/" + prefix), 4, pageSize,
        new Retrying(8, 1, 5, ms -> { }));
  }

  static Plan plan(S3LogPlanner p, Hour h) {
    return p.plan(ACCOUNTS, h.start(), h.end().plus(LAG));
  }

  Set<String> uris(Plan p) {
    return p.files().stream().map(LogFile::uri).collect(Collectors.toSet());
  }

  Set<String> uris(String... keys) {
    return java.util.Arrays.stream(keys).map(k -> "s3://" + bucket + "/" + k).collect(Collectors.toSet());
  }

  static Instant at(String t) {
    return Instant.parse(t);
  }

  @Test
  void regionsAreDiscoveredFromTheBucket() {
    String a = log(PAY, "us-east-1", at("2026-11-20T14:10:00Z"));
    String b = log(PAY, "eu-central-1", at("2026-11-20T14:15:00Z"));
    String c = log(PAY, "ap-southeast-2", at("2026-11-20T15:05:00Z"));
    String d = log(PLAT, "us-west-2", at("2026-11-20T14:40:00Z"));
    Plan p = plan(planner("", 1000), H);
    assertEquals(uris(a, b, c, d), uris(p));
    assertEquals(Set.of("us-east-1", "eu-central-1", "ap-southeast-2", "us-west-2"),
        p.files().stream().map(LogFile::region).collect(Collectors.toSet()));
    LogFile f = p.files().stream().filter(x -> x.region().equals("us-west-2")).findFirst().orElseThrow();
    assertEquals(PLAT, f.accountId());
    assertEquals("platform", f.businessUnit());
    assertEquals(at("2026-11-20T14:40:00Z"), f.fileTime());
    assertEquals("{\"Records\":[]}".length(), f.size());
    assertEquals(List.of(), p.rejected());
  }

  @Test
  void orgTrailLayoutIsPlanned() {
    String org = "AWSLogs/" + ORG + "/";
    String a = log(org, PAY, "us-east-1", at("2026-11-20T14:10:00Z"));
    String b = log(org, PLAT, "eu-west-1", at("2026-11-20T14:20:00Z"));
    log(org, OTHER, "us-east-1", at("2026-11-20T14:10:00Z"));
    String direct = log(PAY, "us-east-1", at("2026-11-20T14:25:00Z"));
    S3LogPlanner planner = planner("", 1000);
    Plan p = plan(planner, H);
    assertEquals(uris(a, b, direct), uris(p), "both layouts; the other BU's account is not planned");
    // AWSLogs/, the organisation, 3 trail folders (2 org, 1 direct), 3 region-days; the other account: nothing.
    assertEquals(1 + 1 + 3 + 3, planner.listRequests());
  }

  @Test
  void bucketPrefixIsHonoured() {
    String a = log("trails/prod/AWSLogs/", PAY, "us-east-1", at("2026-11-20T14:10:00Z"));
    String b = log("trails/prod/AWSLogs/" + ORG + "/", PLAT, "us-east-1", at("2026-11-20T14:10:00Z"));
    log(PAY, "us-east-1", at("2026-11-20T14:10:00Z"));
    log("trails/test/AWSLogs/", PAY, "us-east-1", at("2026-11-20T14:10:00Z"));
    assertEquals(uris(a, b), uris(plan(planner("trails/prod", 1000), H)));
    assertEquals(uris(a, b), uris(plan(planner("trails/prod/AWSLogs/", 1000), H)), "the AWSLogs/ prefix itself");
  }

  @Test
  void digestAndInsightFoldersAreSkipped() {
    String a = log(PAY, "us-east-1", at("2026-11-20T14:10:00Z"));
    String day = "us-east-1/2026/11/20/";
    MOTO.put(bucket, "AWSLogs/" + PAY + "/CloudTrail-Digest/" + day + PAY
        + "_CloudTrail-Digest_us-east-1_trail_us-east-1_20261120T141000Z.json.gz", "{}");
    MOTO.put(bucket, "AWSLogs/" + PAY + "/CloudTrail-Insight/" + day + PAY
        + "_CloudTrail-Insight_us-east-1_20261120T141000Z_abc.json.gz", "{}");
    S3LogPlanner planner = planner("", 1000);
    Plan p = plan(planner, H);
    assertEquals(uris(a), uris(p));
    assertEquals(List.of(), p.rejected(), "never listed, so never quarantined either");
    assertEquals(1 + 1 + 1, planner.listRequests());
  }

  @Test
  void onlyTheDayFoldersOfTheWindowAreListed() {
    List<String> wanted = new ArrayList<>();
    for (String region : List.of("us-east-1", "eu-west-1")) {
      log(PAY, region, at("2026-11-19T14:10:00Z"));
      log(PAY, region, at("2026-11-20T13:55:00Z"));
      wanted.add(log(PAY, region, at("2026-11-20T14:05:00Z")));
      wanted.add(log(PAY, region, at("2026-11-20T15:30:00Z")));
      log(PAY, region, at("2026-11-20T15:35:00Z"));
      log(PAY, region, at("2026-11-21T14:10:00Z"));
    }
    wanted.add(log(PLAT, "us-east-1", at("2026-11-20T14:45:00Z")));
    log(PLAT, "us-east-1", at("2026-11-18T14:45:00Z"));
    S3LogPlanner planner = planner("", 1000);
    Plan p = plan(planner, H);
    assertEquals(uris(wanted.toArray(String[]::new)), uris(p), "name time in [14:00, 15:30], both ends included");
    // AWSLogs/, 2 trail folders, and one day folder per region (3): never the other days.
    assertEquals(1 + 2 + 3, planner.listRequests());
  }

  @Test
  void eventsNearMidnightAreLookedForInTheNextDaysFolder() {
    String a = log(PAY, "us-east-1", at("2026-11-19T23:10:00Z"));
    String b = log(PAY, "us-east-1", at("2026-11-20T00:09:00Z"));
    log(PAY, "us-east-1", at("2026-11-20T00:45:00Z"));
    log(PAY, "us-east-1", at("2026-11-19T22:55:00Z"));
    S3LogPlanner planner = planner("", 1000);
    assertEquals(uris(a, b), uris(plan(planner, Hour.parse("--hour", "2026-11-19T23"))));
    assertEquals(1 + 1 + 2, planner.listRequests(), "the 19th and the 20th");
    S3LogPlanner earlier = planner("", 1000);
    plan(earlier, Hour.parse("--hour", "2026-11-19T22"));
    assertEquals(1 + 1 + 1, earlier.listRequests(), "22:00 + 1 h + lag stays on the 19th");
  }

  @Test
  void listingsPaginate() {
    List<String> wanted = new ArrayList<>();
    for (int i = 0; i < 23; i++) {
      wanted.add(log(PAY, "us-east-1", H.start().plus(Duration.ofMinutes(2L * i))));
    }
    for (String region : List.of("eu-west-1", "eu-west-2", "eu-west-3", "eu-north-1", "eu-south-1", "sa-east-1")) {
      wanted.add(log(PAY, region, at("2026-11-20T14:10:00Z")));
    }
    S3LogPlanner planner = planner("", 5);
    assertEquals(uris(wanted.toArray(String[]::new)), uris(plan(planner, H)));
    // AWSLogs/ (1 page), 7 regions (2 pages), us-east-1's 23 files (5 pages), 6 other regions (1 page each).
    assertEquals(1 + 2 + 5 + 6, planner.listRequests());
  }

  @Test
  void oddObjectNamesAreQuarantined() {
    String good = log(PAY, "us-east-1", at("2026-11-20T14:10:00Z"));
    String dir = "AWSLogs/" + PAY + "/CloudTrail/us-east-1/2026/11/20/";
    List<String> odd = List.of(dir + "notes.txt",
        dir + PLAT + "_CloudTrail_us-east-1_20261120T1410Z_abc.json.gz",
        dir + PAY + "_CloudTrail_eu-west-1_20261120T1410Z_abc.json.gz",
        dir + PAY + "_CloudTrail_us-east-1_20261120T1410Z_abc.json");
    odd.forEach(k -> MOTO.put(bucket, k, "x"));
    Plan p = plan(planner("", 1000), H);
    assertEquals(uris(good), uris(p));
    assertEquals(uris(odd.toArray(String[]::new)),
        p.rejected().stream().map(QuarantineEntry::source).collect(Collectors.toSet()));
    for (QuarantineEntry q : p.rejected()) {
      assertEquals(QuarantineReason.UNEXPECTED_FILE_NAME, q.reason());
      assertTrue(q.isFile());
      assertEquals(PAY, q.accountId());
      assertEquals("payments", q.businessUnit());
    }
  }

  @Test
  void throttledListingsAreRetried() {
    String a = log(PAY, "us-east-1", at("2026-11-20T14:10:00Z"));
    AtomicInteger failures = new AtomicInteger(3);
    S3Client flaky = (S3Client) Proxy.newProxyInstance(S3Client.class.getClassLoader(), new Class<?>[] {S3Client.class},
        (proxy, m, args) -> {
          if (m.getName().equals("listObjectsV2") && failures.getAndDecrement() > 0) {
            throw S3Exception.builder().statusCode(503)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("SlowDown").errorMessage("Please reduce").build())
                .build();
          }
          try {
            return m.invoke(client, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    List<Long> waits = new ArrayList<>();
    S3LogPlanner planner = new S3LogPlanner(flaky, false, S3Location.parse("--logs", "s3://" + bucket), 1, 1000,
        new Retrying(8, 100, 10_000, waits::add));
    assertEquals(uris(a), uris(plan(planner, H)));
    assertEquals(3 + 3, planner.listRequests(), "3 throttled + AWSLogs/, the trail folder and the day folder");
    assertEquals(3, waits.size());
    for (int i = 0; i < waits.size(); i++) {
      long ceiling = 100L << i;
      long w = waits.get(i);
      assertTrue(w >= 0 && w <= ceiling, () -> "wait " + w + " within full-jitter ceiling " + ceiling);
    }
  }

  @Test
  void accessDeniedIsAnExternalErrorNamingTheLocation() {
    S3Client denying = (S3Client) Proxy.newProxyInstance(S3Client.class.getClassLoader(),
        new Class<?>[] {S3Client.class}, (proxy, m, args) -> {
          if (m.getName().equals("listObjectsV2")) {
            throw S3Exception.builder().statusCode(403)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDenied").errorMessage("Access Denied")
                    .build())
                .build();
          }
          return m.invoke(client, args);
        });
    S3LogPlanner planner = new S3LogPlanner(denying, false, S3Location.parse("--logs", "s3://" + bucket + "/org"), 1,
        1000, new Retrying(8, 1, 2, ms -> { }));
    TrailwatchException e = assertThrows(TrailwatchException.class, () -> plan(planner, H));
    assertEquals(ErrorCode.LOGS_ACCESS_DENIED, e.code());
    assertEquals(TrailwatchException.Kind.EXTERNAL, e.kind());
    assertTrue(e.getMessage().contains("s3://" + bucket + "/org/AWSLogs/"), e.getMessage());
    assertEquals(1, planner.listRequests(), "access denied is not retried");
  }

  @Test
  void missingBucketIsAUserError() {
    S3LogPlanner planner = new S3LogPlanner(client, false, S3Location.parse("--logs", "s3://no-such-bucket-tw"), 2,
        1000, Retrying.standard());
    TrailwatchException e = assertThrows(TrailwatchException.class, () -> plan(planner, H));
    assertEquals(ErrorCode.LOGS_NOT_FOUND, e.code());
    assertEquals(TrailwatchException.Kind.USER, e.kind());
  }

  @Test
  void bucketWithoutAwsLogsIsAUserError() {
    MOTO.put(bucket, "something/else.txt", "x");
    TrailwatchException e = assertThrows(TrailwatchException.class, () -> plan(planner("", 1000), H));
    assertEquals(ErrorCode.LOGS_NOT_CLOUDTRAIL, e.code());
  }

  @Test
  void unreachableServerIsAnExternalErrorNamingTheLocation() {
    S3Settings nowhere = new S3Settings(MOTO.endpoint(), "us-east-1").withEndpoint("http://127.0.0.1:1");
    try (S3Client dead = S3Clients.create(nowhere, 1, false)) {
      S3LogPlanner planner = new S3LogPlanner(dead, false, S3Location.parse("--logs", "s3://" + bucket + "/x"), 1,
          1000, new Retrying(2, 1, 2, ms -> { }));
      TrailwatchException e = assertThrows(TrailwatchException.class, () -> plan(planner, H));
      assertEquals(ErrorCode.LOGS_NOT_READABLE, e.code());
      assertEquals(TrailwatchException.Kind.EXTERNAL, e.kind());
      assertTrue(e.getMessage().contains("s3://" + bucket + "/x/AWSLogs/"), e.getMessage());
      assertEquals(2, planner.listRequests(), "a refused connection is retried");
    }
  }
}
