package io.trailwatch.generate;

/**
 * One new behaviour injected in the incident hour that the detector must report.
 *
 * @param name the scenario, e.g. "stolen-access-key"
 * @param principal the normalised principal key (DESIGN.md, "Who is the principal")
 * @param identityType the record's userIdentity.type
 * @param failed whether the calls carry an errorCode
 */
public record ExpectedAlert(String name, String accountId, String principal, String identityType, String eventSource,
    String eventName, boolean failed, String description) {}
