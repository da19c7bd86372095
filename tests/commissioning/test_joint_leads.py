"""Jointly led intentions, and intentions of an agency that has been replaced (issue 13):
each lead is shown as lead and signs off every gate; a CCG's work is shown, signed and
reported under the ICB that replaced it."""
import datetime
import re

import pytest
from django.utils import timezone

from agencies import services as agency_services
from agencies.roles import Role
from commissioning import board_report, services
from commissioning.models import GateStatus, Intention
from governance import quarters
from portal.errors import ApplicationError
from tests.commissioning.test_multi_choice import checkboxes
from tests.factories.agencies import AgencyFactory, member
from tests.factories.commissioning import Cycle, tick_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(area):
    return Cycle(area)


@pytest.fixture
def trust(cycle):
    return AgencyFactory(local_area=cycle.area, name="Health Trust", kind="nhs-trust")


def _jointly_led(cycle, trust):
    """Council and ICB lead it jointly; the trust is a partner."""
    services.intention_update(actor=None, intention=cycle.intention,
                              joint_lead_agencies=[cycle.icb], partner_agencies=[trust])
    cycle.intention.refresh_from_db()
    return cycle.intention


# --- services ----------------------------------------------------------------------------
def test_every_lead_signs_off_before_the_gate_is_approved(cycle, trust):
    intention = _jointly_led(cycle, trust)
    trust_approver = member(trust, Role.APPROVER, limit="500000")
    assert [a.name for a in intention.lead_agencies] == ["Council", "ICB"]
    gate = cycle.submit()
    services.intention_sign_off(actor=cycle.council_approver, intention=intention,
                                agency=cycle.council, decision="approve")
    services.intention_sign_off(actor=trust_approver, intention=intention, agency=trust,
                                decision="approve")
    gate.refresh_from_db()
    assert gate.status == GateStatus.OPEN  # the joint lead has not signed yet
    with pytest.raises(ApplicationError, match="waiting for ICB"):
        services.intention_advance(actor=cycle.commissioner, intention=intention)
    services.intention_sign_off(actor=cycle.icb_approver, intention=intention,
                                agency=cycle.icb, decision="approve")
    gate.refresh_from_db()
    assert gate.status == GateStatus.APPROVED


def test_joint_leads_are_checked(cycle, trust, other_area):
    foreign = AgencyFactory(local_area=other_area, name="Elsewhere")
    with pytest.raises(ApplicationError) as exc:
        services.intention_update(actor=None, intention=cycle.intention,
                                  joint_lead_agencies=[foreign])
    assert "joint_lead_agencies" in exc.value.errors
    with pytest.raises(ApplicationError) as exc:
        services.intention_update(actor=None, intention=cycle.intention,
                                  joint_lead_agencies=[cycle.icb], partner_agencies=[cycle.icb])
    assert exc.value.errors["partner_agencies"] == [
        "An agency leading it jointly is not also a partner."]
    # naming the lead as a joint lead as well leads once
    services.intention_update(actor=None, intention=cycle.intention,
                              joint_lead_agencies=[cycle.council, trust])
    assert list(cycle.intention.joint_lead_agencies.all()) == [trust]


def test_leads_cannot_change_while_a_gate_waits(cycle, trust):
    cycle.submit()
    with pytest.raises(ApplicationError, match="cannot change while a stage gate") as exc:
        services.intention_update(actor=cycle.commissioner, intention=cycle.intention,
                                  joint_lead_agencies=[trust])
    assert exc.value.code == "conflict" and "joint_lead_agencies" in exc.value.errors


def test_creation_names_its_joint_leads_in_one_event(cycle, trust):
    from commissioning.timeline import build

    created = services.intention_create(
        actor=cycle.commissioner, local_area=cycle.area, title="Therapies",
        lead_agency=cycle.council, joint_lead_agencies=[cycle.icb], partner_agencies=[trust])
    events = build(created)
    assert [e["kind"] for e in events] == ["created"]
    assert "Joint lead agencies: ICB" in events[0]["detail"]


# --- pages -------------------------------------------------------------------------------
def _post(cycle, **overrides):
    data = {"title": cycle.intention.title, "level": "strategic",
            "lead_agency": cycle.council.pk, "estimated_annual_value": "100000.00"}
    data.update(overrides)
    return data


def test_create_page_keeps_every_lead_and_partner(signed_in, cycle, trust):
    client = signed_in(cycle.commissioner)
    page = client.get("/intentions/new/").content.decode()
    assert set(checkboxes(page, "joint_lead_agencies")) >= {str(cycle.icb.pk), str(trust.pk)}
    response = client.post("/intentions/new/", {
        "title": "Jointly led therapies", "level": "operational",
        "lead_agency": cycle.council.pk, "estimated_annual_value": "5000",
        "joint_lead_agencies": [cycle.icb.pk], "partner_agencies": [trust.pk]})
    assert response.status_code == 302
    created = Intention.objects.get(title="Jointly led therapies")
    assert [a.name for a in created.lead_agencies] == ["Council", "ICB"]
    assert list(created.partner_agencies.all()) == [trust]


def test_saving_unchanged_keeps_every_lead_and_partner(signed_in, cycle, trust):
    """The known bug class: an unchanged save once dropped an intention's partners."""
    third = AgencyFactory(local_area=cycle.area, name="Another Council")
    services.intention_update(actor=None, intention=cycle.intention,
                              joint_lead_agencies=[cycle.icb, third], partner_agencies=[trust])
    client = signed_in(cycle.commissioner)
    url = f"/intentions/{cycle.intention.pk}/edit/"
    page = client.get(url).content.decode()
    ticked = re.findall(r'name="(joint_lead_agencies|partner_agencies|priorities)" '
                        r'type="checkbox" value="([^"]+)" checked', page)
    assert sorted(ticked) == sorted([("joint_lead_agencies", str(cycle.icb.pk)),
                                     ("joint_lead_agencies", str(third.pk)),
                                     ("partner_agencies", str(trust.pk))])
    form = _post(cycle, **{name: [v for k, v in ticked if k == name]
                           for name in ("joint_lead_agencies", "partner_agencies")})
    assert client.post(url, form).status_code == 302
    intention = Intention.objects.get(pk=cycle.intention.pk)
    assert set(intention.joint_lead_agencies.all()) == {cycle.icb, third}
    assert set(intention.partner_agencies.all()) == {trust}


def test_intention_page_and_list_show_each_lead(signed_in, cycle, trust):
    _jointly_led(cycle, trust)
    client = signed_in(cycle.commissioner)
    page = client.get(f"/intentions/{cycle.intention.pk}/").content.decode()
    assert "Lead agencies (jointly led)" in page
    leads = page[page.index('id="leads"'):page.index('id="partners"')]
    assert "Council" in leads and "ICB" in leads and "Health Trust" not in leads
    listing = client.get("/intentions/").content.decode()
    row = listing[listing.index(cycle.intention.title):]
    assert re.search(r"Council.*ICB", row[:600], re.S)
    # filtering the list by the joint lead finds it
    assert cycle.intention.title in client.get(f"/intentions/?agency={cycle.icb.pk}").content \
        .decode()


def test_bad_input_is_400_and_saves_nothing(signed_in, cycle):
    client = signed_in(cycle.commissioner)
    response = client.post(f"/intentions/{cycle.intention.pk}/edit/", _post(
        cycle, joint_lead_agencies=[cycle.icb.pk], partner_agencies=[cycle.icb.pk]))
    assert response.status_code == 400
    assert "An agency leading it jointly is not also a partner" in response.content.decode()
    assert not cycle.intention.joint_lead_agencies.exists()


def test_other_areas_intentions_are_404(signed_in, cycle, other_area):
    stranger = member(AgencyFactory(local_area=other_area, name="Far Council"),
                      Role.COMMISSIONER)
    client = signed_in(stranger)
    response = client.post(f"/intentions/{cycle.intention.pk}/edit/",
                           _post(cycle, joint_lead_agencies=[cycle.icb.pk]))
    assert response.status_code == 404
    assert not cycle.intention.joint_lead_agencies.exists()


# --- API ---------------------------------------------------------------------------------
def test_api_creates_reads_and_patches_joint_leads(api, cycle, trust, other_area):
    client = api.as_user(cycle.commissioner)
    response = client.post("/api/v1/intentions/", {
        "title": "Joint API", "lead_agency": cycle.council.pk,
        "joint_lead_agencies": [cycle.icb.pk], "estimated_annual_value": "1000.00"},
        format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert [a["name"] for a in body["lead_agencies"]] == ["Council", "ICB"]
    assert [a["name"] for a in body["joint_lead_agencies"]] == ["ICB"]
    foreign = AgencyFactory(local_area=other_area, name="Far away")
    bad = client.patch(f"/api/v1/intentions/{body['id']}/",
                       {"joint_lead_agencies": [foreign.pk]}, format="json")
    assert bad.status_code == 400 and "joint_lead_agencies" in bad.json()["errors"]
    patched = client.patch(f"/api/v1/intentions/{body['id']}/",
                           {"joint_lead_agencies": [trust.pk]}, format="json").json()
    assert [a["name"] for a in patched["lead_agencies"]] == ["Council", "Health Trust"]


# --- an agency replaced by its successor ---------------------------------------------------
@pytest.fixture
def ccg_led(cycle):
    """A CCG-led intention with the council as partner; the CCG became the ICB."""
    ccg = AgencyFactory(local_area=cycle.area, name="Old CCG", kind="ccg")
    ccg_approver = member(ccg, Role.APPROVER, limit="900000", username="ccg-approver")
    item = services.intention_create(
        actor=None, local_area=cycle.area, title="Continuing care", lead_agency=ccg,
        partner_agencies=[cycle.council], owner=cycle.commissioner, status="active",
        estimated_annual_value="100000")
    agency_services.agency_succession_record(actor=None, predecessor=ccg, successor=cycle.icb,
                                             date=datetime.date(2022, 7, 1))
    ccg.refresh_from_db()
    return item, ccg, ccg_approver


def test_the_successor_signs_for_a_replaced_lead(signed_in, cycle, ccg_led):
    item, ccg, _ = ccg_led
    tick_all(item)
    gate = services.gate_submit(actor=cycle.commissioner, intention=item)
    inbox = signed_in(cycle.icb_approver).get("/approvals/").content.decode()
    assert item.title in inbox
    services.intention_sign_off(actor=cycle.icb_approver, intention=item, agency=cycle.icb,
                                decision="approve")
    services.intention_sign_off(actor=cycle.council_approver, intention=item,
                                agency=cycle.council, decision="approve")
    gate.refresh_from_db()
    assert gate.status == GateStatus.APPROVED


def test_pages_show_the_successor_formerly_the_ccg(signed_in, cycle, ccg_led):
    item, ccg, _ = ccg_led
    client = signed_in(cycle.commissioner)
    page = client.get(f"/intentions/{item.pk}/").content.decode()
    leads = page[page.index('id="leads"'):page.index('id="partners"')]
    assert "ICB (formerly Old CCG)" in leads
    assert "formerly Old CCG" in page[page.index("Agencies holding it now"):]
    assert "ICB (formerly Old CCG)" in client.get("/intentions/").content.decode()
    # saving unchanged keeps the CCG named on it although it is no longer offered for new work
    edit = client.get(f"/intentions/{item.pk}/edit/").content.decode()
    assert f'value="{ccg.pk}" selected' in edit
    assert client.post(f"/intentions/{item.pk}/edit/", {
        "title": item.title, "level": "strategic", "lead_agency": ccg.pk,
        "partner_agencies": [cycle.council.pk], "estimated_annual_value": "100000"}
    ).status_code == 302
    new = client.get("/intentions/new/").content.decode()
    assert f'value="{ccg.pk}"' not in new
    with pytest.raises(ApplicationError, match="no longer active"):
        services.intention_create(actor=cycle.commissioner, local_area=cycle.area,
                                  title="New work", lead_agency=cycle.council,
                                  partner_agencies=[ccg])


def test_board_report_counts_the_ccgs_work_under_the_icb(cycle, ccg_led):
    item, ccg, _ = ccg_led
    year, quarter = quarters.quarter_of(timezone.localdate())
    data = board_report.section(board=cycle.board, year=year, quarter=quarter,
                                agencies=[cycle.icb])
    assert data["total"] == 2  # the ICB's partnership and the CCG's lead
