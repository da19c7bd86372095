"""Agencies change over time (issue 13): a CCG became an ICB on 1 July 2022. The service's
rules, the administrator's page, the agency pages, the API and the area file."""
import datetime

import pytest
from django.utils import timezone

from agencies import selectors, services
from agencies.models import AgencySuccession
from agencies.roles import Role
from portal.errors import ApplicationError
from tests.factories.agencies import AgencyFactory

pytestmark = pytest.mark.django_db
JULY_2022 = datetime.date(2022, 7, 1)


@pytest.fixture
def ccg(area):
    return AgencyFactory(local_area=area, name="NHS Testshire CCG", kind="ccg", code="99Z")


@pytest.fixture
def admin(council, make_member):
    return make_member(council, Role.ADMIN, username="area-admin")


def _record(predecessor, successor, date=JULY_2022, actor=None, **kwargs):
    return services.agency_succession_record(actor=actor, predecessor=predecessor,
                                             successor=successor, date=date, **kwargs)


# --- the service -------------------------------------------------------------------------
def test_a_past_succession_makes_the_predecessor_inactive_and_is_audited(ccg, icb, admin):
    succession = _record(ccg, icb, actor=admin, note="Health and Care Act 2022")
    ccg.refresh_from_db()
    assert not ccg.active and icb.active
    assert succession.history.get().history_user == admin
    assert selectors.current_holder(ccg) == icb
    assert selectors.current_holder(icb) == icb


def test_a_future_succession_takes_effect_on_the_day(ccg, icb):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    _record(ccg, icb, date=tomorrow)
    ccg.refresh_from_db()
    assert ccg.active
    assert selectors.current_holders(ccg.local_area) == {}  # the CCG still holds its work
    assert services.successions_apply() == 0
    assert services.successions_apply(on=tomorrow) == 1
    ccg.refresh_from_db()
    assert not ccg.active
    assert selectors.current_holders(ccg.local_area, on=tomorrow) == {ccg.pk: icb}


def test_refuses_a_cycle_another_area_itself_and_a_second_successor(ccg, icb, council,
                                                                      other_area):
    _record(ccg, icb)
    with pytest.raises(ApplicationError, match="round in a circle") as cycle:
        _record(icb, ccg)
    assert "successor" in cycle.value.errors
    foreign = AgencyFactory(local_area=other_area, name="Elsewhere ICB", kind="icb")
    with pytest.raises(ApplicationError, match="this local area"):
        _record(council, foreign)
    with pytest.raises(ApplicationError, match="cannot replace itself"):
        _record(council, council)
    with pytest.raises(ApplicationError, match="already replaced by") as second:
        _record(ccg, council)
    assert second.value.code == "conflict"
    assert AgencySuccession.objects.count() == 1


def test_a_longer_chain_is_followed_and_a_cycle_through_it_refused(area, ccg, icb):
    unitary = AgencyFactory(local_area=area, name="Testshire Health Board", kind="icb")
    _record(ccg, icb)
    _record(icb, unitary, date=datetime.date(2024, 4, 1))
    assert selectors.current_holders(area) == {ccg.pk: unitary, icb.pk: unitary}
    assert [a.name for a in services.successor_chain(ccg)] == [
        ccg.name, icb.name, unitary.name]
    with pytest.raises(ApplicationError, match="circle"):
        _record(unitary, ccg)


def test_only_administrators_record_a_succession(ccg, icb, council, make_member):
    commissioner = make_member(council, Role.COMMISSIONER)
    with pytest.raises(ApplicationError, match="administrators"):
        _record(ccg, icb, actor=commissioner)


@pytest.mark.parametrize("size", [3, 60])
def test_current_holders_is_one_query(size, area, django_assert_num_queries):
    for n in range(size):
        old = AgencyFactory(local_area=area, name=f"Old {n}", kind="ccg")
        new = AgencyFactory(local_area=area, name=f"New {n}", kind="icb")
        _record(old, new)
    with django_assert_num_queries(1):
        holders = selectors.current_holders(area)
    assert len(holders) == size


# --- pages -------------------------------------------------------------------------------
def test_the_administrator_records_it_on_a_page_linked_from_the_agency(signed_in, admin,
                                                                        ccg, icb):
    client = signed_in(admin)
    page = client.get(f"/agencies/{ccg.pk}/").content.decode()
    assert f'href="/agencies/{ccg.pk}/succession/"' in page
    form = client.get(f"/agencies/{ccg.pk}/succession/").content.decode()
    assert f'value="{icb.pk}"' in form and f'value="{ccg.pk}"' not in form
    response = client.post(f"/agencies/{ccg.pk}/succession/", {
        "successor": icb.pk, "date": "2022-07-01", "note": "Health and Care Act 2022"})
    assert response.status_code == 302
    succession = AgencySuccession.objects.get(predecessor=ccg)
    assert (succession.successor, succession.date, succession.note) == (
        icb, JULY_2022, "Health and Care Act 2022")
    page = client.get(f"/agencies/{ccg.pk}/").content.decode()
    assert "Replaced by" in page and "from 1 July 2022" in page
    assert f'href="/agencies/{icb.pk}/">{icb.name}</a> from 1 July 2022' in page
    assert "Inactive" in page
    assert f'href="/agencies/{ccg.pk}/succession/"' not in page  # one successor only
    assert "NHS Testshire CCG replaced by NHS Testshire ICB from 1 July 2022" in page  # history
    successor_page = client.get(f"/agencies/{icb.pk}/").content.decode()
    assert f'href="/agencies/{ccg.pk}/">{ccg.name}</a> from 1 July 2022' in successor_page
    # a second visit to the form goes back to the agency with the reason
    again = client.get(f"/agencies/{ccg.pk}/succession/")
    assert again.status_code == 302


def test_bad_input_is_a_400_with_the_error_summary_and_saves_nothing(signed_in, admin, ccg,
                                                                    icb):
    client = signed_in(admin)
    response = client.post(f"/agencies/{ccg.pk}/succession/", {"successor": "", "date": "no"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in html and "Select the agency that replaces it" in html
    assert "Enter a real date, like 2022-07-01" in html
    _record(icb, AgencyFactory(local_area=icb.local_area, name="Later body", kind="icb"))
    # a replaced agency is not offered: choosing it by id is refused as an invalid choice
    response = client.post(f"/agencies/{ccg.pk}/succession/",
                           {"successor": icb.pk, "date": "2022-07-01"})
    assert response.status_code == 400
    assert not AgencySuccession.objects.filter(predecessor=ccg).exists()


def test_other_areas_and_other_roles_get_404(signed_in, admin, ccg, other_area, council,
                                             make_member):
    foreign = AgencyFactory(local_area=other_area, name="Foreign CCG", kind="ccg")
    client = signed_in(admin)
    assert client.get(f"/agencies/{foreign.pk}/succession/").status_code == 404
    assert client.post(f"/agencies/{foreign.pk}/succession/",
                       {"successor": ccg.pk, "date": "2022-07-01"}).status_code == 404
    commissioner = make_member(council, Role.COMMISSIONER)
    client = signed_in(commissioner)
    assert client.get(f"/agencies/{ccg.pk}/succession/").status_code == 404
    assert f"/agencies/{ccg.pk}/succession/" not in client.get(
        f"/agencies/{ccg.pk}/").content.decode()


def test_forms_offer_only_active_agencies(signed_in, admin, ccg, icb, council):
    _record(ccg, icb)
    person = admin
    form = signed_in(admin).get(f"/people/{person.pk}/roles/new/").content.decode()
    assert f'value="{icb.pk}"' in form and f'value="{ccg.pk}"' not in form
    choices = selectors.agency_choices(council.local_area)
    assert ccg not in choices and icb in choices
    assert ccg in selectors.agency_choices(council.local_area, keep=[ccg.pk])


def test_the_agency_list_says_what_replaced_it(signed_in, admin, ccg, icb):
    _record(ccg, icb)
    page = signed_in(admin).get("/agencies/").content.decode()
    assert "Replaced by NHS Testshire ICB from 1 July 2022" in page


# --- API ---------------------------------------------------------------------------------
def test_api_gives_successor_and_predecessors(api, ccg, icb, council, make_member):
    _record(ccg, icb)
    client = api.as_user(make_member(council, Role.VIEWER))
    body = client.get(f"/api/v1/agencies/{ccg.pk}/").json()
    assert body["active"] is False
    assert body["successor"] == {"id": icb.pk, "name": icb.name, "date": "2022-07-01"}
    assert body["predecessors"] == []
    body = client.get(f"/api/v1/agencies/{icb.pk}/").json()
    assert body["successor"] is None
    assert body["predecessors"] == [{"id": ccg.pk, "name": ccg.name, "date": "2022-07-01"}]
    listed = {a["id"]: a for a in client.get("/api/v1/agencies/").json()["results"]}
    assert listed[ccg.pk]["successor"]["id"] == icb.pk


# --- area files --------------------------------------------------------------------------
def _file(successor, extra=()):
    from tests.agencies.test_area_loader import GOOD

    data = {**GOOD, "agencies": [*GOOD["agencies"], *extra, {
        "key": "ccg", "name": "NHS Newshire CCG", "kind": "ccg", "code": "99Z",
        "successor": successor}]}
    return data


def test_area_file_records_a_succession_once(tmp_path):
    from agencies.models import Agency
    from portal import area_files
    from tests.agencies.test_area_loader import write

    path = write(tmp_path, _file({"agency": "icb", "date": JULY_2022, "note": "Act 2022"}))
    area_files.load(path)
    area_files.load(path)  # idempotent
    ccg = Agency.objects.get(name="NHS Newshire CCG")
    assert not ccg.active
    assert (ccg.succession.successor.name, ccg.succession.date, ccg.succession.note) == (
        "NHS Newshire ICB", JULY_2022, "Act 2022")
    assert AgencySuccession.objects.count() == 1


@pytest.mark.parametrize("successor, where, message", [
    ({"agency": "nobody", "date": JULY_2022}, "agencies[2].successor.agency", "unknown agency"),
    ({"agency": "ccg", "date": JULY_2022}, "agencies[2].successor.agency", "cannot replace"),
    ({"agency": "icb"}, "agencies[2].successor.date", "is required"),
    ({"agency": "icb", "date": "soon"}, "agencies[2].successor.date", "a date"),
    ({"agency": "icb", "date": JULY_2022, "when": 1}, "agencies[2].successor.when",
     "unknown key"),
    ("icb", "agencies[2].successor", "must be a mapping"),
])
def test_area_file_refuses_bad_successions(tmp_path, successor, where, message):
    from agencies.models import LocalArea
    from tests.agencies.test_area_loader import problems_of

    problems = problems_of(tmp_path, _file(successor))
    assert message in problems[where]
    assert not LocalArea.objects.filter(slug="newshire").exists()


def test_area_file_refuses_a_circle_of_successors(tmp_path):
    from tests.agencies.test_area_loader import problems_of

    data = _file({"agency": "icb", "date": JULY_2022})
    data["agencies"][1] = {**data["agencies"][1],
                           "successor": {"agency": "ccg", "date": JULY_2022}}
    problems = problems_of(tmp_path, data)
    assert "round in a circle" in problems["agencies[1].successor"]
    assert "round in a circle" in problems["agencies[2].successor"]


@pytest.mark.parametrize("size", [2, 40])
def test_agency_lists_with_successions_cost_constant_queries(size, signed_in, api, area, admin,
                                                            django_assert_max_num_queries):
    for n in range(size):
        old = AgencyFactory(local_area=area, name=f"Old {n:03d}", kind="ccg")
        _record(old, AgencyFactory(local_area=area, name=f"New {n:03d}", kind="icb"))
    client = signed_in(admin)
    # the request's own (session, user, device, area, grants, navigation: ~10), count, page
    # with each successor joined, predecessors (1)
    with django_assert_max_num_queries(16):
        assert client.get("/agencies/?sort=name").status_code == 200
    # grants, count, page, predecessors
    with django_assert_max_num_queries(6):
        body = api.as_user(admin).get("/api/v1/agencies/?page_size=100").json()
    assert sum(1 for a in body["results"] if a["successor"]) == size
