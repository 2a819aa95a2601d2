package io.trailwatch.generate;

import com.fasterxml.jackson.core.io.SerializedString;

/** The identity a record carries: a principal plus, for roles, one session (name, temporary key, start). */
final class Session {
  final Principal p;
  /** Session name (roles), federated name, SAML user... or null. */
  final String sessionName;
  final SerializedString principalId;
  final SerializedString arn;
  final SerializedString accessKeyId;
  final SerializedString creationDate;
  /** Source IP of this session (an instance's address), or null to pick one of the principal's. */
  final SerializedString ip;
  /** ",\"userIdentity\":{...}" rendered once (by the account's writer). */
  SerializedString identityRaw;

  Session(Principal p, String sessionName, String principalId, String arn, String accessKeyId, String creationDate,
      String ip) {
    this.p = p;
    this.sessionName = sessionName;
    this.principalId = s(principalId);
    this.arn = s(arn);
    this.accessKeyId = s(accessKeyId);
    this.creationDate = s(creationDate);
    this.ip = s(ip);
  }

  private static SerializedString s(String v) {
    return v == null ? null : new SerializedString(v);
  }
}
