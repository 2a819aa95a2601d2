package io.trailwatch.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.alerting.Alert;
import io.trailwatch.testing.HecServer;
import io.trailwatch.testing.SyntheticAlerts;
import io.trailwatch.testing.TestTls;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link HecSink} against the test receiver: batches, retries, refusals, acks, TLS, and exactly-once arrival. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class HecSinkTest {
  static final String TOKEN = "5e2f9a41-0c1b-4d6e-8f7a-93b2c4d5e6f7";
  static final Instant START = Instant.parse("2026-11-20T15:05:00Z");
  final List<Duration> waits = Collections.synchronizedList(new ArrayList<>());
  /** Test time: starts at a fixed instant and moves only by the sink's waits, which are recorded, not slept. */
  final AtomicLong elapsedMillis = new AtomicLong();
  final Clock clock = new Clock() {
    @Override
    public Instant instant() {
      return START.plusMillis(elapsedMillis.get());
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  };
  HecServer hec;

  @BeforeEach
  void start() throws Exception {
    hec = HecServer.start(TOKEN);
  }

  @AfterEach
  void stop() {
    hec.close();
  }

  HecSettings.Builder settings(HecServer server) {
    return HecSettings.builder(URI.create(server.url()), Secret.of(TOKEN))
        .index("security")
        .maxBatchBytes(20_000)
        .maxAttempts(8)
        .backoff(Duration.ofMillis(10), Duration.ofMillis(200))
        .connectTimeout(Duration.ofSeconds(2))
        .readTimeout(Duration.ofSeconds(5))
        .ackPollInterval(Duration.ofMillis(20))
        .ackTimeout(Duration.ofSeconds(2));
  }

  /** A sink on test time: its backoff and ack-poll waits are recorded and move the clock, nothing sleeps. */
  HecSink sink(HecSettings s) {
    return new HecSink(s, clock, d -> {
      waits.add(d);
      elapsedMillis.addAndGet(d.toMillis());
    });
  }

  List<DeliveryOutcome> send(HecSettings s, List<Alert> alerts) {
    List<DeliveryOutcome> out = sink(s).send(alerts);
    assertEquals(alerts.stream().map(Alert::alertId).toList(), out.stream().map(DeliveryOutcome::alertId).toList(),
        "one outcome per alert, in order");
    return out;
  }

  /** Sends, and checks that every alert is SENT and arrived exactly once (in all sends so far). */
  List<DeliveryOutcome> sendAllOnce(HecSettings s, List<Alert> alerts) {
    List<DeliveryOutcome> out = send(s, alerts);
    assertEquals(Map.of(DeliveryStatus.SENT, (long) alerts.size()), statuses(out));
    assertEquals(once(alerts), hec.alertIdCounts());
    return out;
  }

  static Map<DeliveryStatus, Long> statuses(List<DeliveryOutcome> out) {
    return new TreeMap<>(out.stream().collect(Collectors.groupingBy(DeliveryOutcome::status, Collectors.counting())));
  }

  static Map<String, Long> once(List<Alert> alerts) {
    return new TreeMap<>(alerts.stream().collect(Collectors.toMap(Alert::alertId, a -> 1L)));
  }

  @Test
  void aVerdictGoesAsAnUpdateOfItsAlertWithTheSameIdAndEventFields() {
    Alert alert = SyntheticAlerts.of(1).get(0);
    sendAllOnce(settings(hec).build(), List.of(alert));
    io.trailwatch.verdict.Verdict v = io.trailwatch.verdict.Verdict.on(alert, io.trailwatch.verdict.VerdictKind.MALICIOUS,
        io.trailwatch.verdict.VerdictScope.BEHAVIOUR, null, "ana", START, "stolen key");
    List<DeliveryOutcome> out = sink(settings(hec).build()).update(List.of(new io.trailwatch.verdict.VerdictUpdate(alert,
        v)));
    assertEquals(Map.of(DeliveryStatus.SENT, 1L), statuses(out));
    assertEquals(Map.of(alert.alertId(), 2L), hec.alertIdCounts(), "the update has the alert's id");
    com.fasterxml.jackson.databind.JsonNode first = hec.events().get(0).path("event");
    com.fasterxml.jackson.databind.JsonNode update = hec.events().get(1).path("event");
    first.fieldNames().forEachRemaining(f -> assertEquals(first.get(f), update.get(f), f));
    assertEquals("malicious", update.path("verdict").asText());
    assertEquals("ana", update.path("verdict_by").asText());
    assertEquals("verdict", update.path("update").asText());
    assertTrue(first.path("verdict").isMissingNode(), "the alert itself carries no verdict");
  }

  @Test
  void manyAlertsGoInSeveralRequestsUnderTheLimitAndEachArrivesOnce() {
    List<Alert> alerts = SyntheticAlerts.of(300);
    List<DeliveryOutcome> out = sendAllOnce(settings(hec).build(), alerts);
    assertTrue(out.stream().allMatch(o -> o.attempts() == 1 && o.reason() == null));
    List<HecServer.Request> requests = hec.requests();
    assertTrue(requests.size() >= 10, requests.size() + " requests");
    assertTrue(requests.stream().allMatch(r -> r.status() == 200 && r.bodyBytes() <= 20_000 && !r.gzip()), requests::toString);
    assertEquals(300, requests.stream().mapToInt(HecServer.Request::events).sum());
    assertEquals(1, hec.healthChecks(), "health is checked once per send");
    hec.events().forEach(e -> {
      assertEquals("security", e.path("index").asText());
      assertEquals("trailwatch:alert", e.path("sourcetype").asText());
      assertEquals("trailwatch", e.path("source").asText());
      assertEquals(e.path("event").path("alert_id"), e.path("event").path("id"));
    });
  }

  @Test
  void gzipBodiesCarryTheSameEvents() {
    List<Alert> alerts = SyntheticAlerts.of(200);
    sendAllOnce(settings(hec).gzip(true).build(), alerts);
    assertTrue(hec.requests().stream().allMatch(r -> r.gzip()), hec.requests()::toString);
    // Batches of many alerts shrink by far more than 3x (a lone last event compresses less).
    assertTrue(hec.requests().stream().filter(r -> r.events() > 1).allMatch(r -> r.wireBytes() * 3 < r.bodyBytes()),
        hec.requests()::toString);
  }

  @Test
  void hecDownForOneRunThenUpEveryAlertArrivesOnce() throws Exception {
    List<Alert> alerts = SyntheticAlerts.of(50);
    hec.down();
    List<DeliveryOutcome> first = send(settings(hec).build(), alerts);
    assertEquals(Map.of(DeliveryStatus.PENDING, 50L), statuses(first));
    assertTrue(first.stream().allMatch(o -> o.attempts() == 0
        && o.reason().startsWith("not sent: HEC health check failed: GET " + hec.url())), first.get(0)::reason);
    hec.up();
    sendAllOnce(settings(hec).build(), alerts);
  }

  @Test
  void unhealthyHecGetsNoEvents() {
    hec.unhealthy(true);
    List<DeliveryOutcome> out = send(settings(hec).build(), SyntheticAlerts.of(5));
    assertEquals(Map.of(DeliveryStatus.PENDING, 5L), statuses(out));
    assertEquals("not sent: HEC health check failed: GET " + hec.url() + "/services/collector/health: HTTP 503 "
        + "(HEC code 18: HEC is unhealthy, queues are full)", out.get(0).reason());
    assertEquals(0, hec.eventRequests());
  }

  @Test
  void outcomesCarryTheTimeOfTheLastAttempt() {
    hec.answer(503, 2);
    List<DeliveryOutcome> out = send(settings(hec).build(), SyntheticAlerts.of(1));
    assertEquals(List.of(DeliveryOutcome.sent(out.get(0).alertId(), "hec", 3,
        START.plus(waits.get(0)).plus(waits.get(1)))), out);
  }

  @Test
  void aStormOf503sShorterThanTheBudgetIsRiddenOut() {
    List<Alert> alerts = SyntheticAlerts.of(100);
    hec.answer(503, 5);
    List<DeliveryOutcome> out = sendAllOnce(settings(hec).build(), alerts);
    assertEquals(6, out.get(0).attempts(), "5 busy answers, then accepted");
    assertEquals(5, waits.size());
    for (int i = 0; i < waits.size(); i++) {
      assertTrue(waits.get(i).toMillis() <= Math.min(200, 10L << i), "wait " + i + ": " + waits.get(i));
    }
  }

  @Test
  void throttlingAndServerErrorsAreRetriedToo() {
    for (int status : new int[] {429, 500, 502, 504}) {
      hec.answer(status, 2);
      List<Alert> alerts = SyntheticAlerts.of(3);
      assertEquals(Map.of(DeliveryStatus.SENT, 3L), statuses(send(settings(hec).build(), alerts)), "HTTP " + status);
    }
    assertEquals(3 * 4, hec.events().size());
  }

  @Test
  void busyBeyondTheBudgetLeavesAllPendingWithoutARetryStorm() {
    List<Alert> alerts = SyntheticAlerts.of(100);
    hec.answer(503, HecServer.ALWAYS);
    List<DeliveryOutcome> out = send(settings(hec).maxAttempts(3).build(), alerts);
    assertEquals(Map.of(DeliveryStatus.PENDING, 100L), statuses(out));
    assertEquals(3, hec.eventRequests(), "the first request's 3 attempts, then nothing more in this call");
    assertEquals("POST " + hec.url() + "/services/collector/event: HTTP 503 (HEC code 9: Server is busy) "
        + "(gave up after 3 attempts)", out.get(0).reason());
    assertEquals(3, out.get(0).attempts());
    DeliveryOutcome last = out.get(99);
    assertEquals(0, last.attempts());
    assertTrue(last.reason().startsWith("not sent: an earlier request gave up: "), last.reason());
    hec.answer(503, 0);
    sendAllOnce(settings(hec).build(), alerts);
  }

  @Test
  void refusedTokenFailsEveryAlertAfterOneRequest() throws Exception {
    List<Alert> alerts = SyntheticAlerts.of(100);
    hec.answer(401, HecServer.ALWAYS);
    List<DeliveryOutcome> out = send(settings(hec).build(), alerts);
    assertEquals(Map.of(DeliveryStatus.FAILED, 100L), statuses(out));
    assertEquals(1, hec.eventRequests(), "no retry, and no other request with the same token");
    assertEquals("POST " + hec.url() + "/services/collector/event: HTTP 401 (HEC code 3: Invalid authorization)",
        out.get(0).reason());
    assertEquals("not sent: the token was refused: " + out.get(0).reason(), out.get(99).reason());
    try (HecServer other = HecServer.start("another-token")) {
      List<DeliveryOutcome> wrong = send(settings(other).build(), alerts);
      assertEquals(Map.of(DeliveryStatus.FAILED, 100L), statuses(wrong));
      assertEquals(1, other.eventRequests());
      assertEquals("POST " + other.url() + "/services/collector/event: HTTP 403 (HEC code 4: Invalid token)",
          wrong.get(0).reason());
    }
  }

  @Test
  void aBadRequestFailsOnlyTheAlertsItCarried() {
    List<Alert> alerts = SyntheticAlerts.of(100);
    hec.answer(400, 1);
    List<DeliveryOutcome> out = send(settings(hec).build(), alerts);
    int failed = statuses(out).get(DeliveryStatus.FAILED).intValue();
    assertTrue(failed > 0 && failed < 20, failed + " alerts in the first request");
    assertTrue(out.subList(0, failed).stream().allMatch(o -> o.status() == DeliveryStatus.FAILED),
        "the first request's alerts, and no others");
    assertEquals(Map.of(DeliveryStatus.FAILED, (long) failed, DeliveryStatus.SENT, 100L - failed), statuses(out));
    assertEquals(100 - failed, hec.events().size(), "the other requests went on");
    assertEquals(hec.eventRequests(), hec.requests().size());
    assertTrue(out.stream().filter(o -> o.status() == DeliveryStatus.FAILED).allMatch(o -> o.attempts() == 1
        && o.reason().endsWith("HTTP 400 (HEC code 6: Invalid data format)")));
  }

  @Test
  void requestsOverTheReceiversLimitAreNotRetried() throws Exception {
    try (HecServer small = HecServer.builder().token(TOKEN).maxContentBytes(1_000).start()) {
      // Smaller than any one alert's event, so that every request, a lone alert's too, is over the limit.
      List<DeliveryOutcome> out = send(settings(small).build(), SyntheticAlerts.of(40));
      assertEquals(Map.of(DeliveryStatus.FAILED, 40L), statuses(out));
      assertTrue(out.stream().allMatch(o -> o.attempts() == 1 && o.reason().contains("HTTP 413")), out.get(0)::reason);
      assertEquals(small.requests().size(), small.eventRequests());
      assertTrue(small.requests().stream().allMatch(r -> r.status() == 413));
    }
  }

  @Test
  void anAlertLargerThanARequestMayBeIsFailedAndTheOthersSent() {
    List<Alert> alerts = new ArrayList<>(SyntheticAlerts.of(10));
    Alert huge = SyntheticAlerts.alert(999, 300);
    alerts.add(4, huge);
    List<DeliveryOutcome> out = send(settings(hec).build(), alerts);
    DeliveryOutcome o = out.get(4);
    assertEquals(DeliveryStatus.FAILED, o.status());
    assertEquals(0, o.attempts());
    assertTrue(o.reason().matches("not sent: its HEC event is \\d+ bytes, more than hec.max-batch-bytes \\(20000\\)"),
        o.reason());
    assertEquals(Map.of(DeliveryStatus.FAILED, 1L, DeliveryStatus.SENT, 10L), statuses(out));
    assertEquals(once(SyntheticAlerts.of(10)), hec.alertIdCounts());
  }

  @Test
  void withAcksAnAlertIsSentOnlyOnceAcknowledged() throws Exception {
    try (HecServer acking = HecServer.builder().token(TOKEN).acks(true).start()) {
      List<Alert> alerts = SyntheticAlerts.of(60);
      acking.ackPendingPolls(2);
      List<DeliveryOutcome> out = send(settings(acking).acks(true).build(), alerts);
      assertEquals(Map.of(DeliveryStatus.SENT, 60L), statuses(out));
      assertEquals(3, acking.ackPolls(), "two polls answered false, the third true");
      assertEquals(once(alerts), acking.alertIdCounts());

      acking.ackPendingPolls(Integer.MAX_VALUE);
      List<Alert> more = SyntheticAlerts.of(70).subList(60, 70);
      List<DeliveryOutcome> unacked = send(settings(acking).acks(true).ackTimeout(Duration.ofMillis(200)).build(), more);
      assertEquals(Map.of(DeliveryStatus.PENDING, 10L), statuses(unacked));
      assertTrue(unacked.get(0).reason().startsWith("sent but not acknowledged within 0.2 s (ackId "),
          unacked.get(0).reason());
      assertEquals(3 + 11, acking.ackPolls(), "200 ms of polls every 20 ms: the first and ten more");
      assertEquals(once(more), acking.alertIdCounts().entrySet().stream().filter(e -> more.stream()
          .anyMatch(a -> a.alertId().equals(e.getKey()))).collect(Collectors.toMap(Map.Entry::getKey,
              Map.Entry::getValue, (x, y) -> x, TreeMap::new)), "they did arrive: the next run resends them");
    }
  }

  @Test
  void acksWantedButTheTokenHasNoneIsAFailureNotAnEndlessResend() {
    List<DeliveryOutcome> out = send(settings(hec).acks(true).build(), SyntheticAlerts.of(5));
    assertEquals(Map.of(DeliveryStatus.FAILED, 5L), statuses(out));
    assertTrue(out.get(0).reason().contains("gave no ackId"), out.get(0).reason());
  }

  @Test
  void everyThirdRequestFailingStillDeliversEachAlertOnce() {
    List<Alert> alerts = SyntheticAlerts.of(300);
    hec.failEvery(3, 503);
    sendAllOnce(settings(hec).build(), alerts);
    long failures = hec.requests().stream().filter(r -> r.status() == 503).count();
    assertEquals(hec.eventRequests() / 3, failures);
    assertTrue(failures >= 5, failures + " failures");
  }

  @Test
  void aTimeoutAfterSendingIsPendingAndTheResendCarriesTheSameAlertIds() throws Exception {
    List<Alert> alerts = SyntheticAlerts.of(4);
    hec.slow(Duration.ofMillis(1500));
    List<DeliveryOutcome> out = send(settings(hec).readTimeout(Duration.ofMillis(300)).maxAttempts(2).build(), alerts);
    assertEquals(Map.of(DeliveryStatus.PENDING, 4L), statuses(out));
    assertTrue(out.get(0).reason().contains("no answer within the read timeout"), out.get(0).reason());
    hec.slow(Duration.ZERO);
    assertEquals(Map.of(DeliveryStatus.SENT, 4L), statuses(send(settings(hec).build(), alerts)));
    Map<String, Long> counts = hec.alertIdCounts();
    assertEquals(once(alerts).keySet(), counts.keySet(), "only these ids, each at least once (at-least-once)");
    assertTrue(counts.values().stream().allMatch(n -> n == 3), counts::toString);
  }

  @Test
  void tlsIsVerifiedAndTheCaBundleIsTrusted(@TempDir Path dir) throws Exception {
    TestTls tls = TestTls.selfSigned(dir);
    try (HecServer https = HecServer.builder().token(TOKEN).tls(tls.serverContext()).start()) {
      List<Alert> alerts = SyntheticAlerts.of(5);
      List<DeliveryOutcome> untrusted = send(settings(https).build(), alerts);
      assertEquals(Map.of(DeliveryStatus.PENDING, 5L), statuses(untrusted));
      assertTrue(untrusted.get(0).reason().contains("TLS failed"), untrusted.get(0).reason());
      assertEquals(0, https.eventRequests());
      List<DeliveryOutcome> trusted = send(settings(https).caBundle(tls.caPem()).build(), alerts);
      assertEquals(Map.of(DeliveryStatus.SENT, 5L), statuses(trusted));
      assertEquals(once(alerts), https.alertIdCounts());
    }
  }


  @Test
  void theCaBundleIsTrustedBesidesTheJvmsCas(@TempDir Path dir) throws Exception {
    TestTls publicCa = TestTls.selfSigned(java.nio.file.Files.createDirectories(dir.resolve("jvm")));
    TestTls privateCa = TestTls.selfSigned(java.nio.file.Files.createDirectories(dir.resolve("bundle")));
    // The JVM's trusted CAs, as javax.net.ssl.trustStore names them: the "public" one only.
    Path jvmStore = dir.resolve("cacerts.p12");
    java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    try (java.io.InputStream in = java.nio.file.Files.newInputStream(publicCa.caPem())) {
      ks.setCertificateEntry("public", java.security.cert.CertificateFactory.getInstance("X.509")
          .generateCertificate(in));
    }
    try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(jvmStore)) {
      ks.store(out, "changeit".toCharArray());
    }
    Map<String, String> before = new TreeMap<>();
    for (String k : List.of("javax.net.ssl.trustStore", "javax.net.ssl.trustStorePassword",
        "javax.net.ssl.trustStoreType")) {
      before.put(k, System.getProperty(k));
    }
    System.setProperty("javax.net.ssl.trustStore", jvmStore.toString());
    System.setProperty("javax.net.ssl.trustStorePassword", "changeit");
    System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
    try (HecServer publicHec = HecServer.builder().token(TOKEN).tls(publicCa.serverContext()).start();
        HecServer privateHec = HecServer.builder().token(TOKEN).tls(privateCa.serverContext()).start()) {
      List<Alert> alerts = SyntheticAlerts.of(3);
      assertEquals(Map.of(DeliveryStatus.SENT, 3L),
          statuses(send(settings(privateHec).caBundle(privateCa.caPem()).build(), alerts)), "the bundle's CA");
      assertEquals(Map.of(DeliveryStatus.SENT, 3L),
          statuses(send(settings(publicHec).caBundle(privateCa.caPem()).build(), alerts)), "and the JVM's, with it");
      assertEquals(once(alerts), publicHec.alertIdCounts());
    } finally {
      before.forEach((k, v) -> {
        if (v == null) {
          System.clearProperty(k);
        } else {
          System.setProperty(k, v);
        }
      });
    }
  }

  @Test
  void aTokenThatRequiresAcksWithAcksOffIsOneConfigurationErrorAndTheAlertsStayPending() throws Exception {
    try (HecServer acking = HecServer.builder().token(TOKEN).acks(true).start()) {
      List<Alert> alerts = SyntheticAlerts.of(200);
      List<DeliveryOutcome> out = send(settings(acking).acks(false).build(), alerts);
      assertEquals(Map.of(DeliveryStatus.PENDING, 200L), statuses(out), "not failed for good: sent once it is fixed");
      assertEquals(java.util.Set.of(io.trailwatch.core.ErrorCode.HEC_ACKS_REQUIRED),
          out.stream().map(DeliveryOutcome::error).collect(Collectors.toSet()));
      assertEquals(1, acking.eventRequests(), "one refused request, no more");
      Delivery d = Delivery.of(out);
      assertEquals(java.util.Set.of(io.trailwatch.core.ErrorCode.HEC_ACKS_REQUIRED), d.errors());
      assertTrue(d.describe().contains("delivery.hec.acks"), d.describe());
      assertEquals(Map.of(DeliveryStatus.SENT, 200L), statuses(send(settings(acking).acks(true).build(), alerts)));
    }
  }

  @Test
  void eventsGoUnderTheTrailwatchSourcetypeStampedWhenSent() throws Exception {
    List<Alert> alerts = SyntheticAlerts.of(2);
    send(settings(hec).build(), alerts);
    for (com.fasterxml.jackson.databind.JsonNode e : hec.events()) {
      assertEquals("trailwatch:alert", e.path("sourcetype").asText());
      assertEquals(START.getEpochSecond(), e.path("time").asLong(), "_time is the send time on the sink's clock");
    }
  }
}
