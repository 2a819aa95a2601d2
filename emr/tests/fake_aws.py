"""A stand-in for the AWS CLI in the script tests: the few calls emr/*.sh make, answered from a state file.

Environment: FAKE_AWS_DIR (state, log, uploaded files), FAKE_AWS_POLLS (get-job-run answers
RUNNING this many times, then the final state), FAKE_AWS_FAIL (job-run names that end FAILED).
Every call is logged to FAKE_AWS_DIR/log.jsonl with its time; job runs log 'finished' when a
get-job-run first reports them done.
"""

import fcntl
import json
import os
import shutil
import sys
import time

DIR = os.environ["FAKE_AWS_DIR"]
STATE = os.path.join(DIR, "state.json")
FINAL = ("SUCCESS", "FAILED", "CANCELLED")


def log(event, **fields):
    with open(os.path.join(DIR, "log.jsonl"), "a", encoding="utf-8") as f:
        f.write(json.dumps(dict(fields, event=event, t=time.time())) + "\n")


def option(args, name):
    return args[args.index(name) + 1]


def main(args):
    if args[:1] == ["--region"]:
        args = args[2:]
    with open(os.path.join(DIR, "lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        state = json.load(open(STATE)) if os.path.exists(STATE) else {"runs": []}
        out = call(args, state)
        with open(STATE, "w") as f:
            json.dump(state, f)
    if out is not None:
        print(out if isinstance(out, str) else json.dumps(out))


def call(args, state):
    if args[:2] == ["s3", "cp"]:
        src, dst = args[2], args[3]
        target = os.path.join(DIR, "s3", dst[len("s3://"):])
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy(src, target)
        log("s3-cp", src=src, dst=dst)
        return None
    if args[:2] == ["emr-serverless", "start-job-run"]:
        request = json.load(open(option(args, "--cli-input-json")[len("file://"):]))
        run = {"id": "jr-%d" % (len(state["runs"]) + 1), "name": request["name"], "state": "SUBMITTED", "polls": 0}
        state["runs"].append(run)
        log("start", id=run["id"], name=run["name"], request=request)
        return {"applicationId": request["applicationId"], "jobRunId": run["id"], "arn": "arn:fake:" + run["id"]}
    if args[:2] == ["emr-serverless", "get-job-run"]:
        run = next(r for r in state["runs"] if r["id"] == option(args, "--job-run-id"))
        if option(args, "--query") == "jobRun.stateDetails":
            return "Job failed, please check complete logs in configured logging destination. ExitCode: 3."
        if run["state"] not in FINAL:
            run["polls"] += 1
            run["state"] = "RUNNING"
            if run["polls"] > int(os.environ.get("FAKE_AWS_POLLS", "2")):
                run["state"] = "FAILED" if run["name"] in os.environ.get("FAKE_AWS_FAIL", "").split(",") else "SUCCESS"
                log("finished", id=run["id"], name=run["name"], state=run["state"])
        return run["state"]
    if args[:2] == ["emr-serverless", "list-job-runs"]:
        log("list")
        return {"jobRuns": [{"id": r["id"], "name": r["name"], "state": r["state"]} for r in state["runs"]]}
    print("fake aws: unexpected call %s" % args, file=sys.stderr)
    return sys.exit(255)


if __name__ == "__main__":
    main(sys.argv[1:])
