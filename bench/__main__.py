"""`make bench`: runs every bench/bench_*.py module's `run()`, then prints a table of each
figure, its target and the verdict, and exits 1 when a target is missed by more than its
noise margin (bench/support.py), 2 when a module crashed.

Benchmarks set up their own data in a throw-away database (`bench.support.bench_database`)
so they never touch the demo data. `python -m bench intentions contracts` runs only the
modules whose names contain those words.
"""
import importlib
import os
import sys
import time
import traceback
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# A database file of its own, so a benchmark never meets a test run's database.
os.environ.setdefault("TEST_DB_NAME", "build/bench-db.sqlite3")


def main(names):
    import django

    django.setup()
    from django.db import connection

    from bench import support

    folder = Path(__file__).parent
    modules = sorted(p.stem for p in folder.glob("bench_*.py"))
    if names:
        modules = [m for m in modules if any(n in m for n in names)]
    crashed = []
    for name in modules:
        module = importlib.import_module(f"bench.{name}")
        support.CURRENT["module"] = name.removeprefix("bench_")
        print(f"\n== {name}: {module.__doc__.strip().splitlines()[0] if module.__doc__ else ''}",
              flush=True)
        started = time.perf_counter()
        try:
            module.run()
        except Exception:  # noqa: BLE001 - report it, run the other modules, fail at the end
            traceback.print_exc()
            crashed.append(name)
        print(f"   ({time.perf_counter() - started:.1f} s)", flush=True)
    print(f"\n== verdicts ({connection.vendor}; noise margin as stated per figure)\n")
    print(support.table())
    missed = [f for f in support.RESULTS if f.failed]
    print(f"\n{len(support.RESULTS)} figures: "
          f"{sum(f.verdict == 'met' for f in support.RESULTS)} met, "
          f"{sum(f.verdict == 'within noise' for f in support.RESULTS)} within noise, "
          f"{len(missed)} missed" + (f"; crashed: {', '.join(crashed)}" if crashed else ""))
    if crashed:
        return 2
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
