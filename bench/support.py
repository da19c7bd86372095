"""Helpers for benchmarks: a throw-away test database, timing percentiles, query counts, and
the verdict table `make bench` prints at the end.

A module records each figure with `check(...)` (or `report(..., p95_target=...)`); figures
without a numeric target are printed as information only. The run exits non-zero when any
figure misses its target by more than its noise margin (`MARGIN`, 25 % unless the module
or BENCH_MARGIN says otherwise): this machine is shared and 2-core, so a figure just over its
target is noise, one a quarter over is a regression."""
import os
import statistics
import time
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from django.db import connection
from django.test.utils import CaptureQueriesContext

MARGIN = float(os.environ.get("BENCH_MARGIN", "0.25"))


@dataclass
class Figure:
    module: str
    label: str
    value: float
    target: float
    unit: str
    higher_is_better: bool = False
    margin: float = MARGIN

    @property
    def verdict(self) -> str:
        if self.higher_is_better:
            if self.value >= self.target:
                return "met"
            return "within noise" if self.value >= self.target * (1 - self.margin) else "MISSED"
        if self.value <= self.target:
            return "met"
        return "within noise" if self.value <= self.target * (1 + self.margin) else "MISSED"

    @property
    def failed(self) -> bool:
        return self.verdict == "MISSED"


RESULTS: list[Figure] = []
CURRENT = {"module": ""}


def check(label, value, target, unit="ms", *, higher_is_better=False, margin=MARGIN):
    """Record a figure against its target (lower is better unless said)."""
    figure = Figure(CURRENT["module"], label, float(value), float(target), unit,
                    higher_is_better, margin)
    RESULTS.append(figure)
    return figure


@contextmanager
def bench_database():
    """Create the test database (like pytest-django does), yield, then destroy it and undo
    the test environment, so that the next module can set both up again. A module that
    fails half way still tears down (the next one would otherwise fail with
    "setup_test_environment() was already called")."""
    from django.test.utils import setup_test_environment, teardown_test_environment

    with suppress(AttributeError):  # not set up: nothing to undo
        teardown_test_environment()  # a previous module that crashed before its finally
    setup_test_environment()
    try:
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        try:
            yield
        finally:
            connection.close()
            connection.creation.destroy_test_db(old_name, verbosity=0)
    finally:
        teardown_test_environment()


def analyze():
    """Refresh PostgreSQL's statistics after a bulk load, as autovacuum soon would in
    production (plans on a table without statistics are not the ones people get)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


@dataclass
class Timing:
    p50: float
    p95: float
    queries: int
    cpu_p50: float

    def __iter__(self):  # (p50, p95, queries) as `timed` always returned
        return iter((self.p50, self.p95, self.queries))


def measure(fn, repeat=20) -> Timing:
    """Run fn once to count queries, then `repeat` times: wall p50/p95 and the median CPU
    time of this process (ms)."""
    samples, cpu = [], []
    with CaptureQueriesContext(connection) as ctx:
        fn()
    queries = len(ctx.captured_queries)
    for _ in range(repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        fn()
        cpu.append((time.process_time() - cpu_started) * 1000)
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]
    return Timing(statistics.median(samples), p95, queries, statistics.median(cpu))


def timed(fn, repeat=20):
    """Run fn `repeat` times; return (p50 ms, p95 ms, queries of one run)."""
    return tuple(measure(fn, repeat))


def report(label, p50, p95, queries, target="", *, p95_target=None, cpu=None,
           cpu_target=None):
    """Print one line; with `p95_target` (ms) the p95 is checked, with `cpu_target` the
    median CPU time per run."""
    print(f"   {label}: p50 {p50:.1f} ms, p95 {p95:.1f} ms, {queries} queries"
          + (f", CPU {cpu:.1f} ms" if cpu is not None else "")
          + (f"  (target: {target})" if target else ""))
    if p95_target is not None:
        check(f"{label}: p95", p95, p95_target)
    if cpu_target is not None and cpu is not None:
        check(f"{label}: CPU p50", cpu, cpu_target)


def page_getter(client, path, status=200):
    """fn() that GETs `path` and reads the whole body (a streamed export included)."""
    def fn():
        response = client.get(path)
        assert response.status_code == status, (path, response.status_code)
        if response.streaming:
            response.getvalue()
        response.close()
    return fn


def table(results=None) -> str:
    results = RESULTS if results is None else results
    rows = [("module", "figure", "value", "target", "verdict")]
    for f in results:
        sign = ">=" if f.higher_is_better else "<="
        rows.append((f.module, f.label, f"{f.value:,.1f} {f.unit}",
                     f"{sign} {f.target:,.0f} {f.unit} (±{f.margin:.0%})", f.verdict))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip()
             for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
