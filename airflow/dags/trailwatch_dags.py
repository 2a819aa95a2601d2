"""trailwatch on Airflow: one DAG per business unit, ``trailwatch_<bu>``, each hour's detect on EMR Serverless.

The business units and the deployment's settings come from ``business_units.json`` (read once,
at parse time, from the file beside this one or its parent folder, or
``$TRAILWATCH_BUSINESS_UNITS``; no Airflow Variable or connection is read while parsing). The
requests are built by ``trailwatch_requests`` (plain Python, tested without Airflow) from
``emr/start-job-run.json``; the hour is rendered when the task runs, from the run's data interval.

A run for hour H starts at H + 1h + lag (``schedule.lag_minutes``, above the job's
``ingest.delivery-lag-minutes``). ``max_active_runs=1``: never two runs of one business unit at
once, and catch-up runs go in order. A job that exits non-zero (2 user error, 3 external
failure, 4 bug; see airflow/README.md) ends its EMR job run FAILED, and the task fails.
"""

import datetime as dt
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
for _d in (HERE, os.path.dirname(HERE)):
    if os.path.isfile(os.path.join(_d, "trailwatch_requests.py")) and _d not in sys.path:
        sys.path.insert(0, _d)

import trailwatch_requests as tw  # noqa: E402
from airflow import DAG  # noqa: E402
from airflow.providers.amazon.aws.operators.emr import EmrServerlessStartJobOperator  # noqa: E402
from airflow.timetables.interval import CronDataIntervalTimetable  # noqa: E402


def settings_path():
    if os.environ.get("TRAILWATCH_BUSINESS_UNITS"):
        return os.environ["TRAILWATCH_BUSINESS_UNITS"]
    return tw.find_file("business_units.json", HERE, os.path.dirname(HERE))


def hourly_dag(bu, config):
    """``trailwatch_<bu>``: one task, ``detect``, that starts the hour's job run and waits for it."""
    schedule = config["schedule"]
    unit = tw.business_unit(config, bu)
    start = unit["start_date"] or schedule["start_date"]
    dag = DAG(
        dag_id="trailwatch_%s" % bu,
        description="trailwatch detect for business unit %s, hourly on EMR Serverless" % bu,
        schedule=CronDataIntervalTimetable(tw.cron(schedule["lag_minutes"]), timezone="UTC"),
        start_date=tw.parse_hour("start_date", start) if start else dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
        catchup=unit["catchup"],
        max_active_runs=1,
        user_defined_macros=tw.dag_macros(config),
        default_args={
            "owner": "trailwatch",
            "depends_on_past": False,
            "retries": schedule["retries"],
            "retry_delay": dt.timedelta(minutes=schedule["retry_delay_minutes"]),
            "retry_exponential_backoff": True,
            "max_retry_delay": dt.timedelta(minutes=schedule["max_retry_delay_minutes"]),
            "execution_timeout": dt.timedelta(minutes=schedule["execution_timeout_minutes"]),
        },
        tags=["trailwatch", "bu:%s" % bu],
    )
    with dag:
        EmrServerlessStartJobOperator(
            task_id="detect",
            wait_for_completion=True,
            deferrable=schedule["deferrable"],
            # Poll every 30 s for up to the task's timeout (the provider's default gives up after 25 minutes).
            waiter_delay=30,
            waiter_max_attempts=schedule["execution_timeout_minutes"] * 2,
            **tw.operator_kwargs(tw.dag_request(bu, config)),
        )
    return dag


CONFIG = tw.load_settings(settings_path())
for _bu in tw.business_units(CONFIG):
    _dag = hourly_dag(_bu, CONFIG)
    globals()[_dag.dag_id] = _dag
    # The daily maintenance DAG of each business unit (issue 14) goes here, as trailwatch_<bu>_maintenance.
