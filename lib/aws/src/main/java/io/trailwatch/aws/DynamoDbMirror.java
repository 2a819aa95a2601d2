package io.trailwatch.aws;

import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.mirror.BaselineMirror;
import io.trailwatch.mirror.MirrorItem;
import io.trailwatch.mirror.MirrorMark;
import io.trailwatch.mirror.MirrorWrite;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import io.trailwatch.dimensions.Dimension;
import software.amazon.awssdk.services.dynamodb.waiters.DynamoDbWaiter;

/**
 * The baseline mirrored to a DynamoDB table, one item per behaviour (layout in docs/dynamodb.md):
 * {@code pk} = {@code <account_id>#<principal>}, {@code sk} = {@code <eventSource>#<eventName>}
 * (or {@code <dimension>#<value>}, {@link #sortKey}), {@code dimension}, {@code identity_type}, {@code first_seen} and {@code last_seen} (ISO-8601), {@code expires_at}
 * (epoch seconds, the table's TTL attribute) and {@code business_unit}. One item per business
 * unit with {@code pk} = {@value #MARK_PK} holds the {@link MirrorMark}.
 *
 * <p>Writes are BatchWriteItem calls of 25 puts, sent from the driver (the rows of one run are
 * few). Throttled calls are retried by the SDK with full-jitter exponential backoff; items a
 * call leaves unprocessed, and calls still throttled after that, are sent again with the same
 * backoff until no progress is made for as many rounds. A put replaces the whole item, so a
 * rerun writes the same items again and changes nothing.
 */
public final class DynamoDbMirror implements BaselineMirror, AutoCloseable {
  public static final String PK = "pk";
  public static final String SK = "sk";
  public static final String IDENTITY_TYPE = "identity_type";
  /** api, region, network or client: what the item's sk names. */
  public static final String DIMENSION = "dimension";
  public static final String FIRST_SEEN = "first_seen";
  public static final String LAST_SEEN = "last_seen";
  public static final String EXPIRES_AT = "expires_at";
  public static final String BUSINESS_UNIT = "business_unit";
  /** The partition of the mirror's own marks, one item per business unit ({@code sk} = the BU). */
  public static final String MARK_PK = "#mirror";
  public static final String MARK_VERSION = "baseline_version";
  public static final String MARK_PENDING = "pending";
  public static final String MARK_UPDATED = "updated_at";
  /** BatchWriteItem's limit. */
  public static final int BATCH = 25;

  private final DynamoDbClient client;
  private final String table;
  private final Retrying retrying;
  private final boolean ownsClient;

  DynamoDbMirror(DynamoDbClient client, String table, Retrying retrying, boolean ownsClient) {
    this.client = client;
    this.table = table;
    this.retrying = retrying;
    this.ownsClient = ownsClient;
  }

  /** The table {@code table} where the environment says ({@link AwsSettings#fromEnvironment}), credentials from the default chain. */
  public static DynamoDbMirror create(String table) {
    return create(table, AwsSettings.fromEnvironment(AwsSettings.Service.DYNAMODB), Retrying.standard());
  }

  static DynamoDbMirror create(String table, AwsSettings at, Retrying retrying) {
    DynamoDbClient c = AwsClients.build(DynamoDbClient.builder(), at, DefaultCredentialsProvider.builder().build(),
        retrying);
    return new DynamoDbMirror(c, table, retrying, true);
  }

  public String table() {
    return table;
  }

  /** What {@link #createTable} found or did. */
  public record TableSetup(boolean created, String ttlAttribute, String ttlStatus) {}

  /**
   * Creates the table (on-demand capacity, key {@code pk}/{@code sk}) unless it exists, waits
   * until it is active, and turns TTL on for {@code expires_at} unless it is on. An existing table
   * with another key or another TTL attribute is a user error.
   */
  public TableSetup createTable() {
    boolean created = call("create", () -> {
      try {
        client.createTable(b -> b.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
            .attributeDefinitions(stringAttribute(PK), stringAttribute(SK))
            .keySchema(key(PK, KeyType.HASH), key(SK, KeyType.RANGE)));
        return true;
      } catch (ResourceInUseException exists) {
        return false;
      }
    });
    call("wait for", () -> {
      try (DynamoDbWaiter w = client.waiter()) {
        return w.waitUntilTableExists(r -> r.tableName(table));
      }
    });
    List<KeySchemaElement> keys = call("describe", () -> client.describeTable(r -> r.tableName(table)).table().keySchema());
    if (!keys.equals(List.of(key(PK, KeyType.HASH), key(SK, KeyType.RANGE)))) {
      throw TrailwatchException.of(ErrorCode.DYNAMODB_TABLE_MISMATCH, "Cannot mirror to DynamoDB table %s: its key is %s, not"
          + " pk (HASH) and sk (RANGE); choose another --dynamodb-table", table, keys);
    }
    TimeToLiveDescription ttl = ttl();
    if (ttl.timeToLiveStatus() == TimeToLiveStatus.ENABLED || ttl.timeToLiveStatus() == TimeToLiveStatus.ENABLING) {
      if (!EXPIRES_AT.equals(ttl.attributeName())) {
        throw TrailwatchException.of(ErrorCode.DYNAMODB_TABLE_MISMATCH, "Cannot mirror to DynamoDB table %s: its TTL is on"
            + " attribute %s, not %s", table, ttl.attributeName(), EXPIRES_AT);
      }
    } else {
      call("turn on the TTL of", () -> client.updateTimeToLive(r -> r.tableName(table)
          .timeToLiveSpecification(t -> t.enabled(true).attributeName(EXPIRES_AT))));
      ttl = ttl();
    }
    return new TableSetup(created, ttl.attributeName(), ttl.timeToLiveStatusAsString());
  }

  /** The table's TTL setting as DynamoDB describes it. */
  public TimeToLiveDescription ttl() {
    return call("describe the TTL of", () -> client.describeTimeToLive(r -> r.tableName(table)).timeToLiveDescription());
  }

  @Override
  public MirrorWrite write(List<MirrorItem> items) {
    Map<MirrorItem.Key, MirrorItem> unique = new LinkedHashMap<>();
    // One BatchWriteItem may not name a key twice: the last row of a key wins.
    items.forEach(i -> unique.put(i.key(), i));
    List<WriteRequest> puts = unique.values().stream()
        .map(i -> WriteRequest.builder().putRequest(p -> p.item(item(i))).build()).toList();
    MirrorWrite done = MirrorWrite.NONE;
    for (int from = 0; from < puts.size(); from += BATCH) {
      done = done.plus(writeBatch(puts.subList(from, Math.min(puts.size(), from + BATCH))));
    }
    return done;
  }

  /** Deletes the items of these keys, 25 a call, retrying unprocessed ones as {@link #write} does. */
  @Override
  public MirrorWrite delete(List<MirrorItem.Key> keys) {
    List<WriteRequest> deletes = new java.util.LinkedHashSet<>(keys).stream()
        .map(k -> WriteRequest.builder().deleteRequest(d -> d.key(key(k))).build()).toList();
    MirrorWrite done = MirrorWrite.NONE;
    for (int from = 0; from < deletes.size(); from += BATCH) {
      done = done.plus(writeBatch(deletes.subList(from, Math.min(deletes.size(), from + BATCH))));
    }
    return done;
  }

  /** The primary key of a row's item. */
  static Map<String, AttributeValue> key(MirrorItem.Key k) {
    Map<String, AttributeValue> m = new LinkedHashMap<>();
    m.put(PK, s(k.accountId() + "#" + k.principal()));
    m.put(SK, s(sortKey(k.eventSource(), k.eventName())));
    return m;
  }

  private MirrorWrite writeBatch(List<WriteRequest> batch) {
    List<WriteRequest> pending = batch;
    int requests = 0;
    int retried = 0;
    int stalled = 0;
    while (true) {
      requests++;
      List<WriteRequest> send = pending;
      List<WriteRequest> left;
      SdkException throttled = null;
      try {
        left = client.batchWriteItem(b -> b.requestItems(Map.of(table, send))).unprocessedItems()
            .getOrDefault(table, List.of());
      } catch (SdkException e) {
        if (!Retrying.retryable(e)) {
          throw failure("write to", e);
        }
        // Still throttled after the SDK's own retries: nothing of this call was written.
        throttled = e;
        left = send;
      }
      if (left.isEmpty()) {
        return new MirrorWrite(batch.size(), requests, retried);
      }
      stalled = left.size() < send.size() ? 0 : stalled + 1;
      if (stalled >= retrying.maxAttempts()) {
        throw TrailwatchException.wrap(ErrorCode.DYNAMODB_FAILED, throttled, "Cannot write to DynamoDB table %s: %d of %d"
            + " items still unprocessed after %d calls (throttled: provision more write capacity or use on-demand)",
            table, left.size(), batch.size(), requests);
      }
      retried += left.size();
      if (!retrying.pause(Math.min(requests, 30))) {
        throw TrailwatchException.wrap(ErrorCode.DYNAMODB_FAILED, throttled, "Cannot write to DynamoDB table %s: interrupted"
            + " with %d items unprocessed", table, left.size());
      }
      pending = left;
    }
  }

  @Override
  public List<MirrorItem> lookup(String accountId, String principal, Instant now) {
    String pk = accountId + "#" + principal;
    return call("query", () -> client.queryPaginator(q -> q.tableName(table).keyConditionExpression("#pk = :pk")
            .expressionAttributeNames(Map.of("#pk", PK)).expressionAttributeValues(Map.of(":pk", s(pk))))
        .items().stream().map(DynamoDbMirror::fromItem).filter(i -> !i.expiredAt(now)).sorted(BY_KEY).toList());
  }

  /** Every row of a business unit, expired ones included (TTL deletes late; moto never): to compare with Delta. */
  public List<MirrorItem> scan(String businessUnit) {
    return call("scan", () -> client.scanPaginator(q -> q.tableName(table).filterExpression("#bu = :bu")
            .expressionAttributeNames(Map.of("#bu", BUSINESS_UNIT))
            .expressionAttributeValues(Map.of(":bu", s(businessUnit))))
        .items().stream().map(DynamoDbMirror::fromItem).sorted(BY_KEY).toList());
  }

  @Override
  public Optional<MirrorMark> mark(String businessUnit) {
    Map<String, AttributeValue> m = call("read from", () -> client.getItem(g -> g.tableName(table).consistentRead(true)
        .key(Map.of(PK, s(MARK_PK), SK, s(businessUnit)))).item());
    if (m == null || m.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new MirrorMark(Long.parseLong(m.get(MARK_VERSION).n()), m.get(MARK_PENDING).bool()));
  }

  @Override
  public void markPending(String businessUnit, long versionBefore) {
    putMark(businessUnit, versionBefore, true);
  }

  @Override
  public void markMirrored(String businessUnit, long version) {
    putMark(businessUnit, version, false);
  }

  private void putMark(String businessUnit, long version, boolean pending) {
    Map<String, AttributeValue> m = new LinkedHashMap<>();
    m.put(PK, s(MARK_PK));
    m.put(SK, s(businessUnit));
    m.put(MARK_VERSION, AttributeValue.fromN(Long.toString(version)));
    m.put(MARK_PENDING, AttributeValue.fromBool(pending));
    m.put(MARK_UPDATED, s(Instant.now().toString()));
    call("write to", () -> client.putItem(p -> p.tableName(table).item(m)));
  }

  static final Comparator<MirrorItem> BY_KEY = Comparator.comparing(MirrorItem::accountId)
      .thenComparing(MirrorItem::principal).thenComparing(MirrorItem::eventSource).thenComparing(MirrorItem::eventName);

  /** The item of a row (docs/dynamodb.md). */
  static Map<String, AttributeValue> item(MirrorItem i) {
    Map<String, AttributeValue> m = new LinkedHashMap<>(key(i.key()));
    m.put(DIMENSION, s(Dimension.ofKeySource(i.eventSource()).label()));
    m.put(IDENTITY_TYPE, s(i.identityType()));
    m.put(FIRST_SEEN, s(i.firstSeen().toString()));
    m.put(LAST_SEEN, s(i.lastSeen().toString()));
    m.put(EXPIRES_AT, AttributeValue.fromN(Long.toString(epochSecondsUp(i.expiresAt()))));
    m.put(BUSINESS_UNIT, s(i.businessUnit()));
    return m;
  }

  /**
   * The sort key of a baseline row: {@code <eventSource>#<eventName>} for api behaviour (as before
   * the dimensions, so an older mirror stays valid), {@code <dimension>#<value>} for the others
   * ({@code region#ap-southeast-1}): no AWS eventSource is a bare dimension name.
   */
  public static String sortKey(String eventSource, String eventName) {
    Dimension d = Dimension.ofKeySource(eventSource);
    return (d == Dimension.API ? eventSource : d.label()) + "#" + eventName;
  }

  /** The row of an item: {@code pk} and {@code sk} split at their first {@code #} (account ids, event sources and dimension names hold none). */
  static MirrorItem fromItem(Map<String, AttributeValue> m) {
    String pk = m.get(PK).s();
    String sk = m.get(SK).s();
    int p = pk.indexOf('#');
    int k = sk.indexOf('#');
    return new MirrorItem(m.get(BUSINESS_UNIT).s(), pk.substring(0, p), pk.substring(p + 1), m.get(IDENTITY_TYPE).s(),
        eventSource(sk.substring(0, k)), sk.substring(k + 1), Instant.parse(m.get(FIRST_SEEN).s()),
        Instant.parse(m.get(LAST_SEEN).s()), Instant.ofEpochSecond(Long.parseLong(m.get(EXPIRES_AT).n())));
  }

  /** The baseline's event_source of a sort key's first part: a dimension name is {@code @region}. */
  private static String eventSource(String skPrefix) {
    Dimension d = Dimension.ofLabel(skPrefix);
    return d == null || d == Dimension.API ? skPrefix : d.keySource();
  }

  /** Whole seconds, rounded up: an item is never absent in the mirror while the baseline still holds it. */
  static long epochSecondsUp(Instant t) {
    return t.getEpochSecond() + (t.getNano() > 0 ? 1 : 0);
  }

  private static AttributeValue s(String v) {
    return AttributeValue.fromS(v);
  }

  private static AttributeDefinition stringAttribute(String name) {
    return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
  }

  private static KeySchemaElement key(String name, KeyType type) {
    return KeySchemaElement.builder().attributeName(name).keyType(type).build();
  }

  private <T> T call(String what, Supplier<T> op) {
    return AwsClients.call(op, e -> failure(what, e));
  }

  private TrailwatchException failure(String what, SdkException e) {
    if (e instanceof ResourceNotFoundException) {
      return TrailwatchException.of(ErrorCode.DYNAMODB_TABLE_NOT_FOUND, "Cannot %s DynamoDB table %s: no such table (create it"
          + " with: trailwatch dynamodb-init --dynamodb-table %s)", what, table, table);
    }
    if (e instanceof AwsServiceException s) {
      return TrailwatchException.wrap(ErrorCode.DYNAMODB_FAILED, e, "Cannot %s DynamoDB table %s: %s", what, table,
          AwsClients.detail(s));
    }
    return TrailwatchException.wrap(ErrorCode.DYNAMODB_FAILED, e, "Cannot %s DynamoDB table %s: %s", what, table,
        e.getMessage());
  }

  @Override
  public void close() {
    if (ownsClient) {
      client.close();
    }
  }
}
