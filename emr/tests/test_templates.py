"""emr/*.json are real AWS input: checked against botocore's model and the IAM policy grammar, with the deployment's values."""

import datetime as dt
import json
import os
import re
import shlex
import unittest

import emr_model
import trailwatch_requests as tw

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, os.pardir))
EMR = os.path.join(ROOT, "emr")
UTC = dt.timezone.utc


def example():
    return tw.load_settings(os.path.join(ROOT, "airflow", "business_units.json"))


def rendered(name):
    with open(os.path.join(EMR, name), encoding="utf-8") as f:
        return tw.render(json.load(f), tw.values(example()), name)


def iam_problems(doc):
    """The basics of the IAM policy grammar: what IAM rejects, or what widens a policy by accident."""
    out = []
    if set(doc) != {"Version", "Statement"} or doc.get("Version") != "2012-10-17":
        out.append("top level must be exactly Version 2012-10-17 and Statement")
    statements = doc.get("Statement")
    if not isinstance(statements, list) or not statements:
        return out + ["Statement must be a non-empty list"]
    sids = [s.get("Sid") for s in statements]
    if len(set(sids)) != len(sids) or not all(isinstance(s, str) and re.fullmatch(r"[A-Za-z0-9]+", s) for s in sids):
        out.append("every Sid must be unique and alphanumeric: %s" % sids)
    for s in statements:
        sid = s.get("Sid")
        extra = set(s) - {"Sid", "Effect", "Principal", "Action", "Resource", "Condition"}
        if extra:
            out.append("%s: unknown element %s" % (sid, sorted(extra)))
        if s.get("Effect") not in ("Allow", "Deny"):
            out.append("%s: Effect must be Allow or Deny" % sid)
        actions = s.get("Action")
        actions = [actions] if isinstance(actions, str) else actions
        if not actions or not all(isinstance(a, str) and re.fullmatch(r"[a-z0-9-]+:[A-Za-z0-9*]+", a) for a in actions):
            out.append("%s: Action must be service:Name strings" % sid)
        if "Principal" not in s:
            resources = s.get("Resource")
            resources = [resources] if isinstance(resources, str) else resources
            if not resources or not all(isinstance(r, str) and (r == "*" or r.startswith("arn:aws:")) for r in resources):
                out.append("%s: Resource must be ARNs or *" % sid)
        for op, conds in s.get("Condition", {}).items():
            if not isinstance(conds, dict) or not all(isinstance(v, (str, list)) for v in conds.values()):
                out.append("%s: Condition %s must map keys to values" % (sid, op))
        if "${" in json.dumps(s):
            out.append("%s: a placeholder is left" % sid)
    return out


def grants(doc):
    """Every (action, resource) the policy allows, sorted."""
    out = set()
    for s in doc["Statement"]:
        actions = [s["Action"]] if isinstance(s["Action"], str) else s["Action"]
        resources = [s["Resource"]] if isinstance(s["Resource"], str) else s["Resource"]
        out.update((a, r) for a in actions for r in resources)
    return sorted(out)


class ApplicationTest(unittest.TestCase):
    def test_the_application_is_a_valid_create_application_input(self):
        self.assertEqual("", emr_model.problems("CreateApplication", rendered("application.json")), emr_model.describe())

    def test_it_is_emr_7_spark_on_the_custom_image(self):
        app = rendered("application.json")
        self.assertEqual(("emr-7.12.0", "SPARK", "X86_64", {"imageUri": example()["settings"]["IMAGE_URI"]}),
                         (app["releaseLabel"], app["type"], app["architecture"], app["imageConfiguration"]))
        self.assertEqual(({"enabled": True}, {"enabled": True, "idleTimeoutMinutes": 15}),
                         (app["autoStartConfiguration"], app["autoStopConfiguration"]))

    def test_the_image_is_built_on_the_same_release(self):
        with open(os.path.join(EMR, "Dockerfile"), encoding="utf-8") as f:
            lines = [l.strip() for l in f if l.strip() and not l.lstrip().startswith("#")]
        release = rendered("application.json")["releaseLabel"]
        self.assertEqual("FROM public.ecr.aws/emr-serverless/spark/%s:latest" % release, lines[0])
        self.assertEqual("USER root", lines[1])
        self.assertTrue(lines[2].startswith("RUN dnf install -y libdeflate"), lines[2])
        self.assertEqual("USER hadoop:hadoop", lines[-1])


class JobRunTest(unittest.TestCase):
    def request(self):
        return tw.request_for_hour("payments", dt.datetime(2026, 12, 1, 14, tzinfo=UTC), example())

    def spark_conf(self):
        tokens = shlex.split(self.request()["jobDriver"]["sparkSubmit"]["sparkSubmitParameters"])
        conf = dict(tokens[i + 1].split("=", 1) for i, t in enumerate(tokens) if t == "--conf")
        return tokens, conf

    def test_spark_submit_runs_trailwatch_with_delta_and_java_17_everywhere(self):
        tokens, conf = self.spark_conf()
        self.assertEqual("io.trailwatch.cli.Main", tokens[tokens.index("--class") + 1])
        java17 = "/usr/lib/jvm/java-17-amazon-corretto.x86_64/"  # the x86_64 path; the application is X86_64
        self.assertEqual({
            "spark.sql.extensions": "io.delta.sql.DeltaSparkSessionExtension",
            "spark.sql.catalog.spark_catalog": "org.apache.spark.sql.delta.catalog.DeltaCatalog",
            "spark.emr-serverless.driverEnv.JAVA_HOME": java17,
            "spark.executorEnv.JAVA_HOME": java17,
        }, {k: conf[k] for k in ("spark.sql.extensions", "spark.sql.catalog.spark_catalog",
                                 "spark.emr-serverless.driverEnv.JAVA_HOME", "spark.executorEnv.JAVA_HOME")})

    def test_the_job_loads_emr_delta_and_no_other(self):
        _, conf = self.spark_conf()
        self.assertEqual("/usr/share/aws/delta/lib/delta-spark.jar,/usr/share/aws/delta/lib/delta-storage.jar",
                         conf["spark.jars"])
        others = " ".join(conf.get(k, "") for k in ("spark.jars.packages", "spark.driver.extraClassPath",
                                                   "spark.executor.extraClassPath"))
        self.assertNotIn("delta", others)
        self.assertNotIn("--jars", self.spark_conf()[0])
        self.assertNotIn("--packages", self.spark_conf()[0])

    def test_a_run_names_released_artefacts(self):
        with open(os.path.join(ROOT, "pom.xml"), encoding="utf-8") as f:
            release = re.search(r"<artifactId>trailwatch-parent</artifactId>\s*<version>([^<]+)</version>", f.read()).group(1)
        self.assertNotIn("SNAPSHOT", release)
        self.assertEqual(release, example()["settings"]["VERSION"])
        with open(os.path.join(EMR, "start-job-run.json"), encoding="utf-8") as f:
            raw = json.load(f)["jobDriver"]["sparkSubmit"]
        self.assertEqual("${DEPLOY_URI}/jars/trailwatch-jobs-${VERSION}-emr.jar", raw["entryPoint"])
        self.assertIn("spark.archives=${DEPLOY_URI}/conf/trailwatch-conf-${CONFIG_VERSION}.tar.gz#conf",
                      raw["sparkSubmitParameters"])

    def test_driver_and_executors_get_trailwatch_jvm_options(self):
        props = self.request()["configurationOverrides"]["applicationConfiguration"][0]["properties"]
        wanted = ["-XX:+UseParallelGC", "-XX:TieredStopAtLevel=1", "-Duser.timezone=UTC"]
        self.assertEqual({"spark.driver.extraJavaOptions": wanted, "spark.executor.extraJavaOptions": wanted},
                         {k: v.split() for k, v in props.items()})

    def test_the_configuration_archive_holds_what_the_arguments_read(self):
        _, conf = self.spark_conf()
        args = self.request()["jobDriver"]["sparkSubmit"]["entryPointArguments"]
        self.assertEqual("s3://trailwatch-deploy-111122223333/trailwatch/conf/trailwatch-conf-2026-12-06.1.tar.gz#conf",
                         conf["spark.archives"])
        self.assertEqual(("conf/accounts.csv", "conf/trailwatch.yaml", "cluster"),
                         (args[args.index("--accounts") + 1], args[args.index("--config") + 1],
                          args[args.index("--master") + 1]))

    def test_workers_are_sized_as_the_cost_estimate_assumes(self):
        _, conf = self.spark_conf()
        self.assertEqual({"spark.driver.cores": "2", "spark.driver.memory": "6g", "spark.driver.memoryOverhead": "2g",
                          "spark.executor.cores": "4", "spark.executor.memory": "6g",
                          "spark.executor.memoryOverhead": "2g", "spark.executor.instances": "1",
                          "spark.dynamicAllocation.enabled": "false"},
                         {k: v for k, v in conf.items() if k.startswith(("spark.driver.", "spark.executor.",
                                                                          "spark.dynamicAllocation."))})

    def test_logs_go_to_the_deploy_prefix(self):
        self.assertEqual({"s3MonitoringConfiguration": {"logUri": "s3://trailwatch-deploy-111122223333/trailwatch/emr-logs/"}},
                         self.request()["configurationOverrides"]["monitoringConfiguration"])


class ExecutionRoleTest(unittest.TestCase):
    def test_the_policy_is_well_formed(self):
        self.assertEqual([], iam_problems(rendered("execution-role-policy.json")))

    def test_the_grammar_check_can_fail(self):
        self.assertEqual(["S: Effect must be Allow or Deny", "S: Action must be service:Name strings"],
                         iam_problems({"Version": "2012-10-17", "Statement": [
                             {"Sid": "S", "Effect": "allow", "Action": "s3 GetObject", "Resource": "*"}]}))

    def test_the_policy_grants_exactly_what_the_job_uses(self):
        org = "arn:aws:organizations::999988887777:"
        state = "arn:aws:s3:::trailwatch-state-111122223333/state"
        deploy = "arn:aws:s3:::trailwatch-deploy-111122223333/trailwatch/"
        expected = [("dynamodb:" + a, "arn:aws:dynamodb:eu-west-1:111122223333:table/trailwatch-baseline")
                    for a in ("BatchWriteItem", "DescribeTable", "Query")]
        expected += [("organizations:" + a, org + r) for a in ("ListAccountsForParent", "ListOrganizationalUnitsForParent",
                                                               "ListTagsForResource")
                     for r in ("account/o-a1b2c3d4e5/*", "ou/o-a1b2c3d4e5/ou-*", "root/o-a1b2c3d4e5/r-*")]
        expected += [("organizations:DescribeOrganization", "*"), ("organizations:ListRoots", "*")]
        expected += [("s3:AbortMultipartUpload", state), ("s3:AbortMultipartUpload", state + "/*"),
                     ("s3:DeleteObject", state), ("s3:DeleteObject", state + "/*"),
                     ("s3:GetObject", "arn:aws:s3:::org-cloudtrail-111122223333/AWSLogs/*"),
                     ("s3:GetObject", deploy + "conf/*"), ("s3:GetObject", deploy + "jars/*"),
                     ("s3:GetObject", state), ("s3:GetObject", state + "/*"),
                     ("s3:ListBucket", "arn:aws:s3:::org-cloudtrail-111122223333"),
                     ("s3:ListBucket", "arn:aws:s3:::trailwatch-state-111122223333"),
                     ("s3:PutObject", deploy + "emr-logs/*"),
                     ("s3:PutObject", state), ("s3:PutObject", state + "/*"),
                     ("secretsmanager:GetSecretValue",
                      "arn:aws:secretsmanager:eu-west-1:111122223333:secret:trailwatch/splunk-hec-token-??????"),
                     ("sns:Publish", "arn:aws:sns:eu-west-1:111122223333:trailwatch-alerts")]
        self.assertEqual(sorted(expected), grants(rendered("execution-role-policy.json")))

    def test_bucket_listings_are_held_to_the_job_prefixes(self):
        conditions = {s["Sid"]: s.get("Condition") for s in rendered("execution-role-policy.json")["Statement"]
                      if s["Action"] == "s3:ListBucket"}
        self.assertEqual({"ListCloudTrailLogs": {"StringLike": {"s3:prefix": ["AWSLogs/*"]}},
                          "ListState": {"StringLike": {"s3:prefix": ["state", "state/*"]}}}, conditions)

    def test_only_emr_serverless_of_this_account_assumes_the_role(self):
        trust = rendered("execution-role-trust.json")
        self.assertEqual([], iam_problems(trust))
        self.assertEqual([{"Sid": "EmrServerlessRunsTrailwatch", "Effect": "Allow",
                           "Principal": {"Service": "emr-serverless.amazonaws.com"}, "Action": "sts:AssumeRole",
                           "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"},
                                         "ArnLike": {"aws:SourceArn":
                                                     "arn:aws:emr-serverless:eu-west-1:111122223333:/applications/*"}}}],
                         trust["Statement"])


if __name__ == "__main__":
    unittest.main()
