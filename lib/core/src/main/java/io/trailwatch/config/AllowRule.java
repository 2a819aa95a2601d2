package io.trailwatch.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.trailwatch.core.ErrorCode;
import io.trailwatch.dimensions.Dimension;
import io.trailwatch.identity.Globs;
import java.io.Serializable;

/**
 * One allow-list entry. Each field is a glob ({@code *}, {@code ?}); a missing field matches
 * anything. A rule with only {@code principal} silences that principal; a rule with only
 * {@code event-source}/{@code event-name} silences that api behaviour for everyone (in
 * {@code account}, if given). {@code dimension} with {@code value} silences a value of a
 * dimension: a region, a client family, or a network, where the value may also be an IPv4
 * range in CIDR form ({@code 198.51.100.0/22}: a corporate egress range) holding the network.
 */
public record AllowRule(
    @JsonProperty("account") String account,
    @JsonProperty("principal") String principal,
    @JsonProperty("event-source") String eventSource,
    @JsonProperty("event-name") String eventName,
    /** api, region, network or client; missing: any dimension. */
    @JsonProperty("dimension") Dimension dimension,
    /** The dimension's value (a glob, or for network a CIDR range); missing: any value. */
    @JsonProperty("value") String value,
    /** Why this is allowed: shown nowhere but kept for reviewers of the config. */
    @JsonProperty("reason") String reason) implements Serializable {

  public AllowRule {
    account = account == null ? "*" : account;
    principal = principal == null ? "*" : principal;
    eventSource = eventSource == null ? "*" : eventSource;
    eventName = eventName == null ? "*" : eventName;
    value = value == null ? "*" : value;
  }

  /** A rule on api behaviour and principals only. */
  public AllowRule(String account, String principal, String eventSource, String eventName, String reason) {
    this(account, principal, eventSource, eventName, null, null, reason);
  }

  /** Whether the rule matches an api behaviour. */
  public boolean matches(String acct, String princ, String source, String name) {
    return matches(acct, princ, Dimension.API, source, name);
  }

  /**
   * Whether the rule matches a behaviour of {@code dim}: for api, {@code source} and {@code name}
   * are the call's; for the others {@code name} is the value (and a rule naming an event-source
   * or event-name never matches them).
   */
  public boolean matches(String acct, String princ, Dimension dim, String source, String name) {
    if (!Globs.matches(account, acct) || !Globs.matches(principal, princ)) {
      return false;
    }
    if (dimension != null && dimension != dim) {
      return false;
    }
    if (dim == Dimension.API) {
      return Globs.matches(eventSource, source) && Globs.matches(eventName, name);
    }
    if (!"*".equals(eventSource) || !"*".equals(eventName)) {
      return false;
    }
    if (dim == Dimension.NETWORK && value.indexOf('/') > 0 && inRange(value, name)) {
      return true;
    }
    return Globs.matches(value, name);
  }

  /** Whether an IPv4 network ({@code 198.51.100.0/24}) lies inside a CIDR range ({@code 198.51.100.0/22}). */
  static boolean inRange(String range, String network) {
    long[] r = cidr(range);
    long[] n = cidr(network);
    if (r == null || n == null || n[1] < r[1]) {
      return false;
    }
    long mask = r[1] == 0 ? 0 : (0xFFFFFFFFL << (32 - r[1])) & 0xFFFFFFFFL;
    return (r[0] & mask) == (n[0] & mask);
  }

  /** An IPv4 CIDR as {address, bits}, or null. */
  private static long[] cidr(String s) {
    int slash = s.indexOf('/');
    if (slash < 0 || s.length() > 18) {
      return null;
    }
    String[] parts = s.substring(0, slash).split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    long a = 0;
    try {
      for (String p : parts) {
        int v = Integer.parseInt(p);
        if (p.isEmpty() || p.length() > 3 || v < 0 || v > 255) {
          return null;
        }
        a = (a << 8) | v;
      }
      int bits = Integer.parseInt(s.substring(slash + 1));
      return bits < 0 || bits > 32 ? null : new long[] {a, bits};
    } catch (NumberFormatException e) {
      return null;
    }
  }

  void validate(String key) {
    if (!"*".equals(value) && dimension == null) {
      throw Checks.bad(key + ".value", value, "a value needs its dimension (region, network, client)");
    }
    if ("*".equals(account) && "*".equals(principal) && "*".equals(eventSource) && "*".equals(eventName)
        && (dimension == null || "*".equals(value))) {
      throw io.trailwatch.core.TrailwatchException.of(ErrorCode.BAD_CONFIG_VALUE,
          "Cannot set %s to a rule that matches everything: give account, principal, event-source, event-name,"
              + " or dimension with value", key);
    }
    if (dimension == Dimension.NETWORK && value.indexOf('/') > 0 && value.indexOf('*') < 0 && cidr(value) == null
        && value.indexOf(':') < 0) {
      throw Checks.bad(key + ".value", value, "not an IPv4 range in CIDR form (e.g. 198.51.100.0/22)");
    }
    if (dimension == Dimension.API && !"*".equals(value)) {
      throw Checks.bad(key + ".value", value, "for api use event-source and event-name");
    }
  }
}
