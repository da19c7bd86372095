"""Helpers for benchmarks: a throw-away test database, timing percentiles, query counts."""
import statistics
import time
from contextlib import contextmanager

from django.db import connection
from django.test.utils import (
    CaptureQueriesContext,
    setup_test_environment,
    teardown_test_environment,
)


@contextmanager
def bench_database():
    """Create the test database (like pytest-django does), yield, then destroy it and undo
    the test environment, so that the next module can set both up again."""
    setup_test_environment()
    try:
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        try:
            yield
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
    finally:
        teardown_test_environment()


def timed(fn, repeat=20):
    """Run fn `repeat` times; return (p50 ms, p95 ms, queries of one run)."""
    samples = []
    with CaptureQueriesContext(connection) as ctx:
        fn()
    queries = len(ctx.captured_queries)
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]
    return statistics.median(samples), p95, queries


def report(label, p50, p95, queries, target=""):
    print(f"   {label}: p50 {p50:.1f} ms, p95 {p95:.1f} ms, {queries} queries"
          + (f"  (target: {target})" if target else ""))
