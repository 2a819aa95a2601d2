package io.trailwatch.cli;

import static io.trailwatch.testing.CloudTrailFixtures.record;
import static io.trailwatch.testing.CloudTrailFixtures.root;
import static io.trailwatch.testing.CloudTrailFixtures.writeAccounts;
import static io.trailwatch.testing.CloudTrailFixtures.writeLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trailwatch.testing.MotoServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code --logs s3://} and {@code --state s3://} on the command line, the endpoint set the SDK's way. */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
// Points the AWS SDK at its moto server through a system property: no other class that sets it runs beside it.
@org.junit.jupiter.api.parallel.ResourceLock("aws.endpointUrlS3")
class S3CommandLineTest {
  @RegisterExtension static final MotoServer MOTO = new MotoServer();
  static final String PAY = "111111111111";

  @TempDir Path dir;

  @BeforeEach
  void pointAtMoto() {
    // The SDK's system property for AWS_ENDPOINT_URL_S3: the process environment stays as it is.
    System.setProperty("aws.endpointUrlS3", MOTO.endpoint());
  }

  @AfterEach
  void restore() {
    System.clearProperty("aws.endpointUrlS3");
  }

  @Test
  void detectReadsLogsAndKeepsStateOnS3() throws Exception {
    Instant t = Instant.parse("2026-11-20T14:03:00Z");
    Path logs = dir.resolve("logs");
    writeLog(logs, PAY, "us-east-1", t.plusSeconds(600),
        List.of(record(root(PAY), PAY, "signin.amazonaws.com", "ConsoleLogin", t, null)));
    String bucket = MOTO.newBucket("cli-logs");
    MOTO.upload(logs, bucket, "org/");
    String stateBucket = MOTO.newBucket("cli-state");
    Path accounts = writeAccounts(dir.resolve("accounts.csv"), PAY + ",pay-prod,payments");
    Path alerts = dir.resolve("alerts.jsonl");

    int code = Main.run("detect", "--logs", "s3://" + bucket + "/org", "--state", "s3://" + stateBucket + "/tw",
        "--accounts", accounts.toString(), "--hour", "2026-11-20T14", "--master", "local[2]",
        "--alerts-out", alerts.toString());
    assertEquals(0, code);
    List<String> lines = Files.readAllLines(alerts);
    assertEquals(1, lines.size(), lines::toString);
    JsonNode alert = new ObjectMapper().readTree(lines.get(0));
    assertEquals("arn:aws:iam::" + PAY + ":root", alert.get("principal").asText());
    assertEquals("payments", alert.get("business_unit").asText());
    assertEquals(1, alert.get("new_behaviors").size(), alert::toString);
    assertEquals("signin.amazonaws.com ConsoleLogin", alert.get("new_behaviors").get(0).get("event_source").asText()
        + " " + alert.get("new_behaviors").get(0).get("event_name").asText());
    assertTrue(MOTO.s3().listObjectsV2(b -> b.bucket(stateBucket).prefix("tw/bu=payments/alerts/_delta_log/")).keyCount() > 0,
        "the payments BU's alerts table is on S3");
  }

  @Test
  void missingBucketIsAUserError() throws Exception {
    Path accounts = writeAccounts(dir.resolve("accounts.csv"), PAY + ",pay-prod,payments");
    int code = Main.run("detect", "--logs", "s3://no-such-trail-bucket", "--state", dir.resolve("state").toString(),
        "--accounts", accounts.toString(), "--hour", "2026-11-20T14", "--master", "local[2]");
    assertEquals(2, code);
  }
}
