package io.trailwatch.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PrincipalsTest {
  final Principals principals = new Principals(List.of("AWSReservedSSO_*", "breakglass-*"));

  static UserIdentity role(String roleArn, String session) {
    String name = roleArn.substring(roleArn.lastIndexOf('/') + 1);
    return new UserIdentity("AssumedRole", "AROAEXAMPLE:" + session,
        "arn:aws:sts::111122223333:assumed-role/" + name + "/" + session, "111122223333", null, null, roleArn, "Role",
        null);
  }

  String key(UserIdentity id) {
    return principals.key(id, "AwsApiCall", "111122223333").principal().key();
  }

  @Test
  void assumedRoleSessionsShareOneKey() {
    String arn = "arn:aws:iam::111122223333:role/app-orders";
    assertEquals(arn, key(role(arn, "i-0123456789abcdef0")));
    assertEquals(arn, key(role(arn, "i-0fedcba9876543210")));
    assertEquals(arn, key(role(arn, "botocore-session-1700000000")));
  }

  @Test
  void humanRolesAreKeyedPerPerson() {
    String arn = "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123abcd";
    assertEquals(arn + "#alice@example.com", key(role(arn, "alice@example.com")));
    assertEquals(arn + "#bob@example.com", key(role(arn, "bob@example.com")));
    String glass = "arn:aws:iam::111122223333:role/breakglass-admin";
    assertEquals(glass + "#carol", key(role(glass, "carol")));
  }

  @Test
  void roleIsDerivedFromTheSessionArnWhenTheIssuerIsMissing() {
    UserIdentity id = new UserIdentity("AssumedRole", "AROAEXAMPLE:s1",
        "arn:aws:sts::111122223333:assumed-role/deployer/s1", "111122223333", null, null, null, null, null);
    assertEquals("arn:aws:iam::111122223333:role/deployer", key(id));
  }

  @Test
  void eachIdentityTypeHasItsKey() {
    assertEquals("arn:aws:iam::111122223333:root", key(new UserIdentity("Root", "111122223333", null, null, null,
        null, null, null, null)));
    assertEquals("arn:aws:iam::111122223333:user/ci", key(new UserIdentity("IAMUser", "AIDA", null, "111122223333",
        "ci", null, null, null, null)));
    assertEquals("account:999988887777", key(new UserIdentity("AWSAccount", "AIDAX:abc", null, "999988887777", null,
        null, null, null, null)));
    assertEquals("service:config.amazonaws.com", key(new UserIdentity("AWSService", null, null, null, null,
        "config.amazonaws.com", null, null, null)));
    assertEquals("arn:aws:iam::111122223333:user/ci#partner", key(new UserIdentity("FederatedUser",
        "111122223333:partner", "arn:aws:sts::111122223333:federated-user/partner", "111122223333", null, null,
        "arn:aws:iam::111122223333:user/ci", "IAMUser", null)));
    assertEquals("IdentityCenterUser:9067-abcd", key(new UserIdentity("IdentityCenterUser", null, null,
        "111122223333", null, null, null, null, "9067-abcd")));
    assertEquals("SAMLUser:111122223333:jdoe", key(new UserIdentity("SAMLUser", null, null, "111122223333", "jdoe",
        null, null, null, null)));
  }

  @Test
  void serviceLinkedRolesAreRecognised() {
    String arn = "arn:aws:iam::111122223333:role/aws-service-role/ops.apigateway.amazonaws.com/AWSServiceRoleForAPIGateway";
    assertTrue(principals.key(role(arn, "x"), "AwsApiCall", "111122223333").principal().isServiceLinkedRole());
  }

  @Test
  void recordsWithoutAnyIdAreRejectedWithAReason() {
    Principals.Keyed k = principals.key(UserIdentity.ofType("SAMLUser"), "AwsApiCall", "111122223333");
    assertNull(k.principal());
    assertEquals(io.trailwatch.core.QuarantineReason.NO_PRINCIPAL_ID, k.problem());
    assertEquals(io.trailwatch.core.QuarantineReason.MISSING_USER_IDENTITY, principals.key(null, "AwsApiCall", "111122223333").problem());
    assertEquals("service:unknown", principals.key(null, "AwsServiceEvent", "111122223333").principal().key());
  }

  @Test
  void globsMatchWholeNames() {
    assertTrue(Globs.matches("AWSReservedSSO_*", "AWSReservedSSO_Admin_1"));
    assertTrue(!Globs.matches("AWSReservedSSO_*", "xAWSReservedSSO_Admin_1"));
    assertTrue(Globs.matches("a?c*", "abcdef"));
    assertTrue(Globs.matches("*", ""));
  }
}
