"""`make bench-load`: 20 signed-in people against gunicorn (2 workers) on PostgreSQL.

1. Set-up (idempotent) in the database DATABASE_URL names (default: a database of its own,
   `jcp_bench_load`, created when missing): migrations; the area: in a generated nation
   (`manage.py generate_scale --areas 153 --largest-area 10000`: 10,000 intentions in the
   signed-in area, 100,000 in all) its largest area, otherwise an area with 10,000
   intentions made here (bench/bench_intentions.py's data); BENCH_LOAD_USERS (20)
   commissioners, each with a password and a confirmed TOTP device, written to
   build/bench-load-users.json for the locust users to sign in with (password, then a TOTP code).
2. gunicorn with 2 worker processes of BENCH_LOAD_THREADS (2) threads each
   (portal.settings.local with DEBUG off: no TLS in front, so no secure-only cookies),
   CONN_MAX_AGE as configured.
3. locust headless (bench/locustfile.py) for BENCH_LOAD_SECONDS (60) after a ramp-up;
   then the figures: requests/s, p50/p95 of every request and of the aggregate, errors,
   and the gunicorn workers' CPU seconds per request, against the targets (0 errors,
   p95 <= 300 ms, CPU per request <= 25 ms), with a verdict; exit 1 on a miss beyond the
   noise margin (bench/support.MARGIN).
"""
import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/jcp_bench_load"
PASSWORD = "bench-load-pass-123"  # noqa: S105 - a throw-away benchmark account
USERS = int(os.environ.get("BENCH_LOAD_USERS", "20"))
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "60"))
PORT = int(os.environ.get("BENCH_LOAD_PORT", "8765"))
THREADS = int(os.environ.get("BENCH_LOAD_THREADS", "2"))  # per worker (gthread)
SETTLE = 15  # s after the ramp before CPU is counted
TARGET_P95 = 300
TARGET_CPU = 25


def _env():
    env = {**os.environ, "DATABASE_URL": os.environ.get("DATABASE_URL", DEFAULT_DB),
           "DJANGO_SETTINGS_MODULE": "portal.settings.local", "DEBUG": "false",
           "CELERY_EAGER_IN_THREAD": "false"}
    env.setdefault("SECRET_KEY", "bench-load-" + "x" * 50)
    return env


def _create_database(url):
    name = url.rsplit("/", 1)[1]
    found = subprocess.run(["psql", url.rsplit("/", 1)[0] + "/postgres", "-tAc",
                            f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
                           capture_output=True, text=True, check=True).stdout.strip()
    if not found:
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)


def setup():
    """Runs in a child with Django set up (see SETUP below)."""
    env = _env()
    _create_database(env["DATABASE_URL"])
    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env,
                   check=True)
    subprocess.run([PY, "-c", SETUP, str(USERS)], cwd=ROOT, env=env, check=True)


SETUP = """
import json, sys, time
import django
django.setup()
from django.db import connection
from agencies import services
from agencies.models import Agency, LocalArea, User
from agencies.roles import Role
from commissioning.models import Intention
from django_otp.plugins.otp_totp.models import TOTPDevice
from bench.load import PASSWORD
started = time.perf_counter()
from django.db.models import Count
from portal.scale.nation import GEN_PREFIX
# A generated nation (`generate_scale --largest-area 10000`): its largest area, as issue 15
# asks; otherwise an area of 10,000 intentions made here.
area = (LocalArea.objects.filter(slug__startswith=GEN_PREFIX)
        .annotate(n=Count("intentions")).order_by("-n").first()
        or LocalArea.objects.filter(slug="benchshire").first())
if area is None:
    from bench.bench_intentions import _setup
    area, _ = _setup()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
council = Agency.objects.filter(local_area=area, kind="council").order_by("pk").first()
ids = list(Intention.objects.filter(local_area=area).order_by("?")
           .values_list("id", flat=True)[:500])
accounts = []
for n in range(int(sys.argv[1])):
    username = f"load{n:02d}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = services.person_create(actor=None, username=username, password=PASSWORD,
                                      email=f"{username}@bench.example.org")
        services.membership_create(actor=None, user=user, agency=council,
                                   role=Role.COMMISSIONER)
    User.objects.filter(pk=user.pk).update(two_factor_enrolled=True)
    TOTPDevice.objects.filter(user=user).delete()  # a fresh device: no used time steps
    device = TOTPDevice.objects.create(user=user, name="bench-load", confirmed=True)
    accounts.append({"username": username, "password": PASSWORD, "key": device.key,
                     "intention_ids": ids})
with open("build/bench-load-users.json", "w", encoding="utf-8") as handle:
    json.dump(accounts, handle)
print(f"   set-up: {Intention.objects.filter(local_area=area).count():,} intentions in "
      f"{area.name}, {len(accounts)} people ({time.perf_counter() - started:.1f} s)")
"""


def _cpu_seconds(pids):
    """User + system CPU seconds of these processes (from /proc; clock ticks)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _children(pid):
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


def run():
    from bench.support import check, table

    (ROOT / "build").mkdir(exist_ok=True)
    setup()
    env = _env()
    server = subprocess.Popen(
        [str(Path(PY).parent / "gunicorn"), "portal.wsgi", "-w", "2", "--threads", str(THREADS),
         # keep-alive longer than the think time: a connection closed by the server just as
         # the client reuses it is a "connection reset", counted as an error
         "--keep-alive", "5", "-b",
         f"127.0.0.1:{PORT}", "--access-logfile", "-", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        stderr=open(ROOT / "build" / "bench-load-gunicorn.log", "w"))  # noqa: SIM115
    try:
        for _ in range(60):
            try:
                urlopen(f"http://127.0.0.1:{PORT}/account/sign-in/", timeout=2)  # noqa: S310
                break
            except OSError:
                time.sleep(0.5)
        workers = _children(server.pid)
        prefix = ROOT / "build" / "bench-load"
        # Everyone signs in during the ramp (5 people/s) outside the figures (the locust
        # file signs in with a session of its own); CPU per request is taken between a
        # moment after the ramp (SETTLE s) and the end, over the requests made meanwhile
        # (locust's full history).
        ramp = USERS // 5 + SETTLE
        started = time.perf_counter()
        locust = subprocess.Popen(
            [str(Path(PY).parent / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"),
             "--headless", "-u", str(USERS), "-r", "5", "-t", f"{SECONDS + ramp}s",
             "--host", f"http://127.0.0.1:{PORT}", "--csv", str(prefix), "--csv-full-history",
             "--only-summary", "--loglevel", "WARNING"],
            cwd=ROOT, env={**env, "BENCH_LOAD_USERS": str(ROOT / "build/bench-load-users.json")},
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(ramp)
        cpu_from, at_from = _cpu_seconds(workers), time.time()
        load_from = os.getloadavg()[0]
        out, err = locust.communicate(timeout=SECONDS + ramp + 120)
        elapsed = time.perf_counter() - started
        cpu = _cpu_seconds(workers) - cpu_from
        load_to = os.getloadavg()[0]
        print(out[-6000:])
        if locust.returncode not in (0, 1):
            print(err[-3000:])
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        log = (ROOT / "build" / "bench-load-gunicorn.log").read_text()
        if "WORKER TIMEOUT" in log or "Traceback" in log:
            print("   gunicorn reported:\n" + log[-3000:])
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    with open(f"{prefix}_stats_history.csv", encoding="utf-8") as handle:
        history = [r for r in csv.DictReader(handle) if r["Name"] == "Aggregated"]
    total = next(r for r in rows if r["Name"] == "Aggregated")
    requests, failures = int(total["Request Count"]), int(total["Failure Count"])
    p95 = float(total["95%"])
    before = [r for r in history if float(r["Timestamp"]) <= at_from]
    counted = int(history[-1]["Total Request Count"]) - (
        int(before[-1]["Total Request Count"]) if before else 0)
    cpu_ms = cpu / max(counted, 1) * 1000
    print(f"   {USERS} people, {elapsed:.0f} s (load average {load_from:.1f} -> "
          f"{load_to:.1f} on {os.cpu_count()} cores): {requests:,} requests, "
          f"{float(total['Requests/s']):.1f} requests/s, p50 {float(total['50%']):.0f} ms, "
          f"p95 {p95:.0f} ms, {failures} errors; gunicorn CPU {cpu:.1f} s over {counted:,} "
          f"requests after the ramp: {cpu_ms:.1f} ms per request")
    for row in rows:
        if row["Name"] != "Aggregated":
            print(f"   {row['Type']:4} {row['Name']:40} n={row['Request Count']:>5} "
                  f"p50 {row['50%']:>5} ms  p95 {row['95%']:>5} ms  errors {row['Failure Count']}")
    check("load: errors", failures, 0, "errors", margin=0)
    check("load: p95 of every request", p95, TARGET_P95)
    check("load: gunicorn CPU per request (mean)", cpu_ms, TARGET_CPU)
    check("load: requests/s", float(total["Requests/s"]), 14, "req/s", higher_is_better=True)
    print()
    print(table())
    from bench.support import RESULTS

    return 1 if any(f.failed for f in RESULTS) else 0


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    sys.exit(run())
