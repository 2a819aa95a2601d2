package io.trailwatch.generate;

import java.util.List;

/**
 * One new behaviour injected in the incident hour that the detector must report.
 *
 * @param name the scenario, e.g. "stolen-access-key"
 * @param principal the normalised principal key (DESIGN.md, "Who is the principal")
 * @param identityType the record's userIdentity.type
 * @param dimension the baseline the behaviour is new in: {@value #API} (eventSource + eventName), {@value #REGION}
 *     (awsRegion), {@value #NETWORK} (sourceIPAddress: IPv4 /24, IPv6 /48, service names as they are) or
 *     {@value #CLIENT} (user-agent family, versions dropped)
 * @param value the new normalised value for region, network and client (e.g. "ap-southeast-1",
 *     "198.51.100.0/24", "python-requests"); null for api, whose value is the call itself
 * @param eventSource the call; for region, network and client, one of the calls made with the new value
 * @param failed whether the calls carry an errorCode
 */
public record ExpectedAlert(String name, String accountId, String principal, String identityType, String dimension,
    String value, String eventSource, String eventName, boolean failed, String description) {
  public static final String API = "api";
  public static final String REGION = "region";
  public static final String NETWORK = "network";
  public static final String CLIENT = "client";
  /** Every dimension the generator injects incidents for. */
  public static final List<String> DIMENSIONS = List.of(API, REGION, NETWORK, CLIENT);
}
