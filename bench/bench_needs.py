"""Needs evidence: a 1,000,000-row CSV import (rows/s, peak memory) and the dashboard.

The import runs as `manage.py import_indicators FILE` in a child process against the
throw-away benchmark database, so its peak resident memory (the child's ru_maxrss) is the
importer's own. Run with DATABASE_URL set for the PostgreSQL figure (COPY into a temporary
table, then one INSERT ... ON CONFLICT); without it the embedded SQLite path runs
(executemany batches). The file: 200 indicators x 1,000 geographies x 5 periods. The
import runs twice: first every row is new, then (the same file again) every row is
unchanged and nothing is written. The dashboard's queries are counted at 5 and 100
headline indicators.
"""
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

INDICATORS = 200
GEOGRAPHIES = int(os.environ.get("BENCH_NEEDS_GEOGRAPHIES", "1000"))  # 1,000 for 1M rows
PERIODS = [f"{2019 + i}/{20 + i}" for i in range(5)]
ROWS = INDICATORS * GEOGRAPHIES * len(PERIODS)
TARGET_RATE = 20_000
TARGET_MB = 200


def _reference():
    from needs.models import Geography, Indicator

    Indicator.objects.bulk_create(
        Indicator(code=f"bench-{i}", name=f"Bench indicator {i}", unit="percentage",
                  headline=False, position=i) for i in range(INDICATORS))
    Geography.objects.bulk_create(
        Geography(code=f"E0{i:07d}", name=f"Place {i}", kind="local-authority")
        for i in range(GEOGRAPHIES))


def _write_csv(path):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["indicator_code", "area_code", "period", "value", "numerator",
                         "denominator", "lower_ci", "upper_ci", "note"])
        for i in range(INDICATORS):
            for g in range(GEOGRAPHIES):
                for p, period in enumerate(PERIODS):
                    numerator = 100 + (i * 7 + g * 13 + p) % 900
                    writer.writerow([f"bench-{i}", f"E0{g:07d}", period,
                                     f"{numerator / 100:.2f}", numerator, 10000, "", "", ""])


def _database_url():
    from django.db import connection

    s = connection.settings_dict
    if connection.vendor == "postgresql":
        return (f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/"
                f"{s['NAME']}")
    return f"sqlite:///{s['NAME']}"


def _import(path):
    """Run the command in a child; return (wall seconds including Django's start-up,
    seconds inside the command, the child's peak RSS in MB, its output)."""
    env = {**os.environ, "DATABASE_URL": _database_url(),
           "DJANGO_SETTINGS_MODULE": "portal.settings.test"}
    root = Path(__file__).resolve().parent.parent
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CHILD, str(path)], cwd=root, env=env,
                          capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode:
        raise RuntimeError(f"import failed: {done.stdout}\n{done.stderr}")
    output, _, figures = done.stdout.strip().rpartition("FIGURES ")
    inside, peak_kb = figures.split()
    return seconds, float(inside), int(peak_kb) / 1024, output.strip()


# The child: `manage.py import_indicators FILE`, then its own peak resident memory.
CHILD = """
import resource, sys, time, django
django.setup()
from django.core.management import call_command
started = time.perf_counter()
call_command("import_indicators", sys.argv[1])
print("FIGURES", time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _dashboard_queries():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from agencies import permissions
    from agencies import services as agency_services
    from agencies.roles import Role
    from needs import selectors
    from needs.models import ComparatorSet, Geography, Indicator, Observation

    area = agency_services.local_area_create(actor=None, name="Benchshire", slug="benchshire",
                                             reference_prefix="BEN")
    council = agency_services.agency_create(actor=None, local_area=area, kind="council",
                                            name="Benchshire County Council")
    user = agency_services.person_create(actor=None, username="bench.viewer",
                                         email="bench@example.org", password="bench-pass-123")
    agency_services.membership_create(actor=None, user=user, agency=council, role=Role.VIEWER)
    places = list(Geography.objects.order_by("code")[:8])
    comparators = ComparatorSet.objects.create(local_area=area, geography=places[0],
                                               england=places[1], region=places[2])
    comparators.neighbours.set(places[3:8])
    from bench.support import timed

    results = []
    for size in (5, 100):
        Indicator.objects.filter(code__in=[f"bench-{i}" for i in range(size)]).update(
            headline=True)
        assert Observation.objects.filter(indicator__headline=True).exists()
        permissions.clear_cache(user)  # count the grant look-up too, as a request would
        with CaptureQueriesContext(connection) as ctx:
            _, rows = selectors.dashboard(actor=user, local_area=area)
        p50, p95, _ = timed(lambda: selectors.dashboard(actor=user, local_area=area), repeat=10)
        results.append((size, len(rows), len(ctx.captured_queries), p50, p95))
    return results


def run():
    from django.db import connection

    from bench.support import bench_database, check

    with bench_database(), tempfile.TemporaryDirectory() as folder:
        print(f"   database: {connection.vendor}")
        _reference()
        path = Path(folder) / "observations.csv"
        started = time.perf_counter()
        _write_csv(path)
        print(f"   wrote {ROWS:,} rows ({path.stat().st_size / 1e6:.0f} MB) in "
              f"{time.perf_counter() - started:.1f} s")
        for label in ("first import (all new)", "re-import (all unchanged)"):
            wall, inside, peak_mb, output = _import(path)
            print(f"   {label}: {inside:.1f} s in the command ({wall:.1f} s with start-up), "
                  f"{ROWS / inside:,.0f} rows/s (target >= {TARGET_RATE:,} on PostgreSQL), "
                  f"peak RSS {peak_mb:.0f} MB (target <= {TARGET_MB})")
            print(f"      {output}")
            if label.startswith("first") and connection.vendor == "postgresql":
                check(f"{label}: rows/s", ROWS / inside, TARGET_RATE, "rows/s",
                      higher_is_better=True)
            check(f"{label}: peak RSS", peak_mb, TARGET_MB, "MB")
        for size, shown, queries, p50, p95 in _dashboard_queries():
            print(f"   dashboard with {size} headline indicators ({shown} shown): {queries} "
                  f"queries, p50 {p50:.1f} ms, p95 {p95:.1f} ms")
