"""Runs the Python tests of airflow/ and emr/ and closes with 'N passed, N failed' alone on a line."""

import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, os.pardir, os.pardir))


def main():
    for d in (HERE, os.path.join(ROOT, "airflow")):
        sys.path.insert(0, d)
    import emr_model
    print("botocore model: %s" % emr_model.describe())
    suite = unittest.TestSuite()
    loader = unittest.TestLoader()
    for d in (os.path.join(ROOT, "airflow", "tests"), os.path.join(ROOT, "emr", "tests")):
        suite.addTests(loader.discover(d, pattern="test_*.py", top_level_dir=d))
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
    # A skipped test is counted as failed: none of these may be skipped.
    failed = len(result.failures) + len(result.errors) + len(result.skipped) + len(result.unexpectedSuccesses)
    passed = result.testsRun - failed
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 and result.testsRun > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
