package io.trailwatch.delivery;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of {@link HecSink}: one request with its retries, the health check, and the
 * acknowledgement polls. The token goes into the {@code Authorization} header and nowhere else;
 * no message quotes a header.
 */
final class HecClient {
  static final String EVENT = "/services/collector/event";
  static final String ACK = "/services/collector/ack";
  static final String HEALTH = "/services/collector/health";
  private static final Logger LOG = LoggerFactory.getLogger(HecClient.class);

  /** How one request ended, after its retries. */
  enum Result {
    /** 200, code 0. */
    ACCEPTED,
    /** Refused for good (400, 413, ...): this request only. */
    REFUSED,
    /** 401 or 403: the token is refused, and would be for every request. */
    TOKEN_REFUSED,
    /**
     * 400 code 10 (data channel missing) with acks off: the token requires indexer
     * acknowledgement. A configuration error, the same for every request.
     */
    NEEDS_ACKS,
    /** Passing failures (503, 429, 5xx, no connection, timeouts) outlasted the attempts. */
    GAVE_UP
  }

  /** One request's end: how, after how many attempts, the last one when, why (not sent), and its ack id. */
  record Posted(Result result, int attempts, Instant lastAttempt, String reason, Long ackId) {}

  /** Acknowledged ids, and the last poll's problem (null when none). */
  record Acks(Set<Long> acknowledged, String problem) {}

  private final HecSettings settings;
  private final HttpClient http;
  private final Backoff backoff;
  private final Clock clock;
  private final String channel = UUID.randomUUID().toString();

  HecClient(HecSettings settings, Clock clock, Sleeper sleeper) {
    this.settings = settings;
    this.clock = clock;
    this.backoff = new Backoff(settings.maxAttempts(), settings.backoffBase(), settings.backoffCap(), sleeper);
    HttpClient.Builder b = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(settings.connectTimeout());
    if (settings.caBundle() != null) {
      b.sslContext(HecTls.trusting(settings.caBundle()));
    }
    this.http = b.build();
  }

  Instant now() {
    return clock.instant();
  }

  /** {@code GET /services/collector/health}, once, without the token. */
  Health health() {
    URI uri = settings.endpoint(HEALTH);
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(settings.readTimeout()).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      HecAnswer a = HecAnswer.parse(r.statusCode(), r.body());
      return a.status() == 200 ? Health.healthy() : Health.unhealthy("GET " + uri + ": " + a.describe());
    } catch (IOException e) {
      return Health.unhealthy("GET " + uri + ": " + failure(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Health.unhealthy("GET " + uri + ": interrupted");
    }
  }

  /** POSTs one body of events to {@code /services/collector/event}, retrying passing failures. */
  Posted post(byte[] body) {
    URI uri = settings.endpoint(EVENT);
    HttpRequest request = request(uri, settings.gzip() ? gzip(body) : body);
    for (int attempt = 1; ; attempt++) {
      Instant at = clock.instant();
      String why;
      try {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        HecAnswer a = HecAnswer.parse(r.statusCode(), r.body());
        if (a.success()) {
          return new Posted(Result.ACCEPTED, attempt, at, null, a.ackId());
        }
        why = "POST " + uri + ": " + a.describe();
        if (!settings.acks() && a.status() == 400 && Integer.valueOf(10).equals(a.code())) {
          return new Posted(Result.NEEDS_ACKS, attempt, at, why, null);
        }
        if (!a.retryable()) {
          return new Posted(a.tokenRefused() ? Result.TOKEN_REFUSED : Result.REFUSED, attempt, at, why, null);
        }
      } catch (IOException e) {
        why = "POST " + uri + ": " + failure(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Posted(Result.GAVE_UP, attempt, at, "POST " + uri + ": interrupted", null);
      }
      if (!backoff.allowsAnother(attempt)) {
        return new Posted(Result.GAVE_UP, attempt, at, why + " (gave up after " + attempt + " attempts)", null);
      }
      LOG.warn("HEC: {} (attempt {} of {}); retrying", why, attempt, backoff.maxAttempts());
      if (!backoff.pause(attempt)) {
        return new Posted(Result.GAVE_UP, attempt, at, why + "; interrupted while waiting to retry", null);
      }
    }
  }

  /**
   * Polls {@code /services/collector/ack} for {@code ids} until all are acknowledged, the ack
   * timeout has passed, or as many polls as fit in it (timeout / interval) were made.
   */
  Acks awaitAcks(Collection<Long> ids) {
    Set<Long> waiting = new TreeSet<>(ids);
    Set<Long> acked = new TreeSet<>();
    Instant deadline = clock.instant().plus(settings.ackTimeout());
    long maxPolls = Math.max(1, settings.ackTimeout().toMillis() / settings.ackPollInterval().toMillis()) + 1;
    String problem = null;
    URI uri = URI.create(settings.endpoint(ACK) + "?channel=" + channel);
    for (long poll = 1; !waiting.isEmpty(); poll++) {
      problem = pollOnce(uri, waiting, acked);
      if (waiting.isEmpty() || poll >= maxPolls || !clock.instant().isBefore(deadline)
          || !backoff.sleep(settings.ackPollInterval())) {
        break;
      }
    }
    return new Acks(acked, problem);
  }

  private String pollOnce(URI uri, Set<Long> waiting, Set<Long> acked) {
    String body = waiting.stream().map(String::valueOf).collect(Collectors.joining(",", "{\"acks\":[", "]}"));
    try {
      HttpResponse<String> r = http.send(request(uri, body.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
          HttpResponse.BodyHandlers.ofString());
      HecAnswer a = HecAnswer.parse(r.statusCode(), r.body());
      if (a.status() != 200 || a.body() == null || !a.body().path("acks").isObject()) {
        return "POST " + uri + ": " + a.describe();
      }
      for (Iterator<Long> it = waiting.iterator(); it.hasNext(); ) {
        Long id = it.next();
        if (a.body().path("acks").path(String.valueOf(id)).asBoolean(false)) {
          acked.add(id);
          it.remove();
        }
      }
      return null;
    } catch (IOException e) {
      return "POST " + uri + ": " + failure(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "POST " + uri + ": interrupted";
    }
  }

  private HttpRequest request(URI uri, byte[] body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri)
        .timeout(settings.readTimeout())
        .header("Authorization", "Splunk " + settings.token().reveal())
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (settings.gzip() && !uri.getPath().endsWith(ACK)) {
      b.header("Content-Encoding", "gzip");
    }
    if (settings.acks()) {
      b.header("X-Splunk-Request-Channel", channel);
    }
    return b.build();
  }

  /** What went wrong on the wire, in words; the exception's own text never holds a header. */
  static String failure(IOException e) {
    if (e instanceof HttpConnectTimeoutException) {
      return "connect timed out";
    }
    if (e instanceof HttpTimeoutException) {
      return "no answer within the read timeout (the events may have arrived: a resend carries the same alert_id)";
    }
    if (e instanceof ConnectException) {
      return "cannot connect (" + (e.getMessage() == null ? "connection refused" : e.getMessage()) + ")";
    }
    if (e instanceof SSLException) {
      return "TLS failed: " + e.getMessage();
    }
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  static byte[] gzip(byte[] body) {
    ByteArrayOutputStream bos = new ByteArrayOutputStream(body.length / 4 + 64);
    try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
      gz.write(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bos.toByteArray();
  }
}
