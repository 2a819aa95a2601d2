package io.trailwatch.ingest;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts, in a read task, what each account-region's files held ({@link TrailRead}), from the
 * events the parser hands on anyway: no second pass. A task reads whole accounts, so each
 * account's counts are complete when {@link #finish} is called after its last file.
 */
final class TrailTally {
  /** Lags are counted per minute up to this, longer ones in its bucket (the maximum stays exact below it). */
  static final int MAX_LAG_MINUTES = 24 * 60;
  private static final Pattern ORG = Pattern.compile("/AWSLogs/(o-[a-z0-9]+)/");

  private final Map<String, Region> regions = new TreeMap<>();
  /** Lag counters of finished accounts, zeroed, for the next ones (a task reads thousands of account-regions). */
  private final java.util.ArrayDeque<long[]> spare = new java.util.ArrayDeque<>();
  private Region current;
  private long fileMicros;

  /** Before each file's events. */
  void file(LogFile f) {
    current = regions.computeIfAbsent(f.region(), r -> new Region(f));
    current.files++;
    current.bytes += Math.max(0, f.size());
    fileMicros = f.fileTime().getEpochSecond() * 1_000_000L;
  }

  /** One event of the window, from the current file. */
  void event(ParsedEvent e) {
    Region r = current;
    r.events++;
    long lag = (fileMicros - e.eventTimeMicros) / 60_000_000L;
    int bucket = (int) Math.max(0, Math.min(MAX_LAG_MINUTES, lag));
    if (r.lags == null) {
      r.lags = spare.isEmpty() ? new long[MAX_LAG_MINUTES + 1] : spare.pop();
    }
    r.lags[bucket]++;
    if (TamperCall.isTamper(e.eventSource, e.eventName, e.errorCode)) {
      long micros = e.eventTimeMicros;
      Instant t = Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
      if (r.tamper == null || !t.isBefore(r.tamper.time())) {
        r.tamper = new TamperCall(e.eventSource, e.eventName, e.principal, e.identityType, t);
      }
    }
  }

  /** After the account's last file: its regions' counts, then a fresh start for the next account. */
  void finish(Consumer<TrailRead> out) {
    for (Map.Entry<String, Region> e : regions.entrySet()) {
      Region r = e.getValue();
      TreeMap<Long, Long> lags = new TreeMap<>();
      if (r.lags != null) {
        for (int i = 0; i < r.lags.length; i++) {
          if (r.lags[i] > 0) {
            lags.put((long) i, r.lags[i]);
          }
        }
        java.util.Arrays.fill(r.lags, 0L);
        spare.push(r.lags);
      }
      out.accept(new TrailRead(r.businessUnit, r.accountId, e.getKey(), r.trail, r.files, r.bytes, r.events, lags,
          r.tamper));
    }
    regions.clear();
    current = null;
  }

  /** The organisation id in an organisation trail's object key, or null. */
  static String trailOf(String uri) {
    Matcher m = ORG.matcher(uri);
    return m.find() ? m.group(1) : null;
  }

  private static final class Region {
    final String businessUnit;
    final String accountId;
    final String trail;
    long files;
    long bytes;
    long events;
    long[] lags;
    TamperCall tamper;

    Region(LogFile f) {
      businessUnit = f.businessUnit();
      accountId = f.accountId();
      trail = trailOf(f.uri());
    }
  }
}
