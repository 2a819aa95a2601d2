"""emr/trailwatch-stack.yaml deployed for real on moto_server's CloudFormation, with the command
docs/aws.md gives (aws cloudformation deploy); what moto cannot deploy (the EMR Serverless
application, the secret, the Glue database) is checked against botocore's model of the call
CloudFormation makes for it."""

import copy
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.request

import boto3
import botocore.session
import yaml
from botocore.validate import ParamValidator

from test_templates import iam_problems, rendered

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, os.pardir))
STACK = os.path.join(ROOT, "emr", "trailwatch-stack.yaml")
REGION = "us-east-1"
ACCOUNT = "123456789012"  # moto's account
# Resource types moto_server's CloudFormation creates; the others are checked against botocore.
ON_MOTO = {"AWS::S3::Bucket", "AWS::DynamoDB::Table", "AWS::SNS::Topic", "AWS::IAM::Role", "AWS::IAM::Policy",
           "AWS::IAM::ManagedPolicy", "AWS::ECR::Repository", "AWS::Logs::LogGroup"}
# (service, operation, camelCase) of the API call CloudFormation makes for the others.
VIA_API = {"AWS::EMRServerless::Application": ("emr-serverless", "CreateApplication", True),
           "AWS::SecretsManager::Secret": ("secretsmanager", "CreateSecret", False),
           "AWS::Glue::Database": ("glue", "CreateDatabase", False)}
# Stand-ins for what the left-out resources return to Ref and GetAtt.
STAND_IN = {"Application": {"Ref": "00fqa1b2c3d4e5f6", "Arn": "arn:aws:emr-serverless:%s:%s:/applications/00fqa1b2c3d4e5f6"
                            % (REGION, ACCOUNT)},
            "HecTokenSecret": {"Ref": "arn:aws:secretsmanager:%s:%s:secret:trailwatch/splunk-hec-token-AbCdEf"
                               % (REGION, ACCOUNT)},
            "GlueDatabase": {"Ref": "trailwatch"}}

PARAMS = {"CloudTrailBucket": "org-trail-logs", "CloudTrailPrefix": "org/", "OrganizationId": "o-a1b2c3d4e5",
          "ManagementAccountId": "999988887777"}


def template():
    with open(STACK, encoding="utf-8") as f:
        return yaml.safe_load(f)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def moto_part(tpl):
    """The template without what moto cannot create, references to it replaced by stand-ins."""
    left_out = {n for n, r in tpl["Resources"].items() if r["Type"] not in ON_MOTO}
    unknown = {tpl["Resources"][n]["Type"] for n in left_out} - set(VIA_API)
    assert not unknown, "neither deployed on moto nor checked against botocore: %s" % unknown

    def walk(v):
        if isinstance(v, dict):
            if set(v) == {"Ref"} and v["Ref"] in left_out:
                return STAND_IN[v["Ref"]]["Ref"]
            if set(v) == {"Fn::GetAtt"} and v["Fn::GetAtt"][0] in left_out:
                return STAND_IN[v["Fn::GetAtt"][0]][v["Fn::GetAtt"][1]]
            if set(v) == {"Fn::Sub"} and isinstance(v["Fn::Sub"], str):
                s = v["Fn::Sub"]
                for name in left_out:
                    for attr, value in STAND_IN[name].items():
                        s = s.replace("${%s}" % name if attr == "Ref" else "${%s.%s}" % (name, attr), value)
                return {"Fn::Sub": s}
            return {k: walk(x) for k, x in v.items()}
        if isinstance(v, list):
            return [walk(x) for x in v]
        return v

    out = copy.deepcopy(tpl)
    out["Resources"] = {n: walk(r) for n, r in tpl["Resources"].items() if n not in left_out}
    out["Outputs"] = {n: walk(o) for n, o in tpl["Outputs"].items()}
    return out


class Resolver:
    """Enough of CloudFormation's intrinsic functions to see a resource's properties as the API gets them."""
    NO_VALUE = object()

    def __init__(self, tpl, params):
        self.params = {n: p.get("Default") for n, p in tpl["Parameters"].items()}
        self.params.update(params)
        for n, p in tpl["Parameters"].items():
            if p["Type"] == "CommaDelimitedList":
                self.params[n] = [x for x in (self.params[n] or "").split(",")]
        self.params.update({"AWS::Region": REGION, "AWS::AccountId": ACCOUNT, "AWS::Partition": "aws"})
        self.resources = set(tpl["Resources"])
        self.conditions = {n: self.value(c) for n, c in tpl["Conditions"].items()}

    def ref(self, name):
        if name == "AWS::NoValue":
            return self.NO_VALUE
        if name in self.params:
            return self.params[name]
        assert name in self.resources, "Ref to nothing: %s" % name
        return STAND_IN.get(name, {}).get("Ref", "%s-id" % name)

    def value(self, v):
        if isinstance(v, dict) and len(v) == 1:
            (fn, arg), = v.items()
            if fn == "Ref":
                return self.ref(arg)
            if fn == "Fn::GetAtt":
                return STAND_IN.get(arg[0], {}).get(arg[1], "arn:aws:x:%s:%s:%s" % (REGION, ACCOUNT, arg[0]))
            if fn == "Fn::Sub":
                return re.sub(r"\$\{([^}]+)}", lambda m: str(self.value(
                    {"Fn::GetAtt": m.group(1).split(".")} if "." in m.group(1) and not m.group(1).startswith("AWS::")
                    else {"Ref": m.group(1)})), arg)
            if fn == "Fn::If":
                return self.value(arg[1] if self.conditions[arg[0]] else arg[2])
            if fn == "Fn::Equals":
                return self.value(arg[0]) == self.value(arg[1])
            if fn == "Fn::Not":
                return not self.value(arg[0])
            if fn == "Fn::Join":
                return arg[0].join(self.value(arg[1]))
            if fn == "Fn::Split":
                return self.value(arg[1]).split(arg[0])
        if isinstance(v, dict):
            out = {k: self.value(x) for k, x in v.items()}
            return {k: x for k, x in out.items() if x is not self.NO_VALUE}
        if isinstance(v, list):
            return [x for x in (self.value(x) for x in v) if x is not self.NO_VALUE]
        return v


def api_input(props, camel):
    """CloudFormation's properties as the API's input: camelCase names (EMR Serverless), Tags as a map there."""
    if not camel:
        return props

    def conv(v):
        if isinstance(v, dict):
            return {k[0].lower() + k[1:]: conv(x) for k, x in v.items()}
        if isinstance(v, list):
            return [conv(x) for x in v]
        return v

    out = conv({k: v for k, v in props.items() if k != "Tags"})
    if "Tags" in props:
        out["tags"] = {t["Key"]: t["Value"] for t in props["Tags"]}
    return out


def api_problems(resource_type, props):
    service, operation, camel = VIA_API[resource_type]
    shape = botocore.session.get_session().get_service_model(service).operation_model(operation).input_shape
    params = api_input(props, camel)
    for name, member in shape.members.items():
        if member.metadata.get("idempotencyToken") and name not in params:
            params[name] = "00000000-0000-4000-8000-000000000001"
    report = ParamValidator().validate(params, shape)
    return report.generate_report() if report.has_errors() else ""


class StackOnMotoTest(unittest.TestCase):
    """One moto_server for the class; each deploy is the docs' aws cloudformation deploy command."""

    @classmethod
    def setUpClass(cls):
        cls.port = free_port()
        cls.endpoint = "http://127.0.0.1:%d" % cls.port
        cls.log = tempfile.TemporaryFile()
        cls.moto = subprocess.Popen([shutil.which("moto_server") or "moto_server", "-H", "127.0.0.1", "-p",
                                     str(cls.port)], stdout=cls.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while True:
            try:
                urllib.request.urlopen(cls.endpoint + "/moto-api/", timeout=1)
                break
            except OSError:
                if time.time() > deadline or cls.moto.poll() is not None:
                    cls.tearDownClass()
                    raise AssertionError("moto_server did not start on %s" % cls.endpoint)
                time.sleep(0.2)
        cls.env = dict(os.environ, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                       AWS_DEFAULT_REGION=REGION, AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull)
        cls.tmp = tempfile.mkdtemp()
        # What the stack expects to exist: the trail's KMS key and Airflow's role.
        cls.kms_key = cls.client("kms").create_key(Description="org trail")["KeyMetadata"]["Arn"]
        cls.client("iam").create_role(RoleName="mwaa-exec", AssumeRolePolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "airflow.amazonaws.com"},
                                                     "Action": "sts:AssumeRole"}]}))
        cls.deploy("tw-full", dict(PARAMS, Name="tw-full", CloudTrailKmsKeyArn=cls.kms_key,
                                              AirflowRoleName="mwaa-exec"))
        cls.plain = cls.create("tw-plain", dict(PARAMS, Name="tw-plain"))

    @classmethod
    def tearDownClass(cls):
        cls.moto.kill()
        cls.moto.wait(10)
        cls.log.close()
        shutil.rmtree(getattr(cls, "tmp", tempfile.mkdtemp()), ignore_errors=True)

    @classmethod
    def client(cls, service):
        return boto3.client(service, endpoint_url=cls.endpoint, region_name=REGION, aws_access_key_id="testing",
                            aws_secret_access_key="testing")

    @classmethod
    def deploy(cls, stack, params):
        """docs/aws.md's command, on moto's part of the template; returns the stack's outputs."""
        path = os.path.join(cls.tmp, stack + ".json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(moto_part(template()), f)
        cmd = ["aws", "--endpoint-url", cls.endpoint, "cloudformation", "deploy", "--template-file", path,
               "--stack-name", stack, "--capabilities", "CAPABILITY_NAMED_IAM", "--parameter-overrides"]
        cmd += ["%s=%s" % kv for kv in sorted(params.items())]
        r = subprocess.run(cmd, env=cls.env, capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            cls.log.seek(0)
            raise AssertionError("deploy failed: %s\n%s\nmoto: %s" % (r.stdout, r.stderr, cls.log.read()[-3000:]))
        desc = cls.client("cloudformation").describe_stacks(StackName=stack)["Stacks"][0]
        assert desc["StackStatus"] == "CREATE_COMPLETE", desc["StackStatus"]
        # moto lists no outputs for a stack made through a change set: the tests look resources up.

    @classmethod
    def create(cls, stack, params):
        """The same template through CreateStack, without the CLI's 30-second waiter; returns the outputs."""
        cf = cls.client("cloudformation")
        cf.create_stack(StackName=stack, TemplateBody=json.dumps(moto_part(template())), Capabilities=["CAPABILITY_NAMED_IAM"],
                        Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in sorted(params.items())])
        deadline = time.time() + 60
        while True:
            desc = cf.describe_stacks(StackName=stack)["Stacks"][0]
            if not desc["StackStatus"].endswith("IN_PROGRESS") or time.time() > deadline:
                break
            time.sleep(0.2)
        assert desc["StackStatus"] == "CREATE_COMPLETE", desc
        return {o["OutputKey"]: o["OutputValue"] for o in desc.get("Outputs", [])}

    def job_policy(self, name, policy="trailwatch"):
        return json.loads(json.dumps(self.client("iam").get_role_policy(RoleName=name + "-emr-job",
                                                                         PolicyName=policy)["PolicyDocument"]))

    def test_buckets_are_encrypted_and_tagged(self):
        s3 = self.client("s3")
        for bucket in ("tw-full-state-%s-%s" % (ACCOUNT, REGION), "tw-full-deploy-%s-%s" % (ACCOUNT, REGION)):
            enc = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
            self.assertEqual("AES256", enc["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"], bucket)
            self.assertIn({"Key": "app", "Value": "trailwatch"}, s3.get_bucket_tagging(Bucket=bucket)["TagSet"])
        self.assertEqual("s3://tw-plain-state-%s-%s/trailwatch" % (ACCOUNT, REGION), self.plain["StateUri"])

    def test_the_mirror_table_is_keyed_as_the_mirror_writes(self):
        ddb = self.client("dynamodb")
        table = ddb.describe_table(TableName="tw-full-baseline")["Table"]
        self.assertEqual([("pk", "HASH"), ("sk", "RANGE")], [(k["AttributeName"], k["KeyType"]) for k in table["KeySchema"]])
        self.assertEqual("PAY_PER_REQUEST", table["BillingModeSummary"]["BillingMode"])

    def test_the_alert_topic_is_encrypted(self):
        arn = "arn:aws:sns:%s:%s:tw-full-alerts" % (REGION, ACCOUNT)
        attrs = self.client("sns").get_topic_attributes(TopicArn=arn)["Attributes"]
        self.assertEqual("alias/aws/sns", attrs.get("KmsMasterKeyId"))

    def test_only_emr_serverless_of_this_account_assumes_the_job_role(self):
        role = self.client("iam").get_role(RoleName="tw-full-emr-job")["Role"]
        trust = json.loads(json.dumps(role["AssumeRolePolicyDocument"]))["Statement"]
        self.assertEqual([{"Service": "emr-serverless.amazonaws.com"}], [s["Principal"] for s in trust])
        self.assertEqual({"aws:SourceAccount": ACCOUNT}, trust[0]["Condition"]["StringEquals"])
        self.assertEqual("arn:aws:iam::%s:role/tw-plain-emr-job" % ACCOUNT, self.plain["ExecutionRoleArn"])

    def test_the_job_policy_grants_what_the_policy_template_grants(self):
        stack = self.job_policy("tw-plain")
        self.assertEqual([], iam_problems(stack))
        template = rendered("execution-role-policy.json")
        only_stack = {"WriteCloudWatchLogs"}
        self.assertEqual(sorted(s["Sid"] for s in template["Statement"] if s["Sid"] != "DecryptCloudTrailLogs"),
                         sorted(s["Sid"] for s in stack["Statement"] if s["Sid"] not in only_stack))
        actions = {s["Sid"]: s["Action"] for s in stack["Statement"]}
        for s in template["Statement"]:
            if s["Sid"] in actions:
                self.assertEqual(s["Action"], actions[s["Sid"]], s["Sid"])

    def test_kms_decrypt_for_the_trail_only_when_the_trail_has_a_key(self):
        iam = self.client("iam")
        self.assertEqual(["trailwatch", "trailwatch-trail-key"], sorted(iam.list_role_policies(
            RoleName="tw-full-emr-job")["PolicyNames"]))
        key = self.job_policy("tw-full", "trailwatch-trail-key")
        self.assertEqual([], iam_problems(key))
        self.assertEqual([("DecryptCloudTrailLogs", "kms:Decrypt", self.kms_key)],
                         [(s["Sid"], s["Action"], s["Resource"]) for s in key["Statement"]])
        self.assertEqual(["trailwatch"], iam.list_role_policies(RoleName="tw-plain-emr-job")["PolicyNames"])

    def test_airflow_role_may_start_jobs_and_pass_only_the_job_role(self):
        iam = self.client("iam")
        attached = iam.list_attached_role_policies(RoleName="mwaa-exec")["AttachedPolicies"]
        self.assertEqual(["tw-full-airflow"], [p["PolicyName"] for p in attached])
        policy = iam.get_policy(PolicyArn=attached[0]["PolicyArn"])["Policy"]
        doc = iam.get_policy_version(PolicyArn=policy["Arn"], VersionId=policy["DefaultVersionId"])["PolicyVersion"]["Document"]
        doc = json.loads(doc) if isinstance(doc, str) else json.loads(json.dumps(doc))
        self.assertEqual([], iam_problems(doc))
        by_sid = {s["Sid"]: s for s in doc["Statement"]}
        self.assertIn("emr-serverless:StartJobRun", by_sid["RunTrailwatchJobs"]["Action"])
        self.assertEqual("arn:aws:iam::%s:role/tw-full-emr-job" % ACCOUNT, by_sid["PassTheJobRole"]["Resource"])

    def test_the_image_repository_lets_emr_serverless_pull(self):
        ecr = self.client("ecr")
        repo = ecr.describe_repositories(repositoryNames=["tw-full"])["repositories"][0]
        self.assertEqual("IMMUTABLE", repo["imageTagMutability"])

    def test_the_log_group_keeps_logs_as_long_as_asked(self):
        groups = self.client("logs").describe_log_groups(logGroupNamePrefix="/tw-full/emr")["logGroups"]
        self.assertEqual([30], [g.get("retentionInDays") for g in groups])


# Settings moto's CloudFormation accepts but does not apply: (resource, property) -> the API call
# CloudFormation makes for it, as (service, operation, how the input is built from the property).
DROPPED_BY_MOTO = {
    ("BaselineMirrorTable", "TimeToLiveSpecification"): ("dynamodb", "UpdateTimeToLive",
                                                         lambda p: {"TableName": "trailwatch-baseline", "TimeToLiveSpecification": p}),
    ("StateBucket", "PublicAccessBlockConfiguration"): ("s3", "PutPublicAccessBlock",
                                                        lambda p: {"Bucket": "trailwatch-state", "PublicAccessBlockConfiguration": p}),
    ("ImageRepository", "RepositoryPolicyText"): ("ecr", "SetRepositoryPolicy",
                                                  lambda p: {"repositoryName": "trailwatch", "policyText": json.dumps(p)}),
}


def call_problems(service, operation, params):
    shape = botocore.session.get_session().get_service_model(service).operation_model(operation).input_shape
    report = ParamValidator().validate(params, shape)
    return report.generate_report() if report.has_errors() else ""


class StackBeyondMotoTest(unittest.TestCase):
    """The application, the secret and the Glue database: valid input of the calls CloudFormation makes."""

    def props(self, name, params):
        tpl = template()
        return Resolver(tpl, params).value(tpl["Resources"][name]["Properties"])

    def test_what_moto_does_not_apply_is_valid_input_of_its_call(self):
        for (name, prop), (service, operation, build) in DROPPED_BY_MOTO.items():
            value = self.props(name, PARAMS)[prop]
            self.assertEqual("", call_problems(service, operation, build(value)), (name, prop))
        self.assertEqual({"AttributeName": "expires_at", "Enabled": True},
                         self.props("BaselineMirrorTable", PARAMS)["TimeToLiveSpecification"])
        for bucket in ("StateBucket", "DeployBucket"):
            self.assertEqual({True}, set(self.props(bucket, PARAMS)["PublicAccessBlockConfiguration"].values()))
        policy = self.props("ImageRepository", PARAMS)["RepositoryPolicyText"]
        self.assertEqual([], iam_problems(dict(policy, Statement=[dict(s, Resource="*") for s in policy["Statement"]])))

    def test_every_resource_is_deployed_on_moto_or_checked_here(self):
        types = {r["Type"] for r in template()["Resources"].values()}
        self.assertEqual(set(), types - ON_MOTO - set(VIA_API))

    def test_the_application_is_valid_with_and_without_a_vpc(self):
        plain = self.props("Application", PARAMS)
        self.assertEqual("", api_problems("AWS::EMRServerless::Application", plain))
        self.assertNotIn("NetworkConfiguration", plain)
        self.assertNotIn("ImageConfiguration", plain)
        vpc = self.props("Application", dict(PARAMS, SubnetIds="subnet-0a1b2c3d,subnet-4e5f6a7b",
                                             SecurityGroupIds="sg-0123456789abcdef0",
                                             ImageUri="123456789012.dkr.ecr.us-east-1.amazonaws.com/trailwatch:0.2.0"))
        self.assertEqual("", api_problems("AWS::EMRServerless::Application", vpc))
        self.assertEqual({"SubnetIds": ["subnet-0a1b2c3d", "subnet-4e5f6a7b"], "SecurityGroupIds": ["sg-0123456789abcdef0"]},
                         vpc["NetworkConfiguration"])

    def test_the_application_matches_the_application_template(self):
        props = api_input(self.props("Application", PARAMS), True)
        template = rendered("application.json")
        for key in ("releaseLabel", "type", "architecture", "autoStartConfiguration", "autoStopConfiguration"):
            self.assertEqual(template[key], props[key], key)

    def test_a_wrong_property_is_caught(self):
        props = dict(self.props("Application", PARAMS), MaximumCapacity={"Cpus": "48 vCPU"})
        self.assertNotEqual("", api_problems("AWS::EMRServerless::Application", props))

    def test_the_secret_and_the_glue_database_are_valid(self):
        secret = self.props("HecTokenSecret", PARAMS)
        secret.pop("GenerateSecretString")  # CloudFormation turns it into SecretString
        self.assertEqual("", api_problems("AWS::SecretsManager::Secret", dict(secret, SecretString="x")))
        self.assertEqual("trailwatch/splunk-hec-token", secret["Name"])
        db = self.props("GlueDatabase", dict(PARAMS, Name="trail-watch"))
        self.assertEqual("", api_problems("AWS::Glue::Database", db))
        self.assertEqual("trail_watch", db["DatabaseInput"]["Name"])


if __name__ == "__main__":
    unittest.main()
