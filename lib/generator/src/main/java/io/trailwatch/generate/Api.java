package io.trailwatch.generate;

import com.fasterxml.jackson.core.io.SerializedString;
import java.util.ArrayList;
import java.util.List;

/** One CloudTrail API call shape (a behaviour): event source and name, plus what its records look like. */
final class Api {
  /** How requestParameters is written. */
  enum Params { NONE, S3_OBJECT, S3_BUCKET, S3_HOST, TABLE, QUEUE, KMS_KEY, ROLE, USER, USER_POLICY, NEW_ROLE, TRAIL, SECRET,
    PARAMETER, STACK, FUNCTION, INSTANCES, NETWORK, GLUE, ATHENA, CONFIG, EMPTY }

  /** How responseElements is written. */
  enum Response { NULL, ASSUME_ROLE, CONSOLE_LOGIN, ACCESS_KEY, CREATED_USER }

  static final List<Api> ALL = new ArrayList<>();

  final int id;
  final String source;
  final String name;
  /** IAM action prefix for error messages, e.g. "secretsmanager". */
  final String actionPrefix;
  final SerializedString sourceS;
  final SerializedString nameS;
  final boolean readOnly;
  /** Logged in us-east-1 whatever the caller's region (IAM, STS global endpoint, S3 ListBuckets, sign-in). */
  final boolean global;
  /** Data event (S3 object, DynamoDB item, SQS message): eventCategory "Data", managementEvent false. */
  final boolean data;
  final Params params;
  final Response response;

  private Api(String source, String name, boolean readOnly, boolean global, boolean data, Params params, Response response) {
    this.id = ALL.size();
    this.source = source;
    this.name = name;
    this.actionPrefix = source.substring(0, source.indexOf('.'));
    this.sourceS = new SerializedString(source);
    this.nameS = new SerializedString(name);
    this.readOnly = readOnly;
    this.global = global;
    this.data = data;
    this.params = params;
    this.response = response;
    ALL.add(this);
  }

  private static Api mgmt(String source, String name, boolean readOnly, Params p) {
    return new Api(source, name, readOnly, false, false, p, Response.NULL);
  }

  private static Api data(String source, String name, boolean readOnly, Params p) {
    return new Api(source, name, readOnly, false, true, p, Response.NULL);
  }

  private static Api global(String source, String name, boolean readOnly, Params p, Response r) {
    return new Api(source, name, readOnly, true, false, p, r);
  }

  private static final String S3 = "s3.amazonaws.com";
  private static final String DDB = "dynamodb.amazonaws.com";
  private static final String SQS = "sqs.amazonaws.com";
  private static final String KMS = "kms.amazonaws.com";
  private static final String STS = "sts.amazonaws.com";
  private static final String IAM = "iam.amazonaws.com";
  private static final String EC2 = "ec2.amazonaws.com";

  // S3
  static final Api S3_GET_OBJECT = data(S3, "GetObject", true, Params.S3_OBJECT);
  static final Api S3_PUT_OBJECT = data(S3, "PutObject", false, Params.S3_OBJECT);
  static final Api S3_HEAD_OBJECT = data(S3, "HeadObject", true, Params.S3_OBJECT);
  static final Api S3_DELETE_OBJECT = data(S3, "DeleteObject", false, Params.S3_OBJECT);
  static final Api S3_LIST_OBJECTS = data(S3, "ListObjects", true, Params.S3_BUCKET);
  static final Api S3_LIST_BUCKETS = global(S3, "ListBuckets", true, Params.S3_HOST, Response.NULL);
  static final Api S3_PUT_BUCKET_POLICY = mgmt(S3, "PutBucketPolicy", false, Params.S3_BUCKET);
  static final Api S3_GET_BUCKET_ACL = mgmt(S3, "GetBucketAcl", true, Params.S3_BUCKET);
  static final Api S3_GET_BUCKET_LOCATION = mgmt(S3, "GetBucketLocation", true, Params.S3_BUCKET);
  static final Api S3_PUT_BUCKET_TAGGING = mgmt(S3, "PutBucketTagging", false, Params.S3_BUCKET);
  // DynamoDB
  static final Api DDB_GET_ITEM = data(DDB, "GetItem", true, Params.TABLE);
  static final Api DDB_PUT_ITEM = data(DDB, "PutItem", false, Params.TABLE);
  static final Api DDB_UPDATE_ITEM = data(DDB, "UpdateItem", false, Params.TABLE);
  static final Api DDB_QUERY = data(DDB, "Query", true, Params.TABLE);
  static final Api DDB_SCAN = data(DDB, "Scan", true, Params.TABLE);
  static final Api DDB_DESCRIBE_TABLE = mgmt(DDB, "DescribeTable", true, Params.TABLE);
  static final Api DDB_CREATE_TABLE = mgmt(DDB, "CreateTable", false, Params.TABLE);
  // SQS / SNS
  static final Api SQS_SEND = data(SQS, "SendMessage", false, Params.QUEUE);
  static final Api SQS_RECEIVE = data(SQS, "ReceiveMessage", true, Params.QUEUE);
  static final Api SQS_DELETE = data(SQS, "DeleteMessage", false, Params.QUEUE);
  static final Api SQS_GET_ATTRIBUTES = mgmt(SQS, "GetQueueAttributes", true, Params.QUEUE);
  static final Api SNS_PUBLISH = mgmt("sns.amazonaws.com", "Publish", false, Params.EMPTY);
  // KMS
  static final Api KMS_DECRYPT = mgmt(KMS, "Decrypt", true, Params.KMS_KEY);
  static final Api KMS_GENERATE_DATA_KEY = mgmt(KMS, "GenerateDataKey", true, Params.KMS_KEY);
  static final Api KMS_ENCRYPT = mgmt(KMS, "Encrypt", true, Params.KMS_KEY);
  // STS (global endpoint)
  static final Api STS_ASSUME_ROLE = global(STS, "AssumeRole", true, Params.ROLE, Response.ASSUME_ROLE);
  static final Api STS_GET_CALLER_IDENTITY = global(STS, "GetCallerIdentity", true, Params.NONE, Response.NULL);
  static final Api STS_ASSUME_ROLE_WITH_SAML = global(STS, "AssumeRoleWithSAML", true, Params.ROLE, Response.ASSUME_ROLE);
  // IAM (global)
  static final Api IAM_LIST_USERS = global(IAM, "ListUsers", true, Params.NONE, Response.NULL);
  static final Api IAM_GET_USER = global(IAM, "GetUser", true, Params.USER, Response.NULL);
  static final Api IAM_LIST_ROLES = global(IAM, "ListRoles", true, Params.NONE, Response.NULL);
  static final Api IAM_GET_ROLE = global(IAM, "GetRole", true, Params.NEW_ROLE, Response.NULL);
  static final Api IAM_LIST_POLICIES = global(IAM, "ListPolicies", true, Params.NONE, Response.NULL);
  static final Api IAM_CREATE_USER = global(IAM, "CreateUser", false, Params.USER, Response.CREATED_USER);
  static final Api IAM_ATTACH_USER_POLICY = global(IAM, "AttachUserPolicy", false, Params.USER_POLICY, Response.NULL);
  static final Api IAM_CREATE_ACCESS_KEY = global(IAM, "CreateAccessKey", false, Params.USER, Response.ACCESS_KEY);
  static final Api IAM_CREATE_ROLE = global(IAM, "CreateRole", false, Params.NEW_ROLE, Response.NULL);
  // CloudTrail
  static final Api CT_STOP_LOGGING = mgmt("cloudtrail.amazonaws.com", "StopLogging", false, Params.TRAIL);
  static final Api CT_DELETE_TRAIL = mgmt("cloudtrail.amazonaws.com", "DeleteTrail", false, Params.TRAIL);
  static final Api CT_DESCRIBE_TRAILS = mgmt("cloudtrail.amazonaws.com", "DescribeTrails", true, Params.EMPTY);
  static final Api CT_LOOKUP_EVENTS = mgmt("cloudtrail.amazonaws.com", "LookupEvents", true, Params.EMPTY);
  // EC2 / ELB
  static final Api EC2_DESCRIBE_INSTANCES = mgmt(EC2, "DescribeInstances", true, Params.INSTANCES);
  static final Api EC2_DESCRIBE_NETWORK_INTERFACES = mgmt(EC2, "DescribeNetworkInterfaces", true, Params.NETWORK);
  static final Api EC2_DESCRIBE_SUBNETS = mgmt(EC2, "DescribeSubnets", true, Params.NETWORK);
  static final Api EC2_DESCRIBE_SECURITY_GROUPS = mgmt(EC2, "DescribeSecurityGroups", true, Params.NETWORK);
  static final Api EC2_CREATE_NETWORK_INTERFACE = mgmt(EC2, "CreateNetworkInterface", false, Params.NETWORK);
  static final Api ELB_DESCRIBE_LOAD_BALANCERS =
      mgmt("elasticloadbalancing.amazonaws.com", "DescribeLoadBalancers", true, Params.EMPTY);
  // Secrets Manager / SSM
  static final Api SM_LIST_SECRETS = mgmt("secretsmanager.amazonaws.com", "ListSecrets", true, Params.EMPTY);
  static final Api SM_GET_SECRET_VALUE = mgmt("secretsmanager.amazonaws.com", "GetSecretValue", true, Params.SECRET);
  static final Api SSM_GET_PARAMETER = mgmt("ssm.amazonaws.com", "GetParameter", true, Params.PARAMETER);
  static final Api SSM_GET_PARAMETERS = mgmt("ssm.amazonaws.com", "GetParameters", true, Params.PARAMETER);
  // CI tooling
  static final Api ECR_GET_AUTH_TOKEN = mgmt("ecr.amazonaws.com", "GetAuthorizationToken", true, Params.EMPTY);
  static final Api ECR_BATCH_CHECK_LAYER = mgmt("ecr.amazonaws.com", "BatchCheckLayerAvailability", true, Params.EMPTY);
  static final Api ECR_PUT_IMAGE = mgmt("ecr.amazonaws.com", "PutImage", false, Params.EMPTY);
  static final Api CFN_DESCRIBE_STACKS = mgmt("cloudformation.amazonaws.com", "DescribeStacks", true, Params.STACK);
  static final Api CFN_CREATE_CHANGE_SET = mgmt("cloudformation.amazonaws.com", "CreateChangeSet", false, Params.STACK);
  static final Api CFN_EXECUTE_CHANGE_SET = mgmt("cloudformation.amazonaws.com", "ExecuteChangeSet", false, Params.STACK);
  static final Api LAMBDA_UPDATE_CODE = mgmt("lambda.amazonaws.com", "UpdateFunctionCode20150331v2", false, Params.FUNCTION);
  static final Api LAMBDA_GET_FUNCTION = mgmt("lambda.amazonaws.com", "GetFunction20150331v2", true, Params.FUNCTION);
  // Observability
  static final Api CW_GET_METRIC_DATA = mgmt("monitoring.amazonaws.com", "GetMetricData", true, Params.EMPTY);
  static final Api CW_PUT_METRIC_DATA = mgmt("monitoring.amazonaws.com", "PutMetricData", false, Params.EMPTY);
  static final Api LOGS_FILTER = mgmt("logs.amazonaws.com", "FilterLogEvents", true, Params.EMPTY);
  static final Api LOGS_DESCRIBE_GROUPS = mgmt("logs.amazonaws.com", "DescribeLogGroups", true, Params.EMPTY);
  // Analytics
  static final Api GLUE_GET_TABLE = mgmt("glue.amazonaws.com", "GetTable", true, Params.GLUE);
  static final Api GLUE_GET_DATABASE = mgmt("glue.amazonaws.com", "GetDatabase", true, Params.GLUE);
  static final Api GLUE_GET_PARTITIONS = mgmt("glue.amazonaws.com", "GetPartitions", true, Params.GLUE);
  static final Api GLUE_CREATE_TABLE = mgmt("glue.amazonaws.com", "CreateTable", false, Params.GLUE);
  static final Api GLUE_START_JOB_RUN = mgmt("glue.amazonaws.com", "StartJobRun", false, Params.GLUE);
  static final Api ATHENA_START_QUERY = mgmt("athena.amazonaws.com", "StartQueryExecution", false, Params.ATHENA);
  static final Api ATHENA_GET_QUERY = mgmt("athena.amazonaws.com", "GetQueryExecution", true, Params.ATHENA);
  static final Api ATHENA_GET_RESULTS = mgmt("athena.amazonaws.com", "GetQueryResults", true, Params.ATHENA);
  static final Api ATHENA_CREATE_WORK_GROUP = mgmt("athena.amazonaws.com", "CreateWorkGroup", false, Params.ATHENA);
  // AWS Config (as the AWSService caller)
  static final Api CONFIG_PUT_EVALUATIONS = mgmt("config.amazonaws.com", "PutEvaluations", false, Params.CONFIG);
  static final Api CONFIG_GET_HISTORY = mgmt("config.amazonaws.com", "GetResourceConfigHistory", true, Params.CONFIG);
  static final Api CONFIG_DELIVER_SNAPSHOT = mgmt("config.amazonaws.com", "DeliverConfigSnapshot", false, Params.CONFIG);
  // Sign-in and Identity Center
  static final Api CONSOLE_LOGIN = global("signin.amazonaws.com", "ConsoleLogin", false, Params.NONE, Response.CONSOLE_LOGIN);
  static final Api SSO_LIST_ACCOUNT_ASSIGNMENTS = mgmt("sso.amazonaws.com", "ListAccountAssignments", true, Params.EMPTY);

  /** What generated app roles and service users may do: nothing any incident uses. */
  static final Api[] APP_POOL = {S3_GET_OBJECT, S3_PUT_OBJECT, S3_HEAD_OBJECT, S3_LIST_OBJECTS, DDB_GET_ITEM, DDB_PUT_ITEM,
      DDB_UPDATE_ITEM, DDB_QUERY, SQS_SEND, SQS_RECEIVE, SQS_DELETE, SQS_GET_ATTRIBUTES, SNS_PUBLISH, KMS_DECRYPT,
      KMS_GENERATE_DATA_KEY, KMS_ENCRYPT, STS_ASSUME_ROLE, SSM_GET_PARAMETER, SM_GET_SECRET_VALUE, CW_PUT_METRIC_DATA};
}
