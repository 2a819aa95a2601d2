"""emr/submit.sh and emr/backfill.sh: their dry runs print valid requests; their real runs, against a fake AWS CLI."""

import datetime as dt
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import unittest

import emr_model
import trailwatch_requests as tw

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, os.pardir))
EMR = os.path.join(ROOT, "emr")
SETTINGS = os.path.join(ROOT, "airflow", "business_units.json")
UTC = dt.timezone.utc


def hour(text):
    return tw.parse_hour("hour", text)


class Scripts(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        os.makedirs(os.path.join(self.dir, "bin"))
        with open(os.path.join(self.dir, "bin", "aws"), "w") as f:
            f.write('#!/bin/sh\nexec "%s" "%s" "$@"\n' % (sys.executable, os.path.join(EMR, "tests", "fake_aws.py")))
        os.chmod(os.path.join(self.dir, "bin", "aws"), 0o755)
        self.jar = os.path.join(self.dir, "trailwatch-jobs-emr.jar")
        with open(self.jar, "wb") as f:
            f.write(b"PK jar")
        self.config = tw.load_settings(SETTINGS)

    def tearDown(self):
        self.tmp.cleanup()

    def run_script(self, name, *args, **env):
        e = dict(os.environ, PATH=os.path.join(self.dir, "bin") + os.pathsep + os.environ["PATH"],
                 PYTHON=sys.executable, FAKE_AWS_DIR=self.dir, FAKE_AWS_POLLS="2")
        e.pop("TRAILWATCH_BUSINESS_UNITS", None)
        e.update(env)
        return subprocess.run([os.path.join(EMR, name), *args], capture_output=True, text=True, env=e, timeout=120)

    def log(self):
        path = os.path.join(self.dir, "log.jsonl")
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return [json.loads(line) for line in f]

    def assertValid(self, request):
        self.assertEqual("", emr_model.problems("StartJobRun", request))


class HelpTest(Scripts):
    def test_each_script_says_how_to_use_it_and_rejects_unknown_options(self):
        for script, usage in (("submit.sh", "Usage: emr/submit.sh --bu NAME --hour YYYY-MM-DDTHH"),
                              ("backfill.sh", "Usage: emr/backfill.sh --from YYYY-MM-DDTHH --to YYYY-MM-DDTHH")):
            r = self.run_script(script, "--help")
            self.assertEqual(0, r.returncode, r.stderr)
            self.assertTrue(r.stdout.startswith(usage), r.stdout)
            r = self.run_script(script, "--bogus")
            self.assertEqual((2, "%s: unknown option --bogus (try --help)\n" % script), (r.returncode, r.stderr))


class SubmitTest(Scripts):
    def test_a_dry_run_prints_the_request_and_calls_nothing(self):
        r = self.run_script("submit.sh", "--dry-run", "--bu", "retail", "--hour", "2026-12-01T14", "--jar", self.jar)
        self.assertEqual(0, r.returncode, r.stderr)
        request = json.loads(r.stdout)
        self.assertEqual(tw.request_for_hour("retail", hour("2026-12-01T14"), self.config), request)
        self.assertValid(request)
        self.assertIn("would run: aws s3 cp %s s3://trailwatch-deploy-111122223333/trailwatch/jars/"
                      "trailwatch-jobs-0.2.0-emr.jar" % self.jar, r.stderr)
        self.assertEqual([], self.log())

    def test_it_uploads_the_jar_and_configuration_then_starts_the_run(self):
        r = self.run_script("submit.sh", "--bu", "payments", "--hour", "2026-12-01T14", "--jar", self.jar, "--wait",
                            "--poll-seconds", "0.05")
        self.assertEqual(0, r.returncode, r.stderr)
        self.assertEqual("jr-1", r.stdout.strip())
        events = [e["event"] for e in self.log()]
        self.assertEqual(["s3-cp", "s3-cp", "list", "start"], events[:4])
        start = next(e for e in self.log() if e["event"] == "start")
        self.assertEqual(tw.request_for_hour("payments", hour("2026-12-01T14"), self.config), start["request"])
        conf = os.path.join(self.dir, "s3", "trailwatch-deploy-111122223333", "trailwatch", "conf", "trailwatch-conf-2026-12-06.1.tar.gz")
        with tarfile.open(conf) as t:
            self.assertEqual(["accounts.csv", "trailwatch.yaml"], sorted(t.getnames()))
            accounts = t.extractfile("accounts.csv").read().decode()
        with open(os.path.join(ROOT, "airflow", "accounts.example.csv")) as f:
            self.assertEqual(f.read(), accounts)
        self.assertTrue(os.path.exists(os.path.join(self.dir, "s3", "trailwatch-deploy-111122223333", "trailwatch",
                                                    "jars", "trailwatch-jobs-0.2.0-emr.jar")))

    def test_a_failed_run_fails_the_script_when_it_waits(self):
        r = self.run_script("submit.sh", "--bu", "payments", "--hour", "2026-12-01T14", "--jar", self.jar, "--wait",
                            "--poll-seconds", "0.05", FAKE_AWS_FAIL="trailwatch-payments-20261201T14")
        self.assertEqual(1, r.returncode, r.stderr)
        self.assertIn("job run jr-1: FAILED: Job failed", r.stderr)
        self.assertIn("ExitCode: 3", r.stderr)

    def test_it_refuses_to_start_beside_an_unfinished_run_of_the_unit(self):
        with open(os.path.join(self.dir, "state.json"), "w") as f:
            json.dump({"runs": [{"id": "jr-old", "name": "trailwatch-payments-20261201T13", "state": "RUNNING",
                                 "polls": -1000}]}, f)
        r = self.run_script("submit.sh", "--bu", "payments", "--hour", "2026-12-01T14", "--no-upload")
        self.assertEqual(1, r.returncode, r.stderr)
        self.assertIn("business unit payments has an unfinished job run (jr-old)", r.stderr)
        self.assertNotIn("start", [e["event"] for e in self.log()])

    def test_an_unknown_unit_or_bad_hour_stops_it_before_any_upload(self):
        for args in (["--bu", "shop", "--hour", "2026-12-01T14"], ["--bu", "retail", "--hour", "2026-12-01 14"],
                     ["--hour", "2026-12-01T14"]):
            r = self.run_script("submit.sh", *args, "--jar", self.jar)
            self.assertEqual(2, r.returncode, (args, r.stderr))
        self.assertEqual([], self.log())


class BackfillTest(Scripts):
    def test_a_dry_run_prints_one_valid_request_per_unit_and_hour_in_order(self):
        r = self.run_script("backfill.sh", "--dry-run", "--from", "2026-12-01T22", "--to", "2026-12-02T01",
                            "--jar", self.jar)
        self.assertEqual(0, r.returncode, r.stderr)
        requests = [json.loads(line) for line in r.stdout.splitlines()]
        for request in requests:
            self.assertValid(request)
        self.assertEqual(["trailwatch-payments-20261201T22", "trailwatch-payments-20261201T23",
                          "trailwatch-payments-20261202T00", "trailwatch-retail-20261201T22",
                          "trailwatch-retail-20261201T23", "trailwatch-retail-20261202T00"],
                         [q["name"] for q in requests])
        self.assertEqual(tw.request_for_hour("retail", hour("2026-12-02T00"), self.config), requests[-1])
        self.assertEqual([], self.log())

    def runs(self):
        """Per job run: (business unit, name, started, finished, final state)."""
        log = self.log()
        done = {e["id"]: e for e in log if e["event"] == "finished"}
        return [(e["request"]["tags"]["business-unit"], e["name"], e["t"], done[e["id"]]["t"] if e["id"] in done else None,
                 done[e["id"]]["state"] if e["id"] in done else None) for e in log if e["event"] == "start"]

    def test_units_run_side_by_side_but_never_two_runs_of_one_unit_at_once(self):
        r = self.run_script("backfill.sh", "--from", "2026-12-01T10", "--to", "2026-12-01T13", "--parallel", "2",
                            "--jar", self.jar, "--poll-seconds", "0.05")
        self.assertEqual(0, r.returncode, r.stderr)
        runs = self.runs()
        self.assertEqual(6, len(runs))
        for bu in ("payments", "retail"):
            mine = [x for x in runs if x[0] == bu]
            self.assertEqual(["trailwatch-%s-20261201T%s" % (bu, h) for h in ("10", "11", "12")], [x[1] for x in mine])
            for before, after in zip(mine, mine[1:]):
                self.assertLess(before[3], after[2], "%s started before %s finished" % (after[1], before[1]))
            self.assertEqual(["SUCCESS"] * 3, [x[4] for x in mine])
        pay = [x for x in runs if x[0] == "payments"]
        shop = [x for x in runs if x[0] == "retail"]
        self.assertLess(shop[0][2], pay[-1][3], "with --parallel 2 the two units overlap")

    def test_a_failed_hour_stops_its_unit_and_the_script_says_so(self):
        r = self.run_script("backfill.sh", "--from", "2026-12-01T10", "--to", "2026-12-01T13", "--parallel", "2",
                            "--no-upload", "--poll-seconds", "0.05", FAKE_AWS_FAIL="trailwatch-payments-20261201T11")
        self.assertEqual(1, r.returncode, r.stderr)
        self.assertEqual(["trailwatch-payments-20261201T10", "trailwatch-payments-20261201T11",
                          "trailwatch-retail-20261201T10", "trailwatch-retail-20261201T11",
                          "trailwatch-retail-20261201T12"], sorted(x[1] for x in self.runs()))
        self.assertIn("payments 2026-12-01T11: job run", r.stderr)
        self.assertIn("payments stops here", r.stderr)

    def test_one_unit_at_a_time_by_default(self):
        r = self.run_script("backfill.sh", "--from", "2026-12-01T10", "--to", "2026-12-01T12", "--bu", "retail",
                            "--bu", "payments", "--no-upload", "--poll-seconds", "0.05")
        self.assertEqual(0, r.returncode, r.stderr)
        runs = self.runs()
        self.assertEqual(["trailwatch-retail-20261201T10", "trailwatch-retail-20261201T11",
                          "trailwatch-payments-20261201T10", "trailwatch-payments-20261201T11"], [x[1] for x in runs])
        for before, after in zip(runs, runs[1:]):
            self.assertLess(before[3], after[2])


if __name__ == "__main__":
    unittest.main()
