package io.trailwatch.aws;

import io.trailwatch.core.ErrorCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.accounts.Account;
import io.trailwatch.accounts.AccountList;
import io.trailwatch.accounts.UnassignedAccount;
import io.trailwatch.config.AccountsConfig;
import io.trailwatch.config.BusinessUnitSource;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.testing.FaultProxy;
import io.trailwatch.testing.FaultProxy.Response;
import io.trailwatch.testing.MotoServer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.organizations.OrganizationsClient;
import software.amazon.awssdk.services.organizations.model.OrganizationFeatureSet;
import software.amazon.awssdk.services.organizations.model.Tag;

/**
 * Accounts and business units from Organizations on moto: nested OUs, a closed account, tags,
 * accounts directly under the root, OU names that need normalising, and pages of two.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class OrganizationsDirectoryTest {
  @RegisterExtension static final MotoServer MOTO = new MotoServer();
  static final String MANAGEMENT = "123456789012";
  static final String ROOT_ONLY = "directly under the root, in no OU";
  static final String SUSPENDED = "state SUSPENDED: only ACTIVE accounts are monitored";
  static final Retrying FAST = new Retrying(8, 1, 5, ms -> { });

  static OrganizationsClient admin;
  static String root;
  static String cardsOu;
  /** name -> id of every account created. */
  static final Map<String, String> ID = new LinkedHashMap<>();

  @BeforeAll
  static void organisation() {
    admin = MOTO.client(OrganizationsClient.builder());
    admin.createOrganization(r -> r.featureSet(OrganizationFeatureSet.ALL));
    root = admin.listRoots().roots().get(0).id();
    String workloads = ou(root, "Workloads");
    String payments = ou(workloads, "Payments");
    cardsOu = ou(payments, "Cards");
    String shared = ou(root, "Shared Services");
    String sandbox = ou(root, "Sandbox");
    String japan = ou(root, "日本");
    String lake1 = ou(root, "Data Lake");
    String lake2 = ou(root, "data-lake");
    account("pay-prod", payments, "Payments");
    account("cards-prod", cardsOu, "日本");
    account("workload-tools", workloads, null);
    account("shared-net", shared, "Shared Services");
    account("loose", root, "Core");
    account("tokyo", japan, null);
    account("lake-a", lake1, null);
    account("lake-b", lake2, null);
    for (int i = 1; i <= 5; i++) {
      account("sandbox-" + i, sandbox, null);
    }
    account("old-payments", payments, "Payments");
    admin.closeAccount(r -> r.accountId(ID.get("old-payments")));
  }

  static String ou(String parent, String name) {
    return admin.createOrganizationalUnit(r -> r.parentId(parent).name(name)).organizationalUnit().id();
  }

  static void account(String name, String parent, String buTag) {
    List<Tag> tags = buTag == null ? List.of() : List.of(Tag.builder().key("bu").value(buTag).build(),
        Tag.builder().key("owner").value("team-" + name).build());
    String id = admin.createAccount(r -> r.accountName(name).email(name + "@example.com").tags(tags))
        .createAccountStatus().accountId();
    if (!parent.equals(root)) {
      admin.moveAccount(r -> r.accountId(id).sourceParentId(root).destinationParentId(parent));
    }
    ID.put(name, id);
  }

  static AccountList accounts(AccountsConfig cfg, String endpoint) {
    AwsSettings at = new AwsSettings(endpoint, "us-east-1");
    try (OrganizationsDirectory d = OrganizationsDirectory.create(cfg, at, at, FAST, 2)) {
      return d.accounts();
    }
  }

  /** The whole expected answer, from (name, business unit or null, reason when null) triples. */
  static void assertAnswer(AccountList got, Object... expected) {
    List<Account> accounts = new ArrayList<>();
    List<UnassignedAccount> unassigned = new ArrayList<>();
    for (int i = 0; i < expected.length; i += 3) {
      String name = (String) expected[i];
      String id = name.equals("master") ? MANAGEMENT : ID.get(name);
      if (expected[i + 1] != null) {
        accounts.add(new Account(id, name, (String) expected[i + 1]));
      } else {
        unassigned.add(new UnassignedAccount(id, name, (String) expected[i + 2]));
      }
    }
    accounts.sort(Comparator.comparing(Account::id));
    unassigned.sort(Comparator.comparing(UnassignedAccount::id));
    assertEquals(accounts, got.accounts());
    assertEquals(unassigned, got.unassigned());
  }

  static final String LAKES = "top-level OUs 'Data Lake', 'data-lake' all give business unit 'data-lake': map them"
      + " with accounts.ou-map";

  @Test
  void businessUnitsAreTopLevelOusWithNestedOusInside() {
    AccountList got = accounts(AccountsConfig.defaults(), MOTO.endpoint());
    assertAnswer(got,
        "pay-prod", "workloads", null,
        "cards-prod", "workloads", null,
        "workload-tools", "workloads", null,
        "shared-net", "shared-services", null,
        "sandbox-1", "sandbox", null,
        "sandbox-2", "sandbox", null,
        "sandbox-3", "sandbox", null,
        "sandbox-4", "sandbox", null,
        "sandbox-5", "sandbox", null,
        "loose", null, ROOT_ONLY,
        "master", null, ROOT_ONLY,
        "tokyo", null, "top-level OU '日本' gives no business unit name (letters, digits, '_', '.', '-'): map it"
            + " with accounts.ou-map",
        "lake-a", null, LAKES,
        "lake-b", null, LAKES,
        "old-payments", null, SUSPENDED);
    assertEquals(Map.of("sandbox", 5, "shared-services", 1, "workloads", 3), got.countsByBusinessUnit());
    assertEquals("AWS Organizations " + root + " (business units from top-level OUs)", got.source());
  }

  @Test
  void anOuMapAssignsTheDeepestListedOu() {
    AccountsConfig cfg = new AccountsConfig(BusinessUnitSource.OU_MAP, Map.of("payments", List.of("/Workloads/Payments"),
        "cards", List.of(cardsOu), "platform", List.of("/Workloads"), "lake", List.of("/Data Lake", "/data-lake")),
        null, null);
    AccountList got = accounts(cfg, MOTO.endpoint());
    String none = ", under no OU of accounts.ou-map";
    assertAnswer(got,
        "pay-prod", "payments", null,
        "cards-prod", "cards", null,
        "workload-tools", "platform", null,
        "lake-a", "lake", null,
        "lake-b", "lake", null,
        "shared-net", null, "in /Shared Services" + none,
        "sandbox-1", null, "in /Sandbox" + none,
        "sandbox-2", null, "in /Sandbox" + none,
        "sandbox-3", null, "in /Sandbox" + none,
        "sandbox-4", null, "in /Sandbox" + none,
        "sandbox-5", null, "in /Sandbox" + none,
        "tokyo", null, "in /日本" + none,
        "loose", null, ROOT_ONLY,
        "master", null, ROOT_ONLY,
        "old-payments", null, SUSPENDED);
  }

  @Test
  void anOuMapNamingNoSuchOuIsAUserError() {
    AccountsConfig cfg = new AccountsConfig(BusinessUnitSource.OU_MAP, Map.of("payments",
        List.of("/Workloads/Paymnts")), null, null);
    TrailwatchException e = assertThrows(TrailwatchException.class, () -> accounts(cfg, MOTO.endpoint()));
    assertEquals(ErrorCode.UNKNOWN_OU, e.code());
    assertEquals(TrailwatchException.Kind.USER, e.kind());
  }

  @Test
  void businessUnitsFromATagWhateverTheOu() {
    AccountsConfig cfg = new AccountsConfig(BusinessUnitSource.TAG, null, "bu", null);
    AccountList got = accounts(cfg, MOTO.endpoint());
    String untagged = "no tag 'bu'";
    assertAnswer(got,
        "pay-prod", "payments", null,
        "shared-net", "shared-services", null,
        "loose", "core", null,
        "cards-prod", null, "tag 'bu' is '日本', which gives no business unit name (letters, digits, '_', '.', '-')",
        "workload-tools", null, untagged,
        "tokyo", null, untagged,
        "lake-a", null, untagged,
        "lake-b", null, untagged,
        "sandbox-1", null, untagged,
        "sandbox-2", null, untagged,
        "sandbox-3", null, untagged,
        "sandbox-4", null, untagged,
        "sandbox-5", null, untagged,
        "master", null, untagged,
        "old-payments", null, SUSPENDED);
  }

  @Test
  void listingsArePagedAndThrottlingIsRetried() throws Exception {
    AccountList clean = accounts(AccountsConfig.defaults(), MOTO.endpoint());
    AtomicInteger faults = new AtomicInteger();
    try (FaultProxy proxy = FaultProxy.start(MOTO.endpoint(), (r, up) -> {
      if (r.seq() % 3 == 1) {
        faults.incrementAndGet();
        return Response.awsJsonError(r, 400, "TooManyRequestsException", "AWS Organizations can't complete your"
            + " request because another request is already in progress");
      }
      if (r.seq() % 7 == 5) {
        faults.incrementAndGet();
        return Response.awsJsonError(r, 500, "ServiceException", "internal error");
      }
      return up.send(r);
    })) {
      assertEquals(clean, accounts(AccountsConfig.defaults(), proxy.endpoint()));
      assertTrue(faults.get() >= 10, "faults injected: " + faults);
      // Sandbox holds 5 accounts, the root 9 OUs: pages of 2 take 3 and 5 successful calls.
      String sandbox = admin.listOrganizationalUnitsForParent(r -> r.parentId(root)).organizationalUnits().stream()
          .filter(o -> o.name().equals("Sandbox")).findFirst().orElseThrow().id();
      assertEquals(3, proxy.requests(".ListAccountsForParent").stream()
          .filter(r -> r.bodyText().contains(sandbox) && r.seq() % 3 != 1 && r.seq() % 7 != 5).count());
    }
  }

  @Test
  void lastingThrottlingAndAccessDeniedAreExternalErrors() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(MOTO.endpoint(),
        (r, up) -> Response.awsJsonError(r, 400, "TooManyRequestsException", "slow down"))) {
      TrailwatchException e = assertThrows(TrailwatchException.class,
          () -> accounts(AccountsConfig.defaults(), proxy.endpoint()));
      assertEquals(ErrorCode.ORGANIZATIONS_FAILED, e.code());
      assertEquals(TrailwatchException.Kind.EXTERNAL, e.kind());
      assertEquals(8, proxy.requests().size(), "every attempt of the first call, then no more");
    }
    try (FaultProxy proxy = FaultProxy.start(MOTO.endpoint(),
        (r, up) -> Response.awsJsonError(r, 400, "AccessDeniedException", "not authorised"))) {
      TrailwatchException e = assertThrows(TrailwatchException.class,
          () -> accounts(AccountsConfig.defaults(), proxy.endpoint()));
      assertEquals(ErrorCode.ORGANIZATIONS_ACCESS_DENIED, e.code());
      assertTrue(e.getMessage().contains("organizations:ListAccountsForParent"), e.getMessage());
    }
  }

  @Test
  void aRoleIsAssumedBeforeCallingOrganizations() throws Exception {
    AccountsConfig cfg = new AccountsConfig(null, null, null, "arn:aws:iam::" + MANAGEMENT + ":role/org-reader");
    try (FaultProxy proxy = FaultProxy.start(MOTO.endpoint(), (r, up) -> up.send(r))) {
      assertEquals(accounts(AccountsConfig.defaults(), MOTO.endpoint()), accounts(cfg, proxy.endpoint()));
      List<FaultProxy.Request> sts = proxy.requests().stream().filter(r -> r.target() == null).toList();
      assertEquals(1, sts.size());
      assertTrue(sts.get(0).bodyText().contains("Action=AssumeRole")
          && sts.get(0).bodyText().contains("RoleSessionName=trailwatch-accounts"), sts.get(0).bodyText());
      List<FaultProxy.Request> org = proxy.requests(".ListAccountsForParent");
      assertFalse(org.isEmpty());
      for (FaultProxy.Request r : org) {
        String auth = r.header("authorization");
        assertTrue(auth.contains("Credential=") && !auth.contains("Credential=testing/"),
            "signed with the assumed role's key: " + auth.replaceAll("Signature=.*", ""));
      }
    }
  }

  @Test
  void aRoleThatCannotBeAssumedIsAnExternalError() throws Exception {
    AccountsConfig cfg = new AccountsConfig(null, null, null, "arn:aws:iam::" + MANAGEMENT + ":role/org-reader");
    try (FaultProxy proxy = FaultProxy.start(MOTO.endpoint(), (r, up) -> r.target() == null
        ? new Response(403, Map.of("Content-Type", "text/xml"), ("<ErrorResponse><Error><Type>Sender</Type>"
            + "<Code>AccessDenied</Code><Message>not allowed</Message></Error></ErrorResponse>").getBytes())
        : up.send(r))) {
      TrailwatchException e = assertThrows(TrailwatchException.class, () -> accounts(cfg, proxy.endpoint()));
      assertEquals(ErrorCode.ASSUME_ROLE_FAILED, e.code());
      assertEquals(TrailwatchException.Kind.EXTERNAL, e.kind());
    }
  }
}
