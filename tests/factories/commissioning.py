"""Factories for the commissioning cycle. Intentions are created through the service, so
tests run the same validation, references and audit the portal uses."""
from decimal import Decimal

import factory

from agencies.models import Stage
from agencies.roles import Role
from commissioning import services
from commissioning.models import Intention, Priority, Strategy
from governance.models import Board
from tests.factories.agencies import AgencyFactory, LocalAreaFactory, member


class StrategyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Strategy

    local_area = factory.SubFactory(LocalAreaFactory)
    title = factory.Sequence(lambda n: f"Joint commissioning strategy {n}")
    period = "2023-2026"
    status = "published"


class PriorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Priority

    strategy = factory.SubFactory(StrategyFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Priority {n}")


class BoardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Board
        django_get_or_create = ("local_area", "name")

    local_area = factory.SubFactory(LocalAreaFactory)
    name = factory.Sequence(lambda n: f"Joint Commissioning Board {n}")
    delegated_limit = Decimal("5000000.00")


def intention(*, lead_agency, owner=None, partners=(), value="100000.00", status="active",
              **fields) -> Intention:
    """An intention created by the service (actor None: set-up, not a user action)."""
    if owner is None:
        owner = member(lead_agency, Role.COMMISSIONER)
    return services.intention_create(
        actor=None, local_area=lead_agency.local_area, lead_agency=lead_agency, owner=owner,
        title=fields.pop("title", "Short breaks for disabled children"),
        partner_agencies=list(partners), estimated_annual_value=Decimal(value), status=status,
        **fields)


def tick_all(intention_obj, actor=None):
    """Complete the current stage's checklist so the gate may be submitted."""
    intention_obj.refresh_from_db()
    for item in intention_obj.current_stage.checklist or []:
        services.checklist_tick(actor=actor, intention=intention_obj, item=item)
    return intention_obj


class Cycle:
    """A two-agency intention with a commissioner, approvers within limit, and a board."""

    def __init__(self, area, council=None, icb=None, value="100000.00"):
        self.area = area
        Stage.objects.filter(local_area=area).update(
            checklist=["Needs evidence linked", "Equality impact assessment"])
        self.council = council or AgencyFactory(local_area=area, name="Council")
        self.icb = icb or AgencyFactory(local_area=area, name="ICB", kind="icb", code="QZZ")
        self.commissioner = member(self.council, Role.COMMISSIONER, username="commissioner")
        self.council_approver = member(self.council, Role.APPROVER, limit="500000",
                                       username="council-approver")
        self.icb_approver = member(self.icb, Role.APPROVER, limit="250000",
                                   username="icb-approver")
        self.board = BoardFactory(local_area=area, name="Joint Commissioning Group",
                                  delegated_limit=Decimal("5000000"))
        # A joint board: it decides for both partners, up to its own limit.
        from governance import services as governance_services

        governance_services.board_update(actor=None, board=self.board,
                                         decides_for=[self.council, self.icb])
        self.secretary = member(self.council, Role.BOARD_SECRETARY, username="secretary")
        # Deciding a referral takes a secretary's seat on *that* board (governance's rule).
        from governance.roles import BoardRole
        from tests.factories.governance import seat

        seat(self.board, self.council, BoardRole.SECRETARY, user=self.secretary)
        self.intention = intention(lead_agency=self.council, owner=self.commissioner,
                                   partners=[self.icb], value=value)

    def submit(self):
        tick_all(self.intention)
        return services.gate_submit(actor=self.commissioner, intention=self.intention)

    def approve_all(self):
        for user, agency in ((self.council_approver, self.council), (self.icb_approver, self.icb)):
            services.intention_sign_off(actor=user, intention=self.intention, agency=agency,
                                        decision="approve", reason="")


def bulk_intentions(lead_agency, owner, count, *, partners=(), priorities=(), start=0,
                    open_gates=False):
    """`count` intentions by bulk_create (for query-count tests and benchmarks), spread over
    the area's stages, statuses and levels; optionally each with an open stage gate."""
    from django.utils import timezone

    from commissioning.models import StageGate

    area = lead_agency.local_area
    stages = list(Stage.objects.filter(local_area=area).order_by("position"))
    levels = ["strategic", "operational", "individual"]
    statuses = ["active", "active", "draft", "on-hold"]
    rows = Intention.objects.bulk_create([Intention(
        local_area=area, reference=f"{area.reference_prefix}-B-{start + i:06d}",
        title=f"Bulk intention {start + i}", summary="Generated for measurement.",
        thematic_area=["Autism", "Short breaks", "Therapies"][i % 3], level=levels[i % 3],
        lead_agency=lead_agency, estimated_annual_value=Decimal(10000 + i),
        value_is_sensitive=i % 5 == 0, current_stage=stages[i % (len(stages) - 1)],
        status="active" if open_gates else statuses[i % 4], owner=owner,
        published_for_consultation=i % 2 == 0) for i in range(count)], batch_size=500)
    through = Intention.partner_agencies.through
    through.objects.bulk_create([through(intention_id=r.pk, agency_id=a.pk)
                                 for r in rows for a in partners], batch_size=1000)
    pthrough = Intention.priorities.through
    pthrough.objects.bulk_create([pthrough(intention_id=r.pk, priority_id=p.pk)
                                  for r in rows for p in priorities], batch_size=1000)
    if open_gates:
        by_pos = {s.position: s for s in stages}
        now = timezone.now()
        StageGate.objects.bulk_create([StageGate(
            intention=r, from_stage=r.current_stage, to_stage=by_pos[r.current_stage.position + 1],
            opened_by=owner, opened_at=now) for r in rows], batch_size=500)
    return rows
