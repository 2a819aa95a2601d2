package io.trailwatch.cli;

import static io.trailwatch.testing.CloudTrailFixtures.record;
import static io.trailwatch.testing.CloudTrailFixtures.root;
import static io.trailwatch.testing.CloudTrailFixtures.writeAccounts;
import static io.trailwatch.testing.CloudTrailFixtures.writeLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.trailwatch.core.ErrorCode;
import io.trailwatch.testing.CommandRun;
import io.trailwatch.testing.MotoServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A state on S3 that cannot be used: the endpoint is down, the bucket does not exist, or the
 * store denies access. Each is an external failure: exit 3 and one line naming the state and the
 * cause, no stack trace, within a minute (each test's timeout).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
// Points the AWS SDK at its moto server through a system property: no other class that sets it runs beside it.
@org.junit.jupiter.api.parallel.ResourceLock("aws.endpointUrlS3")
class StateStoreFailuresTest {
  @RegisterExtension static final MotoServer MOTO = new MotoServer();
  static final String PAY = "111111111111";

  @TempDir Path dir;
  Path logs;
  Path accounts;

  @BeforeEach
  void logsOnDisk() throws Exception {
    Instant t = Instant.parse("2026-11-20T14:03:00Z");
    logs = dir.resolve("logs");
    writeLog(logs, PAY, "us-east-1", t.plusSeconds(600),
        List.of(record(root(PAY), PAY, "signin.amazonaws.com", "ConsoleLogin", t, null)));
    accounts = writeAccounts(dir.resolve("accounts.csv"), PAY + ",pay-prod,payments");
  }

  @AfterEach
  void restore() {
    System.clearProperty("aws.endpointUrlS3");
  }

  CommandRun detectWithStateAt(String endpoint, String bucket) {
    System.setProperty("aws.endpointUrlS3", endpoint);
    return CommandRun.of(Main::run, "detect", "--logs", logs.toString(), "--state", "s3://" + bucket + "/tw",
        "--accounts", accounts.toString(), "--hour", "2026-11-20T14", "--master", "local[2]");
  }

  static void assertExternal(CommandRun r, ErrorCode code, String bucket) {
    assertEquals(3, r.code(), r.err());
    List<String> lines = r.err().lines().filter(l -> l.startsWith("trailwatch: ") || l.contains("\tat ")
        || l.startsWith("Caused by")).toList();
    assertEquals(1, lines.size(), r.err());
    System.out.println(code + ": " + lines.get(0));
    assertTrue(lines.get(0).endsWith("[" + code + "]"), r.err());
    assertTrue(lines.get(0).contains("s3a://" + bucket + "/tw"), "names the state: " + r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void stateOnAnEndpointThatIsDownIsAnExternalError() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String bucket = "down-" + UUID.randomUUID().toString().substring(0, 8);
    assertExternal(detectWithStateAt("http://127.0.0.1:" + port, bucket), ErrorCode.STATE_UNREACHABLE, bucket);
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void stateInABucketThatDoesNotExistIsAnExternalError() {
    String bucket = "missing-" + UUID.randomUUID().toString().substring(0, 8);
    assertExternal(detectWithStateAt(MOTO.endpoint(), bucket), ErrorCode.STATE_NOT_FOUND, bucket);
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void stateInABucketThatDeniesAccessIsAnExternalError() throws Exception {
    // An S3 endpoint that answers every request as S3 does for a caller without permission.
    HttpServer denying = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    denying.createContext("/", ex -> {
      byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code>"
          + "<Message>Access Denied</Message><RequestId>T1</RequestId></Error>").getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "application/xml");
      if (ex.getRequestMethod().equals("HEAD")) {
        ex.sendResponseHeaders(403, -1);
      } else {
        ex.sendResponseHeaders(403, body.length);
        ex.getResponseBody().write(body);
      }
      ex.close();
    });
    denying.start();
    try {
      String bucket = "denied-" + UUID.randomUUID().toString().substring(0, 8);
      assertExternal(detectWithStateAt("http://127.0.0.1:" + denying.getAddress().getPort(), bucket),
          ErrorCode.STATE_ACCESS_DENIED, bucket);
    } finally {
      denying.stop(0);
    }
  }
}
