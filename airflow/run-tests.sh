#!/usr/bin/env bash
# Runs the Python tests of airflow/ and emr/ (unittest; no Airflow, no AWS) with a python whose
# botocore has the emr-serverless model the templates use; installs Debian's python3-botocore
# when no python has it. Closes with 'N passed, N failed'.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# The model must know CreateApplication's imageConfiguration (EMR Serverless custom images).
has_model() {
  "$1" -c 'import botocore.session as s
m = s.get_session().get_service_model("emr-serverless")
assert "imageConfiguration" in m.operation_model("CreateApplication").input_shape.members' >/dev/null 2>&1
}

pick() {
  local py
  for py in "${PYTHON:-}" python3 /usr/bin/python3; do
    if [ -n "$py" ] && command -v "$py" >/dev/null 2>&1 && has_model "$py"; then
      command -v "$py"
      return 0
    fi
  done
  return 1
}

if ! py="$(pick)"; then
  if ! /usr/bin/python3 -c 'import botocore' >/dev/null 2>&1; then
    sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
    echo "airflow/run-tests.sh: no botocore with the emr-serverless model; installing python3-botocore" >&2
    { $sudo apt-get update -qq && $sudo apt-get install -y -qq python3-botocore; } >&2 || {
      echo "airflow/run-tests.sh: cannot install python3-botocore (apt-get install python3-botocore)" >&2; exit 1; }
  fi
  py="$(pick)" || {
    echo "airflow/run-tests.sh: no python here has a botocore whose emr-serverless model knows imageConfiguration" >&2
    echo "  (Debian bookworm's python3-botocore 1.29 predates EMR Serverless custom images); use a newer botocore," >&2
    echo "  e.g. the one of AWS CLI v2 or 'pip install botocore', and point PYTHON at its python" >&2
    exit 1; }
fi
export PYTHON="$py"
exec "$py" "$here/tests/run.py"
