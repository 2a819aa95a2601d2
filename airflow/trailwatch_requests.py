"""trailwatch's EMR Serverless requests, built in plain Python (no Airflow, no AWS call).

One definition of the hourly job run: ``emr/start-job-run.json``, a StartJobRun request with
``${NAME}`` placeholders. This module fills them from the deployment file
(``business_units.json``: the business units and the deployment's settings) for one business
unit and hour. The Airflow DAGs (``dags/trailwatch_dags.py``), ``emr/submit.sh`` and
``emr/backfill.sh`` all build their requests here, so they cannot drift apart.

Placeholders: every key of ``settings``; for each ``<NAME>_URI`` that is ``s3://bucket[/path]``
also ``<NAME>_BUCKET``, ``<NAME>_PREFIX`` (``path/``, or empty) and ``<NAME>_KEY`` (``path``);
and per run ``BU``, ``HOUR`` (``YYYY-MM-DDTHH``, the job's ``--hour``) and ``HOUR_ID``
(``YYYYMMDDTHH``, in the job-run name ``trailwatch-<bu>-<YYYYMMDDTHH>``).

Command line (used by the emr/ scripts)::

    python3 trailwatch_requests.py request --bu BU --hour YYYY-MM-DDTHH [--settings FILE]
    python3 trailwatch_requests.py maintenance-request --bu BU --day YYYY-MM-DD [--settings FILE]
    python3 trailwatch_requests.py baseline-request --bu BU [--to YYYY-MM-DDTHH] [--days N] [--chunk-days N]
    python3 trailwatch_requests.py pools [--settings FILE]       (for airflow pools import)
    python3 trailwatch_requests.py render TEMPLATE.json [--settings FILE]
    python3 trailwatch_requests.py bus [--settings FILE]
    python3 trailwatch_requests.py setting NAME [--settings FILE]
    python3 trailwatch_requests.py check-bus --accounts CSV [--settings FILE]
"""

import argparse
import copy
import csv
import datetime as dt
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PLACEHOLDER = re.compile(r"\$\{([A-Z][A-Z0-9_]*)\}")
# The job's own rule for business unit names (io.trailwatch.accounts.Accounts): they end up in paths.
BU_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
HOUR_FORMAT = "%Y-%m-%dT%H"
RUN_VALUES = ("BU", "HOUR", "HOUR_ID", "FROM", "TO", "BUILD_ID", "CHUNK_DAYS")
SCHEDULE_DEFAULTS = {
    "lag_minutes": 35,
    "start_date": None,
    "catchup": False,
    "retries": 3,
    "retry_delay_minutes": 5,
    "max_retry_delay_minutes": 30,
    "execution_timeout_minutes": 55,
    "deferrable": False,
    # The hourly detect first detects the hours of its lookback that no run detected (detect --fill-gaps).
    "fill_gaps": True,
    # Daily maintenance (trailwatch maintain --bu): when, in UTC, and how long a try may take.
    "maintenance_at": "03:05",
    "maintenance_timeout_minutes": 120,
}


class SettingsError(ValueError):
    """The deployment file or a template is wrong; the message names the key."""


def find_file(name, *dirs):
    """The first of ``dir/name`` that exists, for dirs beside this module and then ``../emr``."""
    for d in dirs or (HERE, os.path.join(HERE, os.pardir, "emr")):
        path = os.path.join(d, name)
        if os.path.isfile(path):
            return os.path.normpath(path)
    raise SettingsError("Cannot find %s beside %s or in ../emr" % (name, HERE))


def default_settings_path():
    return os.environ.get("TRAILWATCH_BUSINESS_UNITS") or find_file("business_units.json")


def load_settings(path=None):
    """Reads and checks the deployment file: ``settings``, ``schedule``, ``business_units``."""
    path = path or default_settings_path()
    try:
        with open(path, encoding="utf-8") as f:
            raw = json.load(f)
    except (OSError, ValueError) as e:
        raise SettingsError("Cannot read %s: %s" % (path, e))
    return check_settings(raw, path)


def check_settings(raw, origin="business_units.json"):
    """The deployment dict with schedule defaults filled in; every error names the key."""
    if not isinstance(raw, dict):
        raise SettingsError("%s: expected a JSON object" % origin)
    unknown = sorted(set(raw) - {"settings", "schedule", "business_units", "template"})
    if unknown:
        raise SettingsError("%s: unknown key %s" % (origin, unknown[0]))
    settings = raw.get("settings")
    if not isinstance(settings, dict) or not all(isinstance(v, str) for v in settings.values()):
        raise SettingsError("%s: settings must be an object of strings" % origin)
    for name in settings:
        if not re.fullmatch(r"[A-Z][A-Z0-9_]*", name) or name in RUN_VALUES:
            raise SettingsError("%s: settings.%s: names are UPPER_CASE and not one of %s"
                                % (origin, name, ", ".join(RUN_VALUES)))
    schedule = dict(SCHEDULE_DEFAULTS)
    given = raw.get("schedule", {})
    for key, value in given.items():
        if key not in SCHEDULE_DEFAULTS:
            raise SettingsError("%s: unknown key schedule.%s" % (origin, key))
        schedule[key] = value
    check_schedule(schedule, "schedule", origin)
    bus = raw.get("business_units")
    if not isinstance(bus, list) or not bus:
        raise SettingsError("%s: business_units must be a non-empty list" % origin)
    units, seen = [], set()
    for i, bu in enumerate(bus):
        where = "business_units[%d]" % i
        if not isinstance(bu, dict) or not isinstance(bu.get("name"), str):
            raise SettingsError("%s: %s must be an object with a name" % (origin, where))
        if not BU_NAME.fullmatch(bu["name"]):
            raise SettingsError("%s: %s.name '%s' must be 1-64 letters, digits, '_', '.' or '-'"
                                % (origin, where, bu["name"]))
        if bu["name"] in seen:
            raise SettingsError("%s: %s.name '%s' is listed twice" % (origin, where, bu["name"]))
        seen.add(bu["name"])
        extra = sorted(set(bu) - {"name", "start_date", "catchup", "maintenance_at"})
        if extra:
            raise SettingsError("%s: unknown key %s.%s" % (origin, where, extra[0]))
        own = dict(schedule)
        own.update({k: v for k, v in bu.items() if k != "name"})
        check_schedule(own, where, origin)
        if own["start_date"] is None:
            raise SettingsError("%s: %s has no start_date (set schedule.start_date or %s.start_date)"
                                % (origin, where, where))
        units.append({"name": bu["name"], "start_date": own["start_date"], "catchup": own["catchup"],
                      "maintenance_at": own["maintenance_at"]})
    names = {u["name"] for u in units}
    for u in units:
        if u["name"].endswith("_maintenance") and u["name"][: -len("_maintenance")] in names:
            raise SettingsError("%s: business unit '%s' would share its DAG id with the maintenance DAG of '%s'"
                                % (origin, u["name"], u["name"][: -len("_maintenance")]))
    return {"settings": dict(settings), "schedule": schedule,
            "business_units": sorted(units, key=lambda u: u["name"]),
            "template": raw.get("template", "start-job-run.json"), "origin": origin}


def check_schedule(s, where, origin):
    for key in ("lag_minutes", "retries", "retry_delay_minutes", "max_retry_delay_minutes",
                "execution_timeout_minutes", "maintenance_timeout_minutes"):
        if not isinstance(s[key], int) or isinstance(s[key], bool) or s[key] < (1 if key != "retries" else 0):
            raise SettingsError("%s: %s.%s must be a whole number >= %d, not %r"
                                % (origin, where, key, 1 if key != "retries" else 0, s[key]))
    for key in ("catchup", "deferrable", "fill_gaps"):
        if not isinstance(s[key], bool):
            raise SettingsError("%s: %s.%s must be true or false, not %r" % (origin, where, key, s[key]))
    if s["start_date"] is not None:
        parse_hour("%s.start_date" % where, s["start_date"], origin)
    maintenance_time("%s.maintenance_at" % where, s["maintenance_at"], origin)


def maintenance_time(key, text, origin="business_units.json"):
    """``HH:MM`` (UTC) as (hour, minute)."""
    m = re.fullmatch(r"(\d{2}):(\d{2})", text) if isinstance(text, str) else None
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise SettingsError("%s: %s must be HH:MM in UTC (e.g. 03:05), not %r" % (origin, key, text))
    return int(m.group(1)), int(m.group(2))


def parse_hour(key, text, origin="--hour"):
    """``YYYY-MM-DDTHH`` as an aware UTC datetime."""
    try:
        if not isinstance(text, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}", text):
            raise ValueError
        return dt.datetime.strptime(text, HOUR_FORMAT).replace(tzinfo=dt.timezone.utc)
    except ValueError:
        raise SettingsError("%s: %s must be YYYY-MM-DDTHH in UTC (e.g. 2026-11-20T14), not %r"
                            % (origin, key, text))


def parse_day(key, text):
    """``YYYY-MM-DD`` as a date."""
    try:
        if not isinstance(text, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError
        return dt.datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise SettingsError("%s must be YYYY-MM-DD (e.g. 2026-11-20), not %r" % (key, text))


def business_units(config):
    """The business unit names, sorted."""
    return [u["name"] for u in config["business_units"]]


def business_unit(config, bu):
    for u in config["business_units"]:
        if u["name"] == bu:
            return u
    raise SettingsError("%s: no business unit '%s' (known: %s)"
                        % (config["origin"], bu, ", ".join(business_units(config))))


def hour_of(logical_date, lag_minutes):
    """The hour a DAG run processes, from its logical date (the start of its data interval).

    Runs are scheduled hourly at ``lag_minutes`` past the hour (``35 * * * *`` for 35) with data
    intervals [H + lag, H + 1h + lag): the run for hour H starts at H + 1h + lag, once CloudTrail
    has delivered the hour's files. So H is the hour of ``logical_date - lag``; for a lag under
    an hour, the logical date's own hour.
    """
    if logical_date.tzinfo is None:
        raise ValueError("logical_date must carry its time zone (Airflow's are UTC): %r" % logical_date)
    t = logical_date.astimezone(dt.timezone.utc) - dt.timedelta(minutes=lag_minutes)
    return t.replace(minute=0, second=0, microsecond=0)


def hour_text(logical_date, lag_minutes):
    """``YYYY-MM-DDTHH``: the job's ``--hour`` for a logical date."""
    return hour_of(logical_date, lag_minutes).strftime(HOUR_FORMAT)


def hour_id(logical_date, lag_minutes):
    """``YYYYMMDDTHH``: the hour in the job-run name ``trailwatch-<bu>-<YYYYMMDDTHH>``."""
    return hour_of(logical_date, lag_minutes).strftime("%Y%m%dT%H")


def cron(lag_minutes):
    """The DAG's schedule: hourly, ``lag_minutes`` past the hour."""
    return "%d * * * *" % (lag_minutes % 60)


def values(config):
    """The deployment's placeholder values: its settings and what they imply (bucket, prefix, key)."""
    out = {}
    for name, value in config["settings"].items():
        out[name] = value
        if name.endswith("_URI") and value.startswith("s3://"):
            base = name[: -len("_URI")]
            bucket, _, path = value[len("s3://"):].partition("/")
            path = path.strip("/")
            out.setdefault(base + "_BUCKET", bucket)
            out.setdefault(base + "_KEY", path)
            out.setdefault(base + "_PREFIX", path + "/" if path else "")
    return out


def render(obj, vals, origin="template"):
    """``obj`` with every ``${NAME}`` in its strings replaced; names without a value are an error."""
    missing = set()

    def sub(s):
        def one(m):
            if m.group(1) not in vals:
                missing.add(m.group(1))
                return m.group(0)
            return vals[m.group(1)]
        return PLACEHOLDER.sub(one, s)

    def walk(o):
        if isinstance(o, str):
            return sub(o)
        if isinstance(o, list):
            return [walk(x) for x in o]
        if isinstance(o, dict):
            return {walk(k): walk(v) for k, v in o.items()}
        return o

    out = walk(copy.deepcopy(obj))
    if missing:
        raise SettingsError("%s: no value for %s (add it to settings)"
                            % (origin, ", ".join("${%s}" % m for m in sorted(missing))))
    return out


def load_template(config, name=None):
    name = name or config["template"]
    path = name if os.path.isabs(name) else find_file(
        name, os.path.dirname(os.path.abspath(config["origin"])), HERE, os.path.join(HERE, os.pardir, "emr"))
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f), path
    except (OSError, ValueError) as e:
        raise SettingsError("Cannot read %s: %s" % (path, e))


def request_for_hour(bu, hour, config):
    """The StartJobRun request (AWS API field names) that runs ``detect`` for ``bu`` and one hour.

    ``hour`` is an aware UTC datetime on a whole hour.
    """
    if not isinstance(hour, dt.datetime) or hour.tzinfo is None or hour.utcoffset() or \
            hour != hour.replace(minute=0, second=0, microsecond=0):
        raise ValueError("hour must be an aware UTC datetime on a whole hour: %r" % (hour,))
    return _request(bu, hour.strftime(HOUR_FORMAT), hour.strftime("%Y%m%dT%H"), config)


def job_run_request(bu, logical_date, settings):
    """The StartJobRun request of the DAG run of ``bu`` whose logical date (data interval start) is given."""
    request = request_for_hour(bu, hour_of(logical_date, settings["schedule"]["lag_minutes"]), settings)
    return with_dag_flags(request, settings)


def dag_flags(settings):
    """What the DAG's detect adds to the hourly arguments.

    ``--pending-ok``: a run that detected and recorded its hour but left deliveries pending (a Splunk
    outage) exits 0, not 5, so the task neither fails nor retries the whole detect; the next hour's
    run, or ``deliver``, sends them. ``--fill-gaps`` (``schedule.fill_gaps``, on by default): the
    run first detects, oldest first, the hours of its lookback that no run detected (a scheduler
    outage, a run that failed for good), then its own hour.
    """
    return ["--pending-ok"] + (["--fill-gaps"] if settings["schedule"]["fill_gaps"] else [])


def with_dag_flags(request, settings):
    submit = request["jobDriver"]["sparkSubmit"]
    submit["entryPointArguments"] = list(submit["entryPointArguments"]) + dag_flags(settings)
    return request


# What a DAG's task renders when it runs: the macros are the DAG's user_defined_macros. ``params.hour`` is
# the manual trigger's hour (None on scheduled runs); ``dag_run`` is in the context of Airflow 2 and 3 alike,
# whether or not the run has a logical date.
HOUR_TEMPLATE = "{{ tw_hour(params.hour, dag_run) }}"
HOUR_ID_TEMPLATE = "{{ tw_hour_id(params.hour, dag_run) }}"
# The manual trigger form checks the hour param with this (JSON Schema "pattern"; null passes).
HOUR_PARAM_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}$"


def run_hour(param_hour, dag_run, lag_minutes):
    """The hour a DAG run detects, as an aware UTC datetime.

    - A manual trigger's ``hour`` param (``YYYY-MM-DDTHH``), when given: that hour, on any Airflow.
    - Else the run's data interval (scheduled runs; manual runs with a logical date, whose interval
      Airflow infers as the last complete one): ``hour_of`` its start.
    - Else (Airflow 3: a manual run without a logical date has no data interval, and
      ``data_interval_start`` is not even in the task's context; task-sdk
      ``execution_time/task_runner.py``, ``get_template_context``): the latest hour whose run was
      due when the run was triggered, from ``dag_run.run_after``; the same on every try.
    """
    if param_hour not in (None, ""):
        return parse_hour("params.hour", param_hour, "the run's conf")
    start = getattr(dag_run, "data_interval_start", None)
    if start is not None:
        return hour_of(start, lag_minutes)
    after = getattr(dag_run, "run_after", None)
    if after is None:
        raise SettingsError("the run has neither an hour param, nor a data interval, nor run_after: "
                            "trigger it with {\"hour\": \"YYYY-MM-DDTHH\"}")
    return hour_of(after - dt.timedelta(hours=1), lag_minutes)


def dag_request(bu, settings):
    """The request with the hour left to Airflow: Jinja that ``dag_macros`` renders at run time."""
    return with_dag_flags(_request(bu, HOUR_TEMPLATE, HOUR_ID_TEMPLATE, settings), settings)


def dag_macros(settings):
    """The ``user_defined_macros`` that render ``dag_request``'s hour (``run_hour``)."""
    lag = settings["schedule"]["lag_minutes"]
    return {"tw_hour": lambda hour, run: run_hour(hour, run, lag).strftime(HOUR_FORMAT),
            "tw_hour_id": lambda hour, run: run_hour(hour, run, lag).strftime("%Y%m%dT%H")}


def pool_name(bu):
    """The pool of one slot that a business unit's hourly and maintenance tasks share."""
    return "trailwatch_%s" % bu


def pools(config):
    """The business units' pools, as ``airflow pools import FILE`` reads them (Airflow 2.7+ and 3).

    One slot each, and ``include_deferred``: without it a deferred task (``deferrable``) frees its
    slot, and a BU's maintain could start beside its deferred detect. Airflow's
    ``airflow-core/src/airflow/cli/commands/pool_command.py`` (``pool_import_helper``) takes, per
    name, an object with ``slots`` and ``description`` (else the pool is refused) and
    ``include_deferred`` (False when absent).
    """
    return {pool_name(bu): {"slots": 1, "description": "trailwatch %s: one writer of its tables" % bu,
                            "include_deferred": True}
            for bu in business_units(config)}


def _request(bu, hour, hour_name, config):
    business_unit(config, bu)
    template, path = load_template(config)
    vals = values(config)
    vals.update({"BU": bu, "HOUR": hour, "HOUR_ID": hour_name})
    return render(template, vals, path)


def operator_kwargs(request):
    """A StartJobRun request as ``EmrServerlessStartJobOperator`` takes it (the rest goes in ``config``)."""
    known = {"applicationId": "application_id", "executionRoleArn": "execution_role_arn",
             "jobDriver": "job_driver", "configurationOverrides": "configuration_overrides", "name": "name"}
    out = {arg: request[key] for key, arg in known.items() if key in request}
    out["config"] = {k: v for k, v in request.items() if k not in known}
    return out


def check_business_units(config, accounts_csv):
    """Problems between the deployment's business units and an accounts file (empty when they agree).

    The accounts file is the job's own (``--accounts``, header ``account_id,name,business_unit``;
    ``trailwatch accounts --org`` prints the same for AWS Organizations).
    """
    with open(accounts_csv, newline="", encoding="utf-8-sig") as f:
        rows = [r for r in csv.reader(f) if r and not r[0].lstrip().startswith("#")]
    if not rows or [c.strip() for c in rows[0]] != ["account_id", "name", "business_unit"]:
        return ["%s: the first line must be account_id,name,business_unit" % accounts_csv]
    in_accounts = {r[2].strip() for r in rows[1:] if len(r) == 3}
    scheduled = set(business_units(config))
    problems = ["%s: business unit '%s' has accounts but no DAG (add it to %s)" % (accounts_csv, bu, config["origin"])
                for bu in sorted(in_accounts - scheduled)]
    problems += ["%s: business unit '%s' is scheduled but has no account in %s (its runs would fail UNKNOWN_BU)"
                 % (config["origin"], bu, accounts_csv) for bu in sorted(scheduled - in_accounts)]
    return problems


def hours(start, end):
    """The hours in [start, end), in order."""
    if end <= start:
        raise SettingsError("--to %s must be after --from %s" % (end.strftime(HOUR_FORMAT), start.strftime(HOUR_FORMAT)))
    out, h = [], start
    while h < end:
        out.append(h)
        h += dt.timedelta(hours=1)
    return out


FINISHED = ("SUCCESS", "FAILED", "CANCELLED")
# The states ListJobRuns can filter on that are not FINISHED (CANCELLING: its driver may still commit).
UNFINISHED = ("SUBMITTED", "PENDING", "SCHEDULED", "RUNNING", "QUEUED", "CANCELLING")


def job_names(bu):
    """Every job-run name of ``bu``'s writers: its hours, its maintenance days, its baseline builds."""
    return re.compile(r"trailwatch-%s-(\d{8}T\d{2}|maintain-\d{8}|baseline-\d{8}-\d{8}T\d{2})" % re.escape(bu))


def unfinished_runs(list_job_runs, bu):
    """``bu``'s job runs that have not finished (``id``, ``name``, ``state``), from a ListJobRuns response."""
    names = job_names(bu)
    return [{"id": r["id"], "name": r["name"], "state": r.get("state")} for r in list_job_runs.get("jobRuns", [])
            if names.fullmatch(r.get("name", "")) and r.get("state") not in FINISHED]


def active_runs(list_job_runs, bu):
    """The ids of ``bu``'s job runs that have not finished, from a ListJobRuns response."""
    return [r["id"] for r in unfinished_runs(list_job_runs, bu)]


def start_plan(list_job_runs, bu, name):
    """What a task about to start job run ``name`` of ``bu`` does, given the application's job runs.

    ``("attach", [id])``: a run of that very name is going (the job run of a try that died, or whose
    worker was lost, while EMR ran on): wait for it instead of starting a second writer.
    ``("wait", ids)``: other runs of the BU are going (maintain, a backfill's hour, a baseline):
    wait until they end, then ask again. ``("start", [])``: none is; start the run.
    """
    runs = unfinished_runs(list_job_runs, bu)
    mine = [r["id"] for r in runs if r["name"] == name and r["state"] != "CANCELLING"]
    if mine:
        return "attach", mine[:1]
    if runs:
        return "wait", [r["id"] for r in runs]
    return "start", []


# Daily maintenance: one job run per business unit and day, `trailwatch maintain --bu <bu>`, built from the
# hourly request so that both run the same jar, Spark settings, state and configuration.
DAY_FORMAT = "%Y%m%d"
DAY_TEMPLATE = "{{ tw_day_id(data_interval_end) }}"


def maintenance_cron(unit):
    """The maintenance DAG's schedule: daily at the business unit's ``maintenance_at`` (UTC)."""
    hour, minute = maintenance_time("maintenance_at", unit["maintenance_at"])
    return "%d %d * * *" % (minute, hour)


def maintenance_request(bu, day, config):
    """The StartJobRun request that runs ``maintain --bu <bu>`` on the day ``day`` (a date, or YYYYMMDD Jinja).

    The hourly request of the same business unit, with the job's arguments, name, tags and timeout
    replaced: its ``--state`` and ``--config`` are kept, so maintenance works on the state the
    hourly runs write, with the same ``maintenance:`` section.
    """
    day_id = day.strftime(DAY_FORMAT) if isinstance(day, (dt.date, dt.datetime)) else day
    # The hour is never used: the maintenance request keeps none of the hourly arguments that hold it.
    request = _request(bu, "0000-00-00T00", "00000000T00", config)
    submit = request["jobDriver"]["sparkSubmit"]
    submit["entryPointArguments"] = ["maintain", "--master", "cluster",
                                     "--state", _argument(submit["entryPointArguments"], "--state", config),
                                     "--config", _argument(submit["entryPointArguments"], "--config", config),
                                     "--bu", bu]
    request["name"] = "trailwatch-%s-maintain-%s" % (bu, day_id)
    request["tags"] = {"app": "trailwatch", "business-unit": bu, "job": "maintain", "day": day_id}
    # The job run ends before Airflow's task does, which then cancels nothing.
    request["executionTimeoutMinutes"] = max(1, config["schedule"]["maintenance_timeout_minutes"] - 10)
    return request


def dag_maintenance_request(bu, settings):
    """The maintenance request with the day left to Airflow (``dag_maintenance_macros``)."""
    return maintenance_request(bu, DAY_TEMPLATE, settings)


def dag_maintenance_macros():
    """``tw_day_id(data_interval_end)``: the day a daily run starts on, as YYYYMMDD."""
    return {"tw_day_id": lambda d: d.astimezone(dt.timezone.utc).strftime(DAY_FORMAT)}


# The first baseline of a business unit: one job run, `trailwatch baseline --bu <bu>` of the days before the
# BU's first scheduled hour, in chunks the job records, so that the same request run again resumes.
BASELINE_TEMPLATE = "baseline-job-run.json"
BASELINE_DAYS = 90
# The job's own default (baseline.build-chunk-days); given explicitly, because it is part of the build's id.
BASELINE_CHUNK_DAYS = 30


def baseline_range(bu, config, to=None, days=BASELINE_DAYS):
    """[from day, to hour) of a BU's first baseline: ``days`` whole days before ``to``, by default its start_date.

    The DAG's first run detects the BU's ``start_date`` hour, so the baseline ends where detection begins.
    """
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 3650:
        raise SettingsError("--days must be a whole number from 1 to 3650, not %r" % (days,))
    end = to if to is not None else parse_hour("%s.start_date" % bu, business_unit(config, bu)["start_date"],
                                               config["origin"])
    return (end - dt.timedelta(days=days)).date(), end


def baseline_request(bu, start_day, end_hour, chunk_days, config):
    """The StartJobRun request of BU's baseline build of [start_day, end_hour) in chunks of ``chunk_days``.

    Its name, ``trailwatch-<bu>-baseline-<YYYYMMDD>-<YYYYMMDDTHH>``, and its arguments are a function
    of the range: the same request started again is the same build (the job's build id hashes the
    range, the chunk size and the accounts), which skips the chunks it recorded.
    """
    if not isinstance(chunk_days, int) or isinstance(chunk_days, bool) or not 1 <= chunk_days <= 3650:
        raise SettingsError("--chunk-days must be a whole number from 1 to 3650, not %r" % (chunk_days,))
    if dt.datetime.combine(start_day, dt.time(), dt.timezone.utc) >= end_hour:
        raise SettingsError("--from %s must be before --to %s" % (start_day, end_hour.strftime(HOUR_FORMAT)))
    business_unit(config, bu)
    template, path = load_template(config, BASELINE_TEMPLATE)
    vals = values(config)
    vals.update({"BU": bu, "FROM": start_day.strftime("%Y-%m-%d"), "TO": end_hour.strftime(HOUR_FORMAT),
                 "BUILD_ID": "%s-%s" % (start_day.strftime(DAY_FORMAT), end_hour.strftime("%Y%m%dT%H")),
                 "CHUNK_DAYS": str(chunk_days)})
    return render(template, vals, path)


def _argument(arguments, flag, config):
    try:
        return arguments[arguments.index(flag) + 1]
    except (ValueError, IndexError):
        raise SettingsError("%s: the hourly template's entryPointArguments have no %s value, which maintain needs"
                            % (config["template"], flag))


def main(argv=None):
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--settings", help="the deployment file (default: $TRAILWATCH_BUSINESS_UNITS, "
                                           "else business_units.json beside this module)")
    p = argparse.ArgumentParser(prog="trailwatch_requests.py", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("request", parents=[common], help="the StartJobRun request of one BU and hour, as JSON")
    r.add_argument("--bu", required=True)
    r.add_argument("--hour", required=True, help="YYYY-MM-DDTHH (UTC)")
    m = sub.add_parser("maintenance-request", parents=[common],
                       help="the StartJobRun request of one BU's maintenance on one day, as JSON")
    m.add_argument("--bu", required=True)
    m.add_argument("--day", required=True, help="YYYY-MM-DD (UTC), the day in the job-run name")
    t = sub.add_parser("render", parents=[common], help="a template (application.json, IAM policy) filled in")
    t.add_argument("template")
    sub.add_parser("bus", parents=[common], help="the business units, one a line")
    s = sub.add_parser("setting", parents=[common], help="one value (derived ones too, e.g. DEPLOY_BUCKET)")
    s.add_argument("name")
    c = sub.add_parser("check-bus", parents=[common], help="compare the business units with an accounts CSV")
    c.add_argument("--accounts", required=True)
    h = sub.add_parser("hours", help="the hours in [--from, --to), one a line")
    h.add_argument("--from", dest="start", required=True, help="YYYY-MM-DDTHH (UTC), inclusive")
    h.add_argument("--to", dest="end", required=True, help="YYYY-MM-DDTHH (UTC), exclusive")
    b = sub.add_parser("baseline-request", parents=[common],
                       help="the StartJobRun request of one BU's first baseline, as JSON")
    b.add_argument("--bu", required=True)
    b.add_argument("--to", help="YYYY-MM-DDTHH (UTC), exclusive (default: the BU's start_date)")
    b.add_argument("--days", type=int, default=BASELINE_DAYS, help="days before --to (default %d)" % BASELINE_DAYS)
    b.add_argument("--chunk-days", type=int, default=BASELINE_CHUNK_DAYS,
                   help="days read and merged at a time (default %d)" % BASELINE_CHUNK_DAYS)
    sub.add_parser("pools", parents=[common], help="the BUs' pools with include_deferred, for 'airflow pools import'")
    sp = sub.add_parser("start-plan", help="attach ID, wait IDS or start: for job run --name of --bu, "
                                           "from list-job-runs JSON on stdin")
    sp.add_argument("--bu", required=True)
    sp.add_argument("--name", required=True)
    a = sub.add_parser("active-runs", help="ids of a BU's unfinished job runs, from list-job-runs JSON on stdin")
    a.add_argument("--bu", required=True)
    args = p.parse_args(argv)
    try:
        if args.command == "hours":
            print("\n".join(h.strftime(HOUR_FORMAT) for h in hours(parse_hour("--from", args.start),
                                                                  parse_hour("--to", args.end))))
            return 0
        if args.command == "start-plan":
            plan, ids = start_plan(json.load(sys.stdin), args.bu, args.name)
            print(" ".join([plan] + ids))
            return 0
        if args.command == "active-runs":
            print("\n".join(active_runs(json.load(sys.stdin), args.bu)))
            return 0
        config = load_settings(args.settings)
        if args.command == "request":
            out = request_for_hour(args.bu, parse_hour("--hour", args.hour), config)
        elif args.command == "baseline-request":
            start, end = baseline_range(args.bu, config, parse_hour("--to", args.to) if args.to else None, args.days)
            out = baseline_request(args.bu, start, end, args.chunk_days, config)
        elif args.command == "pools":
            out = pools(config)
        elif args.command == "maintenance-request":
            out = maintenance_request(args.bu, parse_day("--day", args.day), config)
        elif args.command == "render":
            with open(args.template, encoding="utf-8") as f:
                out = render(json.load(f), values(config), args.template)
        elif args.command == "bus":
            print("\n".join(business_units(config)))
            return 0
        elif args.command == "setting":
            vals = values(config)
            if args.name not in vals:
                raise SettingsError("%s: no setting %s" % (config["origin"], args.name))
            print(vals[args.name])
            return 0
        else:
            problems = check_business_units(config, args.accounts)
            for line in problems:
                print(line, file=sys.stderr)
            return 1 if problems else 0
    except (SettingsError, ValueError, OSError) as e:
        print("trailwatch_requests: %s" % e, file=sys.stderr)
        return 2
    json.dump(out, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
