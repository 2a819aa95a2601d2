package io.trailwatch.tools;

import io.trailwatch.core.ErrorCode;
import io.trailwatch.alerting.Alert;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.delivery.DeliveryOutcome;
import io.trailwatch.delivery.DeliveryStatus;
import io.trailwatch.delivery.HecEvents;
import io.trailwatch.delivery.HecSettings;
import io.trailwatch.delivery.HecSink;
import io.trailwatch.delivery.Secret;
import io.trailwatch.testing.HecServer;
import io.trailwatch.testing.SyntheticAlerts;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench-hec", mixinStandardHelpOptions = true,
    description = {"Benchmark alert delivery to Splunk HEC: starts the test HEC receiver on 127.0.0.1 (it parses and "
        + "checks every event as Splunk does), sends synthetic alerts through the HEC sink, and prints alerts/s, "
        + "requests, bytes and wall time, then checks that every alert arrived exactly once.",
        "Each run uses a fresh receiver; the first run is a cold JVM, as each scheduled job is."})
final class BenchHecCommand implements Callable<Integer> {
  @Option(names = "--alerts", paramLabel = "N", description = "Alerts per run (default: ${DEFAULT-VALUE})")
  int alerts = 50_000;

  @Option(names = "--gzip", description = "Send gzip bodies (Content-Encoding: gzip)")
  boolean gzip;

  @Option(names = "--acks", description = "Indexer acknowledgement on: a channel, ackIds, and /ack polls")
  boolean acks;

  @Option(names = "--batch-bytes", paramLabel = "N",
      description = "Largest request body before gzip (default: ${DEFAULT-VALUE})")
  int batchBytes = HecSettings.DEFAULT_MAX_BATCH_BYTES;

  @Option(names = "--runs", paramLabel = "N", description = "Runs in this JVM (default: ${DEFAULT-VALUE})")
  int runs = 3;

  @Override
  public Integer call() throws Exception {
    if (alerts < 1 || alerts > 10_000_000) {
      throw TrailwatchException.of(ErrorCode.BAD_BENCH_OPTION, "Cannot set --alerts to %d: must be between 1 and 10000000",
          alerts);
    }
    if (runs < 1 || runs > 100) {
      throw TrailwatchException.of(ErrorCode.BAD_BENCH_OPTION, "Cannot set --runs to %d: must be between 1 and 100", runs);
    }
    List<Alert> all = SyntheticAlerts.of(alerts);
    String token = UUID.randomUUID().toString();
    HecSettings encoding = HecSettings.builder(URI.create("http://127.0.0.1"), Secret.of(token)).build();
    System.out.printf("bench-hec: %,d alerts a run, --batch-bytes %,d, gzip %s, acks %s%n", alerts, batchBytes,
        gzip ? "on" : "off", acks ? "on" : "off");
    boolean allOnce = true;
    for (int run = 1; run <= runs; run++) {
      try (HecServer hec = HecServer.builder().token(token).acks(acks).maxContentBytes(batchBytes).start()) {
        HecSettings settings = HecSettings.builder(URI.create(hec.url()), Secret.of(token)).index("bench")
            .maxBatchBytes(batchBytes).gzip(gzip).acks(acks).build();
        long t0 = System.nanoTime();
        all.forEach(a -> HecEvents.bytes(a, encoding, java.time.Instant.now()));
        double encodeSeconds = (System.nanoTime() - t0) / 1e9;
        t0 = System.nanoTime();
        List<DeliveryOutcome> out = new HecSink(settings).send(all);
        double seconds = (System.nanoTime() - t0) / 1e9;
        long sent = out.stream().filter(o -> o.status() == DeliveryStatus.SENT).count();
        List<HecServer.Request> requests = hec.requests();
        long body = requests.stream().mapToLong(HecServer.Request::bodyBytes).sum();
        long wire = requests.stream().mapToLong(HecServer.Request::wireBytes).sum();
        Map<String, Long> counts = hec.alertIdCounts();
        boolean once = sent == alerts && counts.size() == alerts && counts.values().stream().allMatch(n -> n == 1);
        allOnce &= once;
        System.out.printf("run %d: %,d sent in %.2f s = %,.0f alerts/s; %,d requests, %.1f MB of events, %.1f MB on "
            + "the wire; receiver busy %.2f s, encoding alone %.2f s; each alert exactly once: %s%n", run, sent, seconds,
            sent / seconds, requests.size(), body / 1e6, wire / 1e6, hec.handlingTime().toMillis() / 1e3,
            encodeSeconds, once ? "yes" : "NO");
      }
    }
    return allOnce ? 0 : 1;
  }
}
