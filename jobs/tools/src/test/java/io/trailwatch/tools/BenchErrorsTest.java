package io.trailwatch.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.trailwatch.bench.FreshJvm;
import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.testing.CommandRun;
import io.trailwatch.testing.FaultProxy;
import io.trailwatch.testing.MotoServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The bench's own errors: {@code bench-plan} against a moto_server never fills a bucket of something
 * else and names a failed fill; a bench step in a JVM of its own that fails is named.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class BenchErrorsTest {
  @RegisterExtension static final MotoServer MOTO = new MotoServer();

  static CommandRun benchPlan(String endpoint, String bucket) {
    return CommandRun.of(ToolsMain::run, "bench-plan", "--endpoint", endpoint, "--bucket", bucket, "--accounts", "1",
        "--regions", "1", "--files-per-day", "1", "--repeat", "1");
  }

  @Test
  void aBucketHoldingSomethingElseIsRefused() {
    String bucket = MOTO.newBucket("someone-elses");
    MOTO.put(bucket, "data.csv", "a,b\n");
    CommandRun r = benchPlan(MOTO.endpoint(), bucket);
    assertEquals(2, r.code(), r.err());
    assertEquals(ErrorCode.BENCH_BUCKET_IN_USE, r.errorCode(), r.err());
  }

  @Test
  void aStoreRefusingTheUploadsIsAnExternalError() throws Exception {
    byte[] denied = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code>"
        + "<Message>Access Denied</Message></Error>").getBytes(StandardCharsets.UTF_8);
    try (FaultProxy proxy = FaultProxy.start(MOTO.endpoint(), (req, upstream) ->
        req.method().equals("PUT") && req.path().contains("/AWSLogs/")
            ? new FaultProxy.Response(403, Map.of("Content-Type", "application/xml"), denied)
            : upstream.send(req))) {
      CommandRun r = benchPlan(proxy.endpoint(), "bench-denied");
      assertEquals(3, r.code(), r.err());
      assertEquals(ErrorCode.BENCH_FILL_FAILED, r.errorCode(), r.err());
    }
  }

  @Test
  void aBenchChildThatFailsIsNamed() {
    // The child is a trailwatch command line; an unknown command makes it exit at once, with no result line.
    TrailwatchException e = assertThrows(TrailwatchException.class,
        () -> FreshJvm.run(List.of("no-such-command"), FreshJvm.Kind.EMPTY_HOUR));
    assertEquals(ErrorCode.BENCH_CHILD_FAILED, e.code());
  }
}
