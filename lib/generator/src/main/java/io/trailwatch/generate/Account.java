package io.trailwatch.generate;

import com.fasterxml.jackson.core.io.SerializedString;
import java.util.ArrayList;
import java.util.List;

/** One generated AWS account: id, business unit, log prefix, resource names and principals. */
final class Account {
  /** Regions written; ap-southeast-1 only by the region incident. */
  static final String[] REGIONS = {"us-east-1", "eu-west-1", "us-west-2", "ap-southeast-1"};
  static final int US_EAST_1 = 0;
  static final int EU_WEST_1 = 1;
  static final int US_WEST_2 = 2;
  static final int AP_SOUTHEAST_1 = 3;
  static final String ORG_ID = "o-exampleorg1";

  final int idx;
  final String id;
  final String name;
  final String businessUnit;
  final boolean orgTrail;
  /** "AWSLogs/<id>" or "AWSLogs/o-exampleorg1/<id>". */
  final String logPrefix;
  final String trailName;
  final SerializedString idS;

  final List<Principal> principals = new ArrayList<>();
  final List<Principal> workload = new ArrayList<>();

  // Principals the scenarios refer to (null when this account has none).
  Principal appOrders;
  Principal lambda;
  Principal ci;
  Principal alice;
  Principal bob;
  Principal config;
  Principal apiGateway;
  Principal crossAccount;
  Principal federated;
  Principal saml;
  Principal identityCenter;
  Principal root;
  Principal newRole;
  Principal ops;

  // Resource pools (requestParameters), per region where it matters.
  final SerializedString[] buckets;
  final SerializedString[] bucketHosts;
  final SerializedString[] bucketArns;
  final SerializedString[] objectKeys;
  final SerializedString[] tables;
  final SerializedString[][] queueUrls;
  final SerializedString[] kmsKeys;
  final SerializedString[] newUserNames;
  final SerializedString trailArn;
  final SerializedString targetRoleArn;

  Account(int idx, String id, String name, String businessUnit, boolean orgTrail) {
    this.idx = idx;
    this.id = id;
    this.name = name;
    this.businessUnit = businessUnit;
    this.orgTrail = orgTrail;
    this.logPrefix = orgTrail ? "AWSLogs/" + ORG_ID + "/" + id : "AWSLogs/" + id;
    this.trailName = orgTrail ? "org-trail" : "management-events";
    this.idS = new SerializedString(id);
    String[] b = {name + "-orders-" + id, name + "-artifacts-" + id, name + "-exports-" + id, name + "-datalake-" + id};
    buckets = new SerializedString[b.length];
    bucketHosts = new SerializedString[b.length];
    bucketArns = new SerializedString[b.length];
    for (int i = 0; i < b.length; i++) {
      buckets[i] = new SerializedString(b[i]);
      bucketHosts[i] = new SerializedString(b[i] + ".s3.amazonaws.com");
      bucketArns[i] = new SerializedString("arn:aws:s3:::" + b[i]);
    }
    objectKeys = new SerializedString[32];
    String[] dirs = {"orders/incoming", "orders/processed", "builds", "exports/daily", "raw/events", "reports"};
    for (int i = 0; i < objectKeys.length; i++) {
      objectKeys[i] = new SerializedString(dirs[i % dirs.length] + "/part-" + String.format("%05d", i * 37 + 11) + ".json");
    }
    tables = new SerializedString[] {new SerializedString("orders"), new SerializedString("customers"),
        new SerializedString("sessions"), new SerializedString("idempotency-keys")};
    String[] q = {"orders-queue", "payments-events", "notifications", "dead-letter"};
    queueUrls = new SerializedString[REGIONS.length][q.length];
    kmsKeys = new SerializedString[REGIONS.length];
    for (int r = 0; r < REGIONS.length; r++) {
      for (int i = 0; i < q.length; i++) {
        queueUrls[r][i] = new SerializedString("https://sqs." + REGIONS[r] + ".amazonaws.com/" + id + "/" + q[i]);
      }
      kmsKeys[r] = new SerializedString("arn:aws:kms:" + REGIONS[r] + ":" + id + ":key/"
          + String.format("%08x-1f2e-4c5d-9a8b-%012x", 0x5eed0000 + idx, 0x7ab1e0000000L + idx));
    }
    newUserNames = new SerializedString[] {new SerializedString("contractor-jdoe"), new SerializedString("svc-reporting"),
        new SerializedString("partner-upload"), new SerializedString("temp-migration"), new SerializedString("qa-runner")};
    trailArn = new SerializedString("arn:aws:cloudtrail:us-east-1:" + id + ":trail/" + trailName);
    targetRoleArn = new SerializedString("arn:aws:iam::" + id + ":role/shared-reader");
  }

  Principal add(Principal p) {
    principals.add(p);
    if (p.workload) {
      workload.add(p);
    }
    return p;
  }
}
