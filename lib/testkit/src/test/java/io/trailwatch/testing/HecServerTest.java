package io.trailwatch.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The test receiver answers as Splunk's HTTP Event Collector does, case by case. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class HecServerTest {
  static final String TOKEN = "11111111-2222-3333-4444-555555555555";
  static final ObjectMapper JSON = new ObjectMapper();
  static final String EVENT = "/services/collector/event";
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  HecServer hec;

  @BeforeEach
  void start() throws IOException {
    hec = HecServer.builder().token(TOKEN).maxContentBytes(2000).indexes(Set.of("main", "security")).start();
  }

  @AfterEach
  void stop() {
    hec.close();
  }

  /** One exchange: method, path, Authorization header (null: none), body, extra headers. */
  record Call(String method, String path, String auth, byte[] body, Map<String, String> headers) {
    static Call post(String path, String body) {
      return new Call("POST", path, "Splunk " + TOKEN, body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    Call auth(String a) {
      return new Call(method, path, a, body, headers);
    }

    Call header(String k, String v) {
      Map<String, String> h = new java.util.HashMap<>(headers);
      h.put(k, v);
      return new Call(method, path, auth, body, h);
    }
  }

  void assertAnswer(int status, String json, Call c) throws Exception {
    assertAnswer(hec, status, json, c);
  }

  void assertAnswer(HecServer server, int status, String json, Call c) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + c.path()));
    if (c.auth() != null) {
      b.header("Authorization", c.auth());
    }
    c.headers().forEach(b::header);
    b.method(c.method(), c.body() == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofByteArray(c.body()));
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(status + " " + JSON.readTree(json), r.statusCode() + " " + JSON.readTree(r.body()),
        c.method() + " " + c.path());
  }

  @Test
  void pathsAndMethods() throws Exception {
    assertAnswer(200, "{\"text\":\"HEC is healthy\",\"code\":17}",
        new Call("GET", "/services/collector/health", null, null, Map.of()));
    assertAnswer(404, "{\"text\":\"The requested URL was not found on this server.\",\"code\":404}",
        Call.post("/services/collector/raw/events", "{\"event\":\"x\"}"));
    assertAnswer(405, "{\"text\":\"Method Not Allowed\",\"code\":405}",
        new Call("GET", EVENT, "Splunk " + TOKEN, null, Map.of()));
    for (String alias : List.of(EVENT, "/services/collector", "/services/collector/event/1.0")) {
      assertAnswer(200, "{\"text\":\"Success\",\"code\":0}", Call.post(alias, "{\"event\":{\"n\":1}}"));
    }
    assertEquals(3, hec.events().size());
  }

  @Test
  void authorization() throws Exception {
    Call c = Call.post(EVENT, "{\"event\":\"x\"}");
    assertAnswer(401, "{\"text\":\"Token is required\",\"code\":2}", c.auth(null));
    assertAnswer(401, "{\"text\":\"Invalid authorization\",\"code\":3}", c.auth("Bearer " + TOKEN));
    assertAnswer(401, "{\"text\":\"Invalid authorization\",\"code\":3}", c.auth("Splunk"));
    assertAnswer(403, "{\"text\":\"Invalid token\",\"code\":4}", c.auth("Splunk 00000000-0000-0000-0000-000000000000"));
    assertEquals(List.of(), hec.events());
  }

  @Test
  void bodyIsJsonObjectsOneAfterAnother() throws Exception {
    assertAnswer(200, "{\"text\":\"Success\",\"code\":0}",
        Call.post(EVENT, "{\"event\":{\"n\":1},\"index\":\"main\"}{\"event\":\"two\"}\n{\"time\":3,\"event\":{\"n\":3}}"));
    assertEquals(List.of(JSON.readTree("{\"event\":{\"n\":1},\"index\":\"main\"}"), JSON.readTree("{\"event\":\"two\"}"),
        JSON.readTree("{\"time\":3,\"event\":{\"n\":3}}")), hec.events());
    assertAnswer(400, "{\"text\":\"No data\",\"code\":5}", Call.post(EVENT, ""));
    assertAnswer(400, "{\"text\":\"Invalid data format\",\"code\":6,\"invalid-event-number\":0}",
        Call.post(EVENT, "[{\"event\":1}]"));
    assertAnswer(400, "{\"text\":\"Invalid data format\",\"code\":6,\"invalid-event-number\":1}",
        Call.post(EVENT, "{\"event\":1}{\"event\":"));
    assertAnswer(400, "{\"text\":\"Event field is required\",\"code\":12,\"invalid-event-number\":1}",
        Call.post(EVENT, "{\"event\":1}{\"time\":5}"));
    assertAnswer(400, "{\"text\":\"Event field cannot be blank\",\"code\":13,\"invalid-event-number\":0}",
        Call.post(EVENT, "{\"event\":\"  \"}"));
    assertAnswer(400, "{\"text\":\"Incorrect index\",\"code\":7,\"invalid-event-number\":0}",
        Call.post(EVENT, "{\"event\":1,\"index\":\"nope\"}"));
    assertEquals(3, hec.events().size(), "a rejected request records none of its events");
  }

  @Test
  void gzipBodiesAndTheContentLimit() throws Exception {
    byte[] gz = gzip("{\"event\":{\"n\":1}}{\"event\":{\"n\":2}}");
    assertAnswer(200, "{\"text\":\"Success\",\"code\":0}",
        new Call("POST", EVENT, "Splunk " + TOKEN, gz, Map.of("Content-Encoding", "gzip")));
    assertEquals(2, hec.events().size());
    String big = "{\"event\":\"" + "x".repeat(2000) + "\"}";
    assertAnswer(413, "{\"text\":\"Content-Length too large (maximum is 2000)\",\"code\":413}", Call.post(EVENT, big));
    assertAnswer(413, "{\"text\":\"Content-Length too large (maximum is 2000)\",\"code\":413}",
        new Call("POST", EVENT, "Splunk " + TOKEN, gzip(big), Map.of("Content-Encoding", "gzip")));
    assertAnswer(400, "{\"text\":\"Invalid data format\",\"code\":6}",
        new Call("POST", EVENT, "Splunk " + TOKEN, "not gzip".getBytes(StandardCharsets.UTF_8),
            Map.of("Content-Encoding", "gzip")));
    assertEquals(List.of(new HecServer.Request(200, 0, gz.length, 34, true, 2)), hec.requests().subList(0, 1));
  }

  @Test
  void indexerAcknowledgement() throws Exception {
    try (HecServer acking = HecServer.builder().token(TOKEN).acks(true).start()) {
      String channel = UUID.randomUUID().toString();
      Call post = Call.post(EVENT, "{\"event\":1}");
      assertAnswer(acking, 400, "{\"text\":\"Data channel is missing\",\"code\":10}", post);
      assertAnswer(acking, 400, "{\"text\":\"Invalid data channel\",\"code\":11}",
          post.header("X-Splunk-Request-Channel", "not-a-guid"));
      assertAnswer(acking, 200, "{\"text\":\"Success\",\"code\":0,\"ackId\":0}",
          post.header("X-Splunk-Request-Channel", channel));
      assertAnswer(acking, 200, "{\"text\":\"Success\",\"code\":0,\"ackId\":1}",
          new Call("POST", EVENT + "?channel=" + channel, "Splunk " + TOKEN, post.body(), Map.of()));
      Call ack = Call.post("/services/collector/ack", "{\"acks\":[0,1,2]}").header("X-Splunk-Request-Channel", channel);
      acking.ackPendingPolls(1);
      assertAnswer(acking, 200, "{\"acks\":{\"0\":false,\"1\":false,\"2\":false}}", ack);
      assertAnswer(acking, 200, "{\"acks\":{\"0\":true,\"1\":true,\"2\":false}}", ack);
      assertAnswer(acking, 400, "{\"text\":\"Data channel is missing\",\"code\":10}",
          Call.post("/services/collector/ack", "{\"acks\":[0]}"));
      assertEquals(2, acking.ackPolls());
    }
    assertAnswer(400, "{\"text\":\"ACK is disabled\",\"code\":14}",
        Call.post("/services/collector/ack", "{\"acks\":[0]}"));
  }

  @Test
  void faultsOnDemand() throws Exception {
    Call ok = Call.post(EVENT, "{\"event\":1}");
    String success = "{\"text\":\"Success\",\"code\":0}";
    hec.answer(503, 2);
    assertAnswer(503, "{\"text\":\"Server is busy\",\"code\":9}", ok);
    assertAnswer(503, "{\"text\":\"Server is busy\",\"code\":9}", ok);
    assertAnswer(200, success, ok);
    hec.answer(429, 1);
    assertAnswer(429, "{\"text\":\"Error 429\",\"code\":429}", ok);
    hec.answer(401, 1);
    assertAnswer(401, "{\"text\":\"Invalid authorization\",\"code\":3}", ok);
    hec.answer(400, 1);
    assertAnswer(400, "{\"text\":\"Invalid data format\",\"code\":6}", ok);
    hec.failEvery(2, 503);
    assertAnswer(200, success, ok);
    assertAnswer(503, "{\"text\":\"Server is busy\",\"code\":9}", ok);
    assertAnswer(200, success, ok);
    assertAnswer(503, "{\"text\":\"Server is busy\",\"code\":9}", ok);
    hec.failEvery(0, 0);
    hec.unhealthy(true);
    assertAnswer(503, "{\"text\":\"HEC is unhealthy, queues are full\",\"code\":18}",
        new Call("GET", "/services/collector/health", null, null, Map.of()));
    hec.unhealthy(false);
    hec.down();
    assertThrows(ConnectException.class, () -> http.send(HttpRequest.newBuilder(URI.create(hec.url() + EVENT))
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString()));
    hec.up();
    assertAnswer(200, success, ok);
    assertEquals(4, hec.events().size());
    assertEquals(List.of(503, 503, 200, 429, 401, 400, 200, 503, 200, 503, 200),
        hec.requests().stream().map(HecServer.Request::status).toList());
  }

  static byte[] gzip(String s) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
      gz.write(s.getBytes(StandardCharsets.UTF_8));
    }
    return bos.toByteArray();
  }
}
