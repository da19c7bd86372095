"""Contracts register at 5,000 contracts with 20 KPIs each (p50/p95 and queries).

Data is bulk-inserted (a benchmark fixture, not a domain write): 5,000 contracts across 200
providers, 100,000 KPIs and one quarter's return for each (100,000 returns), in one area
with two commissioning agencies. Measured as a commissioner: the register page (first and
a middle page, filtered and searched), its CSV export, the API list, the RAG dashboard and
a contract page."""
from datetime import date, timedelta
from decimal import Decimal

CONTRACTS = 5_000
KPIS_EACH = 20
PROVIDERS = 200


def _setup():
    from django.utils import timezone

    from agencies import services as agency_services
    from agencies.models import Agency
    from agencies.roles import Role
    from commissioning.contracts import quarters
    from commissioning.contracts.models import KPI, Contract, KPIReturn, Provider

    area = agency_services.local_area_create(actor=None, name="Benchshire", slug="benchshire",
                                             reference_prefix="BEN")
    council = agency_services.agency_create(actor=None, local_area=area, kind="council",
                                            name="Benchshire County Council")
    icb = agency_services.agency_create(actor=None, local_area=area, kind="icb",
                                        name="NHS Benchshire ICB")
    user = agency_services.person_create(actor=None, username="bench.commissioner",
                                         email="bench@example.org", password="bench-pass-123")
    agency_services.membership_create(actor=None, user=user, agency=council,
                                      role=Role.COMMISSIONER)
    providers = Provider.objects.bulk_create(
        Provider(local_area=area, name=f"Provider {n:03d} Ltd", type="independent")
        for n in range(PROVIDERS))
    today = timezone.localdate()
    contracts = Contract.objects.bulk_create(
        Contract(local_area=area, reference=f"BEN-{n:05d}", title=f"Service {n}",
                 provider=providers[n % PROVIDERS], lead_agency=council,
                 total_value=Decimal("900000.00"), annual_value=Decimal("300000.00"),
                 starts=date(2023, 4, 1), ends=today + timedelta(days=30 + n % 1500),
                 procurement_route="open", status="live") for n in range(CONTRACTS))
    through = Contract.commissioning_agencies.through
    through.objects.bulk_create(
        through(contract_id=c.pk, agency_id=a.pk) for c in contracts for a in (council, icb))
    kpis = KPI.objects.bulk_create(
        (KPI(contract=c, name=f"KPI {k}", unit="%", target=Decimal("90"),
             amber_tolerance=Decimal("5"), position=k) for c in contracts
         for k in range(KPIS_EACH)), batch_size=5000)
    year, quarter = quarters.last_ended(today)
    rags = ("green", "amber", "red")
    KPIReturn.objects.bulk_create(
        (KPIReturn(kpi=kpi, year=year, quarter=quarter, value=Decimal(85 + n % 10),
                   rag=rags[n % 3]) for n, kpi in enumerate(kpis)), batch_size=5000)
    return area, user, contracts[CONTRACTS // 2], Agency


def run():
    from django.test import Client

    from bench.support import bench_database, measure, page_getter, report

    with bench_database():
        area, user, middle, _ = _setup()
        from bench.support import analyze

        analyze()
        client = Client()
        client.force_login(user)

        print(f"   data: {CONTRACTS} contracts, {CONTRACTS * KPIS_EACH} KPIs and returns")
        for label, path, repeat, target in [
            ("register, page 1", "/contracts/", 20, 150),
            ("register, page 100, sorted by provider", "/contracts/?sort=provider&page=100", 20,
             150),
            ("register, searched and filtered", "/contracts/?q=Provider+01&status=live", 20, 150),
            ("register CSV export (5,000 rows)", "/contracts/?download=csv", 5, 1000),
            ("register xlsx export (5,000 rows)", "/contracts/?download=xlsx", 3, 1000),
            ("API list, page 1 (50)", "/api/v1/contracts/", 20, 100),
            ("RAG dashboard (100,000 returns)", "/contracts/performance/", 10, 150),
            ("contract page (20 KPIs)", f"/contracts/{middle.pk}/", 20, 150),
            ("expiry pipeline", "/contracts/ending/", 10, 150),
        ]:
            t = measure(page_getter(client, path), repeat=repeat)
            page = "export" not in label and "API" not in label
            report(label, *t, target=f"p95 <= {target} ms" + (", CPU <= 25 ms" if page else ""),
                   p95_target=target, cpu=t.cpu_p50, cpu_target=25 if page else None)


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")
    django.setup()
    run()
