"""airflow/dags/trailwatch_dags.py imported with the airflow modules stubbed: one DAG per business unit, as specified."""

import datetime as dt
import importlib.util
import json
import os
import sys
import tempfile
import types
import unittest

import emr_model
import trailwatch_requests as tw

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, os.pardir))
DAG_FILE = os.path.join(ROOT, "airflow", "dags", "trailwatch_dags.py")
UTC = dt.timezone.utc


class FakeDAG:
    """Records what the DAG file passes; tasks join the DAG whose ``with`` block is open."""
    open_dag = None

    def __init__(self, dag_id, **kwargs):
        self.dag_id, self.kwargs, self.tasks = dag_id, kwargs, []

    def __enter__(self):
        FakeDAG.open_dag = self
        return self

    def __exit__(self, *exc):
        FakeDAG.open_dag = None


class FakeStartJobOperator:
    """The provider's EmrServerlessStartJobOperator as far as the DAG file's subclass uses it: its arguments,
    ``hook.conn`` (boto3's emr-serverless client), ``log``, and an ``execute`` that starts a job run."""

    def __init__(self, task_id, **kwargs):
        if FakeDAG.open_dag is None:
            raise AssertionError("operator %s created outside a DAG" % task_id)
        self.task_id, self.kwargs = task_id, kwargs
        self.application_id, self.name = kwargs["application_id"], kwargs["name"]
        self.waiter_delay, self.waiter_max_attempts = kwargs["waiter_delay"], kwargs["waiter_max_attempts"]
        self.job_id, self.hook, self.log = None, None, FakeLog()
        FakeDAG.open_dag.tasks.append(self)

    def execute(self, context, event=None):
        self.job_id = self.hook.conn.start_job_run(applicationId=self.application_id, name=self.name)["jobRunId"]
        return self.job_id


class FakeLog:
    def info(self, *args):
        pass


class FakeParam:
    def __init__(self, default, **schema):
        self.default, self.schema = default, schema


class FakeCronDataIntervalTimetable:
    def __init__(self, cron, timezone):
        self.cron, self.timezone = cron, timezone


class FakeVariable:
    @staticmethod
    def get(*args, **kwargs):
        raise AssertionError("an Airflow Variable was read while parsing the DAG file")


def stub_airflow():
    """The airflow modules the DAG file imports, and Variable (which it must not read)."""
    names = ["airflow", "airflow.models", "airflow.providers", "airflow.providers.amazon",
             "airflow.providers.amazon.aws", "airflow.providers.amazon.aws.operators",
             "airflow.providers.amazon.aws.operators.emr", "airflow.timetables", "airflow.timetables.interval",
             "airflow.models.param"]
    saved = {n: sys.modules.get(n) for n in names}
    mods = {n: types.ModuleType(n) for n in names}
    mods["airflow"].DAG = FakeDAG
    mods["airflow.models"].Variable = FakeVariable
    mods["airflow.providers.amazon.aws.operators.emr"].EmrServerlessStartJobOperator = FakeStartJobOperator
    mods["airflow.timetables.interval"].CronDataIntervalTimetable = FakeCronDataIntervalTimetable
    mods["airflow.models.param"].Param = FakeParam  # Airflow 2's place; airflow.sdk (3) is left out, so tried first
    sys.modules.update(mods)
    return saved


def import_dag_file(settings_file):
    saved = stub_airflow()
    old = os.environ.get("TRAILWATCH_BUSINESS_UNITS")
    os.environ["TRAILWATCH_BUSINESS_UNITS"] = settings_file
    try:
        spec = importlib.util.spec_from_file_location("trailwatch_dags_under_test", DAG_FILE)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        if old is None:
            os.environ.pop("TRAILWATCH_BUSINESS_UNITS")
        else:
            os.environ["TRAILWATCH_BUSINESS_UNITS"] = old
        for name, mod in saved.items():
            if mod is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = mod


class Airflow2DagRun:
    """What an Airflow 2 ``dag_run`` offers the macros: a data interval, no ``run_after``."""

    def __init__(self, data_interval_start):
        self.data_interval_start = data_interval_start


class Airflow3DagRun:
    """Airflow 3's ``dag_run`` (task-sdk DagRun): ``run_after`` always; no data interval without a logical date."""

    def __init__(self, run_after, data_interval_start=None):
        self.run_after, self.data_interval_start = run_after, data_interval_start


def render_hour(obj, macros, when, hour=None, dag_run=None):
    """What Airflow's Jinja makes of the task's templated fields for a run whose data interval starts ``when``
    (or of ``dag_run``), triggered with the param ``hour``."""
    run = dag_run if dag_run is not None else Airflow2DagRun(when)
    if isinstance(obj, str):
        return obj.replace(tw.HOUR_TEMPLATE, macros["tw_hour"](hour, run)).replace(
            tw.HOUR_ID_TEMPLATE, macros["tw_hour_id"](hour, run))
    if isinstance(obj, list):
        return [render_hour(x, macros, when, hour, dag_run) for x in obj]
    if isinstance(obj, dict):
        return {k: render_hour(v, macros, when, hour, dag_run) for k, v in obj.items()}
    return obj


class DagsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(os.path.join(ROOT, "airflow", "business_units.json"), encoding="utf-8") as f:
            raw = json.load(f)
        raw["schedule"]["lag_minutes"] = 40
        raw["schedule"]["maintenance_timeout_minutes"] = 90
        raw["business_units"] = [{"name": "retail", "catchup": True, "start_date": "2026-11-01T00",
                                  "maintenance_at": "04:50"},
                                 {"name": "payments"}, {"name": "logistics.eu"}]
        cls.tmp = tempfile.TemporaryDirectory()
        cls.settings_file = os.path.join(cls.tmp.name, "business_units.json")
        with open(cls.settings_file, "w", encoding="utf-8") as f:
            json.dump(raw, f)
        cls.config = tw.load_settings(cls.settings_file)
        cls.module = import_dag_file(cls.settings_file)
        every = {v.dag_id: v for v in vars(cls.module).values() if isinstance(v, FakeDAG)}
        cls.dags = {d: dag for d, dag in every.items() if not d.endswith("_maintenance")}
        cls.maintenance = {d: dag for d, dag in every.items() if d.endswith("_maintenance")}

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_each_business_unit_has_one_dag(self):
        self.assertEqual(["trailwatch_logistics.eu", "trailwatch_payments", "trailwatch_retail"], sorted(self.dags))

    def test_runs_are_hourly_after_the_lag_one_at_a_time(self):
        for dag in self.dags.values():
            k = dag.kwargs
            self.assertEqual(("40 * * * *", "UTC"), (k["schedule"].cron, k["schedule"].timezone), dag.dag_id)
            self.assertEqual(1, k["max_active_runs"], dag.dag_id)

    def test_catchup_and_start_date_are_per_business_unit(self):
        got = {d: (dag.kwargs["catchup"], dag.kwargs["start_date"]) for d, dag in self.dags.items()}
        self.assertEqual({
            "trailwatch_logistics.eu": (False, dt.datetime(2026, 12, 1, tzinfo=UTC)),
            "trailwatch_payments": (False, dt.datetime(2026, 12, 1, tzinfo=UTC)),
            "trailwatch_retail": (True, dt.datetime(2026, 11, 1, tzinfo=UTC)),
        }, got)

    def test_retries_back_off_and_the_task_has_a_timeout(self):
        for dag in self.dags.values():
            self.assertEqual({
                "owner": "trailwatch",
                "depends_on_past": False,
                "retries": 3,
                "retry_delay": dt.timedelta(minutes=5),
                "retry_exponential_backoff": True,
                "max_retry_delay": dt.timedelta(minutes=30),
                "execution_timeout": dt.timedelta(minutes=55),
            }, dag.kwargs["default_args"], dag.dag_id)

    def test_the_one_task_starts_the_job_run_and_waits_for_it(self):
        for dag in self.dags.values():
            self.assertEqual(["detect"], [t.task_id for t in dag.tasks], dag.dag_id)
            k = dag.tasks[0].kwargs
            self.assertEqual((True, False, 30, 110), (k["wait_for_completion"], k["deferrable"], k["waiter_delay"],
                                                      k["waiter_max_attempts"]), dag.dag_id)
            self.assertEqual(["application_id", "config", "configuration_overrides", "deferrable",
                              "execution_role_arn", "job_driver", "name", "pool", "pool_slots", "region_name",
                              "wait_for_completion", "waiter_delay", "waiter_max_attempts"], sorted(k), dag.dag_id)
            # The settings' REGION (the provider would otherwise take the connection's or boto3's default region).
            self.assertEqual(("eu-west-1", dag.dag_id[len("trailwatch_"):]), (k["region_name"],
                                                                              dag.tasks[0].business_unit))

    def test_the_task_renders_the_request_of_its_hour(self):
        when = dt.datetime(2026, 12, 1, 23, 40, tzinfo=UTC)  # the run of 23:00-24:00, at 00:40
        for bu in tw.business_units(self.config):
            dag = self.dags["trailwatch_" + bu]
            task = dag.tasks[0].kwargs
            fields = ("application_id", "execution_role_arn", "job_driver", "configuration_overrides", "name", "config")
            rendered = render_hour({f: task[f] for f in fields}, dag.kwargs["user_defined_macros"], when)
            expected = tw.operator_kwargs(tw.job_run_request(bu, when, self.config))
            self.assertEqual(expected, rendered, bu)
            self.assertEqual("trailwatch-%s-20261201T23" % bu, rendered["name"])
            request = {"applicationId": rendered["application_id"], "executionRoleArn": rendered["execution_role_arn"],
                       "jobDriver": rendered["job_driver"], "configurationOverrides": rendered["configuration_overrides"],
                       "name": rendered["name"], **rendered["config"]}
            self.assertEqual("", emr_model.problems("StartJobRun", request), bu)


    def test_each_business_unit_has_a_daily_maintenance_dag_of_its_own(self):
        self.assertEqual(["trailwatch_logistics.eu_maintenance", "trailwatch_payments_maintenance",
                          "trailwatch_retail_maintenance"], sorted(self.maintenance))
        got = {d: (dag.kwargs["schedule"].cron, dag.kwargs["schedule"].timezone, dag.kwargs["max_active_runs"],
                   dag.kwargs["catchup"], dag.kwargs["start_date"]) for d, dag in self.maintenance.items()}
        self.assertEqual({
            "trailwatch_logistics.eu_maintenance": ("5 3 * * *", "UTC", 1, False, dt.datetime(2026, 12, 1, tzinfo=UTC)),
            "trailwatch_payments_maintenance": ("5 3 * * *", "UTC", 1, False, dt.datetime(2026, 12, 1, tzinfo=UTC)),
            "trailwatch_retail_maintenance": ("50 4 * * *", "UTC", 1, False, dt.datetime(2026, 11, 1, tzinfo=UTC)),
        }, got)

    def test_a_business_units_hourly_and_maintenance_runs_never_overlap(self):
        # Separate DAGs, no sensor between them, but one pool of one slot per BU: on S3 a table has
        # one writer at a time, so a BU's maintain and detect take turns; other BUs' pools are theirs.
        pools = set()
        for bu in tw.business_units(self.config):
            hourly, daily = self.dags["trailwatch_" + bu], self.maintenance["trailwatch_%s_maintenance" % bu]
            self.assertEqual(["detect"], [t.task_id for t in hourly.tasks], bu)
            self.assertEqual(["maintain"], [t.task_id for t in daily.tasks], bu)
            for dag in (hourly, daily):
                self.assertFalse(dag.kwargs["default_args"]["depends_on_past"], dag.dag_id)
                self.assertEqual(("trailwatch_" + bu, 1), (dag.tasks[0].kwargs["pool"],
                                                           dag.tasks[0].kwargs["pool_slots"]), dag.dag_id)
            pools.add(hourly.tasks[0].kwargs["pool"])
            self.assertEqual(self.config["schedule"]["retries"], daily.kwargs["default_args"]["retries"])
            self.assertEqual(dt.timedelta(minutes=90), daily.kwargs["default_args"]["execution_timeout"])
            k = daily.tasks[0].kwargs
            self.assertEqual((True, False, 30, 180), (k["wait_for_completion"], k["deferrable"], k["waiter_delay"],
                                                      k["waiter_max_attempts"]), bu)
        self.assertEqual(len(tw.business_units(self.config)), len(pools), "a pool per business unit")

    def test_the_maintenance_task_renders_the_request_of_its_day(self):
        # The run of the interval [Dec 1 03:05, Dec 2 03:05) starts on Dec 2: that day names it.
        start, end = dt.datetime(2026, 12, 1, 3, 5, tzinfo=UTC), dt.datetime(2026, 12, 2, 3, 5, tzinfo=UTC)
        for bu in tw.business_units(self.config):
            dag = self.maintenance["trailwatch_%s_maintenance" % bu]
            task = dag.tasks[0].kwargs
            fields = ("application_id", "execution_role_arn", "job_driver", "configuration_overrides", "name", "config")
            macros = dag.kwargs["user_defined_macros"]
            rendered = json.loads(json.dumps({f: task[f] for f in fields}).replace(
                tw.DAY_TEMPLATE, macros["tw_day_id"](end)))
            self.assertNotIn("{{", json.dumps(rendered), "only data_interval_end is rendered: %s" % start)
            expected = tw.operator_kwargs(tw.maintenance_request(bu, end.date(), self.config))
            self.assertEqual(expected, rendered, bu)
            self.assertEqual("trailwatch-%s-maintain-20261202" % bu, rendered["name"])
            self.assertEqual(["maintain", "--master", "cluster", "--state", "s3://trailwatch-state-111122223333/state",
                              "--config", "conf/trailwatch.yaml", "--bu", bu],
                             rendered["job_driver"]["sparkSubmit"]["entryPointArguments"])
            request = {"applicationId": rendered["application_id"], "executionRoleArn": rendered["execution_role_arn"],
                       "jobDriver": rendered["job_driver"], "configurationOverrides": rendered["configuration_overrides"],
                       "name": rendered["name"], **rendered["config"]}
            self.assertEqual("", emr_model.problems("StartJobRun", request), bu)


if __name__ == "__main__":
    unittest.main()
