"""`make bench`: runs every bench/bench_*.py module's `run()` and prints its figures.

Benchmarks set up their own data in a throw-away database (`bench.support.bench_database`)
so they never touch the demo data. Targets are printed beside the figures, not asserted.
"""
import importlib
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# A database file of its own, so a benchmark never meets a test run's database.
os.environ.setdefault("TEST_DB_NAME", "build/bench-db.sqlite3")


def main(names):
    import django

    django.setup()
    folder = Path(__file__).parent
    modules = sorted(p.stem for p in folder.glob("bench_*.py"))
    if names:
        modules = [m for m in modules if any(n in m for n in names)]
    for name in modules:
        module = importlib.import_module(f"bench.{name}")
        print(f"\n== {name}: {module.__doc__.strip().splitlines()[0] if module.__doc__ else ''}")
        started = time.perf_counter()
        module.run()
        print(f"   ({time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main(sys.argv[1:])
