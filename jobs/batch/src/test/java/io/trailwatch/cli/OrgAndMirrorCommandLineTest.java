package io.trailwatch.cli;

import static io.trailwatch.testing.CloudTrailFixtures.iamUser;
import static io.trailwatch.testing.CloudTrailFixtures.record;
import static io.trailwatch.testing.CloudTrailFixtures.writeAccounts;
import static io.trailwatch.testing.CloudTrailFixtures.writeLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.aws.DynamoDbMirror;
import io.trailwatch.mirror.MirrorItem;
import io.trailwatch.core.ErrorCode;
import io.trailwatch.testing.CommandRun;
import io.trailwatch.testing.MotoServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.organizations.OrganizationsClient;

/** accounts, --org, dynamodb-init and lookup on the command line, against moto (endpoints set the SDK's way). */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
// Points the AWS SDK at its moto server through a system property: no other class that sets it runs beside it.
@org.junit.jupiter.api.parallel.ResourceLock("aws.endpointUrlDynamoDb")
@org.junit.jupiter.api.parallel.ResourceLock("aws.endpointUrlOrganizations")
class OrgAndMirrorCommandLineTest {
  @RegisterExtension static final MotoServer MOTO = new MotoServer();
  static final String CI = "ci";
  static String root;
  static String payProd;
  static String platProd;

  @TempDir Path dir;

  static CommandRun run(String... args) {
    return CommandRun.of(Main::run, args);
  }

  @BeforeAll
  static void organisation() {
    // The SDK's system properties for AWS_ENDPOINT_URL_ORGANIZATIONS and _DYNAMODB: the environment stays as it is.
    System.setProperty("aws.endpointUrlOrganizations", MOTO.endpoint());
    System.setProperty("aws.endpointUrlDynamoDb", MOTO.endpoint());
    try (OrganizationsClient org = MOTO.client(OrganizationsClient.builder())) {
      org.createOrganization(r -> r.featureSet("ALL"));
      root = org.listRoots().roots().get(0).id();
      String payments = org.createOrganizationalUnit(r -> r.parentId(root).name("Payments")).organizationalUnit().id();
      String platform = org.createOrganizationalUnit(r -> r.parentId(root).name("Platform Team")).organizationalUnit().id();
      payProd = org.createAccount(r -> r.accountName("pay-prod").email("p@example.com")).createAccountStatus().accountId();
      platProd = org.createAccount(r -> r.accountName("plat, prod").email("q@example.com")).createAccountStatus()
          .accountId();
      org.moveAccount(r -> r.accountId(payProd).sourceParentId(root).destinationParentId(payments));
      org.moveAccount(r -> r.accountId(platProd).sourceParentId(root).destinationParentId(platform));
    }
  }

  @AfterAll
  static void restore() {
    System.clearProperty("aws.endpointUrlOrganizations");
    System.clearProperty("aws.endpointUrlDynamoDb");
  }

  @Test
  void accountsPrintsTheOrganisationAsAnAccountsFile() throws Exception {
    CommandRun r = run("accounts", "--org");
    assertEquals(0, r.code(), r.err());
    List<String> expected = new java.util.ArrayList<>(List.of(payProd + ",pay-prod,payments",
        platProd + ",\"plat, prod\",platform-team"));
    expected.sort(null);
    assertEquals("account_id,name,business_unit\n" + String.join("\n", expected) + "\n", r.out());
    assertEquals("trailwatch: 1 account(s) of AWS Organizations " + root + " (business units from top-level OUs) are in"
        + " no business unit and are not monitored:\n  123456789012 master: directly under the root, in no OU\n",
        r.err());
    Path csv = Files.writeString(dir.resolve("org.csv"), r.out());
    CommandRun again = run("accounts", "--accounts", csv.toString(), "--bu", "payments");
    assertEquals("account_id,name,business_unit\n" + payProd + ",pay-prod,payments\n", again.out(), again.err());
    assertEquals("", again.err());
    CommandRun quoted = run("accounts", "--accounts", csv.toString(), "--bu", "platform-team");
    assertEquals("account_id,name,business_unit\n" + platProd + ",\"plat, prod\",platform-team\n", quoted.out(),
        "a name with a comma round-trips: " + quoted.err());
  }

  @Test
  void accountsNeedsExactlyOneSource() {
    CommandRun both = run("accounts", "--org", "--accounts", "x.csv");
    assertEquals(2, both.code());
    assertEquals(ErrorCode.BAD_COMMAND_LINE, both.errorCode(), both.err());
    CommandRun none = run("accounts");
    assertEquals(2, none.code());
    assertEquals(ErrorCode.BAD_COMMAND_LINE, none.errorCode(), none.err());
    assertEquals(2, run("accounts", "--org", "--bu", "cards").code());
  }

  @Test
  void detectTakesItsAccountsFromTheOrganisationThenLookupReadsTheBaseline() throws Exception {
    Instant t = Instant.parse("2026-11-20T14:03:00Z");
    Path logs = dir.resolve("logs");
    writeLog(logs, payProd, "us-east-1", t.plusSeconds(600),
        List.of(record(iamUser(payProd, CI), payProd, "s3.amazonaws.com", "GetObject", t, null)));
    Path state = dir.resolve("state");
    CommandRun detect = run("detect", "--logs", logs.toString(), "--state", state.toString(), "--org", "--bu",
        "payments", "--hour", "2026-11-20T14", "--master", "local[2]");
    assertEquals(0, detect.code(), detect.err());
    assertTrue(detect.err().contains("123456789012 master: directly under the root"), detect.err());

    String arn = "arn:aws:iam::" + payProd + ":user/" + CI;
    CommandRun none = run("lookup", "--principal", arn, "--state", Files.createDirectories(dir.resolve("no-state"))
        .toString(), "--master", "local[2]");
    assertEquals(ErrorCode.NO_BASELINE, none.errorCode(), "a state without any baseline: " + none.err());
    CommandRun lookup = run("lookup", "--principal", arn, "--state", state.toString(), "--master", "local[2]");
    assertEquals(0, lookup.code(), lookup.err());
    assertEquals(LookupCommand.HEADER + "\npayments," + payProd + ",IAMUser,s3.amazonaws.com,GetObject,"
        + "2026-11-20T14:03:00Z,2026-11-20T14:03:00Z,2027-02-18T14:03:00Z,known\n", lookup.out());
  }

  @Test
  void dynamodbInitThenLookupReadsTheMirror() throws Exception {
    CommandRun init = run("dynamodb-init", "--dynamodb-table", "tw-baseline");
    assertEquals(0, init.code(), init.err());
    assertEquals("DynamoDB table tw-baseline created; TTL on expires_at: ENABLED\n", init.out());
    assertEquals("DynamoDB table tw-baseline exists; TTL on expires_at: ENABLED\n",
        run("dynamodb-init", "--dynamodb-table", "tw-baseline").out());

    String arn = "arn:aws:iam::" + payProd + ":user/" + CI;
    Instant first = Instant.parse("2026-11-01T10:00:00Z");
    Instant last = Instant.now().minusSeconds(3600);
    try (DynamoDbMirror m = DynamoDbMirror.create("tw-baseline")) {
      m.write(List.of(
          new MirrorItem("payments", payProd, arn, "IAMUser", "s3.amazonaws.com", "GetObject", first, first,
              Instant.now().minusSeconds(60)),
          new MirrorItem("payments", payProd, arn, "IAMUser", "s3.amazonaws.com", "ListBuckets", first, last,
              Instant.parse("2099-01-01T00:00:00Z"))));
    }
    Path cfg = Files.writeString(dir.resolve("tw.yaml"), "dynamodb:\n  table: tw-baseline\n");
    CommandRun lookup = run("lookup", "--principal", arn, "--config", cfg.toString());
    assertEquals(0, lookup.code(), lookup.err());
    assertEquals(LookupCommand.HEADER + "\npayments," + payProd + ",IAMUser,s3.amazonaws.com,ListBuckets," + first
        + "," + last + ",2099-01-01T00:00:00Z,known\n", lookup.out(), "the expired GetObject is absent");

    CommandRun noAccount = run("lookup", "--principal", "service:ec2.amazonaws.com", "--dynamodb-table", "tw-baseline");
    assertEquals(2, noAccount.code());
    assertEquals(ErrorCode.LOOKUP_NEEDS_ACCOUNT, noAccount.errorCode(), noAccount.err());
    CommandRun missing = run("lookup", "--principal", arn, "--dynamodb-table", "no-such-table");
    assertEquals(2, missing.code());
    assertEquals(ErrorCode.DYNAMODB_TABLE_NOT_FOUND, missing.errorCode(), missing.err());
    assertFalse(missing.err().contains("\tat "), missing.err());
  }
}
