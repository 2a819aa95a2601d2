package io.trailwatch.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real AWS-compatible server for a test class (S3, Organizations, DynamoDB, STS...):
 * {@code moto_server} (Python moto, {@code pip install 'moto[server]'}) on 127.0.0.1 and a free
 * port, started before the class's first test and stopped after its last. A missing binary
 * fails the class with a message saying how to get it: these tests never skip.
 *
 * <pre>{@code @RegisterExtension static final MotoServer MOTO = new MotoServer();}</pre>
 *
 * <p>The code under test gets the endpoint through {@link #endpoint()}, never through the
 * process environment. Credentials are moto's dummies ({@code testing}), set as the system
 * properties that both the SDK v2 and the SDK v1 (s3a) default chains read.
 */
public final class MotoServer implements BeforeAllCallback, AfterAllCallback {
  /** Where to find the binary when it is not on the PATH: a system property or variable. */
  public static final String BINARY_PROPERTY = "trailwatch.moto-server";
  private static final String NAME = "moto_server";
  private static final Duration STARTUP = Duration.ofSeconds(60);

  private Process process;
  private Path log;
  private String endpoint;
  private S3Client s3;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stop();
  }

  public void start() throws IOException, InterruptedException {
    if (process != null) {
      return;
    }
    dummyCredentials();
    String binary = findBinary();
    int port = freePort();
    log = Files.createTempFile("moto-server-" + port + "-", ".log");
    process = new ProcessBuilder(binary, "-H", "127.0.0.1", "-p", String.valueOf(port))
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    endpoint = "http://127.0.0.1:" + port;
    waitUntilUp();
    s3 = S3Client.builder().region(Region.US_EAST_1).endpointOverride(URI.create(endpoint)).forcePathStyle(true)
        .credentialsProvider(DefaultCredentialsProvider.builder().build())
        .httpClientBuilder(ApacheHttpClient.builder().maxConnections(16))
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED).build();
  }

  public void stop() {
    if (s3 != null) {
      s3.close();
      s3 = null;
    }
    if (process != null) {
      List<ProcessHandle> children = process.descendants().toList();
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      children.forEach(ProcessHandle::destroy);
      process = null;
    }
  }

  /** {@code http://127.0.0.1:<port>} */
  public String endpoint() {
    return endpoint;
  }

  /** A client for arranging test data (the SDK's own retries on). */
  public S3Client s3() {
    return s3;
  }

  /**
   * A client of any service moto serves (Organizations, DynamoDB, STS...) pointed at this server,
   * in us-east-1 with moto's dummy credentials, the SDK's own retries on: for arranging test data.
   *
   * <pre>{@code OrganizationsClient org = MOTO.client(OrganizationsClient.builder());}</pre>
   */
  public <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(B builder) {
    return client(builder, endpoint);
  }

  /** Like {@link #client(AwsClientBuilder)}, pointed at another endpoint (a {@link FaultProxy} in front of moto). */
  public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(B builder, String endpoint) {
    dummyCredentials();
    return builder.region(Region.US_EAST_1).endpointOverride(URI.create(endpoint))
        .credentialsProvider(DefaultCredentialsProvider.builder().build())
        .httpClientBuilder(ApacheHttpClient.builder().maxConnections(16))
        .build();
  }

  /** Forgets everything the server holds (every service's state), as a fresh server would. */
  public void reset() throws IOException {
    HttpURLConnection c = (HttpURLConnection) URI.create(endpoint + "/moto-api/reset").toURL().openConnection();
    c.setRequestMethod("POST");
    c.setConnectTimeout(2000);
    c.setReadTimeout(30_000);
    int status = c.getResponseCode();
    c.disconnect();
    if (status != 200) {
      throw new IOException("Cannot reset " + NAME + " at " + endpoint + ": HTTP " + status);
    }
  }

  /** A new, empty bucket with a unique name (so that Hadoop's cached file systems never mix servers). */
  public String newBucket(String hint) {
    String name = (hint + "-" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase();
    s3.createBucket(b -> b.bucket(name));
    return name;
  }

  public void put(String bucket, String key, byte[] content) {
    s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(content));
  }

  public void put(String bucket, String key, String content) {
    put(bucket, key, content.getBytes(StandardCharsets.UTF_8));
  }

  /** Uploads every file under {@code dir} to {@code bucket}, keys = {@code prefix} + the relative path. */
  public int upload(Path dir, String bucket, String prefix) throws IOException {
    return upload(dir, bucket, prefix, p -> true);
  }

  /** Uploads the files under {@code dir} whose path relative to it matches {@code which}. */
  public int upload(Path dir, String bucket, String prefix, java.util.function.Predicate<Path> which)
      throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(Files::isRegularFile).filter(f -> which.test(dir.relativize(f))).sorted().toList();
    }
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(16);
    try {
      List<java.util.concurrent.Future<?>> done = new ArrayList<>();
      for (Path f : files) {
        String key = prefix + dir.relativize(f).toString().replace(File.separatorChar, '/');
        done.add(pool.submit(() -> {
          put(bucket, key, Files.readAllBytes(f));
          return null;
        }));
      }
      for (java.util.concurrent.Future<?> d : done) {
        d.get();
      }
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IOException("Cannot upload " + dir + " to s3://" + bucket + "/" + prefix + ": " + e.getCause(),
          e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while uploading " + dir, e);
    } finally {
      pool.shutdownNow();
    }
    return files.size();
  }

  private static void dummyCredentials() {
    // SDK v2 reads aws.accessKeyId / aws.secretAccessKey, SDK v1 (s3a) aws.accessKeyId / aws.secretKey.
    System.setProperty("aws.accessKeyId", "testing");
    System.setProperty("aws.secretAccessKey", "testing");
    System.setProperty("aws.secretKey", "testing");
  }

  private static String findBinary() {
    String configured = System.getProperty(BINARY_PROPERTY, System.getenv("TRAILWATCH_MOTO_SERVER"));
    List<Path> candidates = new ArrayList<>();
    if (configured != null && !configured.isBlank()) {
      candidates.add(Path.of(configured));
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        if (!dir.isBlank()) {
          candidates.add(Path.of(dir, NAME));
        }
      }
    }
    String home = System.getProperty("user.home");
    candidates.add(Path.of(home, ".pyenv", "shims", NAME));
    candidates.add(Path.of(home, ".local", "bin", NAME));
    for (Path p : candidates) {
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return p.toString();
      }
    }
    throw new IllegalStateException("AWS tests need " + NAME + " (an AWS-compatible server on 127.0.0.1), and it is "
        + "not on the PATH nor at -D" + BINARY_PROPERTY + ". Install it with: pip install 'moto[server]'");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private void waitUntilUp() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        String out = Files.readString(log);
        int code = process.exitValue();
        process = null;
        throw new IllegalStateException(NAME + " exited with code " + code + " at start:\n" + out);
      }
      try {
        HttpURLConnection c = (HttpURLConnection) URI.create(endpoint + "/moto-api/").toURL().openConnection();
        c.setConnectTimeout(500);
        c.setReadTimeout(2000);
        int status = c.getResponseCode();
        c.disconnect();
        if (status > 0) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    stop();
    throw new IllegalStateException(NAME + " did not answer on " + endpoint + " within " + STARTUP.toSeconds()
        + " s; its output is in " + log);
  }

  /** The server's output so far, for failure messages. */
  public String output() {
    try {
      return log == null ? "" : Files.readString(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
