"""A small local area with something in every app, and a person for each role: the pages
that the service-standard tests (titles, footer, CSP, accessibility) walk through."""
from datetime import date
from types import SimpleNamespace

from agencies.roles import Role
from commissioning.budgets import services as budget_services
from tests.factories import budgets as make_budget
from tests.factories.agencies import AgencyFactory, member
from tests.factories.contracts import make_contract, make_kpi
from tests.factories.coproduction import IntentionFactory, comment, open_consultation
from tests.factories.governance import board, meeting, seat


def build_world(area, council, icb):
    forum = AgencyFactory(local_area=area, name="Testshire Parent Carer Forum",
                          kind="parent-carer-forum")
    people = SimpleNamespace(**{
        str(role).replace("-", "_"): member(
            forum if role in (Role.PARENT_CARER, Role.YOUNG_PERSON) else council, role,
            username=f"w.{role}", limit=100000 if role == Role.APPROVER else 0)
        for role in Role})
    intentions = [
        IntentionFactory(local_area=area, lead_agency=council, partners=[icb],
                         reference=f"TST-2026-{n:03d}", owner=people.commissioner,
                         title=f"Short breaks for disabled children, part {n}")
        for n in range(1, 4)]
    consultation = open_consultation(actor=people.commissioner, intention=intentions[0])
    comment(author=people.parent_carer, intention=intentions[0], body="Saturday sessions please")
    pool = make_budget.agreement(area, [council, icb], host=council,
                                 title="Complex cases pooled fund")
    s1 = make_budget.schedule(pool, "S1", name="Residential and short-break placements for "
                              "children with complex needs",
                              contributions={council: "4800000", icb: "1400000"})
    make_budget.spend(s1, date(2025, 4, 30), "3823579.59", "April placements")
    make_budget.forecast(s1, 1, "5265000.00")
    budget_services.quarter_close(actor=None, agreement=pool, year="2025-26", quarter=1)
    contract = make_contract(area, council, agencies=[icb], reference="TST-CC-2024")
    make_kpi(contract)
    hub = board(area, name="SEND Commissioning Hub", scope=[council, icb])
    seat(hub, council, user=people.board_member)
    seat(hub, council, role="secretary", user=people.board_secretary)
    meeting(hub)
    return SimpleNamespace(people=people, intentions=intentions, consultation=consultation,
                           pool=pool, contract=contract, board=hub, forum=forum)
