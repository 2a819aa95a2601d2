package io.trailwatch.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;

/**
 * An HTTP proxy on 127.0.0.1 in front of a real server (moto), for the failures a real server
 * does not make: a test's {@link Handler} sees every request and answers it itself (a throttling
 * error), forwards it as it is, or forwards a changed copy and changes the answer (a
 * BatchWriteItem that leaves items unprocessed). Request signatures are not checked by moto, so
 * changed bodies pass.
 *
 * <pre>{@code
 * try (FaultProxy proxy = FaultProxy.start(MOTO.endpoint(), (req, upstream) -> req.seq() % 3 == 0
 *     ? Response.awsJsonError(req, 400, "ProvisionedThroughputExceededException", "slow down")
 *     : upstream.send(req))) { ... client pointed at proxy.endpoint() ... }
 * }</pre>
 */
public final class FaultProxy implements AutoCloseable {
  /** Headers java.net.http sets itself. */
  private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");

  /** One request as received; {@code seq} counts from 0 in arrival order. */
  public record Request(String method, String path, Map<String, List<String>> headers, byte[] body, int seq) {
    /** The {@code X-Amz-Target} header of AWS JSON protocols, e.g. {@code DynamoDB_20120810.BatchWriteItem}. */
    public String target() {
      return header("x-amz-target");
    }

    public String header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
          return e.getValue().get(0);
        }
      }
      return null;
    }

    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }

    public Request withBody(String text) {
      return new Request(method, path, headers, text.getBytes(StandardCharsets.UTF_8), seq);
    }
  }

  /** An answer to send back. */
  public record Response(int status, Map<String, String> headers, byte[] body) {
    /** An AWS JSON protocol error ({@code __type}) as DynamoDB and Organizations send them. */
    public static Response awsJsonError(Request r, int status, String type, String message) {
      String json = "{\"__type\":\"" + type + "\",\"message\":\"" + message + "\"}";
      String contentType = r.header("content-type") == null ? "application/x-amz-json-1.0" : r.header("content-type");
      return new Response(status, Map.of("Content-Type", contentType, "x-amzn-RequestId", "fault-proxy-" + r.seq()),
          json.getBytes(StandardCharsets.UTF_8));
    }

    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }

    /** This answer with another body; a checksum header of the old one ({@code x-amz-crc32}, DynamoDB's) is made anew. */
    public Response withBody(String text) {
      byte[] b = text.getBytes(StandardCharsets.UTF_8);
      Map<String, String> h = new LinkedHashMap<>();
      headers.forEach((k, v) -> {
        if (k.equalsIgnoreCase("x-amz-crc32")) {
          CRC32 crc = new CRC32();
          crc.update(b);
          h.put(k, Long.toString(crc.getValue()));
        } else {
          h.put(k, v);
        }
      });
      return new Response(status, h, b);
    }
  }

  /** Sends a request on to the real server. */
  public interface Upstream {
    Response send(Request r) throws IOException;
  }

  /** What the test does with each request. */
  @FunctionalInterface
  public interface Handler {
    Response handle(Request r, Upstream upstream) throws IOException;
  }

  private final HttpServer server;
  private final ExecutorService pool;
  private final HttpClient client;
  private final String upstream;
  private final Handler handler;
  private final AtomicInteger seq = new AtomicInteger();
  private final List<Request> requests = new ArrayList<>();

  private FaultProxy(String upstream, Handler handler) throws IOException {
    this.upstream = upstream.endsWith("/") ? upstream.substring(0, upstream.length() - 1) : upstream;
    this.handler = handler;
    this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    this.pool = Executors.newFixedThreadPool(8);
    server.setExecutor(pool);
    server.createContext("/", this::exchange);
    server.start();
  }

  /** A proxy in front of {@code upstream} (e.g. {@code http://127.0.0.1:5000}), answering with {@code handler}. */
  public static FaultProxy start(String upstream, Handler handler) throws IOException {
    return new FaultProxy(upstream, handler);
  }

  /** {@code http://127.0.0.1:<port>}: where clients under test send their requests. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Every request received so far, in order. */
  public synchronized List<Request> requests() {
    return List.copyOf(requests);
  }

  /** The requests received so far whose {@code X-Amz-Target} ends with {@code operation}, e.g. {@code .BatchWriteItem}. */
  public List<Request> requests(String operation) {
    return requests().stream().filter(r -> r.target() != null && r.target().endsWith(operation)).toList();
  }

  private void exchange(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] body;
      try (InputStream in = ex.getRequestBody()) {
        body = in.readAllBytes();
      }
      Map<String, List<String>> headers = new LinkedHashMap<>();
      ex.getRequestHeaders().forEach((k, v) -> headers.put(k, List.copyOf(v)));
      Request r = new Request(ex.getRequestMethod(), ex.getRequestURI().toString(), headers, body, seq.getAndIncrement());
      synchronized (this) {
        requests.add(r);
      }
      Response out;
      try {
        out = handler.handle(r, this::forward);
      } catch (IOException | RuntimeException e) {
        out = new Response(500, Map.of("Content-Type", "text/plain"),
            ("fault proxy: " + e).getBytes(StandardCharsets.UTF_8));
      }
      out.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
      ex.sendResponseHeaders(out.status(), out.body().length == 0 ? -1 : out.body().length);
      if (out.body().length > 0) {
        try (OutputStream os = ex.getResponseBody()) {
          os.write(out.body());
        }
      }
    }
  }

  private Response forward(Request r) throws IOException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(upstream + r.path()))
        .timeout(Duration.ofSeconds(60))
        .method(r.method(), r.body().length == 0 ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(r.body()));
    r.headers().forEach((k, vs) -> {
      if (!RESTRICTED.contains(k.toLowerCase(Locale.ROOT))) {
        vs.forEach(v -> b.header(k, v));
      }
    });
    HttpResponse<byte[]> resp;
    try {
      resp = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while forwarding to " + upstream, e);
    }
    Map<String, String> headers = new LinkedHashMap<>();
    resp.headers().map().forEach((k, vs) -> {
      String lower = k.toLowerCase(Locale.ROOT);
      if (!vs.isEmpty() && !lower.equals("content-length") && !lower.equals("transfer-encoding")
          && !lower.equals(":status") && !lower.equals("connection")) {
        headers.put(k, vs.get(0));
      }
    });
    return new Response(resp.statusCode(), headers, resp.body());
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
