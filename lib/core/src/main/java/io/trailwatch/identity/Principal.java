package io.trailwatch.identity;

/** A normalised principal: the stable key behaviour is baselined on, and its identity type. */
public record Principal(String key, String identityType) {
  /** Service-linked roles (under {@code /aws-service-role/}) are AWS acting for you. */
  public boolean isServiceLinkedRole() {
    return key.contains(":role/aws-service-role/");
  }
}
