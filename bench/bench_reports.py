"""Board reports: a 40-page report end to end vs WeasyPrint alone; queries per report."""
import time
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.safestring import mark_safe

from bench.support import bench_database, check

TARGET_PAGES = 40


def _setup():
    from agencies import services as agency_services
    from agencies.models import Agency
    from agencies.roles import Role
    from tests.factories.agencies import LocalAreaFactory, UserFactory
    from tests.factories.governance import board, busy_quarter, seat

    area = LocalAreaFactory(name="Benchshire", slug="benchshire", reference_prefix="BEN")
    council = agency_services.agency_create(actor=None, local_area=area, kind="council",
                                            name="Benchshire County Council", code="E10000098")
    icb = agency_services.agency_create(actor=None, local_area=area, kind="icb",
                                        name="NHS Benchshire ICB", code="QZY")
    owner = UserFactory(username="bench.owner")
    agency_services.membership_create(actor=None, user=owner, agency=council,
                                      role=Role.COMMISSIONER)
    b = board(area, name="SEND Strategic Board", scope=[council, icb], quorum=2)
    for agency, role in ((council, "secretary"), (icb, "chair"), (council, "member")):
        seat(b, agency, role)
    # ~40 A4 pages: meetings and decisions whose tables split across pages (WeasyPrint's
    # slow path), so the figure is an honest upper case.
    busy_quarter(b, meetings=12, items=15)
    return b, area, council, icb, owner, Agency


def _intentions(area, lead, partner, owner, count, start):
    from commissioning import services as cycle_services

    for n in range(start, start + count):
        cycle_services.intention_create(
            actor=None, local_area=area, lead_agency=lead, owner=owner,
            title=f"Benchmark intention {n}", partner_agencies=[partner],
            estimated_annual_value=Decimal("125000.00"), status="active")


def run():
    from governance.models import BoardReport
    from governance.reports.assembly import assemble
    from governance.services import reports as report_services
    from portal import pdf

    with bench_database():
        b, area, council, icb, owner, _ = _setup()
        # Interleaved, best of three each, so load from other processes hits both alike.
        timings, alone, html = [], [], None
        for _ in range(3):
            report = BoardReport.objects.create(board=b, year="2025-26", quarter=2,
                                                version=BoardReport.objects.count() + 1)
            started = time.perf_counter()
            report_services.report_produce(report_id=report.pk)
            timings.append(time.perf_counter() - started)
            report.refresh_from_db()
            assert report.status == "ready", report.error
            html = html or pdf.document_html(  # the stored body is our own rendered HTML
                title=f"{b.name}: quarterly report, {report.period_label}",
                body=mark_safe(report.html),  # noqa: S308
                running_header=f"{b.name} · {report.period_label}")
            started = time.perf_counter()
            pdf.render_pdf(html)
            alone.append(time.perf_counter() - started)
        full, bare = min(timings), min(alone)
        print(f"   report of {report.page_count} pages: produced in {full:.2f} s "
              f"(assemble + render + store), WeasyPrint alone {bare:.2f} s: "
              f"ratio {full / bare:.2f}x  (target: <= 1.5x)")
        check("report vs WeasyPrint alone", full / bare, 1.5, "x")

        assemble(report)  # warm Django's per-process caches (content types, templates)
        counts = {}
        for total in (10, 250):
            _intentions(area, council, icb, owner, total - sum(counts) if counts else total,
                        start=len(counts) * 1000)
            with CaptureQueriesContext(connection) as ctx:
                assemble(report)
            counts[total] = len(ctx.captured_queries)
        print("   queries to assemble one report: " + ", ".join(
            f"{q} with {n} intentions" for n, q in counts.items())
            + "  (target: the same at both sizes)")
        check("queries to assemble a report, 250 vs 10 intentions",
              counts[250] - counts[10], 0, "queries", margin=0)
