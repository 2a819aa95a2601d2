package io.trailwatch.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.config.BaselineConfig;
import io.trailwatch.dimensions.Dimension;
import io.trailwatch.ingest.ParsedEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The in-task reduction with dimensions on: each event also counts for its region, network and
 * client, with the calls made with each value; hostile user agents cannot widen the baseline.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DimensionBehaviorsTest {
  static final long T0 = Instant.parse("2026-11-20T14:00:00Z").getEpochSecond() * 1_000_000L;
  static final String ALICE = "arn:aws:iam::111122223333:user/alice";
  static final DimensionValues ALL = DimensionValues.of(BaselineConfig.defaults()
      .withDimensions(List.of(Dimension.REGION, Dimension.NETWORK, Dimension.CLIENT)));
  static int ids;

  static ParsedEvent ev(String source, String name, String region, String ip, String vpce, String ua) {
    ParsedEvent e = new ParsedEvent();
    e.businessUnit = "bu";
    e.accountId = "111122223333";
    e.principal = ALICE;
    e.identityType = "IAMUser";
    e.eventSource = source;
    e.eventName = name;
    e.eventId = "e-" + ids++;
    e.eventTimeMicros = T0 + ids * 1_000_000L;
    e.awsRegion = region;
    e.sourceIp = ip;
    e.vpcEndpointId = vpce;
    e.userAgent = ua;
    e.readOnly = true;
    return e;
  }

  /** The rows of one account's events, by "event_source|event_name". */
  static Map<String, Row> reduce(DimensionValues dims, List<ParsedEvent> events) {
    AccountBehaviors r = new AccountBehaviors(10, 2, dims);
    events.forEach(r::event);
    Map<String, Row> out = new TreeMap<>();
    r.finish(row -> out.put(row.getString(4) + "|" + row.getString(5), row));
    return out;
  }

  static Map<String, Long> calls(Row r) {
    return new TreeMap<>(scala.collection.JavaConverters.mapAsJavaMap(r.<String, Long>getMap(at("calls"))));
  }

  /** A column's position in {@link Behaviors#CONTEXT} (the reducer's rows carry no schema). */
  static int at(String column) {
    return Behaviors.CONTEXT.fieldIndex(column);
  }

  @Test
  void eachValueOfEachDimensionIsABehaviourWithItsCalls() {
    String cli = "aws-cli/2.15.30 Python/3.11.8 Linux/6.1 exe/x86_64 prompt/off";
    List<ParsedEvent> events = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      events.add(ev("ec2.amazonaws.com", "DescribeInstances", "ap-southeast-1", "203.0.113." + (10 + i), null, cli));
    }
    events.add(ev("sts.amazonaws.com", "GetCallerIdentity", "ap-southeast-1", "203.0.113.99", null, cli));
    events.add(ev("s3.amazonaws.com", "GetObject", "us-east-1", "10.0.0.5", "vpce-0a1b2c3d4e5f", cli));
    Map<String, Row> rows = reduce(ALL, events);
    assertEquals(List.of("@client|aws-cli", "@network|203.0.113.0/24", "@network|vpce:vpce-0a1b2c3d4e5f",
        "@region|ap-southeast-1", "@region|us-east-1", "ec2.amazonaws.com|DescribeInstances",
        "s3.amazonaws.com|GetObject", "sts.amazonaws.com|GetCallerIdentity"), new ArrayList<>(rows.keySet()));
    Row region = rows.get("@region|ap-southeast-1");
    assertEquals(4L, region.getLong(at("events")));
    assertEquals(Map.of("ec2.amazonaws.com:DescribeInstances", 3L, "sts.amazonaws.com:GetCallerIdentity", 1L),
        calls(region));
    assertEquals(Map.of("ec2.amazonaws.com:DescribeInstances", 3L, "sts.amazonaws.com:GetCallerIdentity", 1L),
        calls(rows.get("@network|203.0.113.0/24")), "four addresses of one /24 are one network");
    assertEquals(5L, rows.get("@client|aws-cli").getLong(at("events")));
    assertNull(rows.get("ec2.amazonaws.com|DescribeInstances").get(at("calls")), "an api behaviour is its own call");
  }

  @Test
  void withApiOnlyNothingChanges() {
    Map<String, Row> rows = reduce(DimensionValues.none(), List.of(
        ev("ec2.amazonaws.com", "DescribeInstances", "ap-southeast-1", "203.0.113.10", null, "curl/8.4.0")));
    assertEquals(List.of("ec2.amazonaws.com|DescribeInstances"), new ArrayList<>(rows.keySet()));
  }

  @Test
  void hostileUserAgentsCannotWidenTheBaseline() {
    SplittableRandom r = new SplittableRandom(7);
    List<ParsedEvent> events = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      StringBuilder ua = new StringBuilder();
      int len = 1000 + r.nextInt(30_000);
      for (int k = 0; k < len; k++) {
        ua.append((char) (r.nextInt(3) == 0 ? r.nextInt(0x20) : 0x21 + r.nextInt(0x5d)));
      }
      if (i % 3 == 0) {
        ua.insert(r.nextInt(ua.length()), " aws-cli/2.0 ");
      }
      events.add(ev("s3.amazonaws.com", "GetObject", "us-east-1\u0000<script>", "not an address " + i, null,
          ua.toString()));
    }
    Map<String, Row> rows = reduce(ALL, events);
    long clients = rows.keySet().stream().filter(k -> k.startsWith("@client|")).count();
    long networks = rows.keySet().stream().filter(k -> k.startsWith("@network|")).count();
    long regions = rows.keySet().stream().filter(k -> k.startsWith("@region|")).count();
    assertTrue(clients <= 2, "2,000 distinct hostile user agents are at most a family or two: " + rows.keySet());
    assertEquals(1, networks, "addresses that are not addresses are one value: " + rows.keySet());
    assertEquals(List.of("@region|other"), rows.keySet().stream().filter(k -> k.startsWith("@region|")).toList());
    assertEquals(1, regions);
    for (String k : rows.keySet()) {
      assertTrue(k.length() < 80, "no value carries attacker text at length: " + k.length());
    }
  }
}
