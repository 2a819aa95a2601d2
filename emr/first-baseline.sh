#!/usr/bin/env bash
# Builds one business unit's first baseline on EMR Serverless: one job run of 'trailwatch baseline --bu'
# over the days before the business unit's first scheduled hour, in chunks that the job records as it
# goes. The same request started again is the same build and resumes at the first chunk not done.
# See docs/first-baseline.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<USAGE
Usage: emr/first-baseline.sh --bu NAME [--to YYYY-MM-DDTHH] [--days N] [--chunk-days N] [options]

One EMR Serverless job run (emr/baseline-job-run.json): 'trailwatch baseline --bu NAME' of the --days
whole days before --to, read and merged --chunk-days at a time, each chunk recorded in the business
unit's run ledger when done. A job run that fails is started again with the same request (the same
build: it skips the chunks recorded), up to --attempts; after that, run this command again, with
the same options. Run it before the business unit's DAG starts (or pause the DAG meanwhile).
It uploads nothing: upload the jar and the configuration (with the business unit's accounts)
first, with 'emr/submit.sh --upload-only', as when adding a business unit.

Options:
  --bu NAME         the business unit (required)
  --to HOUR         the end of the range, exclusive, UTC (default: the business unit's start_date in
                    the settings file, the first hour its DAG detects)
  --days N          whole days before --to (default 90, the baseline's retention)
  --chunk-days N    days read and merged at a time (default 30, the job's baseline.build-chunk-days)
  --attempts N      job runs at most, each resuming the one before (default 3)
  --settings FILE   the deployment file (default: airflow/business_units.json, or \$TRAILWATCH_BUSINESS_UNITS)
  --poll-seconds N  how often to ask for a run's state (default 30)
  --dry-run         print the StartJobRun request (JSON, one line); call no AWS API
  -h, --help        this help

Before starting, it waits while another job run of the business unit is unfinished (an hourly or
maintenance run, a backfill's hour); a run of the same build still going, left by an earlier
invocation, is waited for instead of starting a second one.
USAGE
}

bu="" to="" days=90 chunk_days=30 attempts=3
while [ $# -gt 0 ]; do
  case "$1" in
    --bu) bu="${2:?--bu needs a value}"; shift 2 ;;
    --to) to="${2:?--to needs a value}"; shift 2 ;;
    --days) days="${2:?--days needs a value}"; shift 2 ;;
    --chunk-days) chunk_days="${2:?--chunk-days needs a value}"; shift 2 ;;
    --attempts) attempts="${2:?--attempts needs a value}"; shift 2 ;;
    --settings) settings="${2:?--settings needs a value}"; shift 2 ;;
    --poll-seconds) poll_seconds="${2:?--poll-seconds needs a value}"; shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown option $1 (try --help)" ;;
  esac
done
[ -n "$bu" ] || die "--bu NAME is required (try --help)"
[[ "$days" =~ ^[0-9]+$ ]] || die "--days must be a whole number, not '$days'"
[[ "$chunk_days" =~ ^[0-9]+$ ]] || die "--chunk-days must be a whole number, not '$chunk_days'"
[[ "$attempts" =~ ^[1-9][0-9]*$ ]] || die "--attempts must be a whole number >= 1, not '$attempts'"

request="$(mktemp)"
trap 'rm -f "$request"' EXIT
range=(--bu "$bu" --days "$days" --chunk-days "$chunk_days" --settings "$settings")
[ -z "$to" ] || range+=(--to "$to")
# Fails here, before any AWS call, on an unknown business unit or a bad range.
tw baseline-request "${range[@]}" >"$request" || exit 2
name="$("$py" -c 'import json,sys; print(json.load(open(sys.argv[1]))["name"])' "$request")"
if [ "$dry_run" = 1 ]; then
  "$py" -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1])), separators=(",", ":")))' "$request"
  exit 0
fi

# What to do about the business unit's unfinished job runs: "start", "attach ID" or "wait IDS".
plan() {
  aws_cli emr-serverless list-job-runs --application-id "$(setting APPLICATION_ID)" \
    --states SUBMITTED PENDING SCHEDULED RUNNING QUEUED CANCELLING --output json |
    tw start-plan --bu "$bu" --name "$name"
}

for attempt in $(seq 1 "$attempts"); do
  while :; do
    out="$(plan)" || { echo "first-baseline: cannot list the application's job runs" >&2; exit 3; }
    read -r action ids <<<"$out"
    [ "$action" = wait ] || break
    echo "$bu: waiting for its unfinished job runs ($ids) before the baseline" >&2
    sleep "$poll_seconds"
  done
  if [ "$action" = attach ]; then
    id="$ids"
    echo "$bu baseline: job run $id ($name) is still going: waiting for it (attempt $attempt of $attempts)" >&2
  else
    response="$(aws_cli emr-serverless start-job-run --cli-input-json "file://$request" --output json)"
    id="$("$py" -c 'import json,sys; print(json.loads(sys.argv[1])["jobRunId"])' "$response")"
    echo "$bu baseline: job run $id ($name) started (attempt $attempt of $attempts)" >&2
  fi
  if wait_run "$id"; then
    echo "$bu baseline: job run $id succeeded" >&2
    echo "$id"
    exit 0
  fi
  echo "$bu baseline: job run $id did not succeed; the same request resumes at the first chunk not done" >&2
done
echo "first-baseline: $bu: $attempts job runs did not succeed; run the same command again to resume" >&2
exit 1
