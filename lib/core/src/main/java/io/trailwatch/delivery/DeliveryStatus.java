package io.trailwatch.delivery;

import java.util.Locale;

/** Where one alert stands with one sink after a delivery attempt. */
public enum DeliveryStatus {
  /** The sink accepted it (with indexer acknowledgement on: the indexer acknowledged it). Never sent again. */
  SENT,
  /**
   * The sink refused it for good (HEC 400/401/403/413, an alert larger than the request limit,
   * an SNS sender fault). Not retried automatically: the reason says what to fix.
   */
  FAILED,
  /**
   * Not delivered yet for a passing reason that outlasted the retry budget (sink down, 503s,
   * timeouts, no acknowledgement yet). The next run sends it again; it may then arrive twice,
   * and its stable {@code alert_id} lets the receiver drop the copy.
   */
  PENDING;

  /** {@code sent}, {@code failed}, {@code pending}: the form for tables and summaries. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
