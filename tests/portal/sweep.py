"""Shared by the standing sweep tests (issue 14): two demo areas loaded once per module,
every route of the URL conf, and which object of an area each detail route is about.

The data is loaded inside one outer transaction that is rolled back when the module ends,
so nothing leaks into other tests; each test's own `db` transaction nests inside it.
"""
import re
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.urls import URLResolver, get_resolver

from portal import area_files

DEMO = Path(settings.BASE_DIR) / "demo" / "areas"
OWN, OTHER = "derbyshire", "llr"  # the area whose objects are attacked, and the attackers'


def load_areas(slugs):
    from agencies.models import User
    from agencies.services import api_token_create
    from needs.models import ImportRun

    for slug in slugs:
        ctx = area_files.load(DEMO / f"{slug}.yaml", password=settings.DEMO_PASSWORD)
        admin = User.objects.get(username=f"{slug}.admin")
        # The demo files hold no uploads or tokens: one of each per area, so their pages are
        # swept too.
        ImportRun.objects.create(local_area=ctx["area"], filename=f"{slug}-sweep.csv",
                                 created_by=admin)
        api_token_create(user=admin, two_factor=True, name="sweep")
        coproduction_objects(ctx["area"], admin)
        virement_object(ctx["area"], admin)


def virement_object(area, admin):
    """One proposed virement per area with a pooled budget of two schedules or more."""
    from decimal import Decimal

    from django.utils import timezone

    from commissioning.budgets.models import Schedule, Virement

    for agreement_id in Schedule.objects.filter(agreement__local_area=area).values_list(
            "agreement_id", flat=True).distinct():
        schedules = list(Schedule.objects.filter(agreement_id=agreement_id).order_by("pk")[:2])
        if len(schedules) == 2:
            Virement.objects.create(
                agreement_id=agreement_id, year="2025-26", quarter=1,
                from_schedule=schedules[0], to_schedule=schedules[1], amount=Decimal("1.00"),
                reason="Sweep virement", proposed_by=admin, proposed_at=timezone.now())
            return


def coproduction_objects(area, admin):
    """One public answer, one document and one follow per area (the demo files hold
    none), on the area's first consultation with questions, so their routes are swept."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from commissioning.coproduction.models import (
        Answer,
        Consultation,
        ConsultationDocument,
        Follow,
        Submission,
    )

    consultation = Consultation.objects.filter(intention__local_area=area,
                                               question_items__isnull=False).first()
    question = consultation.question_items.first()
    now = timezone.now()
    submission = Submission.objects.create(
        consultation=consultation, email=f"sweep@{area.slug}.example.org", status="submitted",
        submitted_at=now, confirmed_at=now)
    Answer.objects.create(submission=submission, question=question, text="Sweep")
    document = ConsultationDocument(consultation=consultation, title="Sweep", size=9,
                                    filename="sweep.pdf", content_type="application/pdf",
                                    uploaded_by=admin)
    document.file.save("sweep.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    Follow.objects.create(user=admin, intention=consultation.intention, confirmed_at=now)


class LoadedOnce:
    """Enter: open an outer transaction and load the areas. Exit: roll everything back."""

    def __init__(self, slugs):
        self.slugs = slugs
        self.atomic = transaction.atomic()

    def __enter__(self):
        self.atomic.__enter__()
        load_areas(self.slugs)
        return self

    def __exit__(self, *exc):
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)


def routes(patterns=None, prefix=""):
    """(route text, URLPattern) for every route, admin excluded."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            yield from routes(p.url_patterns, prefix + str(p.pattern))
        elif not (prefix + str(p.pattern)).startswith("admin/"):
            yield prefix + str(p.pattern), p


PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def params_of(route):
    return PARAM.findall(route)


def model_objects():
    """Route prefix (the words of the address before the first id) -> (model, the lookup
    from it to its local area). Every detail route of the URL conf must be covered here
    (test_every_detail_route_is_covered keeps it so)."""
    from agencies.models import Agency, ApiToken, Membership, User
    from commissioning.budgets.models import (
        JointPackage,
        Schedule,
        Section75Agreement,
        Virement,
    )
    from commissioning.contracts.models import (
        KPI,
        Contract,
        KPIReturn,
        PerformanceAssessment,
        Provider,
    )
    from commissioning.coproduction.models import (
        Comment,
        Consultation,
        ConsultationDocument,
        Follow,
        Question,
        Submission,
    )
    from commissioning.models import Action, ActionPlan, Disagreement, Intention, Strategy
    from governance.models import AgendaItem, Board, BoardMember, BoardReport, Meeting
    from needs.models import Finding, ImportRun

    return {
        "agencies": (Agency, "local_area"),
        "people": (User, "memberships__agency__local_area"),
        "memberships": (Membership, "agency__local_area"),
        "account/tokens": (ApiToken, "user__memberships__agency__local_area"),
        "needs/imports": (ImportRun, "local_area"),
        "findings": (Finding, "local_area"),
        "intentions": (Intention, "local_area"),
        "strategies": (Strategy, "local_area"),
        "action-plans": (ActionPlan, "local_area"),
        "actions": (Action, "plan__local_area"),
        "disagreements": (Disagreement, "local_area"),
        "pooled-budgets": (Section75Agreement, "local_area"),
        "pooled-budgets/schedules": (Schedule, "agreement__local_area"),
        "pooled-budgets/virements": (Virement, "agreement__local_area"),
        "joint-packages": (JointPackage, "local_area"),
        "contracts": (Contract, "local_area"),
        "contracts/kpis": (KPI, "contract__local_area"),
        "contracts/returns": (KPIReturn, "kpi__contract__local_area"),
        "contracts/assessments": (PerformanceAssessment, "contract__local_area"),
        "providers": (Provider, "local_area"),
        "consultations": (Consultation, "intention__local_area"),
        "comments": (Comment, "intention__local_area"),
        "questions": (Question, "consultation__intention__local_area"),
        "answers": (Submission, "consultation__intention__local_area"),
        "documents": (ConsultationDocument, "consultation__intention__local_area"),
        "follows": (Follow, "intention__local_area"),
        "boards": (Board, "local_area"),
        "meetings": (Meeting, "board__local_area"),
        "agenda-items": (AgendaItem, "meeting__board__local_area"),
        "reports": (BoardReport, "board__local_area"),
        "seats": (BoardMember, "board__local_area"),
    }


# Routes about objects that are national or public by design: nobody's area to cross.
NOT_AREA_OBJECTS = ("indicators", "public")


def prefix_of(route):
    """`api/v1/contracts/kpis/<int:pk>/edit/` -> `contracts/kpis`."""
    head = route.removeprefix("api/v1/").split("<", 1)[0].strip("/")
    return head


def object_id(prefix, area):
    if prefix == "indicators":
        from needs.models import Indicator

        return Indicator.objects.order_by("pk").values_list("pk", flat=True).first()
    if prefix == "public":  # a consultation open to the public (issue 16)
        from commissioning.coproduction.public import public_consultations_qs

        return public_consultations_qs(area).order_by("pk").values_list("pk", flat=True).first()
    model, path = model_objects()[prefix]
    return model.objects.filter(**{path: area}).order_by("pk").values_list(
        "pk", flat=True).first()


# Ids of a nested object in an address (`pooled-budgets/<pk>/schedules/<schedule_pk>/`):
# the kind of object each names.
NESTED_IDS = {"plan_pk": "action-plans", "schedule_pk": "pooled-budgets/schedules",
              "virement_pk": "pooled-budgets/virements"}


def fill(route, area, ids=None):
    """The address of `route` for the first object of its kind in `area` (None when the area
    has none). Years and quarters get a real period; other parameters the area's slug."""
    prefix = prefix_of(route)
    out = route
    for conv, name in params_of(route):
        if conv == "int" and name in ("pk", *NESTED_IDS):
            key = NESTED_IDS.get(name, prefix)
            if ids is None or key not in ids:
                ids = {} if ids is None else ids
                ids[key] = object_id(key, area)
            pk = ids[key]
            if pk is None:
                return None
            value = str(pk)
        elif conv == "int":  # a position (a question's number) or a second id
            value = "1"
        elif conv == "fy":
            value = "2025-26"
        elif name == "quarter":
            value = "1"
        elif name == "fmt":
            value = "csv"
        else:
            value = area.slug
        out = re.sub(rf"<(?:{conv}:)?{name}>", value, out, count=1)
    return "/" + out
