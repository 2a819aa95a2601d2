"""trailwatch on Airflow, per business unit: ``trailwatch_<bu>``, each hour's detect on EMR Serverless, and
``trailwatch_<bu>_maintenance``, the daily ``maintain --bu <bu>``.

The business units and the deployment's settings come from ``business_units.json`` (read once,
at parse time, from the file beside this one or its parent folder, or
``$TRAILWATCH_BUSINESS_UNITS``; no Airflow Variable or connection is read while parsing). The
requests are built by ``trailwatch_requests`` (plain Python, tested without Airflow) from
``emr/start-job-run.json``; the hour is rendered when the task runs, from the run's data interval.

A run for hour H starts at H + 1h + lag (``schedule.lag_minutes``, above the job's
``ingest.delivery-lag-minutes``). ``max_active_runs=1``: never two runs of one business unit at
once, and catch-up runs go in order. A job that exits non-zero (2 user error, 3 external
failure, 4 bug; see airflow/README.md) ends its EMR job run FAILED, and the task fails.

The maintenance DAG is a DAG of its own (``max_active_runs=1``, no catchup: a missed day is not
made up, the next run does all that is due). Both DAGs' tasks of a BU take the slot of one pool,
``trailwatch_<bu>`` (create it with one slot: airflow/README.md): on S3, Delta's log store is safe
only with one writer per table, so a BU's maintain and its hourly detect never run at once. An
hourly run due during maintenance waits for it (minutes), and still ends well inside its hour.
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
    return one_task_dag(unit, config, dag_id="trailwatch_%s" % bu, task_id="detect",
                        description="trailwatch detect for business unit %s, hourly on EMR Serverless" % bu,
                        cron=tw.cron(schedule["lag_minutes"]), catchup=unit["catchup"], macros=tw.dag_macros(config),
                        timeout_minutes=schedule["execution_timeout_minutes"], request=tw.dag_request(bu, config),
                        tags=[])


def maintenance_dag(bu, config):
    """``trailwatch_<bu>_maintenance``: one task, ``maintain``, daily at ``maintenance_at`` (UTC), no catchup."""
    unit = tw.business_unit(config, bu)
    return one_task_dag(unit, config, dag_id="trailwatch_%s_maintenance" % bu, task_id="maintain",
                        description="trailwatch maintain for business unit %s, daily on EMR Serverless" % bu,
                        cron=tw.maintenance_cron(unit), catchup=False, macros=tw.dag_maintenance_macros(),
                        timeout_minutes=config["schedule"]["maintenance_timeout_minutes"],
                        request=tw.dag_maintenance_request(bu, config), tags=["maintenance"])


def pool_name(bu):
    """The pool of one slot that a business unit's hourly and maintenance tasks share."""
    return "trailwatch_%s" % bu


def one_task_dag(unit, config, dag_id, task_id, description, cron, catchup, macros, timeout_minutes, request, tags):
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
        EmrServerlessStartJobOperator(
            task_id=task_id,
            # One writer at a time of the BU's tables: the hourly and the maintenance task share it.
            pool=pool_name(unit["name"]),
            pool_slots=1,
            wait_for_completion=True,
            deferrable=schedule["deferrable"],
            # Poll every 30 s for up to the task's timeout (the provider's default gives up after 25 minutes).
            waiter_delay=30,
            waiter_max_attempts=timeout_minutes * 2,
            **tw.operator_kwargs(request),
        )
    return dag


CONFIG = tw.load_settings(settings_path())
for _bu in tw.business_units(CONFIG):
    for _dag in (hourly_dag(_bu, CONFIG), maintenance_dag(_bu, CONFIG)):
        globals()[_dag.dag_id] = _dag
