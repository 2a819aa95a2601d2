package io.trailwatch.cli;

import static io.trailwatch.testing.CloudTrailFixtures.iamUser;
import static io.trailwatch.testing.CloudTrailFixtures.record;
import static io.trailwatch.testing.CloudTrailFixtures.root;
import static io.trailwatch.testing.CloudTrailFixtures.writeAccounts;
import static io.trailwatch.testing.CloudTrailFixtures.writeLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trailwatch.testing.CommandRun;
import io.trailwatch.testing.MotoServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * detect's JIT by the hour's size, as bin/trailwatch starts it (C1 only): an hour above {@code
 * ingest.tiered-jit-above-mb} is read by a JVM with the tiered JIT, which finds what C1 finds.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class JitBySizeTest {
  @RegisterExtension static final MotoServer MOTO = new MotoServer();
  static final Instant HOUR = Instant.parse("2026-11-20T10:00:00Z");
  static final String ACCOUNT = "111111111111";

  @TempDir Path dir;

  @Test
  void aLargeHourInLocalModeIsReadByAJvmWithTheTieredJitThatFindsTheSameAlerts() throws Exception {
    Path logs = dir.resolve("logs");
    writeLog(logs, ACCOUNT, "us-east-1", HOUR.plusSeconds(600), List.of(
        record(root(ACCOUNT), ACCOUNT, "iam.amazonaws.com", "CreateAccessKey", HOUR.plusSeconds(60), null),
        record(iamUser(ACCOUNT, "deploy"), ACCOUNT, "s3.amazonaws.com", "GetObject", HOUR.plusSeconds(70), null)));
    Path accounts = writeAccounts(dir.resolve("accounts.csv"), ACCOUNT + ",pay-1,payments");
    Path always = Files.writeString(dir.resolve("tiered.yaml"), "ingest: {tiered-jit-above-mb: 0}\n");

    Run small = detect("c1", accounts, logs, null);
    Run large = detect("tiered", accounts, logs, always);

    assertEquals("c1", small.summary.path("read_jit").asText(), "an hour under 1,000 MB: C1 only, as started");
    assertEquals("tiered", large.summary.path("read_jit").asText(), "above 0 MB: read by a JVM with C2");
    assertFalse(small.alerts.isEmpty(), "the root's call alerts");
    assertEquals(small.alerts, large.alerts, "the same alerts either way");
    assertEquals(small.summary.path("records_read"), large.summary.path("records_read"));
    assertEquals(small.summary.path("files_read"), large.summary.path("files_read"));
  }

  @Test
  void aListingThatFailsAheadIsReportedAsTheRunReportsIt() throws Exception {
    // In a C1-only JVM detect lists the hour before its run (to choose the JIT): that listing's
    // failure leaves the choice to C1 and the run reports the error itself, as in any JVM.
    Path accounts = writeAccounts(dir.resolve("accounts.csv"), ACCOUNT + ",pay-1,payments");
    List<String> args = List.of("detect", "--logs", "s3://no-such-trail-bucket", "--state",
        dir.resolve("state").toString(), "--accounts", accounts.toString(), "--hour", "2026-11-20T10",
        "--master", "local[2]");
    CommandRun c1 = CommandRun.inJvm(OneWriterProcessTest.JVM, OneWriterProcessTest.CLASS_PATH,
        "io.trailwatch.cli.Main", args, Map.of("AWS_ENDPOINT_URL_S3", MOTO.endpoint(), "AWS_ACCESS_KEY_ID", "testing",
            "AWS_SECRET_ACCESS_KEY", "testing", "AWS_REGION", "us-east-1"), dir, "missing-bucket", Duration.ofMinutes(3));
    assertEquals(2, c1.code(), c1.err());
    assertEquals(io.trailwatch.core.ErrorCode.LOGS_NOT_FOUND, c1.errorCode(), c1.err());
  }

  @Test
  void theRestartedCommandIsThisOneWithoutC1Only() {
    List<String> argv = List.of("/usr/bin/java", "-Xmx4g", "-XX:TieredStopAtLevel=1", "-cp", "a.jar:b.jar",
        "io.trailwatch.tools.ToolsMain", "detect", "--hour", "2026-11-20T10", "--bu", "pay ments");
    assertEquals(Optional.of(List.of("/usr/bin/java", "-Xmx4g", "-cp", "a.jar:b.jar", "io.trailwatch.tools.ToolsMain",
        "detect", "--hour", "2026-11-20T10", "--bu", "pay ments")), JitBySize.tieredCommand(argv));
    List<String> recording = new ArrayList<>(argv);
    recording.add(1, "-XX:ArchiveClassesAtExit=/tmp/x.jsa");
    assertEquals(Optional.empty(), JitBySize.tieredCommand(recording), "one JVM records the class-data archive");
    assertEquals("-XX:+UseParallelGC -Duser.timezone=UTC",
        JitBySize.withoutC1Only("-XX:+UseParallelGC -XX:TieredStopAtLevel=1 -Duser.timezone=UTC"));
  }

  record Run(JsonNode summary, List<String> alerts) {}

  /** detect of the hour in a JVM started as bin/trailwatch starts it (C1 only), on a state of its own. */
  Run detect(String name, Path accounts, Path logs, Path config) throws Exception {
    Path summary = dir.resolve(name + "-summary.json");
    Path alerts = dir.resolve(name + "-alerts.jsonl");
    List<String> args = new ArrayList<>(List.of("detect", "--logs", logs.toString(), "--state",
        dir.resolve(name + "-state").toString(), "--accounts", accounts.toString(), "--hour", "2026-11-20T10",
        "--master", "local[2]", "--summary-out", summary.toString(), "--alerts-out", alerts.toString()));
    if (config != null) {
      args.addAll(List.of("--config", config.toString()));
    }
    CommandRun r = CommandRun.inJvm(OneWriterProcessTest.JVM, OneWriterProcessTest.CLASS_PATH, "io.trailwatch.cli.Main",
        args, Map.of(), dir, name, Duration.ofMinutes(3));
    assertEquals(0, r.code(), r.err());
    List<String> lines = Files.readAllLines(alerts).stream()
        .map(l -> l.replaceAll("\"(alert_id|detect_run_id|run_id)\":\"[^\"]*\"", "")).sorted().toList();
    return new Run(new ObjectMapper().readTree(summary.toFile()), lines);
  }
}
