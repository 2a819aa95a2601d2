package io.trailwatch.detect;

import io.trailwatch.dimensions.Dimension;
import io.trailwatch.ingest.AccountReducer;
import io.trailwatch.ingest.ParsedEvent;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRow;

/**
 * {@link Behaviors#withContext} for the events of one account, in plain Java inside the task that
 * read them: drops redelivered events (same key as {@link Behaviors#dropDuplicateEvents}; the
 * first copy in file order is kept) and reduces the rest to one {@link Behaviors#CONTEXT} row per
 * behaviour. Exact because every copy of an account's event is in the account's task (the key
 * holds the account), and far cheaper than shuffling every event to group it.
 */
public final class AccountBehaviors implements AccountReducer<Row> {
  private final int maxValues;
  private final int sampleEventIds;
  private final DimensionValues.Task dimensions;
  private final List<Dimension> extra;
  /** Made on first use: a reducer fed through {@link #add} (already de-duplicated) never needs one. */
  private EventIdSet seen;
  private final Map<BehaviorKey, Acc> behaviors = new HashMap<>();
  private final BehaviorKey probe = new BehaviorKey();
  private String businessUnit;
  private String accountId;

  public AccountBehaviors(int maxValues, int sampleEventIds) {
    this(maxValues, sampleEventIds, DimensionValues.none());
  }

  /**
   * @param dimensions the dimensions besides api: each event also counts for its value in each
   *     ({@code @region}/{@code ap-southeast-1}), with the calls made with it
   */
  public AccountBehaviors(int maxValues, int sampleEventIds, DimensionValues dimensions) {
    this.maxValues = maxValues;
    this.sampleEventIds = sampleEventIds;
    this.dimensions = dimensions.isEmpty() ? null : dimensions.forTask();
    this.extra = dimensions.dimensions();
  }

  /** A factory for the executors. */
  public static AccountReducer.Factory<Row> factory(int maxValues, int sampleEventIds) {
    return factory(maxValues, sampleEventIds, DimensionValues.none());
  }

  public static AccountReducer.Factory<Row> factory(int maxValues, int sampleEventIds, DimensionValues dimensions) {
    return () -> new AccountBehaviors(maxValues, sampleEventIds, dimensions);
  }

  /** The behaviour key without business unit and account; mutable so that lookups allocate nothing. */
  private static final class BehaviorKey {
    String principal;
    String identityType;
    String eventSource;
    String eventName;
    int hash;

    BehaviorKey set(String principal, String identityType, String eventSource, String eventName) {
      this.principal = principal;
      this.identityType = identityType;
      this.eventSource = eventSource;
      this.eventName = eventName;
      this.hash = ((principal.hashCode() * 31 + identityType.hashCode()) * 31 + eventSource.hashCode()) * 31
          + eventName.hashCode();
      return this;
    }

    BehaviorKey copy() {
      return new BehaviorKey().set(principal, identityType, eventSource, eventName);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof BehaviorKey k && hash == k.hash && principal.equals(k.principal)
          && eventName.equals(k.eventName) && eventSource.equals(k.eventSource) && identityType.equals(k.identityType);
    }
  }

  /** One behaviour's aggregates: the same as the SQL ones of {@link Behaviors#withContext}. */
  private static final class Acc {
    long events;
    long failed;
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    long firstOk = Long.MAX_VALUE;
    long lastOk = Long.MIN_VALUE;
    boolean readOnly = true;
    final SmallestSet sourceIps;
    final SmallestSet userAgents;
    final SmallestSet regions;
    final SmallestSet errorCodes;
    final SmallestSet eventIds;
    /** An api behaviour's {@code eventSource:eventName}; null for a dimension's value. */
    final String call;
    /** A dimension value's calls and their counts; null for an api behaviour. */
    final SmallestCounts calls;
    /** An api behaviour's last raw value per dimension, and that value's aggregates. */
    String[] lastRaw;
    Acc[] lastValue;

    Acc(int maxValues, int sampleEventIds, String call, boolean dimension) {
      this.call = call;
      this.calls = dimension ? new SmallestCounts(maxValues) : null;
      sourceIps = new SmallestSet(maxValues);
      userAgents = new SmallestSet(maxValues);
      regions = new SmallestSet(maxValues);
      errorCodes = new SmallestSet(maxValues);
      eventIds = new SmallestSet(sampleEventIds);
    }
  }

  @Override
  public void event(ParsedEvent e) {
    if (seen == null) {
      seen = new EventIdSet();
    }
    if (!seen.add(e.eventId, e.eventTimeMicros, e.eventName)) {
      return;
    }
    add(e);
  }

  /** Adds an event to its behaviour's aggregates, without de-duplication (the caller has done it). */
  void add(ParsedEvent e) {
    if (businessUnit == null) {
      businessUnit = e.businessUnit;
      accountId = e.accountId;
    }
    Acc a = behaviors.get(probe.set(e.principal, e.identityType, e.eventSource, e.eventName));
    if (a == null) {
      a = new Acc(maxValues, sampleEventIds, e.eventSource + ":" + e.eventName, false);
      behaviors.put(probe.copy(), a);
    }
    update(a, e);
    if (dimensions == null) {
      return;
    }
    String call = a.call;
    if (a.lastRaw == null) {
      a.lastRaw = new String[extra.size()];
      a.lastValue = new Acc[extra.size()];
    }
    for (int i = 0; i < extra.size(); i++) {
      Dimension d = extra.get(i);
      String raw = raw(d, e);
      Acc v;
      // Calls of one behaviour mostly repeat the same region, address and user agent (one String
      // each from the parser): the value's aggregates are found without normalising or hashing.
      if (raw != null && raw == a.lastRaw[i]) {
        v = a.lastValue[i];
      } else {
        String value = dimensions.value(d, e);
        v = behaviors.get(probe.set(e.principal, e.identityType, d.keySource(), value));
        if (v == null) {
          v = new Acc(maxValues, sampleEventIds, null, true);
          behaviors.put(probe.copy(), v);
        }
        a.lastRaw[i] = raw;
        a.lastValue[i] = v;
      }
      update(v, e);
      v.calls.add(call);
    }
  }

  /**
   * The raw field a dimension's value comes from, or null when the value depends on more than
   * one field (a call through a VPC endpoint): then it is always normalised.
   */
  private static String raw(Dimension d, ParsedEvent e) {
    return switch (d) {
      case REGION -> e.awsRegion;
      case NETWORK -> e.vpcEndpointId == null ? e.sourceIp : null;
      case CLIENT -> e.userAgent;
      case API -> null;
    };
  }

  private static void update(Acc a, ParsedEvent e) {
    long t = e.eventTimeMicros;
    a.events++;
    a.first = Math.min(a.first, t);
    a.last = Math.max(a.last, t);
    if (e.errorCode != null) {
      a.failed++;
    } else {
      a.firstOk = Math.min(a.firstOk, t);
      a.lastOk = Math.max(a.lastOk, t);
    }
    if (!Boolean.TRUE.equals(e.readOnly)) {
      a.readOnly = false;
    }
    a.sourceIps.add(e.sourceIp);
    a.userAgents.add(e.userAgent);
    a.regions.add(e.awsRegion);
    a.errorCodes.add(e.errorCode);
    a.eventIds.add(e.eventId);
  }

  @Override
  public void finish(Consumer<Row> out) {
    for (Map.Entry<BehaviorKey, Acc> en : behaviors.entrySet()) {
      BehaviorKey k = en.getKey();
      Acc a = en.getValue();
      boolean anyOk = a.firstOk != Long.MAX_VALUE;
      out.accept(new GenericRow(new Object[] {businessUnit, accountId, k.principal, k.identityType, k.eventSource,
          k.eventName, a.events, a.failed, ParsedEvent.timestamp(a.first), ParsedEvent.timestamp(a.last),
          anyOk ? ParsedEvent.timestamp(a.firstOk) : null, anyOk ? ParsedEvent.timestamp(a.lastOk) : null,
          a.readOnly, a.sourceIps.seq(), a.userAgents.seq(), a.regions.seq(), a.errorCodes.seq(),
          a.eventIds.seq(), a.calls == null ? null : a.calls.map()}));
    }
    if (seen != null) {
      seen.clear();
    }
    behaviors.clear();
    businessUnit = null;
    accountId = null;
  }

  /**
   * The {@code k} smallest distinct non-null values, as {@link SmallestDistinct} keeps them, in a
   * sorted array; once full, a value not below the largest is rejected with one comparison.
   */
  static final class SmallestSet {
    private final String[] values;
    private int size;

    SmallestSet(int k) {
      values = new String[Math.max(0, k)];
    }

    void add(String v) {
      if (v == null || values.length == 0) {
        return;
      }
      if (size == values.length && v.compareTo(values[size - 1]) >= 0) {
        return;
      }
      // The parser hands out one String per repeated value (a user agent, an IP): most adds are of
      // a value already held, found by reference without comparing characters.
      for (int j = 0; j < size; j++) {
        if (values[j] == v) {
          return;
        }
      }
      int i = Arrays.binarySearch(values, 0, size, v);
      if (i >= 0) {
        return;
      }
      int at = -i - 1;
      int n = size == values.length ? size - 1 : size;
      System.arraycopy(values, at, values, at + 1, n - at);
      values[at] = v;
      size = n + 1;
    }

    /**
     * The values, smallest first. A set holding only the empty string gives no values, as the SQL
     * path does (it joins the set with a separator and splits the result, and "" splits to nothing).
     */
    List<String> values() {
      if (size == 1 && values[0].isEmpty()) {
        return List.of();
      }
      return Arrays.asList(Arrays.copyOf(values, size));
    }

    /** {@link #values()} as the Seq that Spark's Row encoder takes. */
    scala.collection.Seq<String> seq() {
      return scala.collection.JavaConverters.asScalaBuffer(values());
    }
  }

  /**
   * The {@code k} smallest distinct values with how many times each was added, exactly: a value
   * once pushed out (k smaller ones held) is never among the k smallest again, so every value
   * kept was counted from its first add.
   */
  static final class SmallestCounts {
    private final String[] values;
    private final long[] counts;
    private int size;

    SmallestCounts(int k) {
      values = new String[Math.max(0, k)];
      counts = new long[values.length];
    }

    void add(String v) {
      if (values.length == 0) {
        return;
      }
      for (int j = 0; j < size; j++) {
        if (values[j] == v) {
          counts[j]++;
          return;
        }
      }
      int i = Arrays.binarySearch(values, 0, size, v);
      if (i >= 0) {
        counts[i]++;
        return;
      }
      int at = -i - 1;
      if (size == values.length && at == size) {
        return;
      }
      int n = size == values.length ? size - 1 : size;
      System.arraycopy(values, at, values, at + 1, n - at);
      System.arraycopy(counts, at, counts, at + 1, n - at);
      values[at] = v;
      counts[at] = 1;
      size = n + 1;
    }

    /** As the Map that Spark's Row encoder takes. */
    scala.collection.Map<String, Long> map() {
      Map<String, Long> m = new java.util.LinkedHashMap<>();
      for (int i = 0; i < size; i++) {
        m.put(values[i], counts[i]);
      }
      return scala.collection.JavaConverters.mapAsScalaMap(m);
    }
  }

  @Override
  public String toString() {
    return "AccountBehaviors[" + Objects.toString(accountId) + ", " + behaviors.size() + " behaviours]";
  }
}
