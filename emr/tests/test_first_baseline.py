"""emr/first-baseline.sh and emr/baseline-job-run.json: one job run builds a BU's first baseline in chunks, and resumes."""

import datetime as dt
import json
import os
import shlex
import subprocess
import threading
import time
import unittest

import emr_model
import trailwatch_requests as tw
from test_scripts import ROOT, SETTINGS, Scripts

UTC = dt.timezone.utc
START = tw.parse_hour("to", "2026-12-08T00")  # retail's start_date in the example deployment


def example():
    return tw.load_settings(SETTINGS)


class BaselineTemplateTest(unittest.TestCase):
    def request(self, bu="retail"):
        start, end = tw.baseline_range(bu, example())
        return tw.baseline_request(bu, start, end, 30, example())

    def test_every_units_first_baseline_is_a_valid_start_job_run_input(self):
        for bu in tw.business_units(example()):
            self.assertEqual("", emr_model.problems("StartJobRun", self.request(bu)), emr_model.describe())

    def test_it_builds_the_90_days_before_the_units_first_scheduled_hour_in_chunks(self):
        request = self.request()
        self.assertEqual(["baseline", "--master", "cluster", "--logs", "s3://org-cloudtrail-111122223333",
                          "--state", "s3://trailwatch-state-111122223333/state", "--accounts", "conf/accounts.csv",
                          "--config", "conf/trailwatch.yaml", "--bu", "retail", "--from", "2026-09-09",
                          "--to", "2026-12-08T00", "--chunk-days", "30"],
                         request["jobDriver"]["sparkSubmit"]["entryPointArguments"])
        self.assertEqual(("trailwatch-retail-baseline-20260909-20261208T00", 720,
                          {"app": "trailwatch", "business-unit": "retail", "job": "baseline", "from": "2026-09-09",
                           "to": "2026-12-08T00"}),
                         (request["name"], request["executionTimeoutMinutes"], request["tags"]))

    def test_its_name_makes_the_units_other_runs_wait_for_it(self):
        runs = {"jobRuns": [{"id": "b", "name": self.request()["name"], "state": "RUNNING"}]}
        self.assertEqual(("wait", ["b"]), tw.start_plan(runs, "retail", "trailwatch-retail-20261208T00"))
        self.assertEqual([], tw.active_runs(runs, "payments"))

    def test_it_runs_the_hourly_jar_and_configuration_with_four_executors_and_the_tiered_jit(self):
        hourly = tw.request_for_hour("retail", START, example())
        request = self.request()
        self.assertEqual(hourly["jobDriver"]["sparkSubmit"]["entryPoint"], request["jobDriver"]["sparkSubmit"]["entryPoint"])
        self.assertEqual(hourly["configurationOverrides"]["monitoringConfiguration"],
                         request["configurationOverrides"]["monitoringConfiguration"])

        def conf(r):
            tokens = shlex.split(r["jobDriver"]["sparkSubmit"]["sparkSubmitParameters"])
            return dict(tokens[i + 1].split("=", 1) for i, t in enumerate(tokens) if t == "--conf")
        differs = {k: (v, conf(request).get(k)) for k, v in conf(hourly).items() if conf(request).get(k) != v}
        self.assertEqual({"spark.executor.instances": ("1", "4")}, differs)
        props = request["configurationOverrides"]["applicationConfiguration"][0]["properties"]
        for key in ("spark.driver.extraJavaOptions", "spark.executor.extraJavaOptions"):
            # docs/fixed-cost.md: C1 only pays for an hour's run; a build of many million events wins with C2.
            self.assertEqual(["-XX:+UseParallelGC", "-Duser.timezone=UTC"], props[key].split())

    def test_a_bad_range_or_chunk_size_is_refused(self):
        for kwargs in ({"days": 0}, {"days": True}):
            with self.assertRaisesRegex(tw.SettingsError, "--days"):
                tw.baseline_range("retail", example(), **kwargs)
        with self.assertRaisesRegex(tw.SettingsError, "--chunk-days"):
            tw.baseline_request("retail", dt.date(2026, 9, 9), START, 0, example())
        with self.assertRaisesRegex(tw.SettingsError, "must be before"):
            tw.baseline_request("retail", dt.date(2026, 12, 8), START, 30, example())


class FirstBaselineScriptTest(Scripts):
    def expected(self, **kw):
        start, end = tw.baseline_range("retail", self.config, **kw)
        return tw.baseline_request("retail", start, end, 30, self.config)

    def starts(self):
        return [e for e in self.log() if e["event"] == "start"]

    def test_it_says_how_to_use_it_and_rejects_unknown_options(self):
        r = self.run_script("first-baseline.sh", "--help")
        self.assertEqual(0, r.returncode, r.stderr)
        self.assertTrue(r.stdout.startswith("Usage: emr/first-baseline.sh --bu NAME"), r.stdout)
        r = self.run_script("first-baseline.sh", "--bogus")
        self.assertEqual((2, "first-baseline.sh: unknown option --bogus (try --help)\n"), (r.returncode, r.stderr))

    def test_a_dry_run_prints_the_request_and_calls_nothing(self):
        r = self.run_script("first-baseline.sh", "--dry-run", "--bu", "retail")
        self.assertEqual(0, r.returncode, r.stderr)
        self.assertEqual(self.expected(), json.loads(r.stdout))
        r = self.run_script("first-baseline.sh", "--dry-run", "--bu", "retail", "--to", "2026-12-01T05", "--days", "7")
        self.assertEqual(self.expected(to=tw.parse_hour("to", "2026-12-01T05"), days=7), json.loads(r.stdout))
        self.assertEqual([], self.log())

    def test_one_job_run_builds_it(self):
        r = self.run_script("first-baseline.sh", "--bu", "retail", "--poll-seconds", "0.05")
        self.assertEqual((0, "jr-1"), (r.returncode, r.stdout.strip()), r.stderr)
        self.assertEqual(["list", "start"], [e["event"] for e in self.log()][:2], "no upload: submit.sh does that")
        self.assertEqual([self.expected()], [e["request"] for e in self.starts()])

    def test_a_failed_run_is_started_again_with_the_same_request_and_a_rerun_resumes_it(self):
        name = self.expected()["name"]
        r = self.run_script("first-baseline.sh", "--bu", "retail", "--attempts", "2",
                            "--poll-seconds", "0.05", FAKE_AWS_FAIL=name)
        self.assertEqual(1, r.returncode, r.stderr)
        self.assertIn("run the same command again to resume", r.stderr)
        self.assertEqual([self.expected()] * 2, [e["request"] for e in self.starts()], "the same build, twice")
        r = self.run_script("first-baseline.sh", "--bu", "retail", "--poll-seconds", "0.05")
        self.assertEqual((0, "jr-3"), (r.returncode, r.stdout.strip()), r.stderr)
        self.assertEqual([self.expected()] * 3, [e["request"] for e in self.starts()])

    def test_a_run_of_the_same_build_still_going_is_waited_for_not_started_again(self):
        with open(os.path.join(self.dir, "state.json"), "w") as f:
            json.dump({"runs": [{"id": "jr-old", "name": self.expected()["name"], "state": "RUNNING", "polls": 0}]}, f)
        r = self.run_script("first-baseline.sh", "--bu", "retail", "--poll-seconds", "0.05")
        self.assertEqual((0, "jr-old"), (r.returncode, r.stdout.strip()), r.stderr)
        self.assertEqual([], self.starts())

    def test_it_waits_for_the_units_other_runs_before_it_starts(self):
        with open(os.path.join(self.dir, "state.json"), "w") as f:
            json.dump({"runs": [{"id": "jr-1", "name": "trailwatch-retail-20261207T23", "state": "RUNNING", "polls": 0},
                                {"id": "jr-2", "name": "trailwatch-payments-20261207T23", "state": "RUNNING",
                                 "polls": -1000}]}, f)
        # Nothing else polls jr-1 here: a thread plays its owner, polling it to its end once the script has seen it.
        env = dict(os.environ, FAKE_AWS_DIR=self.dir, FAKE_AWS_POLLS="2")
        aws = os.path.join(self.dir, "bin", "aws")

        def owner():
            deadline = time.time() + 60
            while "list" not in [e["event"] for e in self.log()] and time.time() < deadline:
                time.sleep(0.05)
            time.sleep(0.3)
            for _ in range(3):
                subprocess.run([aws, "emr-serverless", "get-job-run", "--application-id", "a", "--job-run-id", "jr-1",
                                "--query", "jobRun.state", "--output", "text"], env=env, capture_output=True, timeout=60)
        thread = threading.Thread(target=owner)
        thread.start()
        try:
            r = self.run_script("first-baseline.sh", "--bu", "retail", "--poll-seconds", "0.1")
        finally:
            thread.join(timeout=120)
        self.assertEqual(0, r.returncode, r.stderr)
        self.assertIn("retail: waiting for its unfinished job runs (jr-1)", r.stderr)
        finished = next(e["t"] for e in self.log() if e["event"] == "finished" and e["id"] == "jr-1")
        self.assertLess(finished, self.starts()[0]["t"])

    def test_an_unknown_unit_or_bad_option_stops_it_before_any_aws_call(self):
        for args in (["--bu", "shop"], ["--bu", "retail", "--to", "2026-12-01 05"], ["--bu", "retail", "--days", "0"],
                     ["--bu", "retail", "--chunk-days", "x"], ["--to", "2026-12-01T05"]):
            r = self.run_script("first-baseline.sh", *args)
            self.assertEqual(2, r.returncode, (args, r.stderr))
        self.assertEqual([], self.log())


if __name__ == "__main__":
    unittest.main()
