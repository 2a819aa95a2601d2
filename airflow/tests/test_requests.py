"""The StartJobRun requests of trailwatch_requests: exact, valid for EMR Serverless, and named per BU and hour."""

import contextlib
import datetime as dt
import io
import json
import os
import re
import tempfile
import unittest
import unittest.mock

import emr_model
import trailwatch_requests as tw

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, os.pardir))
UTC = dt.timezone.utc

SETTINGS = {
    "settings": {
        "ACCOUNT_ID": "123456789012",
        "REGION": "us-west-2",
        "APPLICATION_ID": "00fapp0000000001",
        "EXECUTION_ROLE_ARN": "arn:aws:iam::123456789012:role/tw-job",
        "VERSION": "1.2.3",
        "CONFIG_VERSION": "7",
        "DEPLOY_URI": "s3://deploy-bucket/tw",
        "CLOUDTRAIL_URI": "s3://trail-bucket/org/",
        "STATE_URI": "s3://state-bucket",
    },
    "schedule": {"lag_minutes": 35, "start_date": "2026-12-01T00"},
    "business_units": [{"name": "retail", "catchup": True}, {"name": "payments"}],
}

JAVA_OPTIONS = "-XX:+UseParallelGC -XX:TieredStopAtLevel=1 -Duser.timezone=UTC"


def config(raw=None):
    return tw.check_settings(raw or SETTINGS, os.path.join(ROOT, "airflow", "test-settings.json"))


class JobRunRequestTest(unittest.TestCase):
    def test_the_request_of_a_logical_date_runs_that_hour_for_that_business_unit(self):
        # The run with data interval [14:35, 15:35) starts at 15:35 and processes 14:00-15:00.
        request = tw.job_run_request("payments", dt.datetime(2026, 12, 1, 14, 35, tzinfo=UTC), config())
        self.assertEqual({
            "applicationId": "00fapp0000000001",
            "executionRoleArn": "arn:aws:iam::123456789012:role/tw-job",
            "name": "trailwatch-payments-20261201T14",
            "executionTimeoutMinutes": 45,
            "tags": {"app": "trailwatch", "business-unit": "payments", "hour": "2026-12-01T14"},
            "jobDriver": {"sparkSubmit": {
                "entryPoint": "s3://deploy-bucket/tw/jars/trailwatch-jobs-1.2.3-emr.jar",
                "entryPointArguments": [
                    "detect", "--master", "cluster", "--logs", "s3://trail-bucket/org/",
                    "--state", "s3://state-bucket", "--accounts", "conf/accounts.csv",
                    "--config", "conf/trailwatch.yaml", "--bu", "payments", "--hour", "2026-12-01T14",
                    "--pending-ok", "--fill-gaps"],
                "sparkSubmitParameters": " ".join([
                    "--class io.trailwatch.cli.Main",
                    "--conf spark.archives=s3://deploy-bucket/tw/conf/trailwatch-conf-7.tar.gz#conf",
                    "--conf spark.jars=/usr/share/aws/delta/lib/delta-spark.jar,/usr/share/aws/delta/lib/delta-storage.jar",
                    "--conf spark.sql.extensions=io.delta.sql.DeltaSparkSessionExtension",
                    "--conf spark.sql.catalog.spark_catalog=org.apache.spark.sql.delta.catalog.DeltaCatalog",
                    "--conf spark.emr-serverless.driverEnv.JAVA_HOME=/usr/lib/jvm/java-17-amazon-corretto.x86_64/",
                    "--conf spark.executorEnv.JAVA_HOME=/usr/lib/jvm/java-17-amazon-corretto.x86_64/",
                    "--conf spark.emr-serverless.driverEnv.AWS_REGION=us-west-2",
                    "--conf spark.executorEnv.AWS_REGION=us-west-2",
                    "--conf spark.hadoop.fs.s3a.endpoint.region=us-west-2",
                    "--conf spark.driver.cores=2 --conf spark.driver.memory=6g --conf spark.driver.memoryOverhead=2g",
                    "--conf spark.executor.cores=4 --conf spark.executor.memory=6g",
                    "--conf spark.executor.memoryOverhead=2g --conf spark.executor.instances=1",
                    "--conf spark.dynamicAllocation.enabled=false"]),
            }},
            "configurationOverrides": {
                "applicationConfiguration": [{
                    "classification": "spark-defaults",
                    "properties": {"spark.driver.extraJavaOptions": JAVA_OPTIONS,
                                   "spark.executor.extraJavaOptions": JAVA_OPTIONS},
                }],
                "monitoringConfiguration": {"s3MonitoringConfiguration": {"logUri": "s3://deploy-bucket/tw/emr-logs/"}},
            },
        }, request)

    def test_the_request_is_a_valid_start_job_run_input(self):
        request = tw.job_run_request("retail", dt.datetime(2026, 12, 31, 23, 35, tzinfo=UTC), config())
        self.assertEqual("", emr_model.problems("StartJobRun", request), emr_model.describe())

    def test_an_invalid_request_is_reported_by_the_model(self):
        # The check itself can fail: a misspelt member and a wrong type.
        request = tw.job_run_request("retail", dt.datetime(2026, 12, 31, 23, 35, tzinfo=UTC), config())
        request["executionTimeoutMinutes"] = "45"
        request["jobDriver"]["sparkSubmit"]["entrypoint"] = request["jobDriver"]["sparkSubmit"].pop("entryPoint")
        report = emr_model.problems("StartJobRun", request)
        self.assertIn("executionTimeoutMinutes", report)
        self.assertIn("entrypoint", report)

    def test_the_name_is_the_same_for_the_same_hour_and_differs_per_hour_and_unit(self):
        c = config()
        name = lambda bu, h: tw.job_run_request(bu, dt.datetime(2026, 12, 1, h, 35, tzinfo=UTC), c)["name"]
        self.assertEqual(name("payments", 9), name("payments", 9))
        self.assertEqual(["trailwatch-payments-20261201T09", "trailwatch-payments-20261201T10",
                          "trailwatch-retail-20261201T09"], [name("payments", 9), name("payments", 10), name("retail", 9)])

    def test_an_unknown_business_unit_is_refused_naming_the_known_ones(self):
        with self.assertRaisesRegex(tw.SettingsError, r"no business unit 'shop' \(known: payments, retail\)"):
            tw.job_run_request("shop", dt.datetime(2026, 12, 1, 9, 35, tzinfo=UTC), config())


class MaintenanceRequestTest(unittest.TestCase):
    def test_the_request_of_a_day_maintains_that_business_unit_with_the_hourly_jobs_state_and_config(self):
        request = tw.maintenance_request("payments", dt.date(2026, 12, 2), config())
        hourly = tw.job_run_request("payments", dt.datetime(2026, 12, 1, 14, 35, tzinfo=UTC), config())
        self.assertEqual({
            "applicationId": "00fapp0000000001",
            "executionRoleArn": "arn:aws:iam::123456789012:role/tw-job",
            "name": "trailwatch-payments-maintain-20261202",
            "executionTimeoutMinutes": 110,
            "tags": {"app": "trailwatch", "business-unit": "payments", "job": "maintain", "day": "20261202"},
            "jobDriver": {"sparkSubmit": {
                "entryPoint": "s3://deploy-bucket/tw/jars/trailwatch-jobs-1.2.3-emr.jar",
                "entryPointArguments": [
                    "maintain", "--master", "cluster", "--state", "s3://state-bucket",
                    "--config", "conf/trailwatch.yaml", "--bu", "payments"],
                "sparkSubmitParameters": hourly["jobDriver"]["sparkSubmit"]["sparkSubmitParameters"],
            }},
            "configurationOverrides": hourly["configurationOverrides"],
        }, request)
        self.assertEqual("", emr_model.problems("StartJobRun", request), emr_model.describe())

    def test_the_name_is_per_business_unit_and_day_and_never_an_hourly_runs_but_it_holds_back_the_unit(self):
        c = config()
        name = lambda bu, d: tw.maintenance_request(bu, dt.date(2026, 12, d), c)["name"]
        self.assertEqual(["trailwatch-payments-maintain-20261201", "trailwatch-payments-maintain-20261202",
                          "trailwatch-retail-maintain-20261201"], [name("payments", 1), name("payments", 2),
                                                                  name("retail", 1)])
        runs = {"jobRuns": [{"id": "m", "name": name("payments", 1), "state": "RUNNING"}]}
        # One writer per business unit: a maintenance run holds back a backfill's hour, and an hourly task.
        self.assertEqual(["m"], tw.active_runs(runs, "payments"))
        self.assertEqual([], tw.active_runs(runs, "retail"))

    def test_it_runs_daily_at_the_business_units_time(self):
        raw = dict(SETTINGS, schedule=dict(SETTINGS["schedule"], maintenance_at="22:40"),
                   business_units=[{"name": "retail", "maintenance_at": "01:00"}, {"name": "payments"}])
        c = config(raw)
        self.assertEqual(["40 22 * * *", "0 1 * * *"],
                         [tw.maintenance_cron(tw.business_unit(c, bu)) for bu in ("payments", "retail")])
        self.assertEqual("5 3 * * *", tw.maintenance_cron(tw.business_unit(config(), "payments")))

    def test_bad_maintenance_settings_name_the_key(self):
        def error(raw):
            with self.assertRaises(tw.SettingsError) as e:
                tw.check_settings(raw, "f.json")
            return str(e.exception)
        self.assertIn("schedule.maintenance_at must be HH:MM",
                      error(dict(SETTINGS, schedule=dict(SETTINGS["schedule"], maintenance_at="3:05"))))
        self.assertIn("business_units[0].maintenance_at",
                      error(dict(SETTINGS, business_units=[{"name": "x", "maintenance_at": "24:00"}])))
        self.assertIn("schedule.maintenance_timeout_minutes",
                      error(dict(SETTINGS, schedule=dict(SETTINGS["schedule"], maintenance_timeout_minutes=0))))
        self.assertIn("'payments_maintenance' would share its DAG id",
                      error(dict(SETTINGS, business_units=[{"name": "payments"}, {"name": "payments_maintenance"}])))

    def test_the_command_line_prints_the_request_of_a_day(self):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = tw.main(["maintenance-request", "--bu", "retail", "--day", "2026-12-02",
                            "--settings", os.path.join(ROOT, "airflow", "business_units.json")])
        self.assertEqual(0, code)
        c = tw.load_settings(os.path.join(ROOT, "airflow", "business_units.json"))
        self.assertEqual(tw.maintenance_request("retail", dt.date(2026, 12, 2), c), json.loads(out.getvalue()))
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            self.assertEqual(2, tw.main(["maintenance-request", "--bu", "retail", "--day", "2026-12-02T03",
                                         "--settings", os.path.join(ROOT, "airflow", "business_units.json")]))
        self.assertIn("--day must be YYYY-MM-DD", err.getvalue())


class HourTest(unittest.TestCase):
    def test_a_run_processes_the_hour_its_lag_after(self):
        at = lambda h, m: dt.datetime(2026, 12, 1, h, m, tzinfo=UTC)
        self.assertEqual(at(14, 0), tw.hour_of(at(14, 35), 35))
        self.assertEqual(at(14, 0), tw.hour_of(at(15, 35), 95))  # a lag over an hour: the hour before
        self.assertEqual(dt.datetime(2026, 12, 31, 23, tzinfo=UTC),
                         tw.hour_of(dt.datetime(2026, 12, 31, 23, 35, tzinfo=UTC), 35))

    def test_the_schedule_is_hourly_at_the_lag(self):
        self.assertEqual(["35 * * * *", "5 * * * *"], [tw.cron(35), tw.cron(65)])

    def test_a_date_without_a_time_zone_is_refused(self):
        with self.assertRaises(ValueError):
            tw.hour_of(dt.datetime(2026, 12, 1, 14, 35), 35)

    def test_hours_of_a_range_are_in_order_and_exclude_the_end(self):
        h = lambda d, hh: dt.datetime(2026, 12, d, hh, tzinfo=UTC)
        self.assertEqual([h(1, 22), h(1, 23), h(2, 0)], tw.hours(h(1, 22), h(2, 1)))
        with self.assertRaises(tw.SettingsError):
            tw.hours(h(2, 1), h(2, 1))


class SettingsTest(unittest.TestCase):
    def test_business_units_are_sorted_and_take_the_schedule_defaults(self):
        c = config()
        self.assertEqual(["payments", "retail"], tw.business_units(c))
        self.assertEqual({"name": "retail", "start_date": "2026-12-01T00", "catchup": True, "maintenance_at": "03:05"},
                         tw.business_unit(c, "retail"))
        self.assertEqual(dict(tw.SCHEDULE_DEFAULTS, start_date="2026-12-01T00"), c["schedule"])

    def test_derived_values_split_s3_uris(self):
        v = tw.values(config())
        self.assertEqual(("trail-bucket", "org/", "org"), (v["CLOUDTRAIL_BUCKET"], v["CLOUDTRAIL_PREFIX"], v["CLOUDTRAIL_KEY"]))
        self.assertEqual(("state-bucket", "", ""), (v["STATE_BUCKET"], v["STATE_PREFIX"], v["STATE_KEY"]))

    def test_errors_name_the_key(self):
        def error(change):
            raw = {k: (dict(v) if isinstance(v, dict) else list(v)) for k, v in SETTINGS.items()}
            change(raw)
            with self.assertRaises(tw.SettingsError) as e:
                tw.check_settings(raw, "f.json")
            return str(e.exception)
        self.assertIn("schedule.lag_minutes", error(lambda r: r["schedule"].update(lag_minutes=0)))
        self.assertIn("schedule.lagminutes", error(lambda r: r["schedule"].update(lagminutes=3)))
        self.assertIn("business_units[2].name 'retail' is listed twice",
                      error(lambda r: r["business_units"].append({"name": "retail"})))
        self.assertIn("business_units[2].name 'a/b'", error(lambda r: r["business_units"].append({"name": "a/b"})))
        self.assertIn("business_units[0].start_date",
                      error(lambda r: r.update(business_units=[{"name": "x", "start_date": "2026-12-01"}])))
        self.assertIn("settings.BU", error(lambda r: r.update(settings={"BU": "x"})))
        self.assertIn("has no start_date", error(lambda r: r.update(schedule={})))

    def test_a_placeholder_without_a_value_is_named(self):
        with self.assertRaisesRegex(tw.SettingsError, r"no value for \$\{NOPE\}, \$\{ZED\}"):
            tw.render({"a": ["${ZED}", {"b": "x${NOPE}y"}]}, {}, "t.json")

    def test_operator_arguments_carry_the_whole_request(self):
        request = tw.job_run_request("payments", dt.datetime(2026, 12, 1, 14, 35, tzinfo=UTC), config())
        kwargs = tw.operator_kwargs(request)
        self.assertEqual(["application_id", "config", "configuration_overrides", "execution_role_arn", "job_driver",
                          "name"], sorted(kwargs))
        self.assertEqual({"executionTimeoutMinutes": 45, "tags": request["tags"]}, kwargs["config"])
        back = {"applicationId": kwargs["application_id"], "executionRoleArn": kwargs["execution_role_arn"],
                "jobDriver": kwargs["job_driver"], "configurationOverrides": kwargs["configuration_overrides"],
                "name": kwargs["name"], **kwargs["config"]}
        self.assertEqual(request, back)


class OneSourceOfTruthTest(unittest.TestCase):
    def test_the_example_deployment_renders_every_template(self):
        c = tw.load_settings(os.path.join(ROOT, "airflow", "business_units.json"))
        for bu in tw.business_units(c):
            self.assertEqual("", emr_model.problems("StartJobRun",
                                                    tw.request_for_hour(bu, dt.datetime(2026, 12, 1, tzinfo=UTC), c)))
            self.assertEqual("", emr_model.problems("StartJobRun",
                                                    tw.maintenance_request(bu, dt.date(2026, 12, 1), c)))

    def test_business_units_agree_with_the_accounts_file_or_the_difference_is_named(self):
        c = tw.load_settings(os.path.join(ROOT, "airflow", "business_units.json"))
        self.assertEqual([], tw.check_business_units(c, os.path.join(ROOT, "airflow", "accounts.example.csv")))
        with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as f:
            f.write("account_id,name,business_unit\n111111111111,a,payments\n333333333333,b,logistics\n")
        try:
            problems = tw.check_business_units(c, f.name)
        finally:
            os.unlink(f.name)
        self.assertEqual(2, len(problems), problems)
        self.assertIn("'logistics' has accounts but no DAG", problems[0])
        self.assertIn("'retail' is scheduled but has no account", problems[1])

    def test_the_schedule_waits_longer_than_the_job_reads_late_files(self):
        c = tw.load_settings(os.path.join(ROOT, "airflow", "business_units.json"))
        with open(os.path.join(ROOT, "trailwatch.example.yaml"), encoding="utf-8") as f:
            lag = int(re.search(r"^\s*delivery-lag-minutes:\s*(\d+)", f.read(), re.M).group(1))
        self.assertGreater(c["schedule"]["lag_minutes"], lag)

    def test_only_unfinished_runs_of_exactly_that_unit_are_active(self):
        runs = {"jobRuns": [
            {"id": "a", "name": "trailwatch-payments-20261201T10", "state": "RUNNING"},
            {"id": "b", "name": "trailwatch-payments-eu-20261201T10", "state": "RUNNING"},
            {"id": "c", "name": "trailwatch-payments-20261201T09", "state": "SUCCESS"},
            {"id": "d", "name": "trailwatch-payments-20261201T11", "state": "QUEUED"},
            {"id": "e", "name": "trailwatch-payments-maintain-20261201T10", "state": "RUNNING"},
            {"id": "f", "name": "trailwatch-payments-baseline-20260902-20261201T00", "state": "PENDING"},
            {"id": "g", "name": "trailwatch-payments-baseline-20261201T10", "state": "RUNNING"},
            {"id": "h", "name": "trailwatch-payments-maintain-20261201", "state": "CANCELLING"}]}
        # e and g are hours of the units payments-maintain and payments-baseline; h may still commit.
        self.assertEqual(["a", "d", "f", "h"], tw.active_runs(runs, "payments"))


class StartPlanTest(unittest.TestCase):
    NAME = "trailwatch-payments-20261201T10"

    def plan(self, *runs):
        return tw.start_plan({"jobRuns": [{"id": i, "name": n, "state": s} for i, n, s in runs]}, "payments", self.NAME)

    def test_a_run_of_the_same_name_still_going_is_attached_to_not_started_again(self):
        self.assertEqual(("attach", ["j1"]), self.plan(("j0", self.NAME, "FAILED"), ("j1", self.NAME, "RUNNING")))
        self.assertEqual(("attach", ["j1"]), self.plan(("j1", self.NAME, "QUEUED"),
                                                       ("m", "trailwatch-payments-maintain-20261201", "RUNNING")))

    def test_other_runs_of_the_unit_are_waited_for(self):
        self.assertEqual(("wait", ["m", "j1"]), self.plan(("m", "trailwatch-payments-maintain-20261201", "RUNNING"),
                                                          ("j1", self.NAME, "CANCELLING")))
        self.assertEqual(("wait", ["b"]), self.plan(("b", "trailwatch-payments-baseline-20260902-20261201T00",
                                                     "SCHEDULED")))

    def test_it_starts_when_only_finished_runs_or_other_units_runs_remain(self):
        self.assertEqual(("start", []), self.plan(("j0", self.NAME, "FAILED"), ("j1", self.NAME, "SUCCESS"),
                                                  ("r", "trailwatch-retail-20261201T10", "RUNNING")))

    def test_the_command_line_prints_the_plan(self):
        runs = {"jobRuns": [{"id": "j1", "name": self.NAME, "state": "RUNNING"}]}
        for name, expected in ((self.NAME, "attach j1"), ("trailwatch-payments-20261201T11", "wait j1")):
            out = io.StringIO()
            with contextlib.redirect_stdout(out), unittest.mock.patch("sys.stdin", io.StringIO(json.dumps(runs))):
                self.assertEqual(0, tw.main(["start-plan", "--bu", "payments", "--name", name]))
            self.assertEqual(expected + "\n", out.getvalue())


if __name__ == "__main__":
    unittest.main()
