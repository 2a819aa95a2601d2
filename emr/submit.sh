#!/usr/bin/env bash
# Uploads the EMR job jar and the run configuration, then starts trailwatch's detect for one
# business unit and hour on EMR Serverless (AWS CLI v2). See emr/README.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<EOF
Usage: emr/submit.sh --bu NAME --hour YYYY-MM-DDTHH [options]

Starts one EMR Serverless job run: 'trailwatch detect' for business unit NAME and the UTC hour,
named trailwatch-NAME-YYYYMMDDTHH. First uploads the EMR jar to DEPLOY_URI/jars/ and
trailwatch.yaml plus accounts.csv (CONFIG_FILE, ACCOUNTS_FILE) to DEPLOY_URI/conf/.

Options:
  --settings FILE   the deployment file (default: airflow/business_units.json, or \$TRAILWATCH_BUSINESS_UNITS)
  --jar FILE        the EMR jar (default: jobs/batch/target/trailwatch-jobs-<VERSION>-emr.jar)
  --no-upload       start the run with what is already uploaded
  --upload-only     upload, start nothing (then --bu and --hour are not needed)
  --wait            wait for the run to finish; exit 1 unless it succeeded
  --poll-seconds N  how often --wait asks (default 30)
  --dry-run         print the StartJobRun request (JSON) and the commands; call no AWS API
  -h, --help        this help

Refuses to start while a run of the same business unit is unfinished (two drivers must never
write one business unit's tables at once).
EOF
}

bu="" hour="" jar="" upload=1 start=1 wait=0
while [ $# -gt 0 ]; do
  case "$1" in
    --bu) bu="${2:?--bu needs a value}"; shift 2 ;;
    --hour) hour="${2:?--hour needs a value}"; shift 2 ;;
    --settings) settings="${2:?--settings needs a value}"; shift 2 ;;
    --jar) jar="${2:?--jar needs a value}"; shift 2 ;;
    --no-upload) upload=0; shift ;;
    --upload-only) start=0; shift ;;
    --wait) wait=1; shift ;;
    --poll-seconds) poll_seconds="${2:?--poll-seconds needs a value}"; shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown option $1 (try --help)" ;;
  esac
done
if [ "$start" = 1 ]; then
  [ -n "$bu" ] || die "--bu NAME is required (try --help)"
  [ -n "$hour" ] || die "--hour YYYY-MM-DDTHH is required (try --help)"
  # Fails here, before any upload, on an unknown business unit or a bad hour.
  tw request --bu "$bu" --hour "$hour" --settings "$settings" >/dev/null || exit 2
fi
[ -n "$jar" ] || jar="$repo/jobs/batch/target/trailwatch-jobs-$(setting VERSION)-emr.jar"

if [ "$upload" = 1 ]; then
  upload "$jar"
fi
[ "$start" = 1 ] || exit 0
if [ "$dry_run" = 0 ]; then
  active="$(active_runs "$bu")"
  if [ -n "$active" ]; then
    echo "submit.sh: business unit $bu has an unfinished job run ($active): wait for it or cancel it" >&2
    exit 1
  fi
fi
id="$(start_run "$bu" "$hour")"
echo "$id"
if [ "$wait" = 1 ] && [ "$dry_run" = 0 ]; then
  wait_run "$id"
fi
