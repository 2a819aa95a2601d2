package io.trailwatch.generate;

import com.fasterxml.jackson.databind.JsonNode;

/** Reading generated records back in the generator's tests: fields, and the principal as DESIGN.md keys it. */
final class GeneratedRecords {
  private GeneratedRecords() {}

  /** A principal's key and, for assumed roles, the session name (null otherwise). */
  record Keyed(String key, String session) {}

  static String text(JsonNode n, String field) {
    JsonNode v = n == null ? null : n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  /** The principal of a record, keyed by identity type (DESIGN.md, "Who is the principal"). */
  static Keyed principal(JsonNode r) {
    JsonNode id = r.get("userIdentity");
    String type = text(id, "type");
    String session = null;
    String key;
    switch (type) {
      case "Root" -> key = "arn:aws:iam::" + text(id, "accountId") + ":root";
      case "IAMUser" -> key = text(id, "arn");
      case "AssumedRole" -> {
        String role = text(id.get("sessionContext").get("sessionIssuer"), "arn");
        String pid = text(id, "principalId");
        session = pid.substring(pid.indexOf(':') + 1);
        key = role.substring(role.lastIndexOf('/') + 1).startsWith("AWSReservedSSO_") ? role + "#" + session : role;
      }
      case "FederatedUser" -> {
        String arn = text(id, "arn");
        key = text(id.get("sessionContext").get("sessionIssuer"), "arn") + "#" + arn.substring(arn.indexOf('/') + 1);
      }
      case "AWSAccount" -> key = "account:" + text(id, "accountId");
      case "AWSService" -> key = "service:" + text(id, "invokedBy");
      case "IdentityCenterUser" -> key = "IdentityCenterUser:" + text(id.get("onBehalfOf"), "userId");
      default -> key = type + ":" + text(id, "userName");
    }
    return new Keyed(key, session);
  }
}
