package io.trailwatch.dimensions;

/**
 * The source-network dimension: where a call came from, stable while an exact address churns.
 * A VPC endpoint id, an address prefix, an AWS service name, or a fixed word. Parses addresses
 * itself and never resolves names.
 */
public final class Networks {
  /** Longer inputs are not addresses nor service names (an IPv6 literal with a zone id fits). */
  static final int MAX_INPUT = 100;
  static final int MAX_VPCE = 64;
  static final String AWS_INTERNAL = "AWS Internal";

  private Networks() {}

  /**
   * {@code "vpce:<id>"} when {@code vpcEndpointId} is set ({@code "vpce:other"} if it is not a
   * plain id of at most 64 characters); else for an IPv4 or IPv6 literal its network with the
   * given prefix length ({@code 203.0.113.0/24}, {@code 2001:db8:1234::/48}; IPv4-mapped IPv6 as
   * IPv4; zone ids dropped); {@code "AWS Internal"} and {@code *.amazonaws.com} service names
   * unchanged; null or blank: {@code "unknown"}; anything else, and anything longer than 100
   * characters: {@code "other"}.
   *
   * @throws IllegalArgumentException if {@code ipv4PrefixBits} is not in 8..32 or
   *     {@code ipv6PrefixBits} not in 16..128
   */
  public static String normalise(String sourceIp, String vpcEndpointId, int ipv4PrefixBits, int ipv6PrefixBits) {
    if (ipv4PrefixBits < 8 || ipv4PrefixBits > 32) {
      throw new IllegalArgumentException("ipv4PrefixBits must be in 8..32, was " + ipv4PrefixBits);
    }
    if (ipv6PrefixBits < 16 || ipv6PrefixBits > 128) {
      throw new IllegalArgumentException("ipv6PrefixBits must be in 16..128, was " + ipv6PrefixBits);
    }
    if (!isBlank(vpcEndpointId)) {
      return isVpceId(vpcEndpointId) ? "vpce:" + vpcEndpointId : "vpce:other";
    }
    if (isBlank(sourceIp)) {
      return "unknown";
    }
    if (sourceIp.length() > MAX_INPUT) {
      return "other";
    }
    long v4 = parseIpv4(sourceIp, 0, sourceIp.length());
    if (v4 >= 0) {
      return ipv4Network((int) v4, ipv4PrefixBits);
    }
    if (sourceIp.indexOf(':') >= 0) {
      String v6 = ipv6Network(sourceIp, ipv4PrefixBits, ipv6PrefixBits);
      return v6 == null ? "other" : v6;
    }
    if (AWS_INTERNAL.equals(sourceIp) || isAwsServiceHost(sourceIp)) {
      return sourceIp;
    }
    return "other";
  }

  /** Null, or at most {@link #MAX_INPUT} characters that are all whitespace. */
  private static boolean isBlank(String s) {
    if (s == null) {
      return true;
    }
    int n = s.length();
    if (n > MAX_INPUT) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (!Character.isWhitespace(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isVpceId(String id) {
    if (id.length() > MAX_VPCE) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-')) {
        return false;
      }
    }
    return true;
  }

  /** {@code [a-z0-9.-]{1,64}} followed by {@code .amazonaws.com} or {@code .amazonaws.com.cn}. */
  static boolean isAwsServiceHost(String s) {
    int head;
    if (s.endsWith(".amazonaws.com")) {
      head = s.length() - ".amazonaws.com".length();
    } else if (s.endsWith(".amazonaws.com.cn")) {
      head = s.length() - ".amazonaws.com.cn".length();
    } else {
      return false;
    }
    if (head < 1 || head > 64) {
      return false;
    }
    for (int i = 0; i < head; i++) {
      char c = s.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-')) {
        return false;
      }
    }
    return true;
  }

  /** Four decimal octets 0-255 (no sign, no leading zero, nothing else) as an unsigned value, or -1. */
  static long parseIpv4(String s, int from, int to) {
    long value = 0;
    int octets = 0;
    int i = from;
    while (true) {
      int start = i;
      int octet = 0;
      while (i < to && i - start < 3 && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        octet = octet * 10 + (s.charAt(i) - '0');
        i++;
      }
      int digits = i - start;
      if (digits == 0 || octet > 255 || (digits > 1 && s.charAt(start) == '0')) {
        return -1;
      }
      value = (value << 8) | octet;
      octets++;
      if (octets == 4) {
        return i == to ? value : -1;
      }
      if (i >= to || s.charAt(i) != '.') {
        return -1;
      }
      i++;
    }
  }

  static String ipv4Network(int address, int bits) {
    int network = bits == 0 ? 0 : address & (int) (0xFFFFFFFFL << (32 - bits));
    return ((network >>> 24) & 0xFF) + "." + ((network >>> 16) & 0xFF) + "." + ((network >>> 8) & 0xFF) + "."
        + (network & 0xFF) + "/" + bits;
  }

  /** The prefix network of an IPv6 literal in RFC 5952 form, the IPv4 network for a v4-mapped one, or null. */
  static String ipv6Network(String s, int ipv4Bits, int ipv6Bits) {
    int zone = s.indexOf('%');
    int[] groups = parseIpv6(s, 0, zone >= 0 ? zone : s.length());
    if (groups == null) {
      return null;
    }
    if (groups[0] == 0 && groups[1] == 0 && groups[2] == 0 && groups[3] == 0 && groups[4] == 0
        && groups[5] == 0xFFFF) {
      return ipv4Network((groups[6] << 16) | groups[7], ipv4Bits);
    }
    for (int i = 0; i < 8; i++) {
      int keep = Math.max(0, Math.min(16, ipv6Bits - 16 * i));
      groups[i] &= (0xFFFF << (16 - keep)) & 0xFFFF;
    }
    return formatIpv6(groups) + "/" + ipv6Bits;
  }

  /** Eight 16-bit groups, or null if the text is not an IPv6 literal (with {@code ::} and a dotted tail allowed). */
  static int[] parseIpv6(String s, int from, int to) {
    int[] groups = new int[8];
    int count = 0;
    int gap = -1;
    int i = from;
    if (to - from >= 2 && s.charAt(i) == ':' && s.charAt(i + 1) == ':') {
      gap = 0;
      i += 2;
      if (i == to) {
        return groups;
      }
    }
    while (true) {
      int start = i;
      int group = 0;
      while (i < to && i - start < 4 && hex(s.charAt(i)) >= 0) {
        group = (group << 4) | hex(s.charAt(i));
        i++;
      }
      if (i < to && s.charAt(i) == '.') {
        // A dotted IPv4 tail fills the last two groups.
        long v4 = parseIpv4(s, start, to);
        if (v4 < 0 || count > 6) {
          return null;
        }
        groups[count++] = (int) (v4 >>> 16);
        groups[count++] = (int) (v4 & 0xFFFF);
        break;
      }
      if (i == start || count == 8) {
        return null;
      }
      groups[count++] = group;
      if (i == to) {
        break;
      }
      if (s.charAt(i) != ':') {
        return null;
      }
      i++;
      if (i < to && s.charAt(i) == ':') {
        if (gap >= 0) {
          return null;
        }
        gap = count;
        i++;
        if (i == to) {
          break;
        }
      } else if (i == to) {
        return null;
      }
    }
    if (gap < 0) {
      return count == 8 ? groups : null;
    }
    if (count > 7) {
      return null;
    }
    int moved = count - gap;
    System.arraycopy(groups, gap, groups, 8 - moved, moved);
    java.util.Arrays.fill(groups, gap, 8 - moved, 0);
    return groups;
  }

  /** RFC 5952: lower-case hex, no leading zeros, the first longest run of two or more zero groups as {@code ::}. */
  static String formatIpv6(int[] groups) {
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j;
    }
    StringBuilder out = new StringBuilder(48);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        out.append("::");
        i += bestLength - 1;
        continue;
      }
      if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
        out.append(':');
      }
      out.append(Integer.toHexString(groups[i]));
    }
    return out.toString();
  }

  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }
}
