"""trailwatch on Airflow, per business unit: ``trailwatch_<bu>``, each hour's detect on EMR Serverless, and
``trailwatch_<bu>_maintenance``, the daily ``maintain --bu <bu>``.

The business units and the deployment's settings come from ``business_units.json`` (read once,
at parse time, from the file beside this one or its parent folder, or
``$TRAILWATCH_BUSINESS_UNITS``; no Airflow Variable or connection is read while parsing). The
requests are built by ``trailwatch_requests`` (plain Python, tested without Airflow) from
``emr/start-job-run.json``; the hour is rendered when the task runs: a manual trigger's ``hour``
param, else the run's data interval, else (Airflow 3, no logical date) the hour due at ``run_after``.

A run for hour H starts at H + 1h + lag (``schedule.lag_minutes``, above the job's
``ingest.delivery-lag-minutes``). ``max_active_runs=1``: never two runs of one business unit at
once. catchup is off by default: ``detect --fill-gaps`` (``schedule.fill_gaps``, on by default)
detects the hours a scheduler outage skipped, in the next run. ``--pending-ok``: a delivery left
pending (Splunk down) ends the job run well, and the next run delivers it; no retry re-runs detect.
A job that exits non-zero (2 user error, 3 external failure, 4 bug; see airflow/README.md) ends its
EMR job run FAILED, and the task fails.

One writer per business unit: both DAGs' tasks of a BU take the slot of one pool,
``trailwatch_<bu>`` (one slot, ``include_deferred``: ``trailwatch_requests.py pools``, see
airflow/README.md), and before starting its job run a task looks for the BU's unfinished job runs
on the application: it waits for its own (a run of the same name, left by a try that died) instead
of starting a second, and waits for the others (maintain, a backfill) to end. The job's BU lease
refuses a second writer in any case (``[BU_BUSY]``, exit 3, retried).
"""

import datetime as dt
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
for _d in (HERE, os.path.dirname(HERE)):
    if os.path.isfile(os.path.join(_d, "trailwatch_requests.py")) and _d not in sys.path:
        sys.path.insert(0, _d)

import trailwatch_requests as tw  # noqa: E402
from airflow import DAG  # noqa: E402
from airflow.providers.amazon.aws.operators.emr import EmrServerlessStartJobOperator  # noqa: E402
from airflow.timetables.interval import CronDataIntervalTimetable  # noqa: E402

try:  # Airflow 3
    from airflow.sdk import Param  # noqa: E402
except ImportError:  # Airflow 2
    from airflow.models.param import Param  # noqa: E402


def settings_path():
    if os.environ.get("TRAILWATCH_BUSINESS_UNITS"):
        return os.environ["TRAILWATCH_BUSINESS_UNITS"]
    return tw.find_file("business_units.json", HERE, os.path.dirname(HERE))


def hourly_dag(bu, config):
    """``trailwatch_<bu>``: one task, ``detect``, that starts the hour's job run and waits for it."""
    schedule = config["schedule"]
    unit = tw.business_unit(config, bu)
    return one_task_dag(unit, config, dag_id="trailwatch_%s" % bu, task_id="detect",
                        description="trailwatch detect for business unit %s, hourly on EMR Serverless" % bu,
                        cron=tw.cron(schedule["lag_minutes"]), catchup=unit["catchup"], macros=tw.dag_macros(config),
                        timeout_minutes=schedule["execution_timeout_minutes"], request=tw.dag_request(bu, config),
                        tags=[], params={"hour": hour_param()})


def maintenance_dag(bu, config):
    """``trailwatch_<bu>_maintenance``: one task, ``maintain``, daily at ``maintenance_at`` (UTC), no catchup."""
    unit = tw.business_unit(config, bu)
    return one_task_dag(unit, config, dag_id="trailwatch_%s_maintenance" % bu, task_id="maintain",
                        description="trailwatch maintain for business unit %s, daily on EMR Serverless" % bu,
                        cron=tw.maintenance_cron(unit), catchup=False, macros=tw.dag_maintenance_macros(),
                        timeout_minutes=config["schedule"]["maintenance_timeout_minutes"],
                        request=tw.dag_maintenance_request(bu, config), tags=["maintenance"], params={})


def hour_param():
    """The manual trigger's ``hour`` (``YYYY-MM-DDTHH``, UTC): that hour is detected; empty on scheduled runs."""
    return Param(None, type=["null", "string"], pattern=tw.HOUR_PARAM_PATTERN, title="hour",
                 description="The UTC hour to detect, YYYY-MM-DDTHH (e.g. 2026-12-01T14). Empty: the run's own hour.")


class JobRunFailed(Exception):
    """The job run this task waited for did not succeed."""


class TrailwatchJobOperator(EmrServerlessStartJobOperator):
    """The provider's operator, which first looks for the business unit's unfinished job runs.

    The provider's ``execute`` starts a new job run on every try (its ``clientToken`` is a new
    uuid4 per operator object, so StartJobRun's idempotency does not join two tries):
    ``providers/amazon/src/airflow/providers/amazon/aws/operators/emr.py``,
    ``EmrServerlessStartJobOperator.execute``. A try that died while its EMR job ran on (worker
    lost, task killed without ``on_kill``, a triggerer gone) thus made its retry a second writer
    of the BU. Here, before it: a run of this very name (same BU and hour, or day) still going is
    attached to and waited for; other runs of the BU are waited out; then the provider starts one.
    The waits poll ``GetJobRun``/``ListJobRuns`` every ``waiter_delay`` seconds, in the worker,
    deferrable or not (they happen only after a lost try or beside a backfill).
    """

    def __init__(self, business_unit, **kwargs):
        super().__init__(**kwargs)
        self.business_unit = business_unit

    def execute(self, context, event=None):
        for _ in range(max(1, self.waiter_max_attempts)):
            plan, ids = tw.start_plan(self.unfinished_job_runs(), self.business_unit, self.name)
            if plan == "start":
                return super().execute(context, event)
            if plan == "attach":
                self.log.info("Job run %s (%s) is still going: waiting for it instead of starting another",
                              ids[0], self.name)
                self.job_id = ids[0]
                return self.wait_for(ids[0])
            self.log.info("Business unit %s has unfinished job runs %s: waiting before starting %s",
                          self.business_unit, ", ".join(ids), self.name)
            time.sleep(self.waiter_delay)
        raise JobRunFailed("business unit %s still had unfinished job runs after %d checks; %s not started"
                           % (self.business_unit, self.waiter_max_attempts, self.name))

    def unfinished_job_runs(self):
        """The application's unfinished job runs, as one ListJobRuns response."""
        pages = self.hook.conn.get_paginator("list_job_runs").paginate(
            applicationId=self.application_id, states=list(tw.UNFINISHED))
        return {"jobRuns": [run for page in pages for run in page.get("jobRuns", [])]}

    def wait_for(self, job_id):
        for _ in range(max(1, self.waiter_max_attempts)):
            run = self.hook.conn.get_job_run(applicationId=self.application_id, jobRunId=job_id)["jobRun"]
            if run["state"] == "SUCCESS":
                return job_id
            if run["state"] in tw.FINISHED:
                raise JobRunFailed("job run %s %s: %s" % (job_id, run["state"], run.get("stateDetails", "")))
            time.sleep(self.waiter_delay)
        raise JobRunFailed("job run %s still not finished after %d checks" % (job_id, self.waiter_max_attempts))


def one_task_dag(unit, config, dag_id, task_id, description, cron, catchup, macros, timeout_minutes, request, tags,
                 params):
    """A DAG of one business unit with one task that starts an EMR Serverless job run and waits for it."""
    schedule = config["schedule"]
    start = unit["start_date"] or schedule["start_date"]
    dag = DAG(
        dag_id=dag_id,
        description=description,
        schedule=CronDataIntervalTimetable(cron, timezone="UTC"),
        start_date=tw.parse_hour("start_date", start) if start else dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
        catchup=catchup,
        max_active_runs=1,
        user_defined_macros=macros,
        params=params,
        default_args={
            "owner": "trailwatch",
            "depends_on_past": False,
            "retries": schedule["retries"],
            "retry_delay": dt.timedelta(minutes=schedule["retry_delay_minutes"]),
            "retry_exponential_backoff": True,
            "max_retry_delay": dt.timedelta(minutes=schedule["max_retry_delay_minutes"]),
            "execution_timeout": dt.timedelta(minutes=timeout_minutes),
        },
        tags=["trailwatch", "bu:%s" % unit["name"]] + tags,
    )
    with dag:
        TrailwatchJobOperator(
            task_id=task_id,
            business_unit=unit["name"],
            # One writer at a time of the BU's tables: the hourly and the maintenance task share it. Create
            # it with include_deferred (airflow/README.md), else a deferred task leaves the pool.
            pool=tw.pool_name(unit["name"]),
            pool_slots=1,
            wait_for_completion=True,
            deferrable=schedule["deferrable"],
            # Poll every 30 s for up to the task's timeout (the provider's default gives up after 25 minutes).
            waiter_delay=30,
            waiter_max_attempts=timeout_minutes * 2,
            region_name=config["settings"]["REGION"],
            **tw.operator_kwargs(request),
        )
    return dag


CONFIG = tw.load_settings(settings_path())
for _bu in tw.business_units(CONFIG):
    for _dag in (hourly_dag(_bu, CONFIG), maintenance_dag(_bu, CONFIG)):
        globals()[_dag.dag_id] = _dag
