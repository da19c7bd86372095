"""Pages of the cycle: list (filters, search, sort, export), by stage, detail, forms,
sign-off, approvals, strategy, action plan, disagreements; constant query counts."""
import csv
import io

import pytest
from openpyxl import load_workbook

from agencies.roles import Role
from commissioning import services
from commissioning.models import GateStatus, Intention, SignOff
from tests.factories.agencies import AgencyFactory, member
from tests.factories.commissioning import (
    Cycle,
    PriorityFactory,
    StrategyFactory,
    bulk_intentions,
    tick_all,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(area):
    return Cycle(area)


def test_list_filters_search_sort_and_hides_sensitive_values(signed_in, cycle):
    services.intention_update(actor=None, intention=cycle.intention, value_is_sensitive=True)
    trust = AgencyFactory(local_area=cycle.area, name="Health Trust", kind="nhs-trust")
    other = member(trust, Role.VIEWER)  # not a partner of the intention
    page = signed_in(other).get("/intentions/?q=short&sort=-value").content.decode()
    assert "Short breaks for disabled children" in page
    assert "£100,000.00" not in page and "Sensitive" in page
    page = signed_in(cycle.commissioner).get("/intentions/?status=draft").content.decode()
    assert "No intentions match" in page


def test_exports_csv_and_xlsx(signed_in, cycle):
    client = signed_in(cycle.commissioner)
    response = client.get("/intentions/export.csv?status=active")
    assert response["Content-Type"].startswith("text/csv")
    assert response.streaming  # issue 15: exports stream
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert rows[0][0] == "Reference" and rows[1][1] == "Short breaks for disabled children"
    assert rows[1][9] == "100000.00"
    response = client.get("/intentions/export.xlsx")
    assert response.streaming
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    assert sheet["A1"].value == "Reference" and sheet["J2"].value == 100000
    assert client.get("/intentions/export.pdf").status_code == 404


def test_by_stage_shows_a_column_per_stage(signed_in, cycle):
    page = signed_in(cycle.commissioner).get("/intentions/by-stage/").content.decode()
    for stage in ("Analyse", "Plan", "Do", "Review"):
        assert f">{stage} <span" in page


def test_create_with_errors_then_success(signed_in, cycle):
    client = signed_in(cycle.commissioner)
    response = client.post("/intentions/new/", {"title": "", "level": "strategic",
                                                "estimated_annual_value": "abc"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and 'href="#id_title"' in page
    assert "Enter the value as an amount" in page
    response = client.post("/intentions/new/", {
        "title": "Autism outreach", "level": "operational", "lead_agency": cycle.council.pk,
        "partner_agencies": [cycle.icb.pk], "estimated_annual_value": "12500.50"})
    assert response.status_code == 302
    created = Intention.objects.get(title="Autism outreach")
    assert created.history.first().history_user == cycle.commissioner


def test_edit_is_404_for_those_who_may_not(signed_in, cycle):
    viewer = member(cycle.icb, Role.VIEWER)
    assert signed_in(viewer).get(f"/intentions/{cycle.intention.pk}/edit/").status_code == 404
    response = signed_in(cycle.commissioner).post(f"/intentions/{cycle.intention.pk}/edit/", {
        "title": "Short breaks", "level": "strategic", "lead_agency": cycle.council.pk,
        "partner_agencies": [cycle.icb.pk], "estimated_annual_value": "100000"})
    assert response.status_code == 302


def test_detail_shows_who_still_has_to_sign_and_the_timeline(signed_in, cycle):
    cycle.submit()
    services.intention_sign_off(actor=cycle.council_approver, intention=cycle.intention,
                                agency=cycle.council, decision="approve", reason="Good plan")
    services.intention_note_add(actor=cycle.commissioner, intention=cycle.intention,
                                text="Parent carers asked for evening sessions.")
    page = signed_in(cycle.commissioner).get(f"/intentions/{cycle.intention.pk}/").content.decode()
    assert "Waiting since" in page and "Pat Person" in page  # the ICB's approver is named
    assert "Council approved the stage gate" in page
    assert "Submitted for sign-off to move from Analyse to Plan" in page
    assert "Parent carers asked for evening sessions." in page
    assert "Created at Analyse" in page
    assert "govuk-task-list" in page


def test_checklist_then_submit_sign_off_and_advance_through_pages(signed_in, cycle):
    from django.utils import timezone

    from needs import services as needs_services

    client = signed_in(cycle.commissioner)
    url = f"/intentions/{cycle.intention.pk}/"
    client.post(url + "checklist/", {"done": ["Needs evidence linked",
                                              "Equality impact assessment"]})
    assert client.post(url + "submit/").status_code == 302
    assert not cycle.intention.gates.exists()  # "Needs evidence linked" is the data's to tick
    priority = PriorityFactory(strategy=StrategyFactory(local_area=cycle.area), number=1)
    needs_services.finding_create(actor=None, local_area=cycle.area, statement="Evidence",
                                  found_on=timezone.localdate(), priorities=[priority],
                                  author=cycle.commissioner)
    services.intention_update(actor=None, intention=cycle.intention, priorities=[priority])
    assert client.post(url + "submit/").status_code == 302
    approver = signed_in(cycle.icb_approver)
    response = approver.post(url + f"sign-off/?agency={cycle.icb.pk}", {"decision": "reject"})
    assert response.status_code == 400 and "Say why you reject it" in response.content.decode()
    approver.post(url + f"sign-off/?agency={cycle.icb.pk}", {"decision": "approve"})
    signed_in(cycle.council_approver).post(url + f"sign-off/?agency={cycle.council.pk}",
                                           {"decision": "approve"})
    assert SignOff.objects.count() == 2
    signed_in(cycle.commissioner).post(url + "advance/")
    cycle.intention.refresh_from_db()
    assert cycle.intention.current_stage.name == "Plan"


def test_sign_off_page_above_limit_names_who_can_sign(signed_in, area):
    cycle = Cycle(area, value="300000.00")
    member(cycle.icb, Role.APPROVER, limit="900000", first_name="Sam", last_name="Senior")
    cycle.submit()
    page = signed_in(cycle.icb_approver).get(
        f"/intentions/{cycle.intention.pk}/sign-off/?agency={cycle.icb.pk}").content.decode()
    assert "exceeds your delegated limit of £250,000.00" in page
    assert "Sam Senior can sign for ICB" in page and "Refer to a board" not in page
    response = signed_in(cycle.icb_approver).post(
        f"/intentions/{cycle.intention.pk}/refer/?agency={cycle.icb.pk}",
        {"board": cycle.board.pk, "reason": "Above my limit"})
    assert response.status_code == 404  # a board decides only above every approver's limit
    assert cycle.board.referrals.count() == 0


def test_transitions_need_a_reason_where_declared(signed_in, cycle):
    client = signed_in(cycle.commissioner)
    url = f"/intentions/{cycle.intention.pk}/status/withdraw/"
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Merged"}).status_code == 302
    cycle.intention.refresh_from_db()
    assert cycle.intention.status == "withdrawn"
    assert client.get(f"/intentions/{cycle.intention.pk}/status/nonsense/").status_code == 404


def test_approvals_inbox(signed_in, cycle):
    cycle.submit()
    page = signed_in(cycle.icb_approver).get("/approvals/").content.decode()
    assert cycle.intention.reference in page and "Sign off" in page
    page = signed_in(cycle.commissioner).get("/approvals/").content.decode()
    assert "Nothing is waiting for your sign-off" in page


def test_strategy_action_plan_and_disagreements(signed_in, cycle):
    strategy = StrategyFactory(local_area=cycle.area, title="Joint strategy")
    priority = PriorityFactory(strategy=strategy, number=1, title="Early help")
    services.intention_update(actor=None, intention=cycle.intention, priorities=[priority])
    client = signed_in(cycle.commissioner)
    page = client.get(f"/strategies/{strategy.pk}/").content.decode()
    assert "1. Early help" in page and cycle.intention.reference in page
    plan = services.action_plan_create(actor=None, local_area=cycle.area, title="SEND plan")
    services.action_create(actor=None, plan=plan, number="1.1", title="Map provision",
                           owner_agency=cycle.council, rag="red")
    assert client.get("/action-plans/").status_code == 302
    page = client.get(f"/action-plans/{plan.pk}/").content.decode()
    assert "Map provision" in page and "govuk-tag--red" in page
    response = client.post("/disagreements/new/", {"subject": "Therapy funding",
                                                   "parties": [cycle.council.pk]})
    assert response.status_code == 400
    response = client.post("/disagreements/new/", {
        "subject": "Therapy funding", "parties": [cycle.council.pk, cycle.icb.pk]})
    assert response.status_code == 302
    detail = response["Location"]
    client.post(detail + "escalate/", {"board": cycle.board.pk})
    client.post(detail + "resolve/", {"resolution": "Split 50:50"})
    page = client.get(detail).content.decode()
    assert "Split 50:50" in page and "Joint Commissioning Group" in page


def test_parent_carer_sees_published_without_internal_parts(signed_in, cycle):
    carer = member(cycle.council, Role.PARENT_CARER)
    client = signed_in(carer)
    assert client.get(f"/intentions/{cycle.intention.pk}/").status_code == 404
    services.intention_update(actor=None, intention=cycle.intention,
                              published_for_consultation=True)
    page = client.get(f"/intentions/{cycle.intention.pk}/").content.decode()
    assert "Timeline" not in page and "Sign-off" not in page
    for path in ("/approvals/", "/disagreements/", "/action-plans/"):
        assert client.get(path).status_code in (200, 404)
    assert client.get("/disagreements/").status_code == 404


@pytest.mark.parametrize("size", [10, 1000])
def test_list_pages_cost_constant_queries(size, signed_in, cycle, django_assert_max_num_queries):
    strategy = StrategyFactory(local_area=cycle.area)
    priority = PriorityFactory(strategy=strategy, number=1)
    bulk_intentions(cycle.council, cycle.commissioner, size, partners=[cycle.icb],
                    priorities=[priority])
    client = signed_in(cycle.commissioner)
    # Measured 21 at both sizes: session, user, OTP device, area, grants and roles (~9);
    # count, page, partners, priorities (4); filter choices: stages, agencies, priorities,
    # themes, can-add check (5); navigation and area bar (3). One of slack. Issue 13: joint
    # leads (1) and the successions map, who holds each agency's records now (1), on every
    # list; the strategy page also its outcomes and its history (strategy, principles,
    # outcomes).
    for path, most in (("/intentions/?sort=-value", 24), ("/intentions/?stage=Plan&q=Bulk", 24),
                       ("/intentions/by-stage/", 22), (f"/strategies/{strategy.pk}/", 21),
                       ("/intentions/export.csv", 14)):
        with django_assert_max_num_queries(most):
            response = client.get(path)
            assert response.status_code == 200
            if response.streaming:  # the export reads its rows while it streams
                assert response.getvalue()


@pytest.mark.parametrize("size", [10, 1000])
def test_inbox_and_detail_cost_constant_queries(size, signed_in, cycle,
                                                django_assert_max_num_queries):
    rows = bulk_intentions(cycle.council, cycle.commissioner, size, partners=[cycle.icb],
                           open_gates=True)
    tick_all(cycle.intention)
    gate = services.gate_submit(actor=cycle.commissioner, intention=cycle.intention)
    for i in range(5):
        services.intention_note_add(actor=cycle.commissioner, intention=cycle.intention,
                                    text=f"Note {i}")
    assert gate.status == GateStatus.OPEN
    client = signed_in(cycle.icb_approver)
    # Measured 19: the request's own (~12), my approver limits, gates with intentions,
    # partners, sign-offs, awaiting referrals, referrals to boards, and the approvers who
    # cover each value (who can sign, issue 12). Issue 13: joint leads, successions map.
    with django_assert_max_num_queries(22):
        assert client.get("/approvals/").status_code == 200
    # Measured 31: the request's own (~12); intention, partners, priorities, gates, ticks;
    # sign-off status (3); timeline (6 audit tables + stages); golden thread (one per app);
    # approver limits per participating agency. Independent of the number of intentions
    # and of the length of the timeline. Plus 3 for the co-production panel (consultations,
    # comment counts, what changed). Plus 2 for the checklist items the portal checks from
    # the data (linked needs findings, closed consultations; issue 12); plus 2 for partners
    # and priorities added or removed (their audit tables). Issue 13: joint leads and their
    # audit table, the successions map (cached), the sign-off table's holders.
    with django_assert_max_num_queries(43):
        assert client.get(f"/intentions/{cycle.intention.pk}/").status_code == 200
    with django_assert_max_num_queries(43):
        assert client.get(f"/intentions/{rows[0].pk}/").status_code == 200


def test_golden_thread_shows_contracts_with_kpis(signed_in, cycle):
    from tests.factories.contracts import make_contract, make_kpi

    contract = make_contract(cycle.area, cycle.council, agencies=[cycle.council, cycle.icb],
                             reference="TST-C-001", intention=cycle.intention)
    make_kpi(contract, name="Families offered a break within 6 weeks")
    page = signed_in(cycle.commissioner).get(f"/intentions/{cycle.intention.pk}/").content.decode()
    assert "TST-C-001 Short breaks for disabled children" in page
    assert "KPIs: Families offered a break within 6 weeks" in page
