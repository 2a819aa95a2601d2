package io.trailwatch.generate;

import com.fasterxml.jackson.core.io.SerializedString;

/** One principal of a generated account: who it is, what it does, where from and when. */
final class Principal {
  enum Kind {
    EC2_ROLE("AssumedRole"), LAMBDA_ROLE("AssumedRole"), NEW_ROLE("AssumedRole"), SSO_PERSON("AssumedRole"),
    SERVICE_LINKED_ROLE("AssumedRole"), IAM_USER("IAMUser"), AWS_SERVICE("AWSService"), AWS_ACCOUNT("AWSAccount"),
    FEDERATED_USER("FederatedUser"), SAML_USER("SAMLUser"), IDENTITY_CENTER_USER("IdentityCenterUser"), ROOT("Root");

    final String type;

    Kind(String type) {
      this.type = type;
    }

    boolean isRole() {
      return type.equals("AssumedRole");
    }
  }

  /** When the principal acts on its own (background). */
  enum Schedule {
    /** Every hour. */
    ALWAYS,
    /** Weekdays 08:00-18:00 UTC. */
    BUSINESS,
    /** 02:00-04:00 UTC. */
    NIGHTLY,
    /** Only when the generator says so (warm-up, scripted events). */
    SCRIPTED
  }

  final Kind kind;
  final Account account;
  /** Index in the account's principal list. */
  final int slot;
  /** Role name, user name, person's email, service name... */
  final String name;
  /** The normalised principal key (DESIGN.md). */
  String key;

  // Roles
  String roleArn;
  SerializedString roleArnS;
  SerializedString roleIdS;
  SerializedString roleNameS;
  /** Lambda function names / fixed session name. */
  String[] sessionBases;

  // Users (IAM users; the issuer of a federated user)
  SerializedString userArnS;
  SerializedString userIdS;
  SerializedString userNameS;

  /** AWSService / service-linked role: the service. */
  SerializedString invokedByS;

  /** Sessions that do not churn (IAM user, service, root...). */
  Session fixed;

  Api[] apis = new Api[0];
  double[] cumWeights = new double[0];
  /** The call that sometimes fails with AccessDenied (or null). */
  Api failApi;
  double failRate;

  /** The regions it works in: a small fixed set, each used all through history. */
  int[] regions = {0};
  /** Source addresses of sessions without their own (a small fixed set, few /24s). */
  SerializedString[] ips;
  /** EC2 roles: the private /24s of its instances, e.g. "10.16.4." (a host number is appended). */
  String[] subnets;
  /** The user agent of the incident hour and of the {@link #uaEpochHours} before it. */
  SerializedString userAgent;
  /** Earlier versions of the same client, oldest first, each used for {@link #uaEpochHours} (or null). */
  SerializedString[] olderUserAgents;
  int uaEpochHours;
  /** In the incident hour only: a user agent never seen before (laptop change, other tooling), or null. */
  SerializedString incidentUserAgent;
  Schedule schedule = Schedule.ALWAYS;
  /** Share of the account's workload volume (workload principals only). */
  double weight;
  /** First hour index of life: all its routine calls happen once then (warm-up). */
  int firstHour;
  /** Part of the workload budget (app roles, IAM users) rather than a few events an hour. */
  boolean workload;
  /**
   * Drawn from its own random stream (warm-up included), so that adding it left every other principal's
   * events as they were.
   */
  boolean ownStream;

  Principal(Kind kind, Account account, int slot, String name) {
    this.kind = kind;
    this.account = account;
    this.slot = slot;
    this.name = name;
  }

  String type() {
    return kind.type;
  }

  /** The user agent of hour index h: versions change over history (same client family). */
  SerializedString userAgentAt(int h, int incidentHourIdx) {
    if (h == incidentHourIdx && incidentUserAgent != null) {
      return incidentUserAgent;
    }
    if (olderUserAgents == null) {
      return userAgent;
    }
    int back = (incidentHourIdx - h) / uaEpochHours;
    return back == 0 ? userAgent : olderUserAgents[Math.max(0, olderUserAgents.length - back)];
  }

  void versions(int epochDays, String... olderOldestFirst) {
    olderUserAgents = new SerializedString[olderOldestFirst.length];
    for (int i = 0; i < olderOldestFirst.length; i++) {
      olderUserAgents[i] = new SerializedString(olderOldestFirst[i]);
    }
    uaEpochHours = epochDays * 24;
  }

  void repertoire(Api[] apis, double[] weights) {
    this.apis = apis;
    this.cumWeights = new double[apis.length];
    double sum = 0;
    for (int i = 0; i < apis.length; i++) {
      sum += weights[i];
      cumWeights[i] = sum;
    }
    for (int i = 0; i < apis.length; i++) {
      cumWeights[i] /= sum;
    }
  }

  Api pick(double u) {
    double[] c = cumWeights;
    for (int i = 0; i < c.length; i++) {
      if (u < c[i]) {
        return apis[i];
      }
    }
    return apis[apis.length - 1];
  }

  boolean activeAt(int hourOfDay, int dayOfWeek) {
    switch (schedule) {
      case ALWAYS:
        return true;
      case BUSINESS:
        return dayOfWeek <= 5 && hourOfDay >= 8 && hourOfDay < 18;
      case NIGHTLY:
        return hourOfDay >= 2 && hourOfDay < 4;
      default:
        return false;
    }
  }

  @Override
  public String toString() {
    return kind + " " + key;
  }
}
