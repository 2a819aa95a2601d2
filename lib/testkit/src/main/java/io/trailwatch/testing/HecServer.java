package io.trailwatch.testing;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;
import javax.net.ssl.SSLContext;

/**
 * A Splunk HTTP Event Collector for tests, on 127.0.0.1 and a free port, that enforces the
 * protocol as Splunk does and records every event it accepts.
 *
 * <ul>
 *   <li>Paths: {@code /services/collector/event} and its aliases {@code /services/collector} and
 *       {@code /services/collector/event/1.0} (POST only, else 405), {@code /services/collector/ack}
 *       (POST), {@code /services/collector/health} (GET); any other path 404.
 *   <li>Auth, {@code Authorization: Splunk <token>}: missing 401 code 2, another scheme 401 code 3,
 *       an unknown token 403 code 4.
 *   <li>Body: JSON objects one after another (gzip with {@code Content-Encoding: gzip}): none 400
 *       code 5, not JSON objects 400 code 6, no {@code event} 400 code 12, a blank one 400 code 13,
 *       an index not allowed 400 code 7. A bad event rejects the whole request (none recorded).
 *       Over the content limit (wire or inflated): 413.
 *   <li>Acks on: a request without {@code X-Splunk-Request-Channel} (or {@code ?channel=}) 400
 *       code 10, a channel that is not a GUID 400 code 11; success carries {@code ackId}, counted
 *       per channel from 0; {@code /ack} answers {@code {"acks":{"0":true}}}. Acks off: {@code /ack}
 *       400 code 14.
 *   <li>Success: 200 {@code {"text":"Success","code":0}}. Health: 200 code 17.
 * </ul>
 *
 * <p>Faults (they apply to event requests only, so the health check still passes unless told):
 * {@link #down()} / {@link #up()}, {@link #slow(Duration)} (answers late, after recording the
 * events: the client's timeout is then an ambiguous failure), {@link #answer(int, int)} the next N
 * requests, {@link #failEvery(int, int)}, {@link #ackPendingPolls(int)}, {@link #unhealthy(boolean)}.
 */
public final class HecServer implements AutoCloseable {
  /** For {@link #answer(int, int)}: every request from now on. */
  public static final int ALWAYS = Integer.MAX_VALUE;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> EVENT_PATHS = Set.of("/services/collector/event", "/services/collector",
      "/services/collector/event/1.0");
  private static final Set<String> ACK_PATHS = Set.of("/services/collector/ack", "/services/collector/ack/1.0");
  private static final Set<String> HEALTH_PATHS = Set.of("/services/collector/health",
      "/services/collector/health/1.0");

  /** One event request as the server saw it: what it answered, its size on the wire and inflated, events accepted. */
  public record Request(int status, int hecCode, long wireBytes, long bodyBytes, boolean gzip, int events) {}

  private final Set<String> tokens;
  private final boolean acks;
  private final long maxContentBytes;
  private final Set<String> indexes;
  private final SSLContext tls;
  private final ExecutorService pool = Executors.newFixedThreadPool(8, r -> {
    Thread t = new Thread(r, "hec-server");
    t.setDaemon(true);
    return t;
  });
  private final int port;
  private HttpServer server;

  // Faults and records, guarded by this.
  private long slowMillis;
  private int faultStatus;
  private int faultTimes;
  private int everyN;
  private int everyStatus;
  private int everyCount;
  private int ackPendingPolls;
  private boolean unhealthy;
  private int eventRequests;
  private int ackPolls;
  private int healthChecks;
  private long handlingNanos;
  private final List<JsonNode> events = new ArrayList<>();
  private final List<Request> requests = new ArrayList<>();
  private final Map<String, Long> nextAckId = new HashMap<>();

  static {
    // The JDK server writes an answer's headers and body apart: without TCP_NODELAY each request
    // waits out the client's delayed ACK (~40 ms). Read once, when the first server starts.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private HecServer(Builder b) throws IOException {
    this.tokens = Set.copyOf(b.tokens);
    this.acks = b.acks;
    this.maxContentBytes = b.maxContentBytes;
    this.indexes = b.indexes == null ? null : Set.copyOf(b.indexes);
    this.tls = b.tls;
    this.server = bind(0);
    this.port = server.getAddress().getPort();
  }

  /** A receiver taking {@code token}, acks off, 1 MB content limit. */
  public static HecServer start(String token) throws IOException {
    return builder().token(token).start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** {@code http://127.0.0.1:<port>} (https with {@link Builder#tls}). */
  public String url() {
    return (tls == null ? "http" : "https") + "://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** Stops listening: connections are refused until {@link #up()}. */
  public synchronized void down() {
    if (server != null) {
      server.stop(0);
      server = null;
    }
  }

  /** Listens again, on the same port. */
  public synchronized void up() throws IOException {
    if (server == null) {
      server = bind(port);
    }
  }

  /** Answers every event request {@code delay} late (after recording its events). */
  public synchronized void slow(Duration delay) {
    slowMillis = delay.toMillis();
  }

  /** Answers the next {@code times} event requests (or {@link #ALWAYS}) with {@code status} and HEC's answer for it. */
  public synchronized void answer(int status, int times) {
    faultStatus = status;
    faultTimes = times;
  }

  /** Answers every {@code n}th event request from now on (the n-th, 2n-th, ...) with {@code status}; 0 stops. */
  public synchronized void failEvery(int n, int status) {
    everyN = n;
    everyStatus = status;
    everyCount = 0;
  }

  /** The next {@code n} ack polls answer false for every id. */
  public synchronized void ackPendingPolls(int n) {
    ackPendingPolls = n;
  }

  /** Health answers 503 code 18 while true. */
  public synchronized void unhealthy(boolean on) {
    unhealthy = on;
  }

  /** Every event accepted so far, as sent: the envelope with {@code time}, {@code event}, .... */
  public synchronized List<JsonNode> events() {
    return List.copyOf(events);
  }

  /** How many times each {@code event.alert_id} was accepted, by id. */
  public synchronized Map<String, Long> alertIdCounts() {
    Map<String, Long> m = new TreeMap<>();
    for (JsonNode e : events) {
      m.merge(e.path("event").path("alert_id").asText(), 1L, Long::sum);
    }
    return m;
  }

  /** Every event request so far (faults and refusals included), in arrival order. */
  public synchronized List<Request> requests() {
    return List.copyOf(requests);
  }

  public synchronized int eventRequests() {
    return eventRequests;
  }

  public synchronized int ackPolls() {
    return ackPolls;
  }

  public synchronized int healthChecks() {
    return healthChecks;
  }

  /** Time spent in event requests (reading, inflating, parsing, checking, answering; a slow() delay included). */
  public synchronized java.time.Duration handlingTime() {
    return java.time.Duration.ofNanos(handlingNanos);
  }

  @Override
  public void close() {
    down();
    pool.shutdownNow();
  }

  private HttpServer bind(int p) throws IOException {
    InetSocketAddress at = new InetSocketAddress(InetAddress.getLoopbackAddress(), p);
    HttpServer s;
    if (tls != null) {
      HttpsServer https = HttpsServer.create(at, 64);
      https.setHttpsConfigurator(new HttpsConfigurator(tls));
      s = https;
    } else {
      s = HttpServer.create(at, 64);
    }
    s.createContext("/", this::handle);
    s.setExecutor(pool);
    s.start();
    return s;
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      String method = ex.getRequestMethod();
      if (EVENT_PATHS.contains(path)) {
        if (!method.equals("POST")) {
          reply(ex, new Answer(405, "Method Not Allowed", 405), null);
        } else {
          event(ex);
        }
      } else if (ACK_PATHS.contains(path)) {
        if (!method.equals("POST")) {
          reply(ex, new Answer(405, "Method Not Allowed", 405), null);
        } else {
          ack(ex);
        }
      } else if (HEALTH_PATHS.contains(path)) {
        health(ex);
      } else {
        reply(ex, new Answer(404, "The requested URL was not found on this server.", 404), null);
      }
    } catch (RuntimeException e) {
      reply(ex, new Answer(500, "Internal test server error: " + e, 8), null);
    }
  }

  private void health(HttpExchange ex) throws IOException {
    boolean sick;
    synchronized (this) {
      healthChecks++;
      sick = unhealthy;
    }
    if (sick) {
      reply(ex, new Answer(503, "HEC is unhealthy, queues are full", 18), null);
    } else {
      reply(ex, new Answer(200, "HEC is healthy", 17), null);
    }
  }

  private void event(HttpExchange ex) throws IOException {
    long t0 = System.nanoTime();
    try {
      checkedEvent(ex);
    } finally {
      long spent = System.nanoTime() - t0;
      synchronized (this) {
        handlingNanos += spent;
      }
    }
  }

  private void checkedEvent(HttpExchange ex) throws IOException {
    int fault;
    long delay;
    synchronized (this) {
      eventRequests++;
      fault = takeFault();
      delay = slowMillis;
    }
    boolean gzip = "gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"));
    if (fault != 0) {
      byte[] wire = ex.getRequestBody().readAllBytes();
      log(new Request(fault, canned(fault).code, wire.length, -1, gzip, 0));
      reply(ex, canned(fault), null);
      return;
    }
    Answer refused = checkAuth(ex);
    String channel = channel(ex);
    if (refused == null && acks) {
      refused = checkChannel(channel);
    }
    byte[] wire = refused == null ? readLimited(ex.getRequestBody(), maxContentBytes) : ex.getRequestBody().readAllBytes();
    byte[] body = null;
    if (refused == null) {
      if (wire == null) {
        refused = tooLarge();
      } else {
        body = gzip ? gunzip(wire) : wire;
        if (body == null) {
          refused = new Answer(400, "Invalid data format", 6);
        } else if (body.length > maxContentBytes) {
          refused = tooLarge();
        }
      }
    }
    List<JsonNode> parsed = new ArrayList<>();
    if (refused == null) {
      refused = parse(body, parsed);
    }
    long wireBytes = wire == null ? -1 : wire.length;
    if (refused != null) {
      log(new Request(refused.status, refused.code, wireBytes, body == null ? -1 : body.length, gzip, 0));
      reply(ex, refused, null);
      return;
    }
    Long ackId = null;
    synchronized (this) {
      events.addAll(parsed);
      if (acks) {
        ackId = nextAckId.merge(channel, 1L, Long::sum) - 1;
      }
      requests.add(new Request(200, 0, wireBytes, body.length, gzip, parsed.size()));
    }
    sleep(delay);
    reply(ex, new Answer(200, "Success", 0), ackId);
  }

  private void ack(HttpExchange ex) throws IOException {
    byte[] body = ex.getRequestBody().readAllBytes();
    Answer refused = checkAuth(ex);
    String channel = channel(ex);
    if (refused == null && !acks) {
      refused = new Answer(400, "ACK is disabled", 14);
    }
    if (refused == null) {
      refused = checkChannel(channel);
    }
    JsonNode ids = null;
    if (refused == null) {
      try {
        ids = JSON.readTree(body).path("acks");
      } catch (IOException e) {
        ids = null;
      }
      if (ids == null || !ids.isArray()) {
        refused = new Answer(400, "Invalid data format", 6);
      }
    }
    if (refused != null) {
      reply(ex, refused, null);
      return;
    }
    ObjectNode answer = JSON.createObjectNode();
    ObjectNode status = answer.putObject("acks");
    synchronized (this) {
      ackPolls++;
      boolean hold = ackPendingPolls > 0;
      if (hold) {
        ackPendingPolls--;
      }
      long issued = nextAckId.getOrDefault(channel, 0L);
      for (JsonNode id : ids) {
        status.put(id.asText(), !hold && id.canConvertToLong() && id.asLong() >= 0 && id.asLong() < issued);
      }
    }
    send(ex, 200, JSON.writeValueAsBytes(answer));
  }

  /** Splunk's checks on one request's events; the whole request is rejected at the first bad one. */
  private Answer parse(byte[] body, List<JsonNode> out) {
    if (new String(body, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
      return new Answer(400, "No data", 5);
    }
    int n = 0;
    try (JsonParser p = JSON.createParser(body)) {
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        if (t != JsonToken.START_OBJECT) {
          return invalid(n);
        }
        JsonNode e = p.readValueAsTree();
        JsonNode event = e.get("event");
        if (event == null) {
          return new Answer(400, "Event field is required", 12, n);
        }
        if (event.isNull() || event.isTextual() && event.asText().isBlank()) {
          return new Answer(400, "Event field cannot be blank", 13, n);
        }
        if (indexes != null && e.has("index") && !indexes.contains(e.get("index").asText())) {
          return new Answer(400, "Incorrect index", 7, n);
        }
        out.add(e);
        n++;
      }
    } catch (JsonProcessingException e) {
      return invalid(n);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return null;
  }

  private static Answer invalid(int n) {
    return new Answer(400, "Invalid data format", 6, n);
  }

  private Answer tooLarge() {
    return new Answer(413, "Content-Length too large (maximum is " + maxContentBytes + ")", 413);
  }

  private Answer checkAuth(HttpExchange ex) {
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    if (auth == null || auth.isBlank()) {
      return new Answer(401, "Token is required", 2);
    }
    String[] parts = auth.strip().split("\\s+");
    if (parts.length != 2 || !parts[0].equals("Splunk")) {
      return new Answer(401, "Invalid authorization", 3);
    }
    if (!tokens.contains(parts[1])) {
      return new Answer(403, "Invalid token", 4);
    }
    return null;
  }

  private static String channel(HttpExchange ex) {
    String c = ex.getRequestHeaders().getFirst("X-Splunk-Request-Channel");
    String q = ex.getRequestURI().getRawQuery();
    if (c == null && q != null) {
      for (String kv : q.split("&")) {
        if (kv.startsWith("channel=")) {
          c = kv.substring("channel=".length());
        }
      }
    }
    return c;
  }

  private static Answer checkChannel(String channel) {
    if (channel == null || channel.isBlank()) {
      return new Answer(400, "Data channel is missing", 10);
    }
    try {
      UUID.fromString(channel);
      return null;
    } catch (IllegalArgumentException e) {
      return new Answer(400, "Invalid data channel", 11);
    }
  }

  /** The fault for this request (0: none); consumes one of the next-N answers. Called holding the lock. */
  private int takeFault() {
    if (faultTimes > 0) {
      if (faultTimes != ALWAYS) {
        faultTimes--;
      }
      return faultStatus;
    }
    if (everyN > 0 && ++everyCount % everyN == 0) {
      return everyStatus;
    }
    return 0;
  }

  /** HEC's answer for a status the server is told to give. */
  private static Answer canned(int status) {
    return switch (status) {
      case 503 -> new Answer(503, "Server is busy", 9);
      case 400 -> new Answer(400, "Invalid data format", 6);
      case 401 -> new Answer(401, "Invalid authorization", 3);
      case 403 -> new Answer(403, "Invalid token", 4);
      case 413 -> new Answer(413, "Content-Length too large", 413);
      case 500 -> new Answer(500, "Internal server error", 8);
      default -> new Answer(status, "Error " + status, status);
    };
  }

  private synchronized void log(Request r) {
    requests.add(r);
  }

  /** HEC's JSON answer. */
  private record Answer(int status, String text, int code, Integer invalidEvent) {
    Answer(int status, String text, int code) {
      this(status, text, code, null);
    }
  }

  private static void reply(HttpExchange ex, Answer a, Long ackId) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("text", a.text);
    m.put("code", a.code);
    if (ackId != null) {
      m.put("ackId", ackId);
    }
    if (a.invalidEvent != null) {
      m.put("invalid-event-number", a.invalidEvent);
    }
    send(ex, a.status, JSON.writeValueAsBytes(m));
  }

  private static void send(HttpExchange ex, int status, byte[] json) throws IOException {
    ex.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
    ex.sendResponseHeaders(status, json.length);
    ex.getResponseBody().write(json);
  }

  /** The body, or null when it is longer than {@code max} (the rest is drained). */
  private static byte[] readLimited(InputStream in, long max) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    byte[] buf = new byte[64 * 1024];
    long total = 0;
    for (int r; (r = in.read(buf)) > 0; ) {
      total += r;
      if (total <= max) {
        bos.write(buf, 0, r);
      }
    }
    return total > max ? null : bos.toByteArray();
  }

  private static byte[] gunzip(byte[] wire) {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(wire))) {
      return in.readAllBytes();
    } catch (IOException e) {
      return null;
    }
  }

  private static void sleep(long millis) {
    if (millis > 0) {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Options of a {@link HecServer}. */
  public static final class Builder {
    private final List<String> tokens = new ArrayList<>();
    private boolean acks;
    private long maxContentBytes = 1_000_000;
    private Set<String> indexes;
    private SSLContext tls;

    private Builder() {}

    /** A token it accepts (several calls: several tokens). */
    public Builder token(String t) {
      tokens.add(t);
      return this;
    }

    /** Indexer acknowledgement on: a channel is required, success carries an ackId. */
    public Builder acks(boolean on) {
      acks = on;
      return this;
    }

    /** Requests larger than this (on the wire or inflated) get 413. Default 1,000,000 (Splunk Cloud's 1 MB). */
    public Builder maxContentBytes(long n) {
      maxContentBytes = n;
      return this;
    }

    /** Only these indexes are allowed (400 code 7 for another); default: any. */
    public Builder indexes(Set<String> allowed) {
      indexes = allowed;
      return this;
    }

    /** Serves HTTPS with this context (see {@link TestTls}). */
    public Builder tls(SSLContext context) {
      tls = context;
      return this;
    }

    public HecServer start() throws IOException {
      return new HecServer(this);
    }
  }
}
