package io.trailwatch.dimensions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NetworksTest {
  static String net(String sourceIp) {
    return Networks.normalise(sourceIp, null, 24, 48);
  }

  static String net(String sourceIp, int v4Bits, int v6Bits) {
    return Networks.normalise(sourceIp, null, v4Bits, v6Bits);
  }

  @Test
  void ipv4IsItsPrefixNetwork() {
    assertEquals("203.0.113.0/24", net("203.0.113.77"));
    assertEquals("203.0.0.0/16", net("203.0.113.77", 16, 48));
    assertEquals("203.0.113.77/32", net("203.0.113.77", 32, 48));
    assertEquals("203.0.0.0/8", net("203.0.113.77", 8, 48));
    assertEquals("10.1.0.0/20", net("10.1.15.3", 20, 48));
    assertEquals("0.0.0.0/24", net("0.0.0.0"));
    assertEquals("255.255.255.0/24", net("255.255.255.255"));
  }

  @Test
  void addressesThatChurnInsideOnePrefixShareANetwork() {
    assertEquals(net("198.51.100.3"), net("198.51.100.250"));
    assertEquals(net("2001:db8:1234:1::17"), net("2001:db8:1234:ffff:abcd::9"));
  }

  @Test
  void malformedIpv4IsOther() {
    for (String bad : new String[] {"256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "+1.2.3.4", " 1.2.3.4",
        "1.2.3.4 ", "1..2.3", "1.2.3.-4", "1.2.3.4/24", "1.2.3.4\0", "1234.1.1.1", "1.2.3.4."}) {
      assertEquals("other", net(bad), bad);
    }
  }

  @Test
  void ipv6IsItsCompressedPrefixNetwork() {
    assertEquals("2001:db8:1234::/48", net("2001:db8:1234:5678::1"));
    assertEquals("2001:db8:1234:5678::/64", net("2001:db8:1234:5678:9abc::1", 24, 64));
    assertEquals("2001::/16", net("2001:db8::1", 24, 16));
    assertEquals("2001:db8::1/128", net("2001:0DB8:0000:0000:0000:0000:0000:0001", 24, 128));
    assertEquals("::1/128", net("::1", 24, 128));
    assertEquals("::/64", net("::", 24, 64));
    assertEquals("2001:db8::1:0:0:1/128", net("2001:db8:0:0:1:0:0:1", 24, 128));
    assertEquals("2001:0:0:1::1/128", net("2001:0:0:1:0:0:0:1", 24, 128));
    assertEquals("2001:db8:0:1:1:1:1:1/128", net("2001:db8:0:1:1:1:1:1", 24, 128));
    assertEquals("2001:db8:abcd:1200::/56", net("2001:db8:abcd:12ff::1", 24, 56));
    assertEquals("64:ff9b::/96", net("64:ff9b::203.0.113.77", 24, 96));
  }

  @Test
  void zoneIdIsDropped() {
    assertEquals("fe80::/64", net("fe80::1%eth0", 24, 64));
    assertEquals("other", net("%eth0"));
  }

  @Test
  void ipv4MappedIpv6IsTheIpv4Network() {
    assertEquals("203.0.113.0/24", net("::ffff:203.0.113.77"));
    assertEquals("203.0.113.0/24", net("::FFFF:cb00:714d"));
    assertEquals("203.0.0.0/16", net("0:0:0:0:0:ffff:203.0.113.77", 16, 48));
  }

  @Test
  void malformedIpv6IsOther() {
    for (String bad : new String[] {":::", "1:2:3:4:5:6:7:8:9", "12345::1", "1::2::3", "g::1", "1:2:3:4:5:6:7",
        "::1:", ":1::", "[::1]", "::ffff:1.2.3.256", "1:2:3:4:5:6:7:1.2.3.4", "1.2.3.4::", "::1 ", "fe80::1 %eth0",
        "1:2:3:4:5:6:7:8::"}) {
      assertEquals("other", net(bad, 24, 64), bad);
    }
  }

  @Test
  void vpcEndpointWinsOverTheAddress() {
    assertEquals("vpce:vpce-0a1b2c3d4e5f67890", Networks.normalise("10.0.3.7", "vpce-0a1b2c3d4e5f67890", 24, 48));
    assertEquals("vpce:vpce-0a1b2c3d4e5f67890", Networks.normalise(null, "vpce-0a1b2c3d4e5f67890", 24, 48));
    assertEquals("vpce:other", Networks.normalise("10.0.3.7", "vpce-<script>", 24, 48));
    assertEquals("vpce:other", Networks.normalise("10.0.3.7", "vpce-" + "a".repeat(60), 24, 48));
    assertEquals("vpce:other", Networks.normalise("10.0.3.7", "vpce-1\n", 24, 48));
    assertEquals("10.0.3.0/24", Networks.normalise("10.0.3.7", "", 24, 48));
    assertEquals("10.0.3.0/24", Networks.normalise("10.0.3.7", "  ", 24, 48));
  }

  @Test
  void awsNamesStayAsTheyAre() {
    assertEquals("AWS Internal", net("AWS Internal"));
    assertEquals("ec2.amazonaws.com", net("ec2.amazonaws.com"));
    assertEquals("lambda.amazonaws.com", net("lambda.amazonaws.com"));
    assertEquals("s3.cn-north-1.amazonaws.com.cn", net("s3.cn-north-1.amazonaws.com.cn"));
    String longest = "a".repeat(64) + ".amazonaws.com";
    assertEquals(longest, net(longest));
  }

  @Test
  void otherNamesAreOther() {
    for (String bad : new String[] {"evil.example.com", "amazonaws.com", ".amazonaws.com", "EC2.amazonaws.com",
        "ec2.amazonaws.com.evil.com", "a".repeat(65) + ".amazonaws.com", "ec2 .amazonaws.com", "aws internal",
        "localhost", "<script>alert(1)</script>", "\0", "\u0001\u0002", "\uFFFD"}) {
      assertEquals("other", net(bad), bad);
    }
  }

  @Test
  void hostileLongInputIsOther() {
    assertEquals("other", net("1".repeat(30_000)));
    assertEquals("other", net("203.0.113.77" + " ".repeat(30_000)));
    assertEquals("other", net("a".repeat(30_000) + ".amazonaws.com"));
    assertEquals("other", net(":".repeat(30_000)));
  }

  @Test
  void missingIsUnknown() {
    assertEquals("unknown", net(null));
    assertEquals("unknown", net(""));
    assertEquals("unknown", net(" \t "));
    assertEquals("unknown", Networks.normalise(null, null, 24, 48));
  }

  @Test
  void prefixBitsOutOfRangeAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> net("1.2.3.4", 7, 48));
    assertThrows(IllegalArgumentException.class, () -> net("1.2.3.4", 33, 48));
    assertThrows(IllegalArgumentException.class, () -> net("1.2.3.4", 24, 15));
    assertThrows(IllegalArgumentException.class, () -> net("1.2.3.4", 24, 129));
    assertThrows(IllegalArgumentException.class, () -> net(null, 0, 0));
  }
}
