package io.trailwatch.delivery;

import io.trailwatch.alerting.Alert;
import java.util.List;

/**
 * Where alerts go: Splunk HEC ({@link HecSink}), SNS ({@code io.trailwatch.aws.SnsSink}), or a
 * recording list in tests. A sink never throws for a delivery problem: every alert gets an
 * outcome, and the caller records them (the delivery ledger) and retries the pending ones in a
 * later run.
 */
public interface AlertSink extends AutoCloseable {
  /** A short stable name, the sink's key in the delivery ledger: {@code hec}, {@code sns}. */
  String name();

  /** Whether the sink can take alerts now. Sinks without a health endpoint say ok. */
  default Health check() {
    return Health.healthy();
  }

  /**
   * Delivers {@code alerts}, retrying passing failures within the sink's budget.
   *
   * @return one outcome per alert, in the order of {@code alerts}
   */
  List<DeliveryOutcome> send(List<Alert> alerts);

  /**
   * Sends analysts' verdicts as updates of alerts sent before, with the same {@code alert_id}, so a
   * Splunk notable or a ticket can follow it. Sinks that take no updates send none.
   *
   * @return one outcome per update, in order; empty from a sink that takes none
   */
  default List<DeliveryOutcome> update(List<io.trailwatch.verdict.VerdictUpdate> updates) {
    return List.of();
  }

  /** Releases the sink's clients; no exception for a sink that holds none. */
  @Override
  default void close() {}
}
