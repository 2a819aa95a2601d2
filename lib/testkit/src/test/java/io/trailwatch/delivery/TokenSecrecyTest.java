package io.trailwatch.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.alerting.Alert;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.testing.HecServer;
import io.trailwatch.testing.SyntheticAlerts;
import io.trailwatch.testing.TestTls;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failing deliveries of every kind, with all output captured (System.out, System.err where the
 * SLF4J log lines go, java.util.logging at ALL), outcomes, summaries, messages and toString: the
 * token is in none of it.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TokenSecrecyTest {
  static final String TOKEN = "c0ffee00-dead-beef-feed-token-secret";

  @Test
  void theTokenAppearsInNoOutputOfAFailingDelivery(@TempDir Path dir) throws Exception {
    List<String> texts = new ArrayList<>();
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    Logger root = Logger.getLogger("");
    Level oldLevel = root.getLevel();
    Handler jul = new Handler() {
      @Override
      public void publish(LogRecord r) {
        synchronized (texts) {
          texts.add(r.getMessage() + " " + java.util.Arrays.toString(r.getParameters()) + " " + r.getThrown());
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8);
    System.setOut(capture);
    System.setErr(capture);
    root.setLevel(Level.ALL);
    root.addHandler(jul);
    try {
      failEveryWay(dir, texts);
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
      root.removeHandler(jul);
      root.setLevel(oldLevel);
    }
    String output = captured.toString(StandardCharsets.UTF_8);
    assertTrue(output.contains("retrying"), "the capture holds the sink's log lines:\n" + output);
    assertFalse(output.contains(TOKEN), output);
    for (String t : texts) {
      assertFalse(t.contains(TOKEN), t);
    }
    assertTrue(texts.size() > 20, texts.size() + " texts searched");
  }

  private void failEveryWay(Path dir, List<String> texts) throws Exception {
    List<Alert> alerts = SyntheticAlerts.of(20);
    TestTls tls = TestTls.selfSigned(dir);
    try (HecServer hec = HecServer.start(TOKEN);
        HecServer otherToken = HecServer.start("the-right-token");
        HecServer https = HecServer.builder().token(TOKEN).tls(tls.serverContext()).start()) {
      HecSettings base = HecSettings.builder(URI.create(hec.url()), Secret.of(TOKEN)).maxBatchBytes(5_000)
          .maxAttempts(3).backoff(Duration.ofMillis(1), Duration.ofMillis(5)).readTimeout(Duration.ofMillis(300))
          .build();
      List<DeliveryOutcome> all = new ArrayList<>();
      hec.answer(503, HecServer.ALWAYS);
      all.addAll(send(base, alerts, texts));
      hec.answer(401, 1);
      all.addAll(send(base, alerts, texts));
      hec.answer(400, 1);
      all.addAll(send(base, alerts, texts));
      hec.slow(Duration.ofMillis(800));
      all.addAll(send(base, alerts.subList(0, 2), texts));
      hec.slow(Duration.ZERO);
      all.addAll(send(base.toBuilder().url(URI.create(otherToken.url())).build(), alerts, texts));
      all.addAll(send(base.toBuilder().url(URI.create(https.url())).build(), alerts, texts));
      all.addAll(send(base.toBuilder().acks(true).build(), alerts, texts));
      hec.down();
      all.addAll(send(base, alerts, texts));
      assertEquals(Map.of(DeliveryStatus.PENDING, true, DeliveryStatus.FAILED, true), Map.of(
          DeliveryStatus.PENDING, all.stream().anyMatch(o -> o.status() == DeliveryStatus.PENDING),
          DeliveryStatus.FAILED, all.stream().anyMatch(o -> o.status() == DeliveryStatus.FAILED)));
      texts.add(Delivery.of(all).describe());
      texts.add(Delivery.of(all).toString());
      texts.add(base.toString());
      texts.add(new HecSink(base).toString());
      TrailwatchException bad = assertThrows(TrailwatchException.class,
          () -> base.toBuilder().maxBatchBytes(1).build());
      texts.add(bad.getMessage());
      TrailwatchException badUrl = assertThrows(TrailwatchException.class,
          () -> HecSettings.builder(URI.create("https://user:" + TOKEN + "@splunk:8088"), Secret.of(TOKEN)).build());
      texts.add(badUrl.getMessage());
    }
  }

  private static List<DeliveryOutcome> send(HecSettings s, List<Alert> alerts, List<String> texts) {
    HecSink sink = new HecSink(s, Clock.systemUTC(), Sleeper.SYSTEM);
    List<DeliveryOutcome> out = sink.send(alerts);
    out.forEach(o -> {
      texts.add(o.toString());
      texts.add(String.valueOf(o.reason()));
    });
    texts.add(sink.check().toString());
    return out;
  }
}
