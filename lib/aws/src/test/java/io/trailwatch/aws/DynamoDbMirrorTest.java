package io.trailwatch.aws;

import io.trailwatch.core.ErrorCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.mirror.MirrorItem;
import io.trailwatch.mirror.MirrorMark;
import io.trailwatch.mirror.MirrorWrite;
import io.trailwatch.testing.FaultProxy;
import io.trailwatch.testing.FaultProxy.Response;
import io.trailwatch.testing.MotoServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** The DynamoDB mirror on moto: item layout, TTL, the reader's expiry rule, marks, and throttling that loses nothing. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DynamoDbMirrorTest {
  @RegisterExtension static final MotoServer MOTO = new MotoServer();
  static final Retrying FAST = new Retrying(8, 1, 5, ms -> { });
  static final String PAY = "111111111111";
  static final String CI = "arn:aws:iam::111111111111:user/ci";
  static final Instant NOW = Instant.parse("2026-11-20T15:00:00Z");
  static final ObjectMapper JSON = new ObjectMapper();

  static DynamoDbClient admin;

  @BeforeAll
  static void client() {
    admin = MOTO.client(DynamoDbClient.builder());
  }

  @AfterAll
  static void close() {
    admin.close();
  }

  static DynamoDbMirror mirror(String table, String endpoint) {
    return DynamoDbMirror.create(table, new AwsSettings(endpoint, "us-east-1"), FAST);
  }

  /** A new table, made the way dynamodb-init makes it. */
  static String newTable() {
    String name = "baseline-" + UUID.randomUUID().toString().substring(0, 8);
    try (DynamoDbMirror m = mirror(name, MOTO.endpoint())) {
      m.createTable();
    }
    return name;
  }

  static MirrorItem item(String principal, String name, Instant last) {
    return new MirrorItem("payments", PAY, principal, "IAMUser", "s3.amazonaws.com", name,
        last.minus(Duration.ofDays(20)), last, last.plus(Duration.ofDays(90)));
  }

  @Test
  void dynamodbInitCreatesTheTableWithTtlOnExpiresAt() {
    String name = "baseline-" + UUID.randomUUID().toString().substring(0, 8);
    try (DynamoDbMirror m = mirror(name, MOTO.endpoint())) {
      assertEquals(new DynamoDbMirror.TableSetup(true, "expires_at", "ENABLED"), m.createTable());
      assertEquals(new DynamoDbMirror.TableSetup(false, "expires_at", "ENABLED"), m.createTable(), "a second time");
    }
    var t = admin.describeTable(r -> r.tableName(name)).table();
    assertEquals("PAY_PER_REQUEST", t.billingModeSummary().billingModeAsString());
    assertEquals(List.of("pk:HASH", "sk:RANGE"), t.keySchema().stream().map(k -> k.attributeName() + ":"
        + k.keyTypeAsString()).toList());
  }

  @Test
  void aTableWithAnotherKeyIsAUserError() {
    String name = "other-" + UUID.randomUUID().toString().substring(0, 8);
    admin.createTable(b -> b.tableName(name).billingMode("PAY_PER_REQUEST")
        .attributeDefinitions(a -> a.attributeName("id").attributeType(ScalarAttributeType.S))
        .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH)));
    try (DynamoDbMirror m = mirror(name, MOTO.endpoint())) {
      assertEquals(ErrorCode.DYNAMODB_TABLE_MISMATCH, assertThrows(TrailwatchException.class, m::createTable).code());
    }
  }

  @Test
  void itemsHaveTheDocumentedLayout() {
    String table = newTable();
    MirrorItem i = new MirrorItem("payments", PAY, "arn:aws:iam::111111111111:role/AWSReservedSSO_Admin#alice",
        "AssumedRole", "iam.amazonaws.com", "CreateUser", Instant.parse("2026-10-01T08:30:00Z"),
        Instant.parse("2026-11-20T14:03:07Z"), Instant.parse("2027-02-18T14:03:07.250Z"));
    try (DynamoDbMirror m = mirror(table, MOTO.endpoint())) {
      m.write(List.of(i));
    }
    Map<String, AttributeValue> got = admin.getItem(g -> g.tableName(table).key(Map.of(
        "pk", AttributeValue.fromS(PAY + "#arn:aws:iam::111111111111:role/AWSReservedSSO_Admin#alice"),
        "sk", AttributeValue.fromS("iam.amazonaws.com#CreateUser")))).item();
    assertEquals(Map.of(
        "pk", AttributeValue.fromS(PAY + "#arn:aws:iam::111111111111:role/AWSReservedSSO_Admin#alice"),
        "sk", AttributeValue.fromS("iam.amazonaws.com#CreateUser"),
        "dimension", AttributeValue.fromS("api"),
        "identity_type", AttributeValue.fromS("AssumedRole"),
        "first_seen", AttributeValue.fromS("2026-10-01T08:30:00Z"),
        "last_seen", AttributeValue.fromS("2026-11-20T14:03:07Z"),
        "expires_at", AttributeValue.fromN(String.valueOf(Instant.parse("2027-02-18T14:03:08Z").getEpochSecond())),
        "business_unit", AttributeValue.fromS("payments")), got, "expires_at in epoch seconds, rounded up");
  }

  /** A value of another dimension: {@code sk} is {@code <dimension>#<value>}, and it reads back as the baseline's row. */
  @Test
  void dimensionValuesTakeTheirNameAsSortKeyPrefix() {
    String table = newTable();
    MirrorItem region = new MirrorItem("payments", PAY, CI, "IAMUser", "@region", "ap-southeast-1",
        Instant.parse("2026-10-01T08:30:00Z"), NOW, NOW.plus(Duration.ofDays(90)));
    MirrorItem network = new MirrorItem("payments", PAY, CI, "IAMUser", "@network", "vpce:vpce-0a1b2c3d",
        Instant.parse("2026-10-01T08:30:00Z"), NOW, NOW.plus(Duration.ofDays(90)));
    try (DynamoDbMirror m = mirror(table, MOTO.endpoint())) {
      m.write(List.of(region, network));
      Map<String, AttributeValue> got = admin.getItem(g -> g.tableName(table).key(Map.of(
          "pk", AttributeValue.fromS(PAY + "#" + CI), "sk", AttributeValue.fromS("region#ap-southeast-1")))).item();
      assertEquals(AttributeValue.fromS("region"), got.get("dimension"));
      assertEquals(List.of(network, region), m.lookup(PAY, CI, NOW), "read back with the baseline's keys");
    }
  }

  @Test
  void lookupTreatsExpiredItemsAsAbsent() {
    String table = newTable();
    MirrorItem read = item(CI, "GetObject", NOW.minus(Duration.ofDays(2)));
    MirrorItem list = item(CI, "ListBuckets", NOW.minus(Duration.ofHours(3)));
    MirrorItem expired = item(CI, "DeleteObject", NOW.minus(Duration.ofDays(91)));
    MirrorItem other = item("arn:aws:iam::111111111111:user/deploy", "GetObject", NOW);
    try (DynamoDbMirror m = mirror(table, MOTO.endpoint())) {
      m.write(List.of(read, list, expired, other));
      assertEquals(List.of(read, list), m.lookup(PAY, CI, NOW), "moto never deletes: the reader's rule does");
      assertEquals(List.of(list), m.lookup(PAY, CI, read.expiresAt()));
      assertEquals(List.of(), m.lookup("222222222222", CI, NOW));
      assertEquals(4, m.scan("payments").size(), "the expired item is still stored");
      assertEquals(List.of(), m.scan("platform"));
    }
  }

  @Test
  void writingTheSameRowsAgainChangesNothing() {
    String table = newTable();
    List<MirrorItem> rows = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      rows.add(item(CI, "Call" + i, NOW.minusSeconds(i)));
    }
    try (DynamoDbMirror m = mirror(table, MOTO.endpoint())) {
      assertEquals(new MirrorWrite(60, 3, 0), m.write(rows), "25 + 25 + 10");
      List<MirrorItem> once = m.scan("payments");
      m.write(rows);
      assertEquals(once, m.scan("payments"));
      assertEquals(60, once.size());
      // A key twice in one call (BatchWriteItem refuses that): the last row wins.
      MirrorItem later = item(CI, "Call0", NOW.plus(Duration.ofDays(2)));
      m.write(List.of(rows.get(0), later));
      assertEquals(List.of(later), m.lookup(PAY, CI, NOW).stream().filter(x -> x.eventName().equals("Call0")).toList());
    }
  }

  @Test
  void deletingKeysRemovesTheirItemsOnlyAndAgainChangesNothing() {
    String table = newTable();
    List<MirrorItem> rows = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      rows.add(item(CI, "Call" + i, NOW.minusSeconds(i)));
    }
    List<MirrorItem.Key> gone = rows.subList(0, 27).stream().map(MirrorItem::key).toList();
    try (DynamoDbMirror m = mirror(table, MOTO.endpoint())) {
      m.write(rows);
      assertEquals(new MirrorWrite(27, 2, 0), m.delete(gone), "25 + 2");
      assertEquals(rows.subList(27, 30).stream().sorted(DynamoDbMirror.BY_KEY).toList(), m.scan("payments"));
      m.delete(gone);
      assertEquals(3, m.scan("payments").size(), "deleting again changes nothing");
      assertEquals(MirrorWrite.NONE, m.delete(List.of()));
    }
  }

  @Test
  void marksRecordHowFarTheMirrorFollowed() {
    String table = newTable();
    try (DynamoDbMirror m = mirror(table, MOTO.endpoint())) {
      assertEquals(Optional.empty(), m.mark("payments"));
      m.markPending("payments", 41);
      assertEquals(Optional.of(new MirrorMark(41, true)), m.mark("payments"));
      m.markMirrored("payments", 42);
      assertEquals(Optional.of(new MirrorMark(42, false)), m.mark("payments"));
      assertEquals(Optional.empty(), m.mark("platform"));
      assertEquals(List.of(), m.scan("payments"), "marks are not baseline rows");
    }
  }

  @Test
  void throttlingAndUnprocessedItemsLoseNothing() throws Exception {
    String table = newTable();
    List<MirrorItem> rows = new ArrayList<>();
    for (int i = 0; i < 260; i++) {
      rows.add(item("arn:aws:iam::111111111111:user/u" + (i % 7), "Call" + i, NOW.minusSeconds(i)));
    }
    AtomicInteger throttled = new AtomicInteger();
    AtomicInteger partial = new AtomicInteger();
    try (FaultProxy proxy = FaultProxy.start(MOTO.endpoint(), (r, up) -> {
      if (r.target() == null || !r.target().endsWith(".BatchWriteItem")) {
        return up.send(r);
      }
      if (r.seq() % 3 == 0) {
        throttled.incrementAndGet();
        return Response.awsJsonError(r, 400, "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
            "The level of configured provisioned throughput for the table was exceeded");
      }
      ObjectNode body = (ObjectNode) JSON.readTree(r.body());
      ArrayNode writes = (ArrayNode) body.get("RequestItems").get(table);
      if (r.seq() % 3 == 1 && writes.size() > 1) {
        // Write the first half, hand the rest back unprocessed, as DynamoDB does when capacity runs out.
        partial.incrementAndGet();
        ArrayNode done = JSON.createArrayNode();
        ArrayNode left = JSON.createArrayNode();
        for (int i = 0; i < writes.size(); i++) {
          (i < writes.size() / 2 ? done : left).add(writes.get(i));
        }
        ((ObjectNode) body.get("RequestItems")).set(table, done);
        Response resp = up.send(r.withBody(body.toString()));
        ObjectNode out = (ObjectNode) JSON.readTree(resp.body());
        out.putObject("UnprocessedItems").set(table, left);
        return resp.withBody(out.toString());
      }
      return up.send(r);
    }); DynamoDbMirror m = mirror(table, proxy.endpoint())) {
      MirrorWrite w = m.write(rows);
      assertEquals(260, w.items());
      assertTrue(throttled.get() >= 3 && partial.get() >= 3, "throttled " + throttled + ", partial " + partial);
      assertTrue(w.retried() > 0 && w.requests() > 11, w.toString());
    }
    try (DynamoDbMirror m = mirror(table, MOTO.endpoint())) {
      assertEquals(rows.stream().sorted(DynamoDbMirror.BY_KEY).toList(), m.scan("payments"));
    }
  }

  @Test
  void lastingThrottlingIsAnExternalErrorAndAMissingTableAUserError() throws Exception {
    String table = newTable();
    try (FaultProxy proxy = FaultProxy.start(MOTO.endpoint(), (r, up) -> Response.awsJsonError(r, 400,
        "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException", "slow down"));
        DynamoDbMirror m = mirror(table, proxy.endpoint())) {
      TrailwatchException e = assertThrows(TrailwatchException.class, () -> m.write(List.of(item(CI, "GetObject", NOW))));
      assertEquals(ErrorCode.DYNAMODB_FAILED, e.code());
      assertEquals(TrailwatchException.Kind.EXTERNAL, e.kind());
      assertEquals(64, proxy.requests().size(), "8 rounds of the SDK's 8 attempts");
    }
    try (DynamoDbMirror m = mirror("no-such-table", MOTO.endpoint())) {
      TrailwatchException e = assertThrows(TrailwatchException.class, () -> m.write(List.of(item(CI, "GetObject", NOW))));
      assertEquals(ErrorCode.DYNAMODB_TABLE_NOT_FOUND, e.code());
      assertEquals(TrailwatchException.Kind.USER, e.kind());
      assertFalse(e.getMessage().contains("testing"), "no credentials in messages");
    }
  }
}
