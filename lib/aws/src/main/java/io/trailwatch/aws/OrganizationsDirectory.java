package io.trailwatch.aws;

import io.trailwatch.core.ErrorCode;
import io.trailwatch.accounts.Account;
import io.trailwatch.accounts.AccountDirectory;
import io.trailwatch.accounts.AccountList;
import io.trailwatch.accounts.BusinessUnits;
import io.trailwatch.accounts.UnassignedAccount;
import io.trailwatch.config.AccountsConfig;
import io.trailwatch.core.TrailwatchException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.organizations.OrganizationsClient;
import software.amazon.awssdk.services.organizations.model.AccountState;
import software.amazon.awssdk.services.organizations.model.OrganizationalUnit;
import software.amazon.awssdk.services.organizations.model.Root;
import software.amazon.awssdk.services.organizations.model.Tag;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.sts.model.StsException;

/**
 * The accounts of an AWS Organization and their business units ({@code --org}). Walks the OU tree
 * from each root (ListRoots, ListOrganizationalUnitsForParent), lists the accounts of the root and
 * of every OU (ListAccountsForParent is not recursive), and, when business units come from tags,
 * each account's tags (ListTagsForResource). Every call goes through the SDK's paginators and is
 * retried on throttling (TooManyRequestsException) and 5xx with full-jitter exponential backoff.
 *
 * <p>Only accounts whose {@code State} is ACTIVE are monitored; the rest, and accounts in no
 * business unit, are returned as {@link UnassignedAccount}s with the reason. Business units
 * follow {@link AccountsConfig#businessUnitFrom()}: the top-level OU's name or the tag value,
 * both through {@link BusinessUnits#normalise}, or {@code accounts.ou-map}.
 */
public final class OrganizationsDirectory implements AccountDirectory, AutoCloseable {
  /** The IAM actions the job's credentials (or {@code accounts.role-arn}) need. */
  public static final List<String> IAM_ACTIONS = List.of("organizations:ListRoots",
      "organizations:ListOrganizationalUnitsForParent", "organizations:ListAccountsForParent",
      "organizations:ListTagsForResource");
  /** The session name of the assumed role, as CloudTrail shows it. */
  public static final String SESSION_NAME = "trailwatch-accounts";

  private final OrganizationsClient org;
  private final AccountsConfig cfg;
  private final Integer pageSize;
  private final List<AutoCloseable> owned;

  OrganizationsDirectory(OrganizationsClient org, AccountsConfig cfg, Integer pageSize, List<AutoCloseable> owned) {
    this.org = org;
    this.cfg = cfg;
    this.pageSize = pageSize;
    this.owned = List.copyOf(owned);
  }

  /** Organizations and STS where the environment says ({@link AwsSettings#fromEnvironment}), credentials from the default chain. */
  public static OrganizationsDirectory create(AccountsConfig cfg) {
    return create(cfg, AwsSettings.fromEnvironment(AwsSettings.Service.ORGANIZATIONS),
        AwsSettings.fromEnvironment(AwsSettings.Service.STS), Retrying.standard(), null);
  }

  /**
   * @param pageSize MaxResults of every list call, null for the service's default (tests page with small ones)
   */
  static OrganizationsDirectory create(AccountsConfig cfg, AwsSettings organizations, AwsSettings sts,
      Retrying retrying, Integer pageSize) {
    List<AutoCloseable> owned = new ArrayList<>();
    AwsCredentialsProvider credentials = DefaultCredentialsProvider.builder().build();
    if (cfg.roleArn() != null) {
      StsClient stsClient = AwsClients.build(StsClient.builder(), sts, credentials, retrying);
      StsAssumeRoleCredentialsProvider assumed = StsAssumeRoleCredentialsProvider.builder()
          .stsClient(stsClient)
          .refreshRequest(r -> r.roleArn(cfg.roleArn()).roleSessionName(SESSION_NAME))
          .build();
      owned.add(assumed);
      owned.add(stsClient);
      credentials = assumed;
    }
    OrganizationsClient client = AwsClients.build(OrganizationsClient.builder(), organizations, credentials, retrying);
    owned.add(0, client);
    return new OrganizationsDirectory(client, cfg, pageSize, owned);
  }

  /** An OU or a root, with its path from the root ({@code /Workloads/Payments}; empty for a root). */
  record Node(String id, String name, String path, Node parent) {
    boolean isRoot() {
      return parent == null;
    }

    /** The OU directly under the root that holds this one (itself when it is one). */
    Node topLevel() {
      Node n = this;
      while (n.parent != null && !n.parent.isRoot()) {
        n = n.parent;
      }
      return n;
    }
  }

  /** An account as listed, with the OU (or root) that holds it. */
  record Listed(software.amazon.awssdk.services.organizations.model.Account account, Node parent) {}

  @Override
  public AccountList accounts() {
    List<Root> roots = call("ListRoots", () -> org.listRootsPaginator(r -> r.maxResults(pageSize)).stream()
        .flatMap(page -> page.roots().stream()).toList());
    Map<String, Node> ous = new LinkedHashMap<>();
    List<Listed> listed = new ArrayList<>();
    Deque<Node> todo = new ArrayDeque<>();
    roots.forEach(r -> todo.add(new Node(r.id(), r.name(), "", null)));
    while (!todo.isEmpty()) {
      Node p = todo.removeFirst();
      for (OrganizationalUnit ou : call("ListOrganizationalUnitsForParent " + p.id(),
          () -> org.listOrganizationalUnitsForParentPaginator(r -> r.parentId(p.id()).maxResults(pageSize))
              .stream().flatMap(page -> page.organizationalUnits().stream()).toList())) {
        Node n = new Node(ou.id(), ou.name(), p.path() + "/" + ou.name(), p);
        ous.put(n.id(), n);
        todo.add(n);
      }
      call("ListAccountsForParent " + p.id(),
          () -> org.listAccountsForParentPaginator(r -> r.parentId(p.id()).maxResults(pageSize)).stream()
              .flatMap(page -> page.accounts().stream()).toList())
          .forEach(a -> listed.add(new Listed(a, p)));
    }
    listed.sort(Comparator.comparing(l -> l.account().id()));
    Assigner assigner = assigner(ous);
    List<Account> accounts = new ArrayList<>();
    List<UnassignedAccount> unassigned = new ArrayList<>();
    for (Listed l : listed) {
      var a = l.account();
      if (a.state() != AccountState.ACTIVE) {
        String state = a.stateAsString() == null ? "unknown (no State in the response)" : a.stateAsString();
        unassigned.add(new UnassignedAccount(a.id(), a.name(), "state " + state + ": only ACTIVE accounts are monitored"));
        continue;
      }
      Assignment to = assigner.assign(l);
      if (to.businessUnit() != null) {
        accounts.add(new Account(a.id(), a.name(), to.businessUnit()));
      } else {
        unassigned.add(new UnassignedAccount(a.id(), a.name(), to.reason()));
      }
    }
    String source = "AWS Organizations " + roots.stream().map(Root::id).collect(Collectors.joining(","))
        + " (business units from " + describeMode() + ")";
    return new AccountList(accounts, unassigned, source);
  }

  /** A business unit, or why there is none. */
  record Assignment(String businessUnit, String reason) {
    static Assignment to(String bu) {
      return new Assignment(bu, null);
    }

    static Assignment none(String reason) {
      return new Assignment(null, reason);
    }
  }

  interface Assigner {
    Assignment assign(Listed account);
  }

  private Assigner assigner(Map<String, Node> ous) {
    return switch (cfg.businessUnitFrom()) {
      case TOP_LEVEL_OU -> topLevelOu(ous);
      case OU_MAP -> ouMap(ous);
      case TAG -> this::fromTag;
    };
  }

  private String describeMode() {
    return switch (cfg.businessUnitFrom()) {
      case TOP_LEVEL_OU -> "top-level OUs";
      case OU_MAP -> "accounts.ou-map";
      case TAG -> "tag '" + cfg.tagKey() + "'";
    };
  }

  /** The top-level OU's name, normalised; OUs whose names normalise alike give no business unit (they would merge). */
  private static Assigner topLevelOu(Map<String, Node> ous) {
    Map<String, TreeSet<String>> namesByBu = new HashMap<>();
    for (Node n : ous.values()) {
      if (n.parent().isRoot()) {
        BusinessUnits.normalise(n.name()).ifPresent(bu -> namesByBu.computeIfAbsent(bu, k -> new TreeSet<>()).add(n.name()));
      }
    }
    return l -> {
      if (l.parent().isRoot()) {
        return Assignment.none("directly under the root, in no OU");
      }
      Node top = l.parent().topLevel();
      Optional<String> bu = BusinessUnits.normalise(top.name());
      if (bu.isEmpty()) {
        return Assignment.none("top-level OU '" + top.name() + "' gives no business unit name (letters, digits,"
            + " '_', '.', '-'): map it with accounts.ou-map");
      }
      TreeSet<String> alike = namesByBu.get(bu.get());
      if (alike.size() > 1) {
        return Assignment.none("top-level OUs " + alike.stream().map(s -> "'" + s + "'").collect(Collectors.joining(", "))
            + " all give business unit '" + bu.get() + "': map them with accounts.ou-map");
      }
      return Assignment.to(bu.get());
    };
  }

  /** The business unit of the deepest OU of {@code accounts.ou-map} that holds the account. */
  private Assigner ouMap(Map<String, Node> ous) {
    Map<String, Node> byPath = new HashMap<>();
    ous.values().forEach(n -> byPath.put(n.path(), n));
    Map<String, String> buByOu = new HashMap<>();
    cfg.ouMap().forEach((bu, refs) -> {
      for (int i = 0; i < refs.size(); i++) {
        String ref = refs.get(i);
        Node n = AccountsConfig.OU_ID.matcher(ref).matches() ? ous.get(ref) : byPath.get(ref);
        if (n == null) {
          throw TrailwatchException.of(ErrorCode.UNKNOWN_OU, "Cannot resolve accounts.ou-map.%s[%d] '%s': the organisation has"
              + " no such OU (its OUs: %s)", bu, i, ref, sample(ous));
        }
        buByOu.put(n.id(), bu);
      }
    });
    return l -> {
      for (Node n = l.parent(); n != null && !n.isRoot(); n = n.parent()) {
        String bu = buByOu.get(n.id());
        if (bu != null) {
          return Assignment.to(bu);
        }
      }
      return Assignment.none(l.parent().isRoot() ? "directly under the root, in no OU"
          : "in " + l.parent().path() + ", under no OU of accounts.ou-map");
    };
  }

  private static String sample(Map<String, Node> ous) {
    List<String> all = ous.values().stream().map(n -> n.path() + " " + n.id()).sorted().toList();
    String shown = String.join(", ", all.subList(0, Math.min(20, all.size())));
    return all.isEmpty() ? "none" : all.size() > 20 ? shown + ", ... (" + all.size() + " in all)" : shown;
  }

  private Assignment fromTag(Listed l) {
    String id = l.account().id();
    List<Tag> tags = call("ListTagsForResource " + id,
        () -> org.listTagsForResourcePaginator(r -> r.resourceId(id)).tags().stream().toList());
    Optional<Tag> tag = tags.stream().filter(t -> cfg.tagKey().equals(t.key())).findFirst();
    if (tag.isEmpty()) {
      return Assignment.none("no tag '" + cfg.tagKey() + "'");
    }
    return BusinessUnits.normalise(tag.get().value()).map(Assignment::to)
        .orElseGet(() -> Assignment.none("tag '" + cfg.tagKey() + "' is '" + tag.get().value()
            + "', which gives no business unit name (letters, digits, '_', '.', '-')"));
  }

  private <T> T call(String what, Supplier<T> op) {
    return AwsClients.call(op, e -> failure(what, e));
  }

  private TrailwatchException failure(String what, SdkException e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof StsException sts) {
        return TrailwatchException.wrap(ErrorCode.ASSUME_ROLE_FAILED, e, "Cannot assume accounts.role-arn %s to call AWS"
            + " Organizations: %s", cfg.roleArn(), AwsClients.detail(sts));
      }
    }
    if (e instanceof AwsServiceException s) {
      String code = s.awsErrorDetails() == null ? "" : s.awsErrorDetails().errorCode();
      if ("AccessDeniedException".equals(code) || s.statusCode() == 403) {
        return TrailwatchException.wrap(ErrorCode.ORGANIZATIONS_ACCESS_DENIED, e, "Cannot call AWS Organizations %s: access"
            + " denied (HTTP %d); the credentials need %s", what, s.statusCode(), String.join(", ", IAM_ACTIONS));
      }
      return TrailwatchException.wrap(ErrorCode.ORGANIZATIONS_FAILED, e, "Cannot call AWS Organizations %s: %s",
          what, AwsClients.detail(s));
    }
    return TrailwatchException.wrap(ErrorCode.ORGANIZATIONS_FAILED, e, "Cannot call AWS Organizations %s: %s", what,
        e.getMessage());
  }

  @Override
  public void close() {
    for (AutoCloseable c : owned) {
      try {
        c.close();
      } catch (Exception ignored) {
        // closing a client frees connections; nothing to report
      }
    }
  }
}
