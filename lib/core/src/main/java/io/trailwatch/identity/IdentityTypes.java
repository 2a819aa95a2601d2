package io.trailwatch.identity;

import java.util.List;

/** The {@code userIdentity.type} values CloudTrail writes, plus {@code Unknown} for anything else. */
public final class IdentityTypes {
  public static final String ROOT = "Root";
  public static final String IAM_USER = "IAMUser";
  public static final String ASSUMED_ROLE = "AssumedRole";
  public static final String FEDERATED_USER = "FederatedUser";
  public static final String AWS_ACCOUNT = "AWSAccount";
  public static final String AWS_SERVICE = "AWSService";
  public static final String IDENTITY_CENTER_USER = "IdentityCenterUser";
  public static final String SAML_USER = "SAMLUser";
  public static final String WEB_IDENTITY_USER = "WebIdentityUser";
  public static final String DIRECTORY = "Directory";
  public static final String UNKNOWN = "Unknown";

  public static final List<String> ALL = List.of(ROOT, IAM_USER, ASSUMED_ROLE, FEDERATED_USER, AWS_ACCOUNT,
      AWS_SERVICE, IDENTITY_CENTER_USER, SAML_USER, WEB_IDENTITY_USER, DIRECTORY, UNKNOWN);

  private IdentityTypes() {}
}
