package io.trailwatch.policy;

import java.util.HashMap;
import java.util.Map;

/**
 * The shipped catalogue of actions that matter more than others when they are new for a
 * principal: turning off the lights (CloudTrail, GuardDuty, Config), credential and policy
 * changes, key deletion, data exposure, secret reads, and reconnaissance. Keys are
 * {@code eventSource:eventName}. The config's {@code policy.sensitive-actions} adds to it.
 */
public final class SensitiveActions {
  private static final Map<String, Severity> SHIPPED = new HashMap<>();

  static {
    critical("cloudtrail", "StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors", "DeleteEventDataStore");
    critical("guardduty", "DeleteDetector", "UpdateDetector", "DisassociateFromMasterAccount",
        "DeleteMembers", "StopMonitoringMembers", "CreateIPSet", "UpdateIPSet");
    critical("config", "StopConfigurationRecorder", "DeleteConfigurationRecorder", "DeleteDeliveryChannel");
    critical("kms", "ScheduleKeyDeletion", "DisableKey");
    critical("securityhub", "DisableSecurityHub");
    critical("organizations", "LeaveOrganization", "DeleteOrganization");
    high("iam", "CreateUser", "CreateAccessKey", "UpdateAccessKey", "CreateLoginProfile", "UpdateLoginProfile",
        "AttachUserPolicy", "AttachRolePolicy", "AttachGroupPolicy", "PutUserPolicy", "PutRolePolicy",
        "PutGroupPolicy", "CreatePolicyVersion", "SetDefaultPolicyVersion", "UpdateAssumeRolePolicy",
        "AddUserToGroup", "CreateRole", "DeactivateMFADevice", "DeleteVirtualMFADevice", "CreateSAMLProvider",
        "UpdateSAMLProvider", "CreateOpenIDConnectProvider");
    high("s3", "PutBucketPolicy", "DeleteBucketPolicy", "PutBucketAcl", "PutObjectAcl", "PutBucketPublicAccessBlock",
        "DeleteBucketPublicAccessBlock", "PutBucketReplication", "DeleteBucket");
    high("secretsmanager", "GetSecretValue", "PutResourcePolicy", "DeleteSecret");
    high("ssm", "GetParameters", "GetParameter", "StartSession", "SendCommand");
    high("kms", "PutKeyPolicy", "CreateGrant");
    high("ec2", "ModifySnapshotAttribute", "ModifyImageAttribute", "AuthorizeSecurityGroupIngress",
        "CreateKeyPair", "ImportKeyPair", "GetPasswordData");
    high("lambda", "AddPermission20150331v2", "UpdateFunctionCode20150331v2");
    high("sts", "GetFederationToken");
    high("signin", "ConsoleLogin");
    high("sso", "CreatePermissionSet", "AttachManagedPolicyToPermissionSet", "CreateAccountAssignment");
    high("organizations", "CreateAccount", "InviteAccountToOrganization");
    medium("sts", "GetCallerIdentity", "GetSessionToken");
    medium("iam", "ListUsers", "ListRoles", "ListAccessKeys", "ListAttachedUserPolicies", "GetAccountAuthorizationDetails",
        "ListPolicies", "GetAccountSummary");
    medium("s3", "ListBuckets", "GetBucketPolicy", "GetBucketAcl");
    medium("secretsmanager", "ListSecrets");
    medium("ec2", "DescribeInstances", "DescribeSnapshots", "DescribeSecurityGroups");
    medium("organizations", "ListAccounts", "DescribeOrganization");
  }

  private SensitiveActions() {}

  private static void put(Severity s, String service, String... names) {
    for (String n : names) {
      SHIPPED.put(service + ".amazonaws.com:" + n, s);
    }
  }

  private static void critical(String service, String... names) {
    put(Severity.CRITICAL, service, names);
  }

  private static void high(String service, String... names) {
    put(Severity.HIGH, service, names);
  }

  private static void medium(String service, String... names) {
    put(Severity.MEDIUM, service, names);
  }

  /** The shipped catalogue with {@code extra} over it. */
  public static Map<String, Severity> catalogue(Map<String, Severity> extra) {
    Map<String, Severity> m = new HashMap<>(SHIPPED);
    m.putAll(extra);
    return Map.copyOf(m);
  }

  public static String key(String eventSource, String eventName) {
    return eventSource + ":" + eventName;
  }
}
