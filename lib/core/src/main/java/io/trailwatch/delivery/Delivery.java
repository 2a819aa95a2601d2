package io.trailwatch.delivery;

import io.trailwatch.core.ErrorCode;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What a run's delivery came to, per sink: the run summary prints it, and a run whose alerts did
 * not all arrive must say so (and exit with its own status) so that a scheduler can tell
 * "detected, delivery pending" from success.
 *
 * @param sinks counts per sink name, sorted by name
 */
public record Delivery(Map<String, Counts> sinks) {

  /**
   * One sink's counts.
   *
   * @param reason the first configuration error's reason, else the first failed outcome's, else the first
   *     pending one's, else null
   * @param error the configuration error that kept alerts from going (once per sink, however many), or null
   */
  public record Counts(int sent, int failed, int pending, String reason, ErrorCode error) {
    Counts plus(Counts o) {
      String r;
      if (error != null) {
        r = reason;
      } else if (o.error != null) {
        r = o.reason;
      } else if (failed > 0) {
        r = reason;
      } else if (o.failed > 0) {
        r = o.reason;
      } else {
        r = reason != null ? reason : o.reason;
      }
      return new Counts(sent + o.sent, failed + o.failed, pending + o.pending, r, error != null ? error : o.error);
    }

    static Counts of(DeliveryOutcome o) {
      return switch (o.status()) {
        case SENT -> new Counts(1, 0, 0, null, null);
        case FAILED -> new Counts(0, 1, 0, o.reason(), o.error());
        case PENDING -> new Counts(0, 0, 1, o.reason(), o.error());
      };
    }
  }

  public Delivery {
    sinks = java.util.Collections.unmodifiableMap(new TreeMap<>(sinks));
  }

  /** No sink configured, or nothing to deliver. */
  public static Delivery none() {
    return new Delivery(Map.of());
  }

  public static Delivery of(Collection<DeliveryOutcome> outcomes) {
    Map<String, Counts> m = new TreeMap<>();
    for (DeliveryOutcome o : outcomes) {
      m.merge(o.sink(), Counts.of(o), Counts::plus);
    }
    return new Delivery(m);
  }

  /** Both runs' counts (e.g. the retried backlog and this hour's alerts). */
  public Delivery plus(Delivery other) {
    Map<String, Counts> m = new TreeMap<>(sinks);
    other.sinks.forEach((k, v) -> m.merge(k, v, Counts::plus));
    return new Delivery(m);
  }

  /** The configuration errors that kept alerts from going, one per sink (e.g. HEC_ACKS_REQUIRED). */
  public java.util.Set<ErrorCode> errors() {
    return sinks.values().stream().map(Counts::error).filter(java.util.Objects::nonNull)
        .collect(Collectors.toCollection(java.util.TreeSet::new));
  }

  public int sent() {
    return sinks.values().stream().mapToInt(Counts::sent).sum();
  }

  public int failed() {
    return sinks.values().stream().mapToInt(Counts::failed).sum();
  }

  public int pending() {
    return sinks.values().stream().mapToInt(Counts::pending).sum();
  }

  /**
   * True when some alert is failed or still pending at some sink: the run must report "delivery
   * pending/failed" in its summary and its exit status.
   */
  public boolean incomplete() {
    return failed() > 0 || pending() > 0;
  }

  /** One line for the run summary, e.g. {@code hec: 10 sent, 0 failed, 2 pending (HTTP 503 ...)}. */
  public String describe() {
    if (sinks.isEmpty()) {
      return "no delivery";
    }
    return sinks.entrySet().stream().map(e -> {
      Counts c = e.getValue();
      return e.getKey() + ": " + c.sent() + " sent, " + c.failed() + " failed, " + c.pending() + " pending"
          + (c.error() == null ? "" : " (configuration error " + c.error() + ": " + c.reason() + ")")
          + (c.error() != null || c.reason() == null ? "" : " (" + c.reason() + ")");
    }).collect(Collectors.joining("; "));
  }

  /** The summary's JSON: per sink, its counts (and the reason of the first failed or pending alert). */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    sinks.forEach((name, c) -> {
      Map<String, Object> one = new java.util.LinkedHashMap<>();
      one.put("sent", c.sent());
      one.put("failed", c.failed());
      one.put("pending", c.pending());
      if (c.reason() != null) {
        one.put("reason", c.reason());
      }
      if (c.error() != null) {
        one.put("error_code", c.error().name());
      }
      m.put(name, one);
    });
    return m;
  }
}
