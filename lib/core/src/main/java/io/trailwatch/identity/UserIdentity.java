package io.trailwatch.identity;

/**
 * The parts of a record's {@code userIdentity} that name who acted. Any field may be null:
 * CloudTrail leaves many out depending on the type and the service.
 */
public record UserIdentity(
    String type,
    String principalId,
    String arn,
    String accountId,
    String userName,
    String invokedBy,
    String issuerArn,
    String issuerType,
    String onBehalfOfUserId) {

  public static UserIdentity ofType(String type) {
    return new UserIdentity(type, null, null, null, null, null, null, null, null);
  }
}
