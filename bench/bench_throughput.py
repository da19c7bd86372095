"""Throughput: every board's report for a quarter of a generated nation, on a real worker.

Needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL, a database number of its own: the
queue is purged). In the throw-away database it generates a nation (`generate_scale`:
BENCH_AREAS areas, default 153, which is about 600 boards; BENCH_SCALE of the other counts,
default 0.01), starts `celery worker -c 2 --max-tasks-per-child 100` (the production
command), requests the quarter in one burst (children before parents) and times it until
every report is ready. It prints reports a minute per worker process, the minutes for the
whole quarter (target <= 10 on 2 processes), and checks every parent rolled up every board below it.
BENCH_NATION=1 measures the nation already in DATABASE_URL's own database instead (the
full size: `manage.py generate_scale` into a database of its own first); that quarter's
reports are deleted first. Then one lever measured in-process, interleaved (the machine
is shared and noisy, so ratios count): the print stylesheet and fonts loaded once per
process against a `<style>` parsed in every document.
"""
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_MINUTES = 10
PROCESSES = 2
MAX_TASKS_PER_CHILD = 100
ROOT = Path(__file__).resolve().parent.parent


def _database_url():
    from django.db import connection

    s = connection.settings_dict
    return (f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/"
            f"{s['NAME']}")


def start_worker(database_url, media, log_path):
    """The production worker command, 2 processes, in its own process group."""
    from django.conf import settings

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test",
           "CELERY_EAGER": "false", "DATABASE_URL": database_url,
           "REDIS_URL": settings.REDIS_URL, "MEDIA_ROOT": str(media),
           "PYTHONUNBUFFERED": "1"}
    log = open(log_path, "ab")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/celery"), "-A", "portal", "worker", "-P", "prefork",
         "-c", str(PROCESSES), "--max-tasks-per-child", str(MAX_TASKS_PER_CHILD),
         "--loglevel", "INFO", "--without-gossip", "--without-mingle",
         "--without-heartbeat", "-n", f"jcp-bench-{os.getpid()}@%h"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("worker exited: " + Path(log_path).read_text()[-2000:])
        if "ready." in Path(log_path).read_text(errors="replace"):
            return process
        time.sleep(0.5)
    raise RuntimeError("worker did not start: " + Path(log_path).read_text()[-2000:])


def stop_worker(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def produce_quarter(database_url, timeout=None):
    """Request the generated quarter for every board on a real worker; wait for all."""
    from django.conf import settings

    from governance import report_order, services
    from governance.graph import Graph
    from governance.models import BoardReport, ReportStatus
    from portal.celery import app
    from portal.scale.nation import QUARTER, YEAR

    timeout = timeout or 60 * float(os.environ.get("BENCH_THROUGHPUT_MINUTES", "30"))
    BoardReport.objects.filter(year=YEAR, quarter=QUARTER).delete()
    app.control.purge()
    app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryDirectory() as media:
        worker = start_worker(database_url, media, Path(media) / "worker.log")
        try:
            started = time.perf_counter()
            created = services.reports_request_quarter(year=YEAR, quarter=QUARTER)
            total = len(created)
            while time.perf_counter() - started < timeout:
                done = BoardReport.objects.filter(
                    year=YEAR, quarter=QUARTER,
                    status__in=(ReportStatus.READY, ReportStatus.FAILED)).count()
                if done == total:
                    break
                time.sleep(0.5)
            seconds = time.perf_counter() - started
            # Stopped by the time limit: the rate comes from the reports finished so far.
            finished = done
        finally:
            stop_worker(worker)
            app.conf.task_always_eager = True
            settings.CELERY_TASK_ALWAYS_EAGER = True
    # CPU of the worker and its pool processes (reaped, so counted as our children's),
    # start-up included: the figure the machine's load does not change much.
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    reports = list(BoardReport.objects.filter(year=YEAR, quarter=QUARTER))
    failed = [r for r in reports if r.status != ReportStatus.READY]
    by_board = {r.board_id: r for r in reports}
    wrong = 0
    graph = Graph(report_order.reporting_edges())
    parents = [pk for pk in by_board if graph.children(pk)]
    for parent_id in parents:
        if by_board[parent_id].status != ReportStatus.READY:
            continue  # not finished within the time limit
        rolled = {row["report_id"] for row in by_board[parent_id].data.get("rollup", [])}
        if rolled != {by_board[c].pk for c in graph.descendants([parent_id])}:
            wrong += 1
    pages = sum(r.page_count or 0 for r in reports)
    return {"reports": total, "finished": finished, "seconds": seconds, "cpu": cpu,
            "failed": len([r for r in failed if r.status == ReportStatus.FAILED]),
            "wrong_rollups": wrong, "parents": len(parents), "pages": pages}


def lever_shared_stylesheet(samples=12):
    """Interleaved: the old document (print.css in a <style>, fonts per document) against
    the shared stylesheet and fonts; best of each. Returns (old s, new s)."""
    from django.conf import settings
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe
    from weasyprint import HTML

    from governance.models import BoardReport
    from portal import pdf

    report = BoardReport.objects.filter(status="ready").order_by("-page_count").first()
    html = pdf.document_html(title="Bench", body=mark_safe(report.html),  # noqa: S308 - ours
                             running_header="Bench")
    inline = html.replace("</head>", f"<style>{render_to_string(pdf.PRINT_CSS)}</style></head>")

    def old():
        document = HTML(string=inline, base_url=str(settings.BASE_DIR),
                        url_fetcher=pdf._local_only).render(pdf_variant=pdf.PDF_VARIANT)
        document.write_pdf(pdf_variant=pdf.PDF_VARIANT)

    def new():
        pdf.render_pdf(html)

    timings = {old: [], new: []}
    for _ in range(samples):
        for fn in (old, new):
            started = time.perf_counter()
            fn()
            timings[fn].append(time.perf_counter() - started)
    return min(timings[old]), min(timings[new]), report.page_count


def _verdict(ok):
    return "MET" if ok else "MISSED"


def run():
    from django.conf import settings
    from django.db import connection

    from bench.support import bench_database

    if not settings.REDIS_URL or connection.vendor != "postgresql":
        print("   not run: needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)")
        return
    if os.environ.get("BENCH_NATION"):
        from agencies.models import LocalArea
        from portal.scale.nation import GEN_PREFIX

        if LocalArea.objects.exclude(slug__startswith=GEN_PREFIX).exists():
            print("   not run: BENCH_NATION needs DATABASE_URL to hold a generated nation only")
            return
        _measure(_database_url(), generated_in=None)
        return
    with bench_database():
        from portal.scale import nation

        areas = int(os.environ.get("BENCH_AREAS", "153"))
        scale = float(os.environ.get("BENCH_SCALE", "0.01"))
        started = time.perf_counter()
        nation.generate(nation.Plan.scaled(scale, areas=areas, seed=15), out=lambda _: None)
        _measure(_database_url(), generated_in=(areas, scale, time.perf_counter() - started))


def _measure(database_url, generated_in):
    from bench.support import check
    from governance.models import Board

    if generated_in:
        areas, scale, seconds = generated_in
        print(f"   generated {areas} areas at scale {scale} ({Board.objects.count()} boards) "
              f"in {seconds:.0f} s")
    result = produce_quarter(database_url)
    minutes = result["seconds"] / 60
    per_process = result["finished"] / minutes / PROCESSES
    for_all = result["reports"] / (per_process * PROCESSES)
    for_600 = 600 / (per_process * PROCESSES)
    cut = "" if result["finished"] == result["reports"] else " (stopped at the time limit)"
    print(f"   {result['finished']} of {result['reports']} reports ({result['pages']} pages) "
          f"on {PROCESSES} worker processes in {minutes:.1f} min{cut}: {per_process:.1f} "
          f"reports a minute per process; {result['failed']} failed")
    cpu_each = result["cpu"] / max(1, result["finished"])
    print(f"   worker CPU {cpu_each:.2f} s a report (start-up included; the database's own "
          f"CPU not): {60 / cpu_each:.0f} reports a minute per process on a core of its own, "
          f"{result['reports'] * cpu_each / PROCESSES / 60:.1f} min for the quarter on "
          f"{PROCESSES} free cores")
    print(f"   every board's quarter: {for_all:.1f} min for {result['reports']} boards, "
          f"{for_600:.1f} min for 600 (target <= {TARGET_MINUTES}): "
          f"{_verdict(for_600 <= TARGET_MINUTES and not result['failed'])}")
    print(f"   roll-ups: {result['parents'] - result['wrong_rollups']} of {result['parents']} "
          f"parents hold the report of every board below (target: all): "
          f"{_verdict(result['wrong_rollups'] == 0)}")
    # In `make bench`'s table too, with its verdict.
    check(f"every board's quarter on {PROCESSES} processes, for 600 boards", for_600,
          TARGET_MINUTES, "min")
    check("reports that failed", result["failed"], 0, "")
    check("parents missing a report below them", result["wrong_rollups"], 0, "")
    old, new, pages = lever_shared_stylesheet()
    print(f"   lever, stylesheet and fonts once per process ({pages}-page report): "
          f"{old * 1000:.0f} ms -> {new * 1000:.0f} ms per render, ratio {new / old:.2f}")
    sys.stdout.flush()
