package io.trailwatch.generate;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;

/**
 * Writes one CloudTrail record with Jackson's streaming API: pre-encoded field names and values,
 * reused char buffers, no tree per record. A pure function of the {@link Ev} and the hour.
 */
final class RecordWriter {
  private static SerializedString s(String v) {
    return new SerializedString(v);
  }

  // Field names.
  private static final SerializedString EVENT_VERSION = s("eventVersion");
  private static final SerializedString USER_IDENTITY = s("userIdentity");
  private static final SerializedString TYPE = s("type");
  private static final SerializedString PRINCIPAL_ID = s("principalId");
  private static final SerializedString ARN = s("arn");
  private static final SerializedString ACCOUNT_ID = s("accountId");
  private static final SerializedString ACCESS_KEY_ID = s("accessKeyId");
  private static final SerializedString USER_NAME = s("userName");
  private static final SerializedString SESSION_CONTEXT = s("sessionContext");
  private static final SerializedString SESSION_ISSUER = s("sessionIssuer");
  private static final SerializedString WEB_ID_FEDERATION_DATA = s("webIdFederationData");
  private static final SerializedString ATTRIBUTES = s("attributes");
  private static final SerializedString CREATION_DATE = s("creationDate");
  private static final SerializedString MFA_AUTHENTICATED = s("mfaAuthenticated");
  private static final SerializedString EC2_ROLE_DELIVERY = s("ec2RoleDelivery");
  private static final SerializedString INVOKED_BY = s("invokedBy");
  private static final SerializedString IDENTITY_PROVIDER = s("identityProvider");
  private static final SerializedString ON_BEHALF_OF = s("onBehalfOf");
  private static final SerializedString USER_ID = s("userId");
  private static final SerializedString IDENTITY_STORE_ARN = s("identityStoreArn");
  private static final SerializedString CREDENTIAL_ID = s("credentialId");
  private static final SerializedString EVENT_TIME = s("eventTime");
  private static final SerializedString EVENT_SOURCE = s("eventSource");
  private static final SerializedString EVENT_NAME = s("eventName");
  private static final SerializedString AWS_REGION = s("awsRegion");
  private static final SerializedString SOURCE_IP = s("sourceIPAddress");
  private static final SerializedString USER_AGENT = s("userAgent");
  private static final SerializedString ERROR_CODE = s("errorCode");
  private static final SerializedString ERROR_MESSAGE = s("errorMessage");
  private static final SerializedString REQUEST_PARAMETERS = s("requestParameters");
  private static final SerializedString RESPONSE_ELEMENTS = s("responseElements");
  private static final SerializedString ADDITIONAL_EVENT_DATA = s("additionalEventData");
  private static final SerializedString REQUEST_ID = s("requestID");
  private static final SerializedString EVENT_ID = s("eventID");
  private static final SerializedString READ_ONLY = s("readOnly");
  private static final SerializedString RESOURCES = s("resources");
  private static final SerializedString EVENT_TYPE = s("eventType");
  private static final SerializedString MANAGEMENT_EVENT = s("managementEvent");
  private static final SerializedString RECIPIENT_ACCOUNT_ID = s("recipientAccountId");
  private static final SerializedString SHARED_EVENT_ID = s("sharedEventID");
  private static final SerializedString EVENT_CATEGORY = s("eventCategory");
  private static final SerializedString TLS_DETAILS = s("tlsDetails");
  private static final SerializedString TLS_VERSION = s("tlsVersion");
  private static final SerializedString CIPHER_SUITE = s("cipherSuite");
  private static final SerializedString BUCKET_NAME = s("bucketName");
  private static final SerializedString HOST = s("Host");
  private static final SerializedString KEY = s("key");
  private static final SerializedString TABLE_NAME = s("tableName");
  private static final SerializedString QUEUE_URL = s("queueUrl");
  private static final SerializedString KEY_ID = s("keyId");
  private static final SerializedString ENCRYPTION_ALGORITHM = s("encryptionAlgorithm");
  private static final SerializedString ROLE_ARN = s("roleArn");
  private static final SerializedString ROLE_SESSION_NAME = s("roleSessionName");
  private static final SerializedString PRINCIPAL_ARN = s("principalArn");
  private static final SerializedString DURATION_SECONDS = s("durationSeconds");
  private static final SerializedString POLICY_ARN = s("policyArn");
  private static final SerializedString ROLE_NAME = s("roleName");
  private static final SerializedString NAME = s("name");
  private static final SerializedString NAMES = s("names");
  private static final SerializedString WITH_DECRYPTION = s("withDecryption");
  private static final SerializedString SECRET_ID = s("secretId");
  private static final SerializedString STACK_NAME = s("stackName");
  private static final SerializedString FUNCTION_NAME = s("functionName");
  private static final SerializedString INSTANCES_SET = s("instancesSet");
  private static final SerializedString FILTER_SET = s("filterSet");
  private static final SerializedString DATABASE_NAME = s("databaseName");
  private static final SerializedString WORK_GROUP = s("workGroup");
  private static final SerializedString CONFIG_RULE_NAME = s("configRuleName");
  private static final SerializedString ASSUMED_ROLE_USER = s("assumedRoleUser");
  private static final SerializedString ASSUMED_ROLE_ID = s("assumedRoleId");
  private static final SerializedString CREDENTIALS = s("credentials");
  private static final SerializedString EXPIRATION = s("expiration");
  private static final SerializedString CONSOLE_LOGIN = s("ConsoleLogin");
  private static final SerializedString LOGIN_TO = s("LoginTo");
  private static final SerializedString MOBILE_VERSION = s("MobileVersion");
  private static final SerializedString MFA_USED = s("MFAUsed");
  private static final SerializedString ACCESS_KEY = s("accessKey");
  private static final SerializedString STATUS = s("status");
  private static final SerializedString CREATE_DATE = s("createDate");
  private static final SerializedString USER = s("user");
  private static final SerializedString PATH = s("path");
  private static final SerializedString RESOURCE_TYPE = s("type");

  // Values.
  private static final SerializedString V_EVENT_VERSION = s("1.08");
  private static final SerializedString[] V_REGIONS = new SerializedString[Account.REGIONS.length];
  private static final SerializedString V_ROLE = s("Role");
  private static final SerializedString V_IAM_USER = s("IAMUser");
  private static final SerializedString V_FALSE = s("false");
  private static final SerializedString V_TRUE = s("true");
  private static final SerializedString V_EC2_DELIVERY = s("2.0");
  private static final SerializedString V_ACCESS_DENIED = s("AccessDenied");
  private static final SerializedString V_API_CALL = s("AwsApiCall");
  private static final SerializedString V_SERVICE_EVENT = s("AwsServiceEvent");
  private static final SerializedString V_CONSOLE_SIGN_IN = s("AwsConsoleSignIn");
  private static final SerializedString V_MANAGEMENT = s("Management");
  private static final SerializedString V_DATA = s("Data");
  private static final SerializedString V_TLS13 = s("TLSv1.3");
  private static final SerializedString V_TLS_AES = s("TLS_AES_128_GCM_SHA256");
  private static final SerializedString V_SYMMETRIC = s("SYMMETRIC_DEFAULT");
  private static final SerializedString V_S3_HOST = s("s3.amazonaws.com");
  private static final SerializedString V_SUCCESS = s("Success");
  private static final SerializedString V_NO = s("No");
  private static final SerializedString V_YES = s("Yes");
  private static final SerializedString V_CONSOLE_URL = s("https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true");
  private static final SerializedString V_ACTIVE = s("Active");
  private static final SerializedString V_SLASH = s("/");
  private static final SerializedString V_ADMIN_POLICY = s("arn:aws:iam::aws:policy/AdministratorAccess");
  private static final SerializedString V_RO_POLICY = s("arn:aws:iam::aws:policy/ReadOnlyAccess");
  private static final SerializedString V_CI_PARAM = s("/ci/deploy-token");
  private static final SerializedString V_APP_PARAM = s("/app/orders/config");
  private static final SerializedString V_SECRET = s("prod/orders/db-credentials");
  private static final SerializedString V_STACK = s("orders-service");
  private static final SerializedString V_FUNCTION = s("orders-processor");
  private static final SerializedString V_GLUE_DB = s("analytics");
  private static final SerializedString V_GLUE_TABLE = s("orders_history");
  private static final SerializedString V_PRIMARY = s("primary");
  private static final SerializedString V_CONFIG_RULE = s("s3-bucket-public-read-prohibited");
  private static final SerializedString V_NEW_ROLE = s("etl-backfill");
  private static final SerializedString V_IDENTITY_STORE = s("arn:aws:identitystore::111100000001:identitystore/d-9067a1b2c3");
  private static final SerializedString V_S3_BUCKET = s("AWS::S3::Bucket");

  static {
    for (int i = 0; i < Account.REGIONS.length; i++) {
      V_REGIONS[i] = s(Account.REGIONS[i]);
    }
  }

  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final char[] B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

  private final char[] time = new char[20];
  private final char[] uuid = new char[36];
  private final char[] key = new char[20];
  private long hourStart;
  private final java.io.ByteArrayOutputStream scratch = new java.io.ByteArrayOutputStream(1024);
  private final com.fasterxml.jackson.core.JsonFactory scratchFactory = new com.fasterxml.jackson.core.JsonFactory();
  private SerializedString[] tails = new SerializedString[0];
  private Account tailAccount;

  /** Sets the hour whose events follow: eventTime = hour + Ev.sec. */
  void hour(long hourStartEpoch) {
    hourStart = hourStartEpoch;
    String iso = GeneratorClock.iso(hourStartEpoch);
    iso.getChars(0, 20, time, 0);
  }

  private void fillTime(int sec) {
    int m = sec / 60;
    int s = sec % 60;
    time[14] = (char) ('0' + m / 10);
    time[15] = (char) ('0' + m % 10);
    time[17] = (char) ('0' + s / 10);
    time[18] = (char) ('0' + s % 10);
  }

  private void fillUuid(long hi, long lo) {
    hi = (hi & ~0xF000L) | 0x4000L;
    lo = (lo & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    int p = 0;
    for (int i = 0; i < 16; i++) {
      if (i == 8 || i == 12) {
        uuid[p++] = '-';
      }
      uuid[p++] = HEX[(int) (hi >>> (60 - 4 * i)) & 0xF];
    }
    for (int i = 0; i < 16; i++) {
      if (i == 0 || i == 4) {
        uuid[p++] = '-';
      }
      uuid[p++] = HEX[(int) (lo >>> (60 - 4 * i)) & 0xF];
    }
  }

  /** "ASIA"/"AKIA" + 16 base32 characters from bits. */
  private int fillKey(String prefix, long bits) {
    prefix.getChars(0, 4, key, 0);
    for (int i = 0; i < 16; i++) {
      key[4 + i] = B32[(int) (bits >>> (i * 4)) & 0x1F];
    }
    return 20;
  }

  void write(JsonGenerator g, Ev e) throws IOException {
    Session s = e.s;
    Principal p = s.p;
    Api api = e.api;
    Account a = p.account;
    g.writeStartObject();
    g.writeFieldName(EVENT_VERSION);
    g.writeString(V_EVENT_VERSION);
    if (s.identityRaw == null) {
      s.identityRaw = fragment(x -> identity(x, s));
    }
    g.writeRaw(s.identityRaw);
    g.writeFieldName(EVENT_TIME);
    fillTime(e.sec);
    g.writeString(time, 0, 20);
    g.writeFieldName(EVENT_SOURCE);
    g.writeString(api.sourceS);
    g.writeFieldName(EVENT_NAME);
    g.writeString(api.nameS);
    g.writeFieldName(AWS_REGION);
    g.writeString(V_REGIONS[e.region]);
    g.writeFieldName(SOURCE_IP);
    g.writeString(e.ip);
    g.writeFieldName(USER_AGENT);
    g.writeString(e.userAgent);
    if (e.failed) {
      g.writeFieldName(ERROR_CODE);
      g.writeString(V_ACCESS_DENIED);
      g.writeFieldName(ERROR_MESSAGE);
      String action = api.actionPrefix + ":" + api.name;
      g.writeString("User: " + (s.arn != null ? s.arn.getValue() : p.key) + " is not authorized to perform: " + action
          + " because no identity-based policy allows the " + action + " action");
    }
    g.writeFieldName(REQUEST_PARAMETERS);
    params(g, e, a);
    g.writeFieldName(RESPONSE_ELEMENTS);
    if (e.failed) {
      g.writeNull();
    } else {
      response(g, e, a);
    }
    if (api == Api.CONSOLE_LOGIN) {
      g.writeFieldName(ADDITIONAL_EVENT_DATA);
      g.writeStartObject();
      g.writeFieldName(LOGIN_TO);
      g.writeString(V_CONSOLE_URL);
      g.writeFieldName(MOBILE_VERSION);
      g.writeString(V_NO);
      g.writeFieldName(MFA_USED);
      g.writeString(p.kind == Principal.Kind.ROOT && a.idx == 0 ? V_YES : V_NO);
      g.writeEndObject();
    }
    g.writeFieldName(REQUEST_ID);
    fillUuid(e.reqHi, e.reqLo);
    g.writeString(uuid, 0, 36);
    g.writeFieldName(EVENT_ID);
    fillUuid(e.idHi, e.idLo);
    g.writeString(uuid, 0, 36);
    g.writeFieldName(READ_ONLY);
    g.writeBoolean(api.readOnly);
    if (api.params == Api.Params.S3_OBJECT || api.params == Api.Params.S3_BUCKET) {
      g.writeFieldName(RESOURCES);
      g.writeStartArray();
      g.writeStartObject();
      g.writeFieldName(RESOURCE_TYPE);
      g.writeString(V_S3_BUCKET);
      g.writeFieldName(ARN);
      g.writeString(a.bucketArns[e.variant & 3]);
      g.writeEndObject();
      g.writeEndArray();
    }
    if (p.kind == Principal.Kind.AWS_ACCOUNT) {
      g.writeFieldName(SHARED_EVENT_ID);
      fillUuid(e.reqLo, e.idHi);
      g.writeString(uuid, 0, 36);
    }
    g.writeRaw(tail(api, p.kind, a));
    g.writeEndObject();
  }

  /** Fields from eventType on: the same for every record of an (api, kind of caller) in this account. */
  private SerializedString tail(Api api, Principal.Kind kind, Account a) throws IOException {
    int k = kind == Principal.Kind.AWS_SERVICE ? 1 : kind == Principal.Kind.SERVICE_LINKED_ROLE ? 2 : 0;
    int i = api.id * 3 + k;
    if (tails.length <= i || tails[i] == null || tailAccount != a) {
      if (tailAccount != a) {
        tails = new SerializedString[Api.ALL.size() * 3];
        tailAccount = a;
      }
      tails[i] = fragment(g -> {
        g.writeFieldName(EVENT_TYPE);
        if (api == Api.CONSOLE_LOGIN) {
          g.writeString(V_CONSOLE_SIGN_IN);
        } else if (kind == Principal.Kind.AWS_SERVICE) {
          g.writeString(V_SERVICE_EVENT);
        } else {
          g.writeString(V_API_CALL);
        }
        g.writeFieldName(MANAGEMENT_EVENT);
        g.writeBoolean(!api.data);
        g.writeFieldName(RECIPIENT_ACCOUNT_ID);
        g.writeString(a.idS);
        g.writeFieldName(EVENT_CATEGORY);
        g.writeString(api.data ? V_DATA : V_MANAGEMENT);
        if (kind != Principal.Kind.AWS_SERVICE && kind != Principal.Kind.SERVICE_LINKED_ROLE) {
          g.writeFieldName(TLS_DETAILS);
          g.writeStartObject();
          g.writeFieldName(TLS_VERSION);
          g.writeString(V_TLS13);
          g.writeFieldName(CIPHER_SUITE);
          g.writeString(V_TLS_AES);
          g.writeEndObject();
        }
      });
    }
    return tails[i];
  }

  interface Fields {
    void write(JsonGenerator g) throws IOException;
  }

  /**
   * Pre-renders some fields of an object as raw JSON, ",\"a\":1,\"b\":{...}", to be written with
   * writeRaw after a value: the generator then puts its own comma before the next field.
   */
  private SerializedString fragment(Fields fields) throws IOException {
    scratch.reset();
    try (JsonGenerator g = scratchFactory.createGenerator(scratch)) {
      g.writeStartObject();
      fields.write(g);
      g.writeEndObject();
    }
    String obj = scratch.toString(java.nio.charset.StandardCharsets.UTF_8);
    return new SerializedString("," + obj.substring(1, obj.length() - 1));
  }

  private void identity(JsonGenerator g, Session s) throws IOException {
    Principal p = s.p;
    Account a = p.account;
    g.writeFieldName(USER_IDENTITY);
    g.writeStartObject();
    g.writeFieldName(TYPE);
    g.writeString(p.kind.type);
    switch (p.kind) {
      case IAM_USER:
        g.writeFieldName(PRINCIPAL_ID);
        g.writeString(s.principalId);
        g.writeFieldName(ARN);
        g.writeString(s.arn);
        g.writeFieldName(ACCOUNT_ID);
        g.writeString(a.idS);
        g.writeFieldName(ACCESS_KEY_ID);
        g.writeString(s.accessKeyId);
        g.writeFieldName(USER_NAME);
        g.writeString(p.userNameS);
        break;
      case ROOT:
        g.writeFieldName(PRINCIPAL_ID);
        g.writeString(a.idS);
        g.writeFieldName(ARN);
        g.writeString(s.arn);
        g.writeFieldName(ACCOUNT_ID);
        g.writeString(a.idS);
        g.writeFieldName(ACCESS_KEY_ID);
        g.writeString("");
        break;
      case AWS_SERVICE:
        g.writeFieldName(INVOKED_BY);
        g.writeString(p.invokedByS);
        break;
      case AWS_ACCOUNT:
        g.writeFieldName(PRINCIPAL_ID);
        g.writeString(s.principalId);
        g.writeFieldName(ACCOUNT_ID);
        g.writeString(OrgModel.CROSS_ACCOUNT_ID);
        break;
      case SAML_USER:
        g.writeFieldName(PRINCIPAL_ID);
        g.writeString(s.principalId);
        g.writeFieldName(USER_NAME);
        g.writeString(s.sessionName);
        g.writeFieldName(IDENTITY_PROVIDER);
        g.writeString("arn:aws:iam::" + a.id + ":saml-provider/ExampleIdP");
        break;
      case IDENTITY_CENTER_USER:
        g.writeFieldName(ACCOUNT_ID);
        g.writeString(a.idS);
        g.writeFieldName(ON_BEHALF_OF);
        g.writeStartObject();
        g.writeFieldName(USER_ID);
        g.writeString(s.principalId);
        g.writeFieldName(IDENTITY_STORE_ARN);
        g.writeString(V_IDENTITY_STORE);
        g.writeEndObject();
        g.writeFieldName(CREDENTIAL_ID);
        g.writeString(s.accessKeyId);
        break;
      case FEDERATED_USER:
        sessionIssuer(g, s, a, V_IAM_USER, p.userIdS, p.userArnS, p.userNameS);
        attributes(g, s);
        g.writeEndObject();
        break;
      default: // roles
        sessionIssuer(g, s, a, V_ROLE, p.roleIdS, p.roleArnS, p.roleNameS);
        g.writeFieldName(WEB_ID_FEDERATION_DATA);
        g.writeStartObject();
        g.writeEndObject();
        attributes(g, s);
        if (p.kind == Principal.Kind.EC2_ROLE) {
          g.writeFieldName(EC2_ROLE_DELIVERY);
          g.writeString(V_EC2_DELIVERY);
        }
        g.writeEndObject();
        if (p.invokedByS != null) {
          g.writeFieldName(INVOKED_BY);
          g.writeString(p.invokedByS);
        }
        break;
    }
    g.writeEndObject();
  }

  /** The session's own ids, then an open sessionContext holding its issuer (closed by the caller). */
  private void sessionIssuer(JsonGenerator g, Session s, Account a, SerializedString issuerType,
      SerializedString issuerId, SerializedString issuerArn, SerializedString issuerName) throws IOException {
    g.writeFieldName(PRINCIPAL_ID);
    g.writeString(s.principalId);
    g.writeFieldName(ARN);
    g.writeString(s.arn);
    g.writeFieldName(ACCOUNT_ID);
    g.writeString(a.idS);
    g.writeFieldName(ACCESS_KEY_ID);
    g.writeString(s.accessKeyId);
    g.writeFieldName(SESSION_CONTEXT);
    g.writeStartObject();
    g.writeFieldName(SESSION_ISSUER);
    g.writeStartObject();
    g.writeFieldName(TYPE);
    g.writeString(issuerType);
    g.writeFieldName(PRINCIPAL_ID);
    g.writeString(issuerId);
    g.writeFieldName(ARN);
    g.writeString(issuerArn);
    g.writeFieldName(ACCOUNT_ID);
    g.writeString(a.idS);
    g.writeFieldName(USER_NAME);
    g.writeString(issuerName);
    g.writeEndObject();
  }

  private void attributes(JsonGenerator g, Session s) throws IOException {
    g.writeFieldName(ATTRIBUTES);
    g.writeStartObject();
    g.writeFieldName(CREATION_DATE);
    g.writeString(s.creationDate);
    g.writeFieldName(MFA_AUTHENTICATED);
    g.writeString(s.p.kind == Principal.Kind.SSO_PERSON ? V_TRUE : V_FALSE);
    g.writeEndObject();
  }

  private void params(JsonGenerator g, Ev e, Account a) throws IOException {
    Api api = e.api;
    int v = e.variant;
    switch (api.params) {
      case NONE:
        g.writeNull();
        return;
      case EMPTY:
        g.writeStartObject();
        g.writeEndObject();
        return;
      default:
        break;
    }
    g.writeStartObject();
    switch (api.params) {
      case S3_OBJECT:
        g.writeFieldName(BUCKET_NAME);
        g.writeString(a.buckets[v & 3]);
        g.writeFieldName(HOST);
        g.writeString(a.bucketHosts[v & 3]);
        g.writeFieldName(KEY);
        g.writeString(a.objectKeys[(v >>> 2) & 31]);
        break;
      case S3_BUCKET:
        g.writeFieldName(BUCKET_NAME);
        g.writeString(a.buckets[v & 3]);
        g.writeFieldName(HOST);
        g.writeString(a.bucketHosts[v & 3]);
        break;
      case S3_HOST:
        g.writeFieldName(HOST);
        g.writeString(V_S3_HOST);
        break;
      case TABLE:
        g.writeFieldName(TABLE_NAME);
        g.writeString(a.tables[v & 3]);
        break;
      case QUEUE:
        g.writeFieldName(QUEUE_URL);
        g.writeString(a.queueUrls[e.region][v & 3]);
        break;
      case KMS_KEY:
        g.writeFieldName(ENCRYPTION_ALGORITHM);
        g.writeString(V_SYMMETRIC);
        g.writeFieldName(KEY_ID);
        g.writeString(a.kmsKeys[e.region]);
        break;
      case ROLE:
        g.writeFieldName(ROLE_ARN);
        g.writeString(a.targetRoleArn);
        g.writeFieldName(ROLE_SESSION_NAME);
        g.writeString(e.s.sessionName != null ? e.s.sessionName : e.s.p.name);
        if (api == Api.STS_ASSUME_ROLE_WITH_SAML) {
          g.writeFieldName(PRINCIPAL_ARN);
          g.writeString("arn:aws:iam::" + a.id + ":saml-provider/ExampleIdP");
        }
        g.writeFieldName(DURATION_SECONDS);
        g.writeNumber(3600);
        break;
      case USER:
        g.writeFieldName(USER_NAME);
        g.writeString(a.newUserNames[v % a.newUserNames.length]);
        break;
      case USER_POLICY:
        g.writeFieldName(USER_NAME);
        g.writeString(a.newUserNames[v % a.newUserNames.length]);
        g.writeFieldName(POLICY_ARN);
        g.writeString((v & 1) == 0 ? V_RO_POLICY : V_ADMIN_POLICY);
        break;
      case NEW_ROLE:
        g.writeFieldName(ROLE_NAME);
        g.writeString(V_NEW_ROLE);
        break;
      case TRAIL:
        g.writeFieldName(NAME);
        g.writeString(a.trailArn);
        break;
      case SECRET:
        g.writeFieldName(SECRET_ID);
        g.writeString(V_SECRET);
        break;
      case PARAMETER:
        if (api == Api.SSM_GET_PARAMETERS) {
          g.writeFieldName(NAMES);
          g.writeStartArray();
          g.writeString(V_CI_PARAM);
          g.writeEndArray();
        } else {
          g.writeFieldName(NAME);
          g.writeString(V_APP_PARAM);
        }
        g.writeFieldName(WITH_DECRYPTION);
        g.writeBoolean(true);
        break;
      case STACK:
        g.writeFieldName(STACK_NAME);
        g.writeString(V_STACK);
        break;
      case FUNCTION:
        g.writeFieldName(FUNCTION_NAME);
        g.writeString(V_FUNCTION);
        break;
      case INSTANCES:
        g.writeFieldName(INSTANCES_SET);
        g.writeStartObject();
        g.writeEndObject();
        g.writeFieldName(FILTER_SET);
        g.writeStartObject();
        g.writeEndObject();
        break;
      case NETWORK:
        g.writeFieldName(FILTER_SET);
        g.writeStartObject();
        g.writeEndObject();
        break;
      case GLUE:
        g.writeFieldName(DATABASE_NAME);
        g.writeString(V_GLUE_DB);
        g.writeFieldName(NAME);
        g.writeString(V_GLUE_TABLE);
        break;
      case ATHENA:
        g.writeFieldName(WORK_GROUP);
        g.writeString(V_PRIMARY);
        break;
      case CONFIG:
        g.writeFieldName(CONFIG_RULE_NAME);
        g.writeString(V_CONFIG_RULE);
        break;
      default:
        break;
    }
    g.writeEndObject();
  }

  private void response(JsonGenerator g, Ev e, Account a) throws IOException {
    switch (e.api.response) {
      case ASSUME_ROLE:
        g.writeStartObject();
        g.writeFieldName(CREDENTIALS);
        g.writeStartObject();
        g.writeFieldName(ACCESS_KEY_ID);
        g.writeString(key, 0, fillKey("ASIA", e.reqLo ^ e.idHi));
        g.writeFieldName(EXPIRATION);
        g.writeString(GeneratorClock.iso(hourStart + e.sec + 3600));
        g.writeEndObject();
        g.writeFieldName(ASSUMED_ROLE_USER);
        g.writeStartObject();
        String session = e.s.sessionName != null ? e.s.sessionName : e.s.p.name;
        g.writeFieldName(ASSUMED_ROLE_ID);
        g.writeString("AROAQSHAREDREADER7EXAMPLE:" + session);
        g.writeFieldName(ARN);
        g.writeString("arn:aws:sts::" + a.id + ":assumed-role/shared-reader/" + session);
        g.writeEndObject();
        g.writeEndObject();
        return;
      case CONSOLE_LOGIN:
        g.writeStartObject();
        g.writeFieldName(CONSOLE_LOGIN);
        g.writeString(V_SUCCESS);
        g.writeEndObject();
        return;
      case ACCESS_KEY:
        g.writeStartObject();
        g.writeFieldName(ACCESS_KEY);
        g.writeStartObject();
        g.writeFieldName(USER_NAME);
        g.writeString(a.newUserNames[e.variant % a.newUserNames.length]);
        g.writeFieldName(ACCESS_KEY_ID);
        g.writeString(key, 0, fillKey("AKIA", e.reqLo ^ e.idLo));
        g.writeFieldName(STATUS);
        g.writeString(V_ACTIVE);
        g.writeFieldName(CREATE_DATE);
        fillTime(e.sec);
        g.writeString(time, 0, 20);
        g.writeEndObject();
        g.writeEndObject();
        return;
      case CREATED_USER:
        g.writeStartObject();
        g.writeFieldName(USER);
        g.writeStartObject();
        String user = a.newUserNames[e.variant % a.newUserNames.length].getValue();
        g.writeFieldName(PATH);
        g.writeString(V_SLASH);
        g.writeFieldName(USER_NAME);
        g.writeString(user);
        g.writeFieldName(USER_ID);
        g.writeString(key, 0, fillKey("AIDA", e.reqLo ^ e.idLo));
        g.writeFieldName(ARN);
        g.writeString("arn:aws:iam::" + a.id + ":user/" + user);
        g.writeFieldName(CREATE_DATE);
        fillTime(e.sec);
        g.writeString(time, 0, 20);
        g.writeEndObject();
        g.writeEndObject();
        return;
      default:
        g.writeNull();
    }
  }
}
