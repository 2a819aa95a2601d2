package io.trailwatch.generate;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Generates and writes the whole history of one account, hour by hour. Each hour draws from its own
 * random stream (seed, account, hour), so accounts can run in parallel and the output stays the same.
 */
final class AccountGenerator implements Callable<AccountGenerator> {
  /** Real CloudTrail files hold up to a few thousand records: split bigger half-hours. */
  static final int MAX_PER_FILE = 2000;
  /** Lambda and Glue session names: function name + random suffix. */
  private static final String LOWER_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789";
  private static final SerializedString TAMPER_UA = new SerializedString("aws-cli/2.15.0 Python/3.11.6 Linux/5.10.198-187.748.amzn2.x86_64"
      + " exe/x86_64.amzn.2 prompt/off command/cloudtrail.stop-logging");

  private final OrgModel org;
  private final GeneratorSpec spec;
  private final Account a;
  private final Path logsDir;
  private final JsonFactory json;
  private final int fromHour;
  private final long startEpoch;
  private final double incidentCurve;
  private final RecordWriter rw = new RecordWriter();
  private final Set<String> dirs = new HashSet<>();
  private final Session[][] hourSessions;

  private Ev[] pool = new Ev[4096];
  private long[] keys = new long[4096];
  private int n;
  private Principal[] active;
  /** The hour being drawn (index from the start of history). */
  private int hourIdx;
  private double[] activeCum;

  // Results.
  long records;
  long distinct;
  long duplicates;
  long files;
  long digests;
  /** The incident hour's share of {@link #records} and {@link #duplicates}. */
  long incidentRecords;
  long incidentDuplicates;

  AccountGenerator(OrgModel org, Account a, Path logsDir, JsonFactory json, int fromHour) {
    this.org = org;
    this.spec = org.spec;
    this.a = a;
    this.logsDir = logsDir;
    this.json = json;
    this.fromHour = fromHour;
    this.startEpoch = spec.start().getEpochSecond();
    LocalDateTime inc = GeneratorClock.utc(spec.incidentHour().getEpochSecond());
    this.incidentCurve = curve(inc.getHour(), inc.getDayOfWeek().getValue());
    this.hourSessions = new Session[a.principals.size()][];
    this.active = new Principal[a.workload.size()];
    this.activeCum = new double[a.workload.size()];
  }

  @Override
  public AccountGenerator call() throws IOException {
    for (int h = fromHour; h < org.hours; h++) {
      hour(h);
    }
    return this;
  }

  private void hour(int h) throws IOException {
    long hs = startEpoch + h * 3600L;
    LocalDateTime t = GeneratorClock.utc(hs);
    int hod = t.getHour();
    int dow = t.getDayOfWeek().getValue();
    SplittableRandom r = new SplittableRandom(OrgModel.mix(spec.seed(), a.idx, 1_000_000L + h));
    n = 0;
    hourIdx = h;
    Arrays.fill(hourSessions, null);
    rw.hour(hs);

    // Warm-up: every principal does each of its routine calls once in its first hour of life, so that
    // later hours (the incident hour included) hold nothing routine that history has not seen.
    for (Principal p : a.principals) {
      if (p.firstHour == h && !p.ownStream) {
        warmUp(p, r, h);
      }
    }

    // Workload: app roles and IAM users share eventsPerHour in the incident hour; other hours follow a
    // daily and weekly curve relative to it, with some jitter.
    double jitter = 0.9 + 0.2 * r.nextDouble();
    long budget = h == org.incidentHourIdx ? spec.eventsPerHour()
        : Math.round(spec.eventsPerHour() * curve(hod, dow) / incidentCurve * jitter);
    int na = 0;
    double sum = 0;
    for (Principal p : a.workload) {
      if (h >= p.firstHour && p.activeAt(hod, dow)) {
        sum += p.weight;
        active[na] = p;
        activeCum[na++] = sum;
      }
    }
    for (long i = 0; i < budget && na > 0; i++) {
      double u = r.nextDouble() * sum;
      int lo = 0;
      int hi = na - 1;
      while (lo < hi) {
        int m = (lo + hi) >>> 1;
        if (u < activeCum[m]) {
          hi = m;
        } else {
          lo = m + 1;
        }
      }
      routine(active[lo], r, h, r.nextInt(3600));
    }

    // People, AWS itself and the occasional callers: a few events an hour on top.
    for (Principal p : new Principal[] {a.alice, a.bob}) {
      if (p.activeAt(hod, dow) && r.nextDouble() < 0.5) {
        repeat(p, 2 + r.nextInt(9), r, h);
      }
    }
    repeat(a.config, 1 + r.nextInt(3), r, h);
    if (r.nextDouble() < 0.3) {
      repeat(a.apiGateway, 1 + r.nextInt(2), r, h);
    }
    if (r.nextDouble() < 0.08) {
      repeat(a.crossAccount, 1 + r.nextInt(4), r, h);
    }
    if (a.federated != null && a.federated.activeAt(hod, dow) && r.nextDouble() < 0.05) {
      repeat(a.federated, 1 + r.nextInt(3), r, h);
    }
    if (a.newRole != null && h >= a.newRole.firstHour) {
      repeat(a.newRole, 8 + r.nextInt(23), r, h);
    }
    scripted(h, r);
    if (h == org.incidentHourIdx) {
      incidents(h, r);
    }
    ownStreams(h);

    long recordsBefore = records;
    long duplicatesBefore = duplicates;
    write(h, hs, r);
    if (h == org.incidentHourIdx) {
      incidentRecords = records - recordsBefore;
      incidentDuplicates = duplicates - duplicatesBefore;
    }
    if (hod == 0) {
      digest(hs);
    }
  }

  private void warmUp(Principal p, SplittableRandom r, int h) {
    for (Api api : p.apis) {
      for (int region : p.regions) {
        add(session(p, r, h), api, region, 300 + r.nextInt(3300), false, r);
        if (api.global) {
          break;
        }
      }
    }
    if (p.failApi != null) {
      add(session(p, r, h), p.failApi, p.regions[0], 300 + r.nextInt(3300), true, r);
    }
  }

  /**
   * Principals and incidents added after the others, each hour from a random stream of their own so that
   * everything else is drawn as before: the ops user, and the incidents and quiet cases of the region,
   * network and client dimensions.
   */
  private void ownStreams(int h) {
    SplittableRandom x = new SplittableRandom(OrgModel.mix(spec.seed(), a.idx, 3_000_000L + h));
    Principal ops = a.ops;
    if (h == ops.firstHour) {
      warmUp(ops, x, h);
    }
    if (x.nextDouble() < 0.5) {
      repeat(ops, 1 + x.nextInt(3), x, h);
    }
    if (h != org.incidentHourIdx) {
      return;
    }
    if (a.idx == org.regionAcct) {
      // Its usual calls (the global ones are logged in us-east-1 whatever the region).
      Api[] calls = {Api.STS_GET_CALLER_IDENTITY, Api.EC2_DESCRIBE_INSTANCES, Api.EC2_DESCRIBE_INSTANCES,
          Api.EC2_DESCRIBE_SECURITY_GROUPS, Api.EC2_DESCRIBE_INSTANCES, Api.CFN_DESCRIBE_STACKS, Api.S3_LIST_BUCKETS,
          Api.EC2_DESCRIBE_INSTANCES, Api.EC2_DESCRIBE_SECURITY_GROUPS, Api.EC2_DESCRIBE_INSTANCES,
          Api.CFN_DESCRIBE_STACKS, Api.EC2_DESCRIBE_INSTANCES};
      for (int i = 0; i < calls.length; i++) {
        add(ops.fixed, calls[i], Account.AP_SOUTHEAST_1, 22 * 60 + 4 + i * 9, false, x);
      }
    }
    if (a.idx == org.networkAcct) {
      Api[] calls = {Api.STS_GET_CALLER_IDENTITY, Api.EC2_DESCRIBE_INSTANCES, Api.EC2_DESCRIBE_SECURITY_GROUPS,
          Api.EC2_DESCRIBE_INSTANCES, Api.CFN_DESCRIBE_STACKS, Api.EC2_DESCRIBE_INSTANCES, Api.S3_LIST_BUCKETS,
          Api.EC2_DESCRIBE_INSTANCES, Api.EC2_DESCRIBE_SECURITY_GROUPS, Api.EC2_DESCRIBE_INSTANCES};
      for (int i = 0; i < calls.length; i++) {
        add(ops.fixed, calls[i], ops.regions[0], 37 * 60 + 15 + i * 11, false, x).ip = NEW_NETWORK_IP;
      }
    }
    if (a.idx == org.clientAcct) {
      // alice's incident-hour user agent is her script's (Principal.incidentUserAgent), background calls included.
      add(session(a.alice, x, h), Api.EC2_DESCRIBE_INSTANCES, a.alice.regions[0], 48 * 60 + 7, false, x);
      repeat(a.alice, 7, x, h);
    }
    if (a.idx == org.laptopAcct) {
      repeat(a.bob, 4, x, h);
    }
    if (a.idx == org.ec2InternalAcct) {
      long hs = startEpoch + h * 3600L;
      for (SerializedString ip : new SerializedString[] {AWS_INTERNAL, EC2_SERVICE}) {
        Session s = OrgModel.roleSession(a.appOrders, instanceId(x), "ASIA" + OrgModel.alnum(x, 16, true),
            GeneratorClock.iso(hs - x.nextInt(3600)), ip.getValue());
        for (int i = 0; i < 3; i++) {
          Principal p = a.appOrders;
          add(s, p.pick(x.nextDouble()), p.regions[0], 2400 + i * 300 + x.nextInt(200), false, x);
        }
      }
    }
  }

  /** Relative activity: peaks mid-afternoon UTC, lowest at night (~40% of the peak), quieter at weekends. */
  static double curve(int hourOfDay, int dayOfWeek) {
    return (1 + 0.45 * Math.cos(2 * Math.PI * (hourOfDay - 15) / 24.0)) * (dayOfWeek <= 5 ? 1.0 : 0.7);
  }

  private void repeat(Principal p, int count, SplittableRandom r, int h) {
    for (int i = 0; i < count; i++) {
      routine(p, r, h, r.nextInt(3600));
    }
  }

  private void routine(Principal p, SplittableRandom r, int h, int sec) {
    Api api = p.pick(r.nextDouble());
    int[] regs = p.regions;
    int region = regs.length == 1 ? regs[0] : regs[r.nextInt(regs.length)];
    boolean failed = api == p.failApi && r.nextDouble() < p.failRate;
    add(session(p, r, h), api, region, sec, failed, r);
  }

  /** One-off events of history: early root login, SAML and Identity Center users, the new role's creation. */
  private void scripted(int h, SplittableRandom r) {
    if (a.idx == org.earlyRootAcct && h == org.earlyRootHour) {
      add(a.root.fixed, Api.CONSOLE_LOGIN, 0, 17 * 60 + 3, false, r);
    }
    if (a.saml != null && (h == org.samlHours[0] || h == org.samlHours[1]) && h != org.incidentHourIdx) {
      add(a.saml.fixed, Api.STS_ASSUME_ROLE_WITH_SAML, 0, 9 * 60 + r.nextInt(600), false, r);
    }
    if (a.identityCenter != null && h == org.identityCenterHour && h != org.incidentHourIdx) {
      add(a.identityCenter.fixed, Api.SSO_LIST_ACCOUNT_ASSIGNMENTS, 0, 21 * 60 + r.nextInt(600), false, r);
    }
    if (a.newRole != null && h == a.newRole.firstHour) {
      add(session(a.bob, r, h), Api.IAM_CREATE_ROLE, 0, 60 + r.nextInt(200), false, r);
    }
  }

  /** The incident hour: the injected incidents and the cases that must stay quiet. */
  private void incidents(int h, SplittableRandom r) {
    int us = Account.US_EAST_1;
    if (a.idx == org.stolenKeyAcct) {
      Session ci = a.ci.fixed;
      int t0 = 7 * 60 + 12;
      attacker(add(ci, Api.STS_GET_CALLER_IDENTITY, us, t0, false, r));
      attacker(add(ci, Api.IAM_LIST_USERS, us, t0 + 21, false, r));
      attacker(add(ci, Api.IAM_LIST_USERS, us, t0 + 24, false, r));
      attacker(add(ci, Api.IAM_CREATE_ACCESS_KEY, us, t0 + 97, false, r));
      attacker(add(ci, Api.S3_LIST_BUCKETS, us, t0 + 131, false, r));
    }
    if (a.idx == org.tamperAcct) {
      Session s = session(a.appOrders, r, h);
      add(s, Api.CT_STOP_LOGGING, us, 41 * 60 + 5, false, r).userAgent = TAMPER_UA;
      add(s, Api.CT_DELETE_TRAIL, us, 41 * 60 + 27, false, r).userAgent = TAMPER_UA;
    }
    if (a.idx == org.rootAcct) {
      add(a.root.fixed, Api.CONSOLE_LOGIN, us, 25 * 60 + 13, false, r);
    }
    if (a.idx == org.ssoAcct) {
      Session alice = session(a.alice, r, h);
      add(alice, Api.IAM_CREATE_USER, us, 33 * 60 + 2, false, r);
      add(alice, Api.IAM_ATTACH_USER_POLICY, us, 33 * 60 + 41, false, r);
      Session bob = session(a.bob, r, h);
      add(bob, Api.IAM_CREATE_USER, us, 12 * 60 + 30, false, r);
      add(bob, Api.IAM_ATTACH_USER_POLICY, us, 12 * 60 + 58, false, r);
    }
    if (a.idx == org.secretsAcct) {
      Session s = session(a.lambda, r, h);
      add(s, Api.SM_LIST_SECRETS, us, 15 * 60 + 5, true, r);
      for (int i = 0; i < 3; i++) {
        add(s, Api.SM_GET_SECRET_VALUE, us, 15 * 60 + 9 + i * 2, true, r);
      }
    }
    if (a.idx == org.crossAcct) {
      add(a.crossAccount.fixed, Api.S3_DELETE_OBJECT, us, 50 * 60 + 1, false, r);
      add(a.crossAccount.fixed, Api.S3_PUT_BUCKET_POLICY, us, 50 * 60 + 13, false, r);
    }
    // Quiet cases: each does something that looks new unless the detector gets the principal right.
    if (a.idx == 0) {
      for (int i = 0; i < 3; i++) {
        routine(a.appOrders, r, h, 1200 + i * 400);
      }
      add(a.config.fixed, Api.CONFIG_DELIVER_SNAPSHOT, us, 44 * 60 + 10, false, r);
      Api[] fresh = {Api.GLUE_CREATE_TABLE, Api.GLUE_START_JOB_RUN, Api.ATHENA_CREATE_WORK_GROUP, Api.DDB_CREATE_TABLE,
          Api.LAMBDA_GET_FUNCTION, Api.S3_PUT_BUCKET_TAGGING};
      for (int i = 0; i < fresh.length; i++) {
        add(session(a.newRole, r, h), fresh[i], us, 5 * 60 + i * 300 + r.nextInt(200), false, r);
      }
    }
    if (a.idx == 1) {
      for (int i = 0; i < 3; i++) {
        routine(a.lambda, r, h, 1300 + i * 500);
      }
      add(a.apiGateway.fixed, Api.EC2_CREATE_NETWORK_INTERFACE, us, 19 * 60 + 44, false, r);
      add(a.ci.fixed, Api.SSM_GET_PARAMETERS, us, 29 * 60 + 31, true, r);
    }
  }

  private static final SerializedString ATTACKER_IP =
      new SerializedString(OrgModel.ATTACKER_IP);
  private static final SerializedString ATTACKER_UA =
      new SerializedString(OrgModel.ATTACKER_UA);

  private static final SerializedString NEW_NETWORK_IP = new SerializedString(OrgModel.NEW_NETWORK_IP);
  private static final SerializedString AWS_INTERNAL = new SerializedString(OrgModel.AWS_INTERNAL);
  private static final SerializedString EC2_SERVICE = new SerializedString(OrgModel.EC2_SERVICE);

  private static void attacker(Ev e) {
    e.ip = ATTACKER_IP;
    e.userAgent = ATTACKER_UA;
  }

  /** A session of p for hour h: fixed for users and services, churning names for app roles. */
  private Session session(Principal p, SplittableRandom r, int h) {
    if (p.fixed != null) {
      return p.fixed;
    }
    Session[] ss = hourSessions[p.slot];
    if (ss == null) {
      ss = newSessions(p, r, h);
      hourSessions[p.slot] = ss;
    }
    return ss.length == 1 ? ss[0] : ss[r.nextInt(ss.length)];
  }

  private Session[] newSessions(Principal p, SplittableRandom r, int h) {
    long hs = startEpoch + h * 3600L;
    switch (p.kind) {
      case EC2_ROLE: {
        // Instances come and go: new instance ids (session names) every hour.
        // Their calls come from the instance's private address in one of the role's two subnets, or, for
        // calls AWS makes on the instance's behalf, from AWS Internal or ec2.amazonaws.com.
        Session[] ss = new Session[1 + r.nextInt(3)];
        for (int i = 0; i < ss.length; i++) {
          String id = instanceId(r);
          int k = r.nextInt(16);
          int host = 2 + r.nextInt(250);
          String ip = k < 3 ? OrgModel.AWS_INTERNAL
              : k < 5 ? OrgModel.EC2_SERVICE : p.subnets[k % p.subnets.length] + host;
          ss[i] = OrgModel.roleSession(p, id, "ASIA" + OrgModel.alnum(r, 16, true),
              GeneratorClock.iso(hs - r.nextInt(3600)), ip);
        }
        return ss;
      }
      case LAMBDA_ROLE:
      case NEW_ROLE: {
        Session[] ss = new Session[p.sessionBases.length];
        for (int i = 0; i < ss.length; i++) {
          StringBuilder name = new StringBuilder(p.sessionBases[i]).append('-');
          for (int k = 0; k < 8; k++) {
            name.append(LOWER_ALNUM.charAt(r.nextInt(LOWER_ALNUM.length())));
          }
          ss[i] = OrgModel.roleSession(p, name.toString(), "ASIA" + OrgModel.alnum(r, 16, true),
              GeneratorClock.iso(hs - r.nextInt(900)), null);
        }
        return ss;
      }
      case SSO_PERSON: {
        // One console session a day: same temporary key all day.
        long day = Math.floorDiv(hs, 86_400L);
        SplittableRandom dr = new SplittableRandom(OrgModel.mix(spec.seed(), a.idx * 1000L + p.slot, day));
        long created = Math.min(hs, day * 86_400L + 8 * 3600L + dr.nextInt(1800));
        return new Session[] {OrgModel.roleSession(p, p.sessionBases[0], "ASIA" + OrgModel.alnum(dr, 16, true),
            GeneratorClock.iso(created), null)};
      }
      default:
        throw new IllegalStateException("no sessions for " + p);
    }
  }

  private static String instanceId(SplittableRandom r) {
    StringBuilder id = new StringBuilder("i-0");
    for (int k = 0; k < 16; k++) {
      id.append("0123456789abcdef".charAt(r.nextInt(16)));
    }
    return id.toString();
  }

  private Ev add(Session s, Api api, int region, int sec, boolean failed, SplittableRandom r) {
    if (n == pool.length) {
      pool = Arrays.copyOf(pool, n * 2);
      keys = new long[n * 2];
    }
    Ev e = pool[n];
    if (e == null) {
      e = new Ev();
      pool[n] = e;
    }
    n++;
    e.s = s;
    e.api = api;
    e.region = api.global ? Account.US_EAST_1 : region;
    e.sec = sec;
    e.failed = failed;
    e.idHi = r.nextLong();
    e.idLo = r.nextLong();
    e.reqHi = r.nextLong();
    e.reqLo = r.nextLong();
    int v = r.nextInt(1 << 30);
    e.variant = v;
    Principal p = s.p;
    e.ip = s.ip != null ? s.ip : p.ips[p.ips.length == 1 ? 0 : (v >>> 10) % p.ips.length];
    e.userAgent = p.userAgentAt(hourIdx, org.incidentHourIdx);
    // Redelivery: an event of the first half-hour shows up again in the second half's file (2% of
    // them, ~1% of all events). Never into an earlier file: a file holds no event younger than itself.
    e.dup = sec < 1800 && (v >>> 20) % 50 == 0;
    return e;
  }

  /**
   * Files of one account-hour: per region, events of [H, H+30m) in a file stamped H+30m+2..9min,
   * events of [H+30m, H+1h) in a file stamped H+1h+2..12min (split further past MAX_PER_FILE).
   * A redelivered event of the first half sits in both files.
   */
  private void write(int h, long hs, SplittableRandom r) throws IOException {
    distinct += n;
    for (int i = 0; i < n; i++) {
      Ev e = pool[i];
      keys[i] = ((long) e.region << 56) | ((long) e.sec << 32) | i;
    }
    Arrays.sort(keys, 0, n);
    int i = 0;
    while (i < n) {
      int region = (int) (keys[i] >>> 56);
      int j = i;
      while (j < n && (int) (keys[j] >>> 56) == region) {
        j++;
      }
      int mid = i;
      while (mid < j && (int) ((keys[mid] >>> 32) & 0xFFFFFF) < 1800) {
        mid++;
      }
      writeHalf(region, i, mid, 0, 0, hs + 30 * 60, 8, r);
      writeHalf(region, mid, j, i, mid, hs + 60 * 60, 11, r);
      i = j;
    }
  }

  private void writeHalf(int region, int lo, int hi, int otherLo, int otherHi, long base, int spreadMin,
      SplittableRandom r) throws IOException {
    int count = hi - lo;
    if (count == 0) {
      return;
    }
    int chunks = (count + MAX_PER_FILE - 1) / MAX_PER_FILE;
    int[] minutes = new int[chunks];
    for (int k = 0; k < chunks; k++) {
      minutes[k] = 2 + r.nextInt(spreadMin);
    }
    Arrays.sort(minutes);
    for (int k = 0; k < chunks; k++) {
      int from = lo + (int) ((long) count * k / chunks);
      int to = lo + (int) ((long) count * (k + 1) / chunks);
      long stamp = base + minutes[k] * 60L;
      try (OutputStream out = open(region, stamp, r);
           JsonGenerator g = json.createGenerator(out, JsonEncoding.UTF8)) {
        g.writeStartObject();
        g.writeFieldName("Records");
        g.writeStartArray();
        for (int x = from; x < to; x++) {
          rw.write(g, pool[(int) keys[x]]);
        }
        records += to - from;
        if (k == 0) {
          // CloudTrail redelivery: the first half's duplicates land here too.
          for (int x = otherLo; x < otherHi; x++) {
            Ev e = pool[(int) keys[x]];
            if (e.dup) {
              rw.write(g, e);
              records++;
              duplicates++;
            }
          }
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      files++;
    }
  }

  private OutputStream open(int region, long stamp, SplittableRandom r) throws IOException {
    LocalDateTime t = GeneratorClock.utc(stamp);
    String reg = Account.REGIONS[region];
    String dir = a.logPrefix + "/CloudTrail/" + reg + "/" + GeneratorClock.dayPath(t);
    String name = a.id + "_CloudTrail_" + reg + "_" + GeneratorClock.stamp(t, false) + "_" + OrgModel.alnum(r, 16, false)
        + ".json.gz";
    return gzip(file(dir, name));
  }

  /** One digest file a day (not API events: the reader must skip it). */
  private void digest(long hs) throws IOException {
    SplittableRandom r = new SplittableRandom(OrgModel.mix(spec.seed(), a.idx, -2 - hs));
    long stamp = hs + 20 * 60 + r.nextInt(600);
    LocalDateTime t = GeneratorClock.utc(stamp);
    String reg = Account.REGIONS[Account.US_EAST_1];
    String dir = a.logPrefix + "/CloudTrail-Digest/" + reg + "/" + GeneratorClock.dayPath(t);
    String name = a.id + "_CloudTrail-Digest_" + reg + "_" + a.trailName + "_" + reg + "_" + GeneratorClock.stamp(t, true)
        + ".json.gz";
    try (OutputStream out = gzip(file(dir, name)); JsonGenerator g = json.createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartObject();
      g.writeStringField("awsAccountId", a.id);
      g.writeStringField("digestStartTime", GeneratorClock.iso(hs - 3600));
      g.writeStringField("digestEndTime", GeneratorClock.iso(hs));
      g.writeStringField("digestS3Bucket", "trailwatch-demo-cloudtrail");
      g.writeStringField("digestS3Object", dir + "/" + name);
      g.writeStringField("digestPublicKeyFingerprint", Long.toHexString(r.nextLong()) + Long.toHexString(r.nextLong()));
      g.writeStringField("digestSignatureAlgorithm", "SHA256withRSA");
      g.writeNullField("previousDigestS3Bucket");
      g.writeArrayFieldStart("logFiles");
      g.writeEndArray();
      g.writeEndObject();
    }
    digests++;
  }

  private Path file(String dir, String name) throws IOException {
    if (dirs.add(dir)) {
      Files.createDirectories(logsDir.resolve(dir));
    }
    return logsDir.resolve(dir).resolve(name);
  }

  static OutputStream gzip(Path file) throws IOException {
    FileOutputStream out = new FileOutputStream(file.toFile());
    try {
      return new FastGzip(out);
    } catch (IOException | RuntimeException e) {
      out.close();
      throw e;
    }
  }

  /** gzip at level 1: the bench hour is millions of records and level 6 would halve the speed. */
  static final class FastGzip extends GZIPOutputStream {
    FastGzip(OutputStream out) throws IOException {
      super(out, 64 * 1024);
      def.setLevel(Deflater.BEST_SPEED);
    }
  }
}
