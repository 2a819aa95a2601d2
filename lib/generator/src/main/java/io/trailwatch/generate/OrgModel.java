package io.trailwatch.generate;

import com.fasterxml.jackson.core.io.SerializedString;
import io.trailwatch.generate.Principal.Kind;
import io.trailwatch.generate.Principal.Schedule;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The generated organisation: accounts, their principals, and which account hosts which scenario.
 * Everything here is derived from the spec only; events are drawn later, hour by hour.
 */
final class OrgModel {
  static final String SSO_ROLE_NAME = "AWSReservedSSO_AdministratorAccess_0123456789abcdef";
  static final String SLR_ROLE_NAME = "AWSServiceRoleForAPIGateway";
  static final String CROSS_ACCOUNT_ID = "999988887777";
  static final String ATTACKER_IP = "203.0.113.66";
  static final String ATTACKER_UA = "python-requests/2.31";
  static final String ALICE = "alice@example.com";
  static final String BOB = "bob@example.com";
  static final String OPS_USER = "ops-inventory";
  /** The network incident's address: a /24 the ops user never used. */
  static final String NEW_NETWORK_IP = "198.51.100.77";
  static final String NEW_NETWORK = "198.51.100.0/24";
  /** The client incident: an SSO person's own script. */
  static final String SCRIPT_UA = "python-requests/2.31.0";
  /** The quiet laptop change: same aws-cli family, a version and OS never seen before. */
  static final String NEW_LAPTOP_UA = "aws-cli/2.22.10 Python/3.12.6 Darwin/24.1.0 exe/arm64 prompt/off command/iam";
  static final String AWS_INTERNAL = "AWS Internal";
  static final String EC2_SERVICE = "ec2.amazonaws.com";

  static final String UA_JAVA = "aws-sdk-java/2.20.162 Linux/5.10.198-187.748.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.8+7-LTS"
      + " Java/17.0.8 vendor/Amazon.com_Inc. exec-env/AWS_ECS_EC2 io/sync http/Apache cfg/retry-mode/legacy";
  static final String UA_BOTO = "Boto3/1.28.57 md/Botocore#1.31.57 ua/2.0 os/linux#5.10.198-208.762.amzn2.x86_64 md/arch#x86_64"
      + " lang/python#3.11.6 md/pyimpl#CPython exec-env/AWS_Lambda_python3.11 cfg/retry-mode#legacy Botocore/1.31.57";
  static final String UA_CLI = "aws-cli/2.13.25 Python/3.11.5 Linux/5.15.0-1047-aws exe/x86_64.ubuntu.22 prompt/off";
  static final String UA_GO = "aws-sdk-go-v2/1.24.0 os/linux lang/go#1.21.5 md/GOOS#linux md/GOARCH#amd64 api/s3#1.47.7";
  static final String UA_CONSOLE = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko)"
      + " Chrome/119.0.0.0 Safari/537.36";
  static final String UA_GLUE = "aws-sdk-java/1.12.565 Linux/5.10.198 OpenJDK_64-Bit_Server_VM/17.0.8+7-LTS java/17.0.8"
      + " scala/2.12.15 vendor/Amazon.com_Inc. exec-env/AWS_Glue cfg/retry-mode/standard";

  private static final String[] WORDS = {"payments", "ledger", "catalog", "search", "notify", "reports", "billing", "fraud",
      "inventory", "shipping", "pricing", "profile", "checkout", "audit", "media", "export"};
  private static final String[] ENVS = {"prod", "staging", "dev", "shared", "sandbox", "analytics"};

  final GeneratorSpec spec;
  final int hours;
  final int incidentHourIdx;
  final List<Account> accounts = new ArrayList<>();

  // Where the scenarios happen (account indexes).
  final int stolenKeyAcct = 0;
  final int ssoAcct = 0;
  final int learningAcct = 0;
  final int awsServiceAcct = 0;
  final int earlyRootAcct = 0;
  final int samlAcct = 0;
  final int rootAcct = 1;
  final int tamperAcct = 1;
  final int slrAcct = 1;
  final int failedRoutineAcct = 1;
  final int identityCenterAcct = 1;
  // Dimension incidents (region, network, client) and their quiet cases: accounts 0 and 1 exist in every org.
  final int networkAcct = 0;
  final int regionAcct = 1;
  final int clientAcct = 1;
  final int laptopAcct = 1;
  final int ec2InternalAcct = 0;
  final int secretsAcct;
  final int crossAcct;

  // Scripted hours.
  final int earlyRootHour;
  final int[] samlHours;
  final int identityCenterHour;
  final int newRoleFirstHour;

  OrgModel(GeneratorSpec spec) {
    this.spec = spec;
    this.hours = spec.hours();
    this.incidentHourIdx = hours - 1;
    int n = spec.accounts();
    this.secretsAcct = 2 % n;
    this.crossAcct = 3 % n;
    this.earlyRootHour = Math.min(2, hours - 2);
    this.samlHours = new int[] {hours / 3, (2 * hours) / 3};
    this.identityCenterHour = hours / 2;
    this.newRoleFirstHour = Math.max(0, hours - 72);
    String[] bus = n >= 6 ? new String[] {"payments", "platform", "data"} : new String[] {"payments", "platform"};
    for (int a = 0; a < n; a++) {
      String bu = bus[a % bus.length];
      int k = a / bus.length;
      String name = bu + "-" + ENVS[k % ENVS.length] + (k >= ENVS.length ? "-" + k : "");
      Account acct = new Account(a, String.format("1111%08d", a + 1), name, bu, a == n - 1);
      build(acct);
      accounts.add(acct);
    }
  }

  static long mix(long seed, long a, long b) {
    long z = seed * 0x9E3779B97F4A7C15L + a * 0xBF58476D1CE4E5B9L + b * 0x94D049BB133111EBL + 0x2545F4914F6CDD1DL;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  static String alnum(SplittableRandom r, int len, boolean upperOnly) {
    String chars = upperOnly ? "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    char[] c = new char[len];
    for (int i = 0; i < len; i++) {
      c[i] = chars.charAt(r.nextInt(chars.length()));
    }
    return new String(c);
  }

  private static SerializedString[] ss(String... v) {
    SerializedString[] out = new SerializedString[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = new SerializedString(v[i]);
    }
    return out;
  }

  private void build(Account a) {
    SplittableRandom r = new SplittableRandom(mix(spec.seed(), a.idx, -1));
    String id = a.id;
    int p = spec.principalsPerAccount();
    for (int w = 0; w < p; w++) {
      Principal x;
      if (w == 0) {
        x = role(a, Kind.EC2_ROLE, "app-orders", r);
        x.repertoire(new Api[] {Api.S3_GET_OBJECT, Api.S3_PUT_OBJECT, Api.DDB_GET_ITEM, Api.DDB_PUT_ITEM, Api.DDB_QUERY,
            Api.SQS_SEND, Api.KMS_DECRYPT, Api.KMS_GENERATE_DATA_KEY, Api.STS_ASSUME_ROLE, Api.SSM_GET_PARAMETER},
            new double[] {5, 2, 6, 3, 2, 3, 4, 1, 0.3, 0.5});
        x.userAgent = new SerializedString(UA_JAVA);
        a.appOrders = x;
      } else if (w == 1) {
        x = role(a, Kind.LAMBDA_ROLE, "orders-processor-role", r);
        x.sessionBases = new String[] {"orders-processor", "orders-enricher"};
        x.repertoire(new Api[] {Api.SQS_RECEIVE, Api.SQS_DELETE, Api.DDB_PUT_ITEM, Api.DDB_UPDATE_ITEM, Api.DDB_GET_ITEM,
            Api.S3_PUT_OBJECT, Api.KMS_DECRYPT, Api.SNS_PUBLISH}, new double[] {4, 4, 3, 2, 2, 1, 2, 1});
        x.userAgent = new SerializedString(UA_BOTO);
        x.versions(28, UA_BOTO.replace("1.28.57", "1.28.30").replace("1.31.57", "1.31.30"),
            UA_BOTO.replace("1.28.57", "1.28.44").replace("1.31.57", "1.31.44"));
        x.ips = ss("3.84." + (a.idx % 200) + ".17", "3.84." + (a.idx % 200) + ".141", "54.175.12." + (a.idx % 250 + 2));
        a.lambda = x;
      } else if (w == 2) {
        x = user(a, "ci-deployer", r);
        x.repertoire(new Api[] {Api.S3_PUT_OBJECT, Api.S3_GET_OBJECT, Api.ECR_GET_AUTH_TOKEN, Api.ECR_BATCH_CHECK_LAYER,
            Api.ECR_PUT_IMAGE, Api.CFN_DESCRIBE_STACKS, Api.CFN_CREATE_CHANGE_SET, Api.CFN_EXECUTE_CHANGE_SET,
            Api.SSM_GET_PARAMETERS, Api.LAMBDA_UPDATE_CODE, Api.STS_ASSUME_ROLE},
            new double[] {3, 2, 2, 3, 1, 2, 0.5, 0.5, 1, 0.5, 1});
        x.failApi = Api.SSM_GET_PARAMETERS;
        x.failRate = 0.05;
        x.ips = ss("34.201.17.10", "34.201.17.11");
        x.userAgent = new SerializedString(UA_CLI);
        x.versions(30, UA_CLI.replace("2.13.25", "2.11.27"), UA_CLI.replace("2.13.25", "2.13.10"));
        a.ci = x;
      } else {
        int j = w - 3;
        String word = WORDS[j % WORDS.length] + (j >= WORDS.length ? "-" + (j / WORDS.length) : "");
        switch (j % 5) {
          case 0:
            x = role(a, Kind.EC2_ROLE, "app-" + word, r);
            x.userAgent = new SerializedString(UA_JAVA);
            break;
          case 1:
            x = role(a, Kind.LAMBDA_ROLE, "fn-" + word + "-role", r);
            x.sessionBases = new String[] {"fn-" + word};
            x.userAgent = new SerializedString(UA_BOTO);
            x.ips = ss("3.89." + (a.idx % 200) + "." + (j % 250 + 2), "44.192." + (a.idx % 200) + "." + (j % 250 + 2));
            break;
          case 2:
            x = user(a, "svc-" + word, r);
            x.userAgent = new SerializedString(UA_GO);
            x.ips = ss("52.70." + (a.idx % 200) + "." + (j % 250 + 2));
            break;
          case 3:
            x = role(a, Kind.EC2_ROLE, "app-eu-" + word, r);
            x.userAgent = new SerializedString(UA_JAVA);
            if (a.idx % 2 == 1) {
              x.regions = new int[] {Account.EU_WEST_1};
              x.schedule = Schedule.BUSINESS;
            }
            break;
          default:
            x = role(a, Kind.EC2_ROLE, "batch-" + word, r);
            x.userAgent = new SerializedString(UA_JAVA);
            if (a.idx % 3 == 0) {
              x.regions = new int[] {Account.US_WEST_2};
              x.schedule = Schedule.NIGHTLY;
            }
            break;
        }
        randomRepertoire(x, r);
      }
      x.workload = true;
      // Skewed volume: a few principals make most of the calls.
      x.weight = 1.0 / Math.pow(w + 1, 0.9) * (x.schedule == Schedule.NIGHTLY ? 6 : 1);
      a.add(x);
    }

    // Human SSO sessions: one role, keyed per person.
    String ssoArn = "arn:aws:iam::" + id + ":role/aws-reserved/sso.amazonaws.com/" + SSO_ROLE_NAME;
    String ssoRoleId = "AROA" + alnum(r, 17, true);
    a.alice = person(a, ALICE, ssoArn, ssoRoleId, "198.51.100.10", UA_CONSOLE);
    a.alice.repertoire(new Api[] {Api.EC2_DESCRIBE_INSTANCES, Api.CW_GET_METRIC_DATA, Api.LOGS_FILTER,
        Api.LOGS_DESCRIBE_GROUPS, Api.CFN_DESCRIBE_STACKS, Api.IAM_LIST_ROLES, Api.IAM_GET_ROLE, Api.CT_LOOKUP_EVENTS,
        Api.DDB_DESCRIBE_TABLE, Api.S3_LIST_BUCKETS}, new double[] {4, 3, 3, 1, 2, 1, 1, 1, 1, 2});
    a.bob = person(a, BOB, ssoArn, ssoRoleId, "198.51.100.23", UA_CLI + " command/iam");
    // bob keeps his aws-cli up to date: a new version every three weeks.
    a.bob.versions(21, (UA_CLI + " command/iam").replace("2.13.25", "2.12.4").replace("Python/3.11.5", "Python/3.11.4"),
        (UA_CLI + " command/iam").replace("2.13.25", "2.13.5"), (UA_CLI + " command/iam").replace("2.13.25", "2.13.15"));
    if (a.idx == laptopAcct) {
      a.bob.incidentUserAgent = new SerializedString(NEW_LAPTOP_UA);
    }
    if (a.idx == clientAcct) {
      a.alice.incidentUserAgent = new SerializedString(SCRIPT_UA);
    }
    a.bob.repertoire(new Api[] {Api.EC2_DESCRIBE_INSTANCES, Api.IAM_LIST_USERS, Api.IAM_GET_USER, Api.IAM_CREATE_USER,
        Api.IAM_ATTACH_USER_POLICY, Api.IAM_LIST_POLICIES, Api.IAM_LIST_ROLES, Api.CT_DESCRIBE_TRAILS, Api.S3_LIST_BUCKETS},
        new double[] {2, 3, 2, 1, 1, 1, 1, 1, 1});

    // AWS Config acting as itself.
    Principal cfg = a.add(new Principal(Kind.AWS_SERVICE, a, a.principals.size(), "config.amazonaws.com"));
    cfg.key = "service:config.amazonaws.com";
    cfg.invokedByS = new SerializedString("config.amazonaws.com");
    cfg.ips = ss("config.amazonaws.com");
    cfg.userAgent = new SerializedString("config.amazonaws.com");
    cfg.repertoire(new Api[] {Api.STS_ASSUME_ROLE, Api.CONFIG_PUT_EVALUATIONS, Api.CONFIG_GET_HISTORY}, new double[] {1, 2, 1});
    cfg.fixed = new Session(cfg, null, null, null, null, null, null);
    a.config = cfg;

    // The API Gateway service-linked role.
    Principal slr = a.add(new Principal(Kind.SERVICE_LINKED_ROLE, a, a.principals.size(), SLR_ROLE_NAME));
    slr.roleArn = "arn:aws:iam::" + id + ":role/aws-service-role/ops.apigateway.amazonaws.com/" + SLR_ROLE_NAME;
    slr.roleArnS = new SerializedString(slr.roleArn);
    slr.roleIdS = new SerializedString("AROA" + alnum(r, 17, true));
    slr.roleNameS = new SerializedString(SLR_ROLE_NAME);
    slr.key = slr.roleArn;
    slr.invokedByS = new SerializedString("apigateway.amazonaws.com");
    slr.ips = ss("apigateway.amazonaws.com");
    slr.userAgent = new SerializedString("apigateway.amazonaws.com");
    slr.repertoire(new Api[] {Api.EC2_DESCRIBE_NETWORK_INTERFACES, Api.EC2_DESCRIBE_SUBNETS,
        Api.EC2_DESCRIBE_SECURITY_GROUPS}, new double[] {2, 1, 1});
    slr.fixed = roleSession(slr, "ApiGatewayNetworkInterfaceManager", "ASIA" + alnum(r, 16, true),
        GeneratorClock.iso(spec.start().getEpochSecond()), null);
    a.apiGateway = slr;

    // A cross-account caller reading objects now and then.
    Principal xa = a.add(new Principal(Kind.AWS_ACCOUNT, a, a.principals.size(), CROSS_ACCOUNT_ID));
    xa.key = "account:" + CROSS_ACCOUNT_ID;
    xa.ips = ss("52.94.133.131");
    xa.userAgent = new SerializedString(UA_GO);
    xa.repertoire(new Api[] {Api.S3_GET_OBJECT, Api.S3_HEAD_OBJECT}, new double[] {4, 1});
    xa.fixed = new Session(xa, null, "AIDAPARTNERSYNC7EXAMPLE", null, null, null, null);
    a.crossAccount = xa;

    if (a.idx % 3 == 0) {
      Principal f = a.add(new Principal(Kind.FEDERATED_USER, a, a.principals.size(), "reporting-partner"));
      String brokerArn = "arn:aws:iam::" + id + ":user/federation-broker";
      f.userArnS = new SerializedString(brokerArn);
      f.userIdS = new SerializedString("AIDA" + alnum(r, 17, true));
      f.userNameS = new SerializedString("federation-broker");
      f.key = brokerArn + "#reporting-partner";
      f.ips = ss("192.0.2.15");
      f.userAgent = new SerializedString(UA_GO);
      f.schedule = Schedule.BUSINESS;
      f.repertoire(new Api[] {Api.S3_GET_OBJECT, Api.S3_LIST_OBJECTS}, new double[] {3, 1});
      f.fixed = new Session(f, "reporting-partner", id + ":reporting-partner",
          "arn:aws:sts::" + id + ":federated-user/reporting-partner", "ASIA" + alnum(r, 16, true),
          GeneratorClock.iso(spec.start().getEpochSecond()), null);
      a.federated = f;
    }
    if (a.idx == samlAcct) {
      Principal s = a.add(new Principal(Kind.SAML_USER, a, a.principals.size(), "carol@example.com"));
      s.key = "SAMLUser:carol@example.com";
      s.schedule = Schedule.SCRIPTED;
      s.ips = ss("198.51.100.31");
      s.userAgent = new SerializedString(UA_CONSOLE);
      s.fixed = new Session(s, "carol@example.com", "Xq8Z2mWkYb3R0EXAMPLEtV9c=:carol@example.com", null, null, null, null);
      a.saml = s;
    }
    if (a.idx == identityCenterAcct) {
      Principal s = a.add(new Principal(Kind.IDENTITY_CENTER_USER, a, a.principals.size(), "dave"));
      s.key = "IdentityCenterUser:90676a5c-a0b1-70e6-11c2-4ab9c0d2e8f1";
      s.schedule = Schedule.SCRIPTED;
      s.ips = ss("198.51.100.44");
      s.userAgent = new SerializedString(UA_CONSOLE);
      s.fixed = new Session(s, null, "90676a5c-a0b1-70e6-11c2-4ab9c0d2e8f1", null, "ASIA" + alnum(r, 16, true), null, null);
      a.identityCenter = s;
    }
    if (a.idx == earlyRootAcct || a.idx == rootAcct) {
      Principal s = a.add(new Principal(Kind.ROOT, a, a.principals.size(), "root"));
      s.key = "arn:aws:iam::" + id + ":root";
      s.schedule = Schedule.SCRIPTED;
      s.ips = ss(a.idx == rootAcct ? "185.220.101.47" : "198.51.100.5");
      s.userAgent = new SerializedString(UA_CONSOLE);
      s.fixed = new Session(s, null, id, s.key, null, null, null);
      a.root = s;
    }
    if (a.idx == learningAcct) {
      Principal s = role(a, Kind.NEW_ROLE, "etl-backfill", r);
      s.firstHour = newRoleFirstHour;
      s.sessionBases = new String[] {"etl-backfill"};
      s.userAgent = new SerializedString(UA_GLUE);
      s.ips = ss("glue.amazonaws.com");
      s.repertoire(new Api[] {Api.GLUE_GET_TABLE, Api.GLUE_GET_DATABASE, Api.GLUE_GET_PARTITIONS, Api.ATHENA_START_QUERY,
          Api.ATHENA_GET_QUERY, Api.ATHENA_GET_RESULTS, Api.S3_GET_OBJECT, Api.S3_PUT_OBJECT, Api.S3_LIST_OBJECTS,
          Api.KMS_DECRYPT, Api.DDB_SCAN, Api.DDB_DESCRIBE_TABLE, Api.SQS_SEND, Api.S3_GET_BUCKET_LOCATION},
          new double[] {3, 1, 2, 2, 3, 2, 4, 2, 1, 2, 1, 1, 1, 1});
      a.add(s);
      a.newRole = s;
    }

    // An inventory script with a long-lived key, in every account: a call or two every other hour, on top of the workload.
    Principal ops = user(a, OPS_USER, r);
    ops.ownStream = true;
    ops.ips = ss("18.210." + (a.idx % 200) + ".33", "18.210." + (a.idx % 200) + ".34");
    ops.userAgent = new SerializedString(UA_CLI + " command/ec2.describe-instances");
    ops.versions(14, (UA_CLI + " command/ec2.describe-instances").replace("2.13.25", "2.13.2"),
        (UA_CLI + " command/ec2.describe-instances").replace("2.13.25", "2.13.19"));
    ops.repertoire(new Api[] {Api.EC2_DESCRIBE_INSTANCES, Api.EC2_DESCRIBE_SECURITY_GROUPS, Api.CFN_DESCRIBE_STACKS,
        Api.STS_GET_CALLER_IDENTITY, Api.S3_LIST_BUCKETS}, new double[] {4, 2, 1, 1, 1});
    a.ops = a.add(ops);
  }

  private void randomRepertoire(Principal x, SplittableRandom r) {
    Api[] pool = Api.APP_POOL.clone();
    for (int i = pool.length - 1; i > 0; i--) {
      int k = r.nextInt(i + 1);
      Api t = pool[i];
      pool[i] = pool[k];
      pool[k] = t;
    }
    int n = 4 + r.nextInt(5);
    Api[] apis = new Api[n];
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      apis[i] = pool[i];
      w[i] = (0.5 + r.nextDouble()) / (i + 1);
    }
    x.repertoire(apis, w);
  }

  private Principal role(Account a, Kind kind, String roleName, SplittableRandom r) {
    Principal x = new Principal(kind, a, a.principals.size(), roleName);
    x.roleArn = "arn:aws:iam::" + a.id + ":role/" + roleName;
    x.roleArnS = new SerializedString(x.roleArn);
    x.roleIdS = new SerializedString("AROA" + alnum(r, 17, true));
    x.roleNameS = new SerializedString(roleName);
    x.key = x.roleArn;
    if (kind == Kind.EC2_ROLE) {
      // Its instances sit in two private subnets of the account's VPC.
      String net = "10." + (16 + a.idx % 200) + ".";
      x.subnets = new String[] {net + (x.slot * 2 % 250 + 1) + ".", net + (x.slot * 2 % 250 + 2) + "."};
    }
    return x;
  }

  private Principal user(Account a, String userName, SplittableRandom r) {
    Principal x = new Principal(Kind.IAM_USER, a, a.principals.size(), userName);
    String arn = "arn:aws:iam::" + a.id + ":user/" + userName;
    x.userArnS = new SerializedString(arn);
    x.userIdS = new SerializedString("AIDA" + alnum(r, 17, true));
    x.userNameS = new SerializedString(userName);
    x.key = arn;
    x.fixed = new Session(x, null, x.userIdS.getValue(), arn, "AKIA" + alnum(r, 16, true), null, null);
    return x;
  }

  private Principal person(Account a, String email, String roleArn, String roleId, String ip, String ua) {
    Principal x = new Principal(Kind.SSO_PERSON, a, a.principals.size(), email);
    x.roleArn = roleArn;
    x.roleArnS = new SerializedString(roleArn);
    x.roleIdS = new SerializedString(roleId);
    x.roleNameS = new SerializedString(SSO_ROLE_NAME);
    x.key = roleArn + "#" + email;
    x.sessionBases = new String[] {email};
    x.ips = new SerializedString[] {new SerializedString(ip)};
    x.userAgent = new SerializedString(ua);
    x.schedule = Schedule.BUSINESS;
    return a.add(x);
  }

  /** A role session: principalId AROA...:name, sts assumed-role ARN (no role path in it). */
  static Session roleSession(Principal p, String sessionName, String accessKeyId, String creationDate, String ip) {
    String roleName = p.roleNameS.getValue();
    return new Session(p, sessionName, p.roleIdS.getValue() + ":" + sessionName,
        "arn:aws:sts::" + p.account.id + ":assumed-role/" + roleName + "/" + sessionName, accessKeyId, creationDate, ip);
  }

  List<ExpectedAlert> expectedAlerts() {
    List<ExpectedAlert> out = new ArrayList<>();
    Account s = accounts.get(stolenKeyAcct);
    String d1 = "The CI user's access key is used from " + ATTACKER_IP + " with " + ATTACKER_UA
        + " for reconnaissance and persistence it never did before";
    for (Api api : new Api[] {Api.STS_GET_CALLER_IDENTITY, Api.IAM_LIST_USERS, Api.IAM_CREATE_ACCESS_KEY, Api.S3_LIST_BUCKETS}) {
      out.add(alert("stolen-access-key", s.ci, api, false, d1));
    }
    // The same calls come from a network and a client the CI user never used.
    out.add(dimension("stolen-access-key", s.ci, ExpectedAlert.NETWORK, "203.0.113.0/24", Api.STS_GET_CALLER_IDENTITY, d1));
    out.add(dimension("stolen-access-key", s.ci, ExpectedAlert.CLIENT, "python-requests", Api.STS_GET_CALLER_IDENTITY, d1));
    Account t = accounts.get(tamperAcct);
    String d2 = "The app-orders role (a fresh EC2 session) stops and deletes the CloudTrail trail";
    out.add(alert("cloudtrail-tampering", t.appOrders, Api.CT_STOP_LOGGING, false, d2));
    out.add(alert("cloudtrail-tampering", t.appOrders, Api.CT_DELETE_TRAIL, false, d2));
    // From the instance's own address, but with the aws-cli where the app only ever used the Java SDK.
    out.add(dimension("cloudtrail-tampering", t.appOrders, ExpectedAlert.CLIENT, "aws-cli", Api.CT_STOP_LOGGING, d2));
    Account r = accounts.get(rootAcct);
    out.add(alert("root-console-login", r.root, Api.CONSOLE_LOGIN, false,
        "Root signs in to the console from an unknown address (any root activity alerts)"));
    Account p = accounts.get(ssoAcct);
    String d4 = "alice@example.com creates an IAM user and attaches a policy in the SSO admin role: new for alice,"
        + " routine for bob in the same role (per-person keys)";
    out.add(alert("sso-person-new-action", p.alice, Api.IAM_CREATE_USER, false, d4));
    out.add(alert("sso-person-new-action", p.alice, Api.IAM_ATTACH_USER_POLICY, false, d4));
    Account f = accounts.get(secretsAcct);
    String d5 = "The orders Lambda role is denied listing and reading Secrets Manager secrets";
    out.add(alert("failed-secrets-recon", f.lambda, Api.SM_LIST_SECRETS, true, d5));
    out.add(alert("failed-secrets-recon", f.lambda, Api.SM_GET_SECRET_VALUE, true, d5));
    Account c = accounts.get(crossAcct);
    String d6 = "Cross-account caller " + CROSS_ACCOUNT_ID + ", which only ever read objects, deletes one and"
        + " rewrites a bucket policy";
    out.add(alert("cross-account-new-action", c.crossAccount, Api.S3_DELETE_OBJECT, false, d6));
    out.add(alert("cross-account-new-action", c.crossAccount, Api.S3_PUT_BUCKET_POLICY, false, d6));

    // One incident per dimension, each by a principal that otherwise makes only its routine calls.
    Account g = accounts.get(regionAcct);
    out.add(dimension("new-region", g.ops, ExpectedAlert.REGION, Account.REGIONS[Account.AP_SOUTHEAST_1],
        Api.EC2_DESCRIBE_INSTANCES, "The " + OPS_USER + " IAM user makes its routine calls in "
            + Account.REGIONS[Account.AP_SOUTHEAST_1] + ", a region it never used"));
    Account w = accounts.get(networkAcct);
    out.add(dimension("new-network", w.ops, ExpectedAlert.NETWORK, NEW_NETWORK, Api.EC2_DESCRIBE_INSTANCES,
        "The " + OPS_USER + " IAM user makes its routine calls, with its usual aws-cli, from " + NEW_NETWORK_IP
            + ", in a /24 it never used"));
    Account k = accounts.get(clientAcct);
    out.add(dimension("new-client", k.alice, ExpectedAlert.CLIENT, "python-requests", Api.EC2_DESCRIBE_INSTANCES,
        ALICE + " makes her routine calls with " + SCRIPT_UA + " instead of the console, from her usual address"));
    return out;
  }

  private static ExpectedAlert alert(String name, Principal p, Api api, boolean failed, String description) {
    return new ExpectedAlert(name, p.account.id, p.key, p.type(), ExpectedAlert.API, null, api.source, api.name, failed,
        description);
  }

  private static ExpectedAlert dimension(String name, Principal p, String dimension, String value, Api api,
      String description) {
    return new ExpectedAlert(name, p.account.id, p.key, p.type(), dimension, value, api.source, api.name, false,
        description);
  }

  List<ExpectedQuiet> expectedQuiet() {
    List<ExpectedQuiet> out = new ArrayList<>();
    Account a0 = accounts.get(0);
    Account a1 = accounts.get(1);
    out.add(quiet("session-churn", a0.id, a0.appOrders.key,
        "app-orders runs on EC2 instances with session names never seen before, doing its routine calls"));
    out.add(quiet("session-churn", a1.id, a1.lambda.key,
        "The orders Lambda role with new session names, doing its routine calls"));
    out.add(quiet("learning-period", a0.id, a0.newRole.key,
        "etl-backfill was created 3 days before the incident hour and still does brand-new calls in it"));
    out.add(quiet("aws-service", a0.id, a0.config.key,
        "AWS Config (AWSService) calls DeliverConfigSnapshot for the first time: AWS itself is baseline-only"));
    out.add(quiet("service-linked-role", a1.id, a1.apiGateway.key,
        "The API Gateway service-linked role calls ec2 CreateNetworkInterface for the first time"));
    out.add(quiet("failed-only-routine", a1.id, a1.ci.key,
        "ci-deployer is denied ssm GetParameters, a call (and a failure) it has had before"));
    out.add(quiet("sso-person-routine", a0.id, a0.bob.key,
        "bob@example.com creates an IAM user and attaches a policy in the SSO admin role, as he routinely does"));
    Account e = accounts.get(ec2InternalAcct);
    out.add(quiet("ec2-internal-source", e.id, e.appOrders.key,
        "app-orders sessions (new instance ids) whose calls come from " + AWS_INTERNAL + " and " + EC2_SERVICE
            + ", as some of its sessions do all along"));
    Account l = accounts.get(laptopAcct);
    out.add(quiet("client-version-change", l.id, l.bob.key,
        "bob@example.com's new laptop: aws-cli in a version and on an OS never seen before (" + NEW_LAPTOP_UA + ")"));
    return out;
  }

  /** Every quiet case must stay quiet whatever the dimensions baselined. */
  private static ExpectedQuiet quiet(String name, String accountId, String principalPrefix, String description) {
    return new ExpectedQuiet(name, accountId, principalPrefix, ExpectedAlert.DIMENSIONS, description);
  }
}
