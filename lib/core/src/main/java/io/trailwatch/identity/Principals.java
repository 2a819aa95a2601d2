package io.trailwatch.identity;

import io.trailwatch.core.QuarantineReason;
import java.io.Serializable;
import java.util.List;

/**
 * Turns a record's {@code userIdentity} into a stable principal key (DESIGN.md, "Who is the
 * principal"). Never keyed on a raw assumed-role {@code principalId}: session names churn.
 */
public final class Principals implements Serializable {
  private final List<String> humanRolePatterns;

  public Principals(List<String> humanRolePatterns) {
    this.humanRolePatterns = List.copyOf(humanRolePatterns);
  }

  /** The result of keying one record: a principal, or why there is none. */
  public record Keyed(Principal principal, QuarantineReason problem) {
    static Keyed of(String key, String type) {
      return new Keyed(new Principal(key, type), null);
    }

    static Keyed fail(QuarantineReason problem) {
      return new Keyed(null, problem);
    }
  }

  /**
   * @param id the record's userIdentity, or null when the record has none
   * @param eventType the record's eventType, used when userIdentity is missing
   * @param accountId the account whose log this is (for Root when accountId is missing)
   */
  public Keyed key(UserIdentity id, String eventType, String accountId) {
    if (id == null) {
      // AWS acting on its own (AwsServiceEvent) sometimes carries no userIdentity at all.
      if ("AwsServiceEvent".equals(eventType)) {
        return Keyed.of("service:unknown", IdentityTypes.AWS_SERVICE);
      }
      return Keyed.fail(QuarantineReason.MISSING_USER_IDENTITY);
    }
    String type = id.type() == null ? IdentityTypes.UNKNOWN : id.type();
    String acct = firstNonBlank(id.accountId(), accountId);
    switch (type) {
      case IdentityTypes.ROOT:
        return acct == null ? keyFromAnyId(id, type) : Keyed.of("arn:aws:iam::" + acct + ":root", type);
      case IdentityTypes.IAM_USER:
        if (notBlank(id.arn())) {
          return Keyed.of(id.arn(), type);
        }
        if (notBlank(id.userName()) && acct != null) {
          return Keyed.of("arn:aws:iam::" + acct + ":user/" + id.userName(), type);
        }
        return keyFromAnyId(id, type);
      case IdentityTypes.ASSUMED_ROLE:
        return assumedRole(id, type);
      case IdentityTypes.FEDERATED_USER:
        return federatedUser(id, type);
      case IdentityTypes.AWS_ACCOUNT:
        String caller = firstNonBlank(id.accountId(), accountFromPrincipalId(id.principalId()));
        return caller != null ? Keyed.of("account:" + caller, type) : keyFromAnyId(id, type);
      case IdentityTypes.AWS_SERVICE:
        return Keyed.of("service:" + (notBlank(id.invokedBy()) ? id.invokedBy() : "unknown"), type);
      default:
        return keyFromAnyId(id, type);
    }
  }

  private Keyed assumedRole(UserIdentity id, String type) {
    String roleArn = id.issuerArn();
    String session = sessionName(id);
    if (!notBlank(roleArn) && notBlank(id.arn())) {
      roleArn = roleArnFromSessionArn(id.arn());
    }
    if (!notBlank(roleArn)) {
      return keyFromAnyId(id, type);
    }
    String roleName = roleArn.substring(roleArn.lastIndexOf('/') + 1);
    if (session != null && isHumanRole(roleName)) {
      return Keyed.of(roleArn + "#" + session, type);
    }
    return Keyed.of(roleArn, type);
  }

  private Keyed federatedUser(UserIdentity id, String type) {
    // arn:aws:sts::<acct>:federated-user/<name>; the issuer is the IAM user that called GetFederationToken.
    String name = null;
    if (notBlank(id.arn()) && id.arn().contains(":federated-user/")) {
      name = id.arn().substring(id.arn().indexOf(":federated-user/") + ":federated-user/".length());
    }
    if (name == null) {
      name = sessionName(id);
    }
    if (notBlank(id.issuerArn()) && name != null) {
      return Keyed.of(id.issuerArn() + "#" + name, type);
    }
    return notBlank(id.arn()) ? Keyed.of(id.arn(), type) : keyFromAnyId(id, type);
  }

  /** Identity Center, SAML, web identity, directory and unknown types: the best stable id there is. */
  private static Keyed keyFromAnyId(UserIdentity id, String type) {
    if (notBlank(id.onBehalfOfUserId())) {
      return Keyed.of(type + ":" + id.onBehalfOfUserId(), type);
    }
    if (notBlank(id.arn())) {
      return Keyed.of(id.arn(), type);
    }
    if (notBlank(id.userName())) {
      return Keyed.of(type + ":" + (id.accountId() == null ? "" : id.accountId() + ":") + id.userName(), type);
    }
    if (notBlank(id.principalId())) {
      return Keyed.of(type + ":" + id.principalId(), type);
    }
    if (notBlank(id.invokedBy())) {
      return Keyed.of(type + ":" + id.invokedBy(), type);
    }
    return Keyed.fail(QuarantineReason.NO_PRINCIPAL_ID);
  }

  boolean isHumanRole(String roleName) {
    for (String p : humanRolePatterns) {
      if (Globs.matches(p, roleName)) {
        return true;
      }
    }
    return false;
  }

  /** The session name: the last part of an assumed-role ARN, or what follows ':' in the principalId. */
  static String sessionName(UserIdentity id) {
    if (notBlank(id.arn()) && id.arn().contains(":assumed-role/")) {
      String rest = id.arn().substring(id.arn().indexOf(":assumed-role/") + ":assumed-role/".length());
      int slash = rest.indexOf('/');
      if (slash >= 0 && slash < rest.length() - 1) {
        return rest.substring(slash + 1);
      }
    }
    if (notBlank(id.principalId())) {
      int colon = id.principalId().indexOf(':');
      if (colon >= 0 && colon < id.principalId().length() - 1) {
        return id.principalId().substring(colon + 1);
      }
    }
    return null;
  }

  /** arn:aws:sts::123:assumed-role/Name/session becomes arn:aws:iam::123:role/Name (the role path is not in the session ARN). */
  static String roleArnFromSessionArn(String arn) {
    int i = arn.indexOf(":assumed-role/");
    if (i < 0) {
      return null;
    }
    String head = arn.substring(0, i);
    String rest = arn.substring(i + ":assumed-role/".length());
    int slash = rest.indexOf('/');
    String role = slash < 0 ? rest : rest.substring(0, slash);
    String[] parts = head.split(":", -1);
    if (parts.length < 5 || role.isEmpty()) {
      return null;
    }
    return parts[0] + ":" + parts[1] + ":iam::" + parts[4] + ":role/" + role;
  }

  private static String accountFromPrincipalId(String principalId) {
    return principalId != null && principalId.matches("\\d{12}") ? principalId : null;
  }

  private static String firstNonBlank(String a, String b) {
    return notBlank(a) ? a : (notBlank(b) ? b : null);
  }

  static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }
}
