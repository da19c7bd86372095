"""Intentions list (selector + page render) and API list at 10,000 intentions."""
from decimal import Decimal

from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from bench.support import bench_database, report, timed

COUNT = 10_000


def _setup():
    from agencies import services as agency_services
    from agencies.models import Stage
    from agencies.roles import Role
    from commissioning.models import Intention, Priority, Strategy

    area = agency_services.local_area_create(
        actor=None, name="Benchshire", slug="benchshire", reference_prefix="BEN")
    council = agency_services.agency_create(actor=None, local_area=area, kind="council",
                                            name="Benchshire County Council")
    icb = agency_services.agency_create(actor=None, local_area=area, kind="icb",
                                        name="NHS Benchshire ICB")
    user = agency_services.person_create(actor=None, username="bench", email="b@example.org",
                                         first_name="Bench", password="bench-pass-123")
    agency_services.membership_create(actor=None, user=user, agency=council,
                                      role=Role.COMMISSIONER)
    strategy = Strategy.objects.create(local_area=area, title="Strategy", period="2025-2028")
    priorities = [Priority.objects.create(strategy=strategy, number=n, title=f"Priority {n}")
                  for n in range(1, 6)]
    stages = list(Stage.objects.filter(local_area=area).order_by("position"))
    statuses = ["active", "active", "draft", "on-hold", "completed"]
    rows = Intention.objects.bulk_create([Intention(
        local_area=area, reference=f"BEN-2025-{i:05d}", title=f"Intention number {i}",
        summary="Benchmark data.", thematic_area=["Autism", "Short breaks", "Therapies"][i % 3],
        level=["strategic", "operational", "individual"][i % 3], lead_agency=council,
        estimated_annual_value=Decimal(1000 + i), value_is_sensitive=i % 7 == 0,
        current_stage=stages[i % len(stages)], status=statuses[i % 5], owner=user,
        published_for_consultation=i % 2 == 0) for i in range(COUNT)], batch_size=1000)
    partner = Intention.partner_agencies.through
    partner.objects.bulk_create([partner(intention_id=r.pk, agency_id=icb.pk) for r in rows],
                                batch_size=2000)
    link = Intention.priorities.through
    link.objects.bulk_create([link(intention_id=r.pk, priority_id=priorities[i % 5].pk)
                              for i, r in enumerate(rows)], batch_size=2000)
    return area, user


def _signed_in(user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def run():
    from commissioning import selectors

    with bench_database():
        started = timezone.now()
        area, user = _setup()
        seconds = (timezone.now() - started).total_seconds()
        print(f"   {COUNT:,} intentions created in {seconds:.1f} s")

        def selector_page():
            # the selector as the list page uses it: count + first page with relations
            from agencies import permissions
            permissions.clear_cache(user)
            qs = selectors.intention_list(actor=user, local_area=area, sort="-value")
            qs.count()
            list(qs[:25])

        report("intention_list selector, first page of 25 (sorted by value)",
               *timed(selector_page), target="p95 < 100 ms")
        client = _signed_in(user)
        for path in ("/intentions/", "/intentions/?q=number%2099&sort=-value&status=active",
                     "/intentions/by-stage/"):
            report(f"page {path}", *timed(lambda p=path: client.get(p)),
                   target="p95 < 500 ms")
        api = APIClient()
        api.force_authenticate(user)
        for path in ("/api/v1/intentions/", "/api/v1/intentions/?page_size=500&level=strategic"):
            report(f"API {path}", *timed(lambda p=path: api.get(p)), target="p95 < 500 ms")
