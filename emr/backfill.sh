#!/usr/bin/env bash
# Runs trailwatch's detect on EMR Serverless for a range of hours: one job run per business unit
# and hour, each business unit's hours one after another, in order. See emr/README.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<EOF
Usage: emr/backfill.sh --from YYYY-MM-DDTHH --to YYYY-MM-DDTHH [--bu NAME]... [options]

One job run per business unit and hour in [--from, --to) (UTC). A business unit's hours run one
at a time and in order (each starts when the one before has succeeded; the first failure stops
that business unit, and the script exits 1); --parallel business units run side by side.
Before each run it waits while another run of that business unit (an Airflow one, say) is
unfinished. Pause the business unit's DAG while you backfill it.

Options:
  --bu NAME         a business unit to backfill (repeatable; default: all of the settings file)
  --parallel N      business units at a time (default 1)
  --settings FILE   the deployment file (default: airflow/business_units.json, or \$TRAILWATCH_BUSINESS_UNITS)
  --jar FILE        the EMR jar to upload first (default: jobs/batch/target/trailwatch-jobs-<VERSION>-emr.jar)
  --no-upload       use what is already uploaded
  --poll-seconds N  how often to ask for a run's state (default 30)
  --dry-run         print the StartJobRun requests, one JSON object a line; call no AWS API
  -h, --help        this help
EOF
}

from="" to="" jar="" upload=1 parallel=1
bus=()
while [ $# -gt 0 ]; do
  case "$1" in
    --from) from="${2:?--from needs a value}"; shift 2 ;;
    --to) to="${2:?--to needs a value}"; shift 2 ;;
    --bu) bus+=("${2:?--bu needs a value}"); shift 2 ;;
    --parallel) parallel="${2:?--parallel needs a value}"; shift 2 ;;
    --settings) settings="${2:?--settings needs a value}"; shift 2 ;;
    --jar) jar="${2:?--jar needs a value}"; shift 2 ;;
    --no-upload) upload=0; shift ;;
    --poll-seconds) poll_seconds="${2:?--poll-seconds needs a value}"; shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown option $1 (try --help)" ;;
  esac
done
[ -n "$from" ] && [ -n "$to" ] || die "--from and --to are required (try --help)"
[[ "$parallel" =~ ^[1-9][0-9]*$ ]] || die "--parallel must be a whole number >= 1, not '$parallel'"
mapfile -t hours < <(tw hours --from "$from" --to "$to") && [ "${#hours[@]}" -gt 0 ] || exit 2
if [ "${#bus[@]}" -eq 0 ]; then
  mapfile -t bus < <(tw bus --settings "$settings")
fi
for bu in "${bus[@]}"; do
  tw request --bu "$bu" --hour "${hours[0]}" --settings "$settings" >/dev/null || exit 2
done
[ -n "$jar" ] || jar="$repo/jobs/batch/target/trailwatch-jobs-$(setting VERSION)-emr.jar"

if [ "$upload" = 1 ]; then
  upload "$jar"
fi

# One business unit's hours, one job run at a time.
backfill_bu() {
  local bu="$1" hour id
  for hour in "${hours[@]}"; do
    if [ "$dry_run" = 1 ]; then
      start_run "$bu" "$hour"
      continue
    fi
    while [ -n "$(active_runs "$bu")" ]; do
      echo "$bu: waiting for its unfinished job run before $hour" >&2
      sleep "$poll_seconds"
    done
    id="$(start_run "$bu" "$hour")"
    echo "$bu $hour: job run $id started" >&2
    if ! wait_run "$id"; then
      echo "$bu $hour: job run $id did not succeed; $bu stops here (later hours not started)" >&2
      return 1
    fi
    echo "$bu $hour: job run $id succeeded" >&2
  done
}

failed=0
if [ "$dry_run" = 1 ]; then
  for bu in "${bus[@]}"; do
    backfill_bu "$bu"
  done
  exit 0
fi
for bu in "${bus[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$parallel" ]; do
    wait -n || failed=1
  done
  backfill_bu "$bu" &
done
while [ "$(jobs -rp | wc -l)" -gt 0 ]; do
  wait -n || failed=1
done
if [ "$failed" = 1 ]; then
  echo "backfill: some business units stopped early (see above)" >&2
  exit 1
fi
echo "backfill: ${#bus[@]} business units x ${#hours[@]} hours done" >&2
