package io.trailwatch.ingest;

import java.io.Serializable;
import java.time.Instant;
import java.util.Set;

/**
 * A successful call that can silence CloudTrail (ATT&CK T1562.008): on the trail, on CloudTrail
 * Lake, on a bucket's policy or lifecycle, on a KMS key, or the account leaving the organisation.
 * The event does not say whether the bucket or key was the trail's: any such call counts, and only
 * matters when the account then goes silent.
 */
public record TamperCall(String eventSource, String eventName, String principal, String identityType, Instant time)
    implements Serializable {

  /** {@code eventSource:eventName} of every call that counts. */
  public static final Set<String> CALLS = Set.of(
      "cloudtrail.amazonaws.com:StopLogging",
      "cloudtrail.amazonaws.com:DeleteTrail",
      "cloudtrail.amazonaws.com:UpdateTrail",
      "cloudtrail.amazonaws.com:PutEventSelectors",
      "cloudtrail.amazonaws.com:PutInsightSelectors",
      "cloudtrail.amazonaws.com:StopEventDataStoreIngestion",
      "cloudtrail.amazonaws.com:DeleteEventDataStore",
      "cloudtrail.amazonaws.com:UpdateEventDataStore",
      "s3.amazonaws.com:PutBucketLifecycle",
      "s3.amazonaws.com:PutBucketLifecycleConfiguration",
      "s3.amazonaws.com:PutBucketPolicy",
      "s3.amazonaws.com:DeleteBucketPolicy",
      "kms.amazonaws.com:DisableKey",
      "kms.amazonaws.com:ScheduleKeyDeletion",
      "organizations.amazonaws.com:LeaveOrganization",
      "organizations.amazonaws.com:RemoveAccountFromOrganization");

  /** Whether a call is one of {@link #CALLS} and succeeded; allocates nothing (it runs for every event read). */
  public static boolean isTamper(String eventSource, String eventName, String errorCode) {
    if (errorCode != null || eventSource == null || eventName == null) {
      return false;
    }
    String source = switch (eventName) {
      case "StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors", "PutInsightSelectors",
          "StopEventDataStoreIngestion", "DeleteEventDataStore", "UpdateEventDataStore" -> "cloudtrail.amazonaws.com";
      case "PutBucketLifecycle", "PutBucketLifecycleConfiguration", "PutBucketPolicy", "DeleteBucketPolicy" ->
          "s3.amazonaws.com";
      case "DisableKey", "ScheduleKeyDeletion" -> "kms.amazonaws.com";
      case "LeaveOrganization", "RemoveAccountFromOrganization" -> "organizations.amazonaws.com";
      default -> null;
    };
    return eventSource.equals(source);
  }

  /** The call as analysts write it: {@code cloudtrail:StopLogging}. */
  public String call() {
    int dot = eventSource.indexOf('.');
    return (dot < 0 ? eventSource : eventSource.substring(0, dot)) + ":" + eventName;
  }
}
