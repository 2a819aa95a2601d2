package io.trailwatch.detect;

import io.trailwatch.ingest.AccountReducer;
import io.trailwatch.ingest.EventSchema;
import io.trailwatch.ingest.LogFile;
import io.trailwatch.ingest.ParsedEvent;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * One read of a long range reduced, per account inside its task, to the behaviours each hourly
 * run would have seen: a {@link Behaviors#CONTEXT} row per (event hour, behaviour), plus, for
 * the history before {@code detectFrom}, one row per behaviour over that whole seed range (what
 * a baseline build of it computes, without context).
 *
 * <p>An event counts for its hour only if that hour's run reads its file: a file named from the
 * hour's start up to the delivery lag after its end ({@code FileSelection.filesOf}); for the seed,
 * a file named up to the lag after {@code detectFrom} (the baseline build's plan). Redelivered
 * events of the hours are dropped after that filter, with {@link AccountBehaviors}' key, which
 * holds the event time and so never joins two hours.
 *
 * <p>The seed's events are not de-duplicated: a redelivered copy changes only the seed's event
 * counts, never what the baseline stores from it (first and last successful call, whether any
 * call succeeded, the principal's first and last event). So the task remembers the event ids of
 * the hours decided only, not of the whole seed history.
 */
public final class HourlyBehaviors implements AccountReducer<Row> {
  /** {@link Behaviors#CONTEXT} and the event hour; {@code event_hour} is null on the seed's rows. */
  public static final StructType SCHEMA = EventSchema.concat(Behaviors.CONTEXT, new StructType()
      .add("event_hour", DataTypes.TimestampType, true));

  private static final long HOUR_MICROS = 3_600_000_000L;
  /** The bucket of the seed range, before every hour. */
  private static final long SEED = Long.MIN_VALUE;

  private final long detectFromMicros;
  private final long lagMicros;
  private final int maxValues;
  private final int sampleEventIds;
  private final DimensionValues dimensions;
  private final EventIdSet seen = new EventIdSet();
  private final Map<Long, AccountBehaviors> buckets = new TreeMap<>();
  private long fileMicros;

  public HourlyBehaviors(Instant detectFrom, Duration deliveryLag, int maxValues, int sampleEventIds,
      DimensionValues dimensions) {
    this.dimensions = dimensions;
    this.detectFromMicros = micros(detectFrom);
    this.lagMicros = deliveryLag.toNanos() / 1000;
    this.maxValues = maxValues;
    this.sampleEventIds = sampleEventIds;
  }

  /** A factory for the executors. */
  public static AccountReducer.Factory<Row> factory(Instant detectFrom, Duration deliveryLag, int maxValues,
      int sampleEventIds, DimensionValues dimensions) {
    return () -> new HourlyBehaviors(detectFrom, deliveryLag, maxValues, sampleEventIds, dimensions);
  }

  @Override
  public void file(LogFile file) {
    fileMicros = micros(file.fileTime());
  }

  @Override
  public void event(ParsedEvent e) {
    long hour = Math.floorDiv(e.eventTimeMicros, HOUR_MICROS) * HOUR_MICROS;
    long bucket;
    if (hour < detectFromMicros) {
      if (fileMicros > detectFromMicros + lagMicros) {
        return;
      }
      bucket = SEED;
    } else {
      if (fileMicros < hour || fileMicros > hour + HOUR_MICROS + lagMicros) {
        return;
      }
      bucket = hour;
    }
    if (bucket != SEED && !seen.add(e.eventId, e.eventTimeMicros, e.eventName)) {
      return;
    }
    buckets.computeIfAbsent(bucket, b -> b == SEED ? new AccountBehaviors(0, 0, dimensions)
        : new AccountBehaviors(maxValues, sampleEventIds, dimensions)).add(e);
  }

  @Override
  public void finish(Consumer<Row> out) {
    for (Map.Entry<Long, AccountBehaviors> b : buckets.entrySet()) {
      Timestamp hour = b.getKey() == SEED ? null : ParsedEvent.timestamp(b.getKey());
      b.getValue().finish(r -> {
        Object[] values = new Object[r.length() + 1];
        for (int i = 0; i < r.length(); i++) {
          values[i] = r.get(i);
        }
        values[r.length()] = hour;
        out.accept(new GenericRow(values));
      });
    }
    seen.clear();
    buckets.clear();
  }

  private static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
  }
}
