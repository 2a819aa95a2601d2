"""airflow/dags/trailwatch_dags.py imported with the airflow modules stubbed: one DAG per business unit, as specified."""

import datetime as dt
import importlib.util
import contextlib
import io
import json
import os
import re
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


class FakeSdkParam(FakeParam):
    """Airflow 3's ``airflow.sdk.Param``."""


def stub_airflow(airflow3=False):
    """The airflow modules the DAG file imports, and Variable (which it must not read). Param is in
    ``airflow.models.param`` (Airflow 2), or with ``airflow3`` in ``airflow.sdk`` as well."""
    names = ["airflow", "airflow.models", "airflow.providers", "airflow.providers.amazon",
             "airflow.providers.amazon.aws", "airflow.providers.amazon.aws.operators",
             "airflow.providers.amazon.aws.operators.emr", "airflow.timetables", "airflow.timetables.interval",
             "airflow.models.param", "airflow.sdk"]
    saved = {n: sys.modules.get(n) for n in names}
    mods = {n: types.ModuleType(n) for n in names}
    mods["airflow"].DAG = FakeDAG
    mods["airflow.models"].Variable = FakeVariable
    mods["airflow.providers.amazon.aws.operators.emr"].EmrServerlessStartJobOperator = FakeStartJobOperator
    mods["airflow.timetables.interval"].CronDataIntervalTimetable = FakeCronDataIntervalTimetable
    mods["airflow.models.param"].Param = FakeParam
    if airflow3:
        mods["airflow.sdk"].Param = FakeSdkParam
    else:
        del mods["airflow.sdk"]
        sys.modules["airflow.sdk"] = None  # import fails, as on Airflow 2
    sys.modules.update(mods)
    return saved


def import_dag_file(settings_file, airflow3=False):
    saved = stub_airflow(airflow3)
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


class DagFileTest(unittest.TestCase):
    """The DAG file imported once per class, on a deployment of three business units."""

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


class DagsTest(DagFileTest):
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



class FakeEmrServerless:
    """boto3's emr-serverless client as the operator calls it: ListJobRuns (paginated), GetJobRun, StartJobRun.

    ``listings`` are the unfinished runs each ListJobRuns answers in turn (the last one repeats);
    ``states`` are the states GetJobRun answers in turn.
    """

    def __init__(self, listings, states=()):
        self.listings, self.states, self.calls = list(listings), list(states), []

    def get_paginator(self, operation):
        assert operation == "list_job_runs", operation
        return self

    def paginate(self, **kwargs):
        self.calls.append(("list_job_runs", kwargs))
        runs = self.listings.pop(0) if len(self.listings) > 1 else self.listings[0]
        return [{"jobRuns": runs[:1]}, {"jobRuns": runs[1:]}]

    def get_job_run(self, **kwargs):
        self.calls.append(("get_job_run", kwargs))
        state = self.states.pop(0)
        return {"jobRun": {"state": state, "stateDetails": "ExitCode: 3" if state == "FAILED" else ""}}

    def start_job_run(self, **kwargs):
        self.calls.append(("start_job_run", kwargs))
        return {"jobRunId": "new"}

    def called(self):
        return [c[0] for c in self.calls]


class OneWriterTest(DagFileTest):
    """Before it starts its job run, a task looks for its business unit's unfinished job runs on the application."""

    NAME = "trailwatch-payments-20261201T23"

    def task(self, conn):
        op = self.dags["trailwatch_payments"].tasks[0]
        op.name, op.waiter_delay, op.job_id = self.NAME, 0, None
        op.hook = types.SimpleNamespace(conn=conn)
        return op

    def test_a_retry_attaches_to_the_job_run_its_crashed_try_left_running(self):
        conn = FakeEmrServerless([[{"id": "j1", "name": self.NAME, "state": "RUNNING"}]], ["RUNNING", "SUCCESS"])
        op = self.task(conn)
        self.assertEqual("j1", op.execute({}))
        self.assertEqual(["list_job_runs", "get_job_run", "get_job_run"], conn.called())
        self.assertEqual("j1", op.job_id, "on_kill cancels the attached run")
        self.assertEqual({"applicationId": "00fq1example0a2b", "states": list(tw.UNFINISHED)}, conn.calls[0][1])
        for operation, call in (("ListJobRuns", conn.calls[0]), ("GetJobRun", conn.calls[1])):
            self.assertEqual("", emr_model.problems(operation, call[1]), "valid input of %s" % operation)

    def test_an_attached_run_that_fails_fails_the_task(self):
        conn = FakeEmrServerless([[{"id": "j1", "name": self.NAME, "state": "RUNNING"}]], ["FAILED"])
        with self.assertRaises(self.module.JobRunFailed):
            self.task(conn).execute({})
        self.assertNotIn("start_job_run", conn.called())

    def test_it_waits_for_another_run_of_its_unit_then_starts_its_own(self):
        maintain = {"id": "m", "name": "trailwatch-payments-maintain-20261201", "state": "RUNNING"}
        conn = FakeEmrServerless([[maintain], [maintain], []])
        self.assertEqual("new", self.task(conn).execute({}))
        self.assertEqual(["list_job_runs", "list_job_runs", "list_job_runs", "start_job_run"], conn.called())

    def test_runs_of_other_units_do_not_hold_it_back(self):
        conn = FakeEmrServerless([[{"id": "r", "name": "trailwatch-retail-20261201T23", "state": "RUNNING"}]])
        self.assertEqual("new", self.task(conn).execute({}))
        self.assertEqual(["list_job_runs", "start_job_run"], conn.called())

    def test_it_gives_up_when_the_unit_stays_busy_for_its_whole_time(self):
        busy = {"id": "b", "name": "trailwatch-payments-baseline-20260902-20261201T00", "state": "RUNNING"}
        conn = FakeEmrServerless([[busy]])
        with self.assertRaises(self.module.JobRunFailed):
            self.task(conn).execute({})
        self.assertEqual(["list_job_runs"] * 110, conn.called(), "one check per waiter attempt, and no start")


class TriggerTest(DagFileTest):
    """Manual triggers: the ``hour`` param, and Airflow 3 runs without a logical date."""

    def rendered_name(self, hour=None, dag_run=None, bu="payments"):
        dag = self.dags["trailwatch_" + bu]
        task = dag.tasks[0].kwargs
        return render_hour({"name": task["name"], "job_driver": task["job_driver"]}, dag.kwargs["user_defined_macros"],
                           None, hour, dag_run)

    def test_a_manual_trigger_with_an_hour_runs_that_hour_on_airflow_2_and_3(self):
        for run in (Airflow2DagRun(dt.datetime(2026, 12, 5, 9, 40, tzinfo=UTC)),
                    Airflow3DagRun(dt.datetime(2026, 12, 5, 10, 41, tzinfo=UTC)),
                    Airflow3DagRun(dt.datetime(2026, 12, 5, 10, 41, tzinfo=UTC),
                                   dt.datetime(2026, 12, 5, 9, 40, tzinfo=UTC))):
            got = self.rendered_name("2026-11-30T05", run)
            self.assertEqual("trailwatch-payments-20261130T05", got["name"], vars(run))
            args = got["job_driver"]["sparkSubmit"]["entryPointArguments"]
            self.assertEqual("2026-11-30T05", args[args.index("--hour") + 1])

    def test_a_run_without_a_logical_date_detects_the_latest_hour_due_when_it_was_triggered(self):
        # Airflow 3: no data interval; lag 40, so at 10:39 the latest hour due is 08:00, at 10:40 it is 09:00.
        self.assertEqual("trailwatch-payments-20261205T08",
                         self.rendered_name(dag_run=Airflow3DagRun(dt.datetime(2026, 12, 5, 10, 39, tzinfo=UTC)))["name"])
        self.assertEqual("trailwatch-payments-20261205T09",
                         self.rendered_name(dag_run=Airflow3DagRun(dt.datetime(2026, 12, 5, 10, 40, tzinfo=UTC)))["name"])

    def test_a_scheduled_run_or_a_trigger_with_a_logical_date_detects_its_data_intervals_hour(self):
        for run in (Airflow2DagRun(dt.datetime(2026, 12, 1, 23, 40, tzinfo=UTC)),
                    Airflow3DagRun(dt.datetime(2026, 12, 2, 0, 40, tzinfo=UTC), dt.datetime(2026, 12, 1, 23, 40, tzinfo=UTC))):
            self.assertEqual("trailwatch-payments-20261201T23", self.rendered_name(None, run)["name"])
            self.assertEqual("trailwatch-payments-20261201T23", self.rendered_name("", run)["name"], "an emptied form")

    def test_a_bad_hour_is_refused_naming_the_param(self):
        with self.assertRaisesRegex(tw.SettingsError, "params.hour"):
            self.rendered_name("2026-11-30 05", Airflow2DagRun(dt.datetime(2026, 12, 5, 9, 40, tzinfo=UTC)))

    def test_the_param_comes_from_airflow_sdk_on_airflow_3_and_from_models_on_airflow_2(self):
        self.assertIs(FakeParam, type(self.dags["trailwatch_payments"].kwargs["params"]["hour"]))
        module = import_dag_file(self.settings_file, airflow3=True)
        self.assertIs(FakeSdkParam, type(module.trailwatch_payments.kwargs["params"]["hour"]))

    def test_the_trigger_form_offers_an_optional_hour_checked_by_its_pattern(self):
        param = self.dags["trailwatch_payments"].kwargs["params"]["hour"]
        self.assertEqual((None, ["null", "string"]), (param.default, param.schema["type"]))
        pattern = re.compile(param.schema["pattern"])
        self.assertTrue(pattern.search("2026-11-30T05"))
        for bad in ("2026-11-30 05", "2026-11-30T5", "2026-11-30T05:00", "x2026-11-30T05"):
            self.assertIsNone(pattern.search(bad), bad)
        self.assertEqual({}, self.maintenance["trailwatch_payments_maintenance"].kwargs["params"])


class PendingAndGapsTest(DagFileTest):
    def arguments(self, dag):
        return dag.tasks[0].kwargs["job_driver"]["sparkSubmit"]["entryPointArguments"]

    def test_detect_fills_gaps_and_leaves_pending_deliveries_to_the_next_run(self):
        for dag in self.dags.values():
            self.assertEqual(["--pending-ok", "--fill-gaps"], self.arguments(dag)[-2:], dag.dag_id)
        # Gap filling, not catchup, heals a scheduler outage by default (catchup stays a per-BU choice).
        self.assertEqual((True, False), (tw.SCHEDULE_DEFAULTS["fill_gaps"], tw.SCHEDULE_DEFAULTS["catchup"]))
        for dag in self.maintenance.values():
            self.assertNotIn("--pending-ok", self.arguments(dag))

    def test_gap_filling_can_be_turned_off(self):
        with open(self.settings_file, encoding="utf-8") as f:
            raw = json.load(f)
        raw["schedule"]["fill_gaps"] = False
        path = os.path.join(self.tmp.name, "no-gaps.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(raw, f)
        dags = {v.dag_id: v for v in vars(import_dag_file(path)).values() if isinstance(v, FakeDAG)}
        self.assertEqual(["--pending-ok"], self.arguments(dags["trailwatch_payments"])[-1:])
        self.assertNotIn("--fill-gaps", self.arguments(dags["trailwatch_payments"]))


class PoolsTest(DagFileTest):
    def airflow_pools_import(self, text):
        """What ``airflow pools import FILE`` creates from ``text``: Airflow's pool_import_helper
        (airflow-core/src/airflow/cli/commands/pool_command.py) takes an object per pool name with
        ``slots`` and ``description`` (else it refuses that pool) and ``include_deferred`` (False when absent)."""
        created, failed = {}, []
        for name, v in json.loads(text).items():
            if isinstance(v, dict) and "slots" in v and "description" in v:
                created[name] = (v["slots"], v.get("include_deferred", False))
            else:
                failed.append(name)
        return created, failed

    def test_the_pools_file_gives_each_units_tasks_one_slot_that_deferred_tasks_keep(self):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            self.assertEqual(0, tw.main(["pools", "--settings", self.settings_file]))
        created, failed = self.airflow_pools_import(out.getvalue())
        self.assertEqual([], failed)
        used = {t.kwargs["pool"] for d in list(self.dags.values()) + list(self.maintenance.values()) for t in d.tasks}
        self.assertEqual({p: (1, True) for p in used}, created)
        self.assertEqual(3, len(created))

    def test_the_import_check_can_fail(self):
        self.assertEqual(({"a": (1, False)}, ["b"]), self.airflow_pools_import(
            '{"a": {"slots": 1, "description": "x"}, "b": {"slots": 1, "include_deferred": true}}'))


if __name__ == "__main__":
    unittest.main()
