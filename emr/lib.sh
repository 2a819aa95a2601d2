# Shared by emr/submit.sh and emr/backfill.sh (sourced, not run). The requests themselves are
# built by airflow/trailwatch_requests.py from emr/start-job-run.json, as the DAGs build theirs.

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
py="${PYTHON:-python3}"
requests="$repo/airflow/trailwatch_requests.py"
settings="${TRAILWATCH_BUSINESS_UNITS:-$repo/airflow/business_units.json}"
dry_run=0
poll_seconds=30

die() {
  echo "$(basename "$0"): $*" >&2
  exit 2
}

tw() {
  "$py" "$requests" "$@"
}

setting() {
  tw setting "$1" --settings "$settings"
}

# The AWS CLI, or in a dry run the command it would run (on stderr).
aws_cli() {
  if [ "$dry_run" = 1 ]; then
    echo "would run: aws $*" >&2
  else
    aws --region "$(setting REGION)" "$@"
  fi
}

# A settings path (CONFIG_FILE, ACCOUNTS_FILE) relative to the settings file's folder.
settings_file() {
  local p
  p="$(setting "$1")"
  case "$p" in
    /*) echo "$p" ;;
    *) echo "$(cd "$(dirname "$settings")" && pwd)/$p" ;;
  esac
}

# Uploads the EMR jar and the run configuration (trailwatch.yaml and accounts.csv in one archive,
# which spark.archives=...#conf unpacks into the driver's working directory as conf/), each under a
# key that names its version (VERSION: a release, CONFIG_VERSION: yours): a job run names exactly
# what it runs, and a key once uploaded is never replaced.
upload() {
  local jar="$1" deploy version config_version config accounts tmp
  deploy="$(setting DEPLOY_URI)"
  version="$(setting VERSION)"
  config_version="$(setting CONFIG_VERSION)"
  case "$version" in
    *-SNAPSHOT | "") die "settings.VERSION is '$version': name a release (the project version, e.g. 0.2.0)" ;;
  esac
  config="$(settings_file CONFIG_FILE)"
  accounts="$(settings_file ACCOUNTS_FILE)"
  if [ ! -f "$jar" ]; then
    local why="no EMR jar at $jar: build it with 'mvn -B -pl jobs/batch -am package -DskipTests'"
    [ "$dry_run" = 1 ] && echo "warning: $why" >&2 || die "$why"
  fi
  [ -f "$config" ] || die "no config file at $config (settings.CONFIG_FILE)"
  [ -f "$accounts" ] || die "no accounts file at $accounts (settings.ACCOUNTS_FILE)"
  tmp="$(mktemp -d)"
  cp "$config" "$tmp/trailwatch.yaml"
  cp "$accounts" "$tmp/accounts.csv"
  tar -czf "$tmp/trailwatch-conf.tar.gz" -C "$tmp" trailwatch.yaml accounts.csv
  aws_cli s3 cp "$jar" "$deploy/jars/trailwatch-jobs-$version-emr.jar"
  aws_cli s3 cp "$tmp/trailwatch-conf.tar.gz" "$deploy/conf/trailwatch-conf-$config_version.tar.gz"
  rm -rf "$tmp"
}

# Ids of the unfinished job runs of business unit $1 (started in the last day).
active_runs() {
  local since
  since="$("$py" -c 'import datetime as d; print((d.datetime.now(d.timezone.utc) - d.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ"))')"
  aws --region "$(setting REGION)" emr-serverless list-job-runs --application-id "$(setting APPLICATION_ID)" \
    --created-at-after "$since" --output json | tw active-runs --bu "$1"
}

# Starts the job run of business unit $1 and hour $2; prints its id (in a dry run, the request).
start_run() {
  local bu="$1" hour="$2" request response
  request="$(mktemp)"
  tw request --bu "$bu" --hour "$hour" --settings "$settings" >"$request"
  if [ "$dry_run" = 1 ]; then
    "$py" -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1])), separators=(",", ":")))' "$request"
    rm -f "$request"
    return 0
  fi
  response="$(aws_cli emr-serverless start-job-run --cli-input-json "file://$request" --output json)"
  rm -f "$request"
  "$py" -c 'import json,sys; print(json.loads(sys.argv[1])["jobRunId"])' "$response"
}

# Waits for job run $1 to finish; returns 0 on SUCCESS, 1 otherwise (printing why).
wait_run() {
  local id="$1" state
  while :; do
    state="$(aws_cli emr-serverless get-job-run --application-id "$(setting APPLICATION_ID)" --job-run-id "$id" \
      --query jobRun.state --output text)"
    case "$state" in
      SUCCESS) return 0 ;;
      FAILED | CANCELLED)
        echo "job run $id: $state: $(aws_cli emr-serverless get-job-run --application-id "$(setting APPLICATION_ID)" \
          --job-run-id "$id" --query jobRun.stateDetails --output text)" >&2
        return 1 ;;
    esac
    sleep "$poll_seconds"
  done
}
