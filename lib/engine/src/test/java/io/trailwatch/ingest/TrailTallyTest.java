package io.trailwatch.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the read's tasks count per account-region for the coverage ledger, without Spark. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class TrailTallyTest {
  static final Instant H = Instant.parse("2026-11-20T14:00:00Z");
  static final String ACCOUNT = "111111111111";

  static LogFile file(String org, String region, int minute, long size) {
    String prefix = org == null ? "AWSLogs/" + ACCOUNT : "AWSLogs/" + org + "/" + ACCOUNT;
    return new LogFile("file:/logs/" + prefix + "/CloudTrail/" + region + "/2026/11/20/x.json.gz", ACCOUNT, "payments",
        region, H.plus(Duration.ofMinutes(minute)), size);
  }

  static ParsedEvent event(int minute, String source, String name, String error) {
    ParsedEvent e = new ParsedEvent();
    e.eventTimeMicros = H.plus(Duration.ofMinutes(minute)).getEpochSecond() * 1_000_000L;
    e.eventSource = source;
    e.eventName = name;
    e.errorCode = error;
    e.principal = "arn:aws:iam::111111111111:user/mallory";
    e.identityType = "IAMUser";
    return e;
  }

  @Test
  void eachAccountRegionGetsItsFilesEventsLagAndLastTamperCall() {
    TrailTally t = new TrailTally();
    t.file(file("o-abc123def4", "us-east-1", 10, 100));
    t.event(event(1, "s3.amazonaws.com", "GetObject", null));
    t.event(event(2, "cloudtrail.amazonaws.com", "StopLogging", "AccessDenied"));
    t.event(event(5, "cloudtrail.amazonaws.com", "StopLogging", null));
    t.file(file("o-abc123def4", "eu-west-1", 20, 50));
    t.file(file("o-abc123def4", "us-east-1", 95, 30));
    t.event(event(50, "kms.amazonaws.com", "DisableKey", null));
    List<TrailRead> out = new ArrayList<>();
    t.finish(out::add);

    assertEquals(2, out.size());
    TrailRead eu = out.get(0);
    assertEquals("eu-west-1", eu.region());
    assertEquals(1, eu.files());
    assertEquals(0, eu.events());
    assertNull(eu.lagP50Minutes());
    assertNull(eu.tamper());
    TrailRead us = out.get(1);
    assertEquals("o-abc123def4", us.trail());
    assertEquals(2, us.files());
    assertEquals(130, us.bytes());
    assertEquals(4, us.events());
    assertEquals(8L, us.lagP50Minutes(), "lags 9, 8, 5 and 45 minutes");
    assertEquals(45L, us.lagMaxMinutes());
    assertEquals("kms:DisableKey", us.tamper().call(), "the last successful tamper call");

    t.file(file(null, "us-east-1", 10, 1));
    out.clear();
    t.finish(out::add);
    assertEquals(1, out.size(), "the next account starts empty");
    assertNull(out.get(0).trail(), "an account's own trail");
    assertEquals(0, out.get(0).events());
  }

  @Test
  void everyListedTamperCallCountsOnlyFromItsOwnServiceAndOnlyWhenItSucceeded() {
    for (String c : TamperCall.CALLS) {
      String source = c.substring(0, c.indexOf(':'));
      String name = c.substring(c.indexOf(':') + 1);
      assertTrue(TamperCall.isTamper(source, name, null), c);
      assertFalse(TamperCall.isTamper(source, name, "AccessDenied"), c + " refused");
      assertFalse(TamperCall.isTamper("ec2.amazonaws.com", name, null), name + " of another service");
    }
    assertFalse(TamperCall.isTamper("cloudtrail.amazonaws.com", "LookupEvents", null));
    assertFalse(TamperCall.isTamper("kms.amazonaws.com", "StopLogging", null));
    assertFalse(TamperCall.isTamper(null, "StopLogging", null));
    assertFalse(TamperCall.isTamper("cloudtrail.amazonaws.com", null, null));
  }
}
