package io.trailwatch.ingest;

import java.io.Serializable;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What one account-region's files held for the read's event hour, counted while they were read
 * ({@link TrailTally}): the coverage ledger's row before it is stored.
 *
 * @param trail the organisation id of an organisation trail's files ({@code o-...}), or null for an account's own trail
 * @param events the events of the hour in these files (a redelivered event counts again)
 * @param lagMinutes how many events had each delivery lag, in whole minutes (file name's time minus event time)
 * @param tamper the last logging-tamper call among them, or null
 */
public record TrailRead(String businessUnit, String accountId, String region, String trail, long files, long bytes,
    long events, SortedMap<Long, Long> lagMinutes, TamperCall tamper)
    implements Serializable {

  public TrailRead {
    lagMinutes = new TreeMap<>(lagMinutes);
  }

  /** The median delivery lag in minutes, or null without events. */
  public Long lagP50Minutes() {
    long half = (events + 1) / 2;
    long seen = 0;
    for (Map.Entry<Long, Long> e : lagMinutes.entrySet()) {
      seen += e.getValue();
      if (seen >= half && events > 0) {
        return e.getKey();
      }
    }
    return null;
  }

  /** The longest delivery lag in minutes, or null without events. */
  public Long lagMaxMinutes() {
    return lagMinutes.isEmpty() ? null : lagMinutes.lastKey();
  }
}
