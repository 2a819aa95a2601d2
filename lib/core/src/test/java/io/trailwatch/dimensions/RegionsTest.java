package io.trailwatch.dimensions;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RegionsTest {
  @Test
  void regionCodesStay() {
    for (String region : new String[] {"us-east-1", "ap-southeast-1", "us-gov-west-1", "cn-north-1", "eu-central-2",
        "us-isob-east-1", "ap-southeast-12", "il-central-1"}) {
      assertEquals(region, Regions.sanitiseRegion(region));
    }
  }

  @Test
  void missingIsUnknown() {
    assertEquals("unknown", Regions.sanitiseRegion(null));
    assertEquals("unknown", Regions.sanitiseRegion(""));
    assertEquals("unknown", Regions.sanitiseRegion("  "));
  }

  @Test
  void anythingElseIsOther() {
    for (String bad : new String[] {"us-east", "US-EAST-1", "us-east-123", "useast-1", "u-east-1", "us--east-1",
        "us-east-1-", "-us-east-1", "us-east-1 ", " us-east-1", "us-east1", "us-1", "us-east-a", "us-ea st-1",
        "us-east-1\0", "us-\u00e9ast-1", "global", "aws-global", "us-" + "e".repeat(30_000) + "-1"}) {
      assertEquals("other", Regions.sanitiseRegion(bad), bad);
    }
  }
}
