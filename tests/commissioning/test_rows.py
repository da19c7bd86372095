"""Intentions read as plain rows (issue 15: exports and the API list at 10,000 intentions)
give what the model-instance path gives: the set-level value rule agrees with
`can_view_value` person by person and row by row, an export's rows are the cells built
from the intentions themselves, and the API list's items are `IntentionSerializer`'s."""
import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from rest_framework.test import APIRequestFactory

from agencies import services as agency_services
from agencies.roles import Role
from commissioning import exports, permissions, rows, selectors, services
from commissioning.api.serializers import IntentionSerializer, intention_row_data
from tests.factories.agencies import AgencyFactory, UserFactory, member
from tests.factories.commissioning import Cycle, PriorityFactory, StrategyFactory, intention

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(area, other_area):
    """Intentions with every combination the value rule looks at: sensitive or not,
    published or not, joint leads, partners, a partner since replaced (a CCG by the ICB),
    and one in another area."""
    cycle = Cycle(area)
    trust = AgencyFactory(local_area=area, name="Health Trust", kind="nhs-trust")
    ccg = AgencyFactory(local_area=area, name="Old CCG", kind="icb")
    strategy = StrategyFactory(local_area=area)
    first, second = (PriorityFactory(strategy=strategy, number=n) for n in (1, 2))
    made = []
    for n, (lead, joint, partners, sensitive, published) in enumerate([
            (cycle.council, [], [cycle.icb], True, True),
            (trust, [cycle.council], [], True, False),
            (trust, [], [ccg], True, False),
            (trust, [], [], True, True),
            (trust, [], [], False, False),
            (cycle.council, [trust, cycle.icb], [ccg], False, True)]):
        made.append(intention(lead_agency=lead, owner=cycle.commissioner, partners=partners,
                              joint_lead_agencies=joint, value_is_sensitive=sensitive,
                              published_for_consultation=published, value=f"{1000 + n}.50",
                              title=f"=Intention {n}" if n == 3 else f"Intention {n}",
                              priorities=[second, first] if n % 2 else [],
                              starts=date(2026, 4, 1) if n == 1 else None))
    elsewhere = AgencyFactory(local_area=other_area, name="Elsewhere Council")
    intention(lead_agency=elsewhere, value_is_sensitive=True, published_for_consultation=True)
    agency_services.agency_succession_record(actor=None, predecessor=ccg, successor=cycle.icb,
                                             date=date(2025, 4, 1))
    people = [member(agency, role) for agency in (cycle.council, cycle.icb, trust)
              for role in (Role.COMMISSIONER, Role.VIEWER, Role.PARENT_CARER)]
    people += [member(cycle.council, Role.ADMIN), member(elsewhere, Role.ADMIN),
               UserFactory(is_superuser=True), UserFactory()]
    return cycle, people


def _everything():
    superuser = UserFactory(is_superuser=True)
    return selectors.intention_list(actor=superuser)


def test_the_set_level_value_rule_agrees_with_can_view_value(world):
    _, people = world
    intentions = list(_everything())
    assert len(intentions) == 8
    seen = set()
    for person in people:
        chunk = rows.with_relations(person, list(rows.values_of(_everything())))
        by_id = {row["id"]: row["show_value"] for row in chunk}
        for item in intentions:
            expected = bool(permissions.can_view_value(person, item))
            assert by_id[item.pk] is expected, (person.username, item.reference)
            seen.add(expected)
    assert seen == {True, False}


def test_the_set_level_rule_costs_no_queries_once_grants_are_read(
        world, django_assert_num_queries):
    cycle, _ = world
    person = cycle.commissioner
    values = list(rows.values_of(_everything()))
    named = {v["id"]: {v["lead_agency_id"]} for v in values}
    permissions.values_shown(person, values, named)  # reads the grants and successions
    with django_assert_num_queries(0):
        permissions.values_shown(person, values, named)


def _cells_from_instances(user, queryset):
    """The export's cells as they were built from model instances before issue 15."""
    for i in queryset:
        show = permissions.can_view_value(user, i)
        yield [i.reference, i.title, i.current_stage.name, i.get_status_display(),
               i.get_level_display(), i.thematic_area,
               "; ".join(a.name for a in i.lead_agencies),
               "; ".join(a.name for a in i.partner_agencies.all()),
               "; ".join(f"{p.number}. {p.title}" for p in i.priorities.all()),
               i.estimated_annual_value if show else "sensitive", i.starts, i.ends,
               str(i.owner)]


def test_export_rows_equal_the_cells_built_from_the_intentions(world):
    _, people = world
    for person in people:
        for sort in ("reference", "-value", "stage"):
            queryset = selectors.intention_list(actor=person, sort=sort)
            assert list(exports.rows(person, queryset, chunk_size=2)) == \
                list(_cells_from_instances(person, queryset)), (person.username, sort)


def test_export_keeps_csv_injection_escaping_and_the_sensitive_mark(world, signed_in):
    cycle, _ = world
    outsider = member(AgencyFactory(local_area=cycle.area, name="Outsiders"), Role.VIEWER)
    response = signed_in(outsider).get("/intentions/export.csv?sort=reference")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(body)))
    assert table[0] == exports.HEADERS
    titles = {r[1]: r for r in table[1:]}
    assert "'=Intention 3" in titles and titles["'=Intention 3"][9] == "sensitive"
    assert titles["Intention 4"][9] == "1004.50"


def test_api_list_items_equal_the_intention_serializer(world, api):
    _, people = world
    request = APIRequestFactory().get("/api/v1/intentions/")
    for person in people:
        request.user = person
        queryset = selectors.intention_list(actor=person)
        expected = IntentionSerializer(queryset, many=True, context={"request": request}).data
        got = [intention_row_data(r) for r in
               rows.with_relations(person, list(rows.values_of(queryset)))]
        assert got == [dict(item) for item in expected], person.username
        assert got == api.as_user(person).get("/api/v1/intentions/?page_size=200").json()[
            "results"]


@pytest.mark.parametrize("size", [10, 300])
def test_api_list_costs_constant_queries(size, area, api, django_assert_max_num_queries):
    from tests.factories.commissioning import bulk_intentions

    cycle = Cycle(area)
    bulk_intentions(cycle.council, cycle.commissioner, size, partners=[cycle.icb])
    client = api.as_user(cycle.commissioner)
    # The person's grants and roles, then count, page, joint leads, partners, priorities
    # and the successions map: the same at 10 and 300 rows a page.
    with django_assert_max_num_queries(12):
        response = client.get("/api/v1/intentions/?page_size=200")
    assert response.status_code == 200 and len(response.json()["results"]) == min(size + 1, 200)


def test_owner_name_is_the_full_name_else_the_username():
    assert rows.owner_name({"owner__first_name": "Ada", "owner__last_name": "Lovelace",
                            "owner__username": "ada"}) == "Ada Lovelace"
    assert rows.owner_name({"owner__first_name": "", "owner__last_name": "",
                            "owner__username": "ada"}) == "ada"


def test_a_value_change_shows_in_the_next_export(world, signed_in):
    cycle, _ = world
    services.intention_update(actor=None, intention=cycle.intention,
                              estimated_annual_value=Decimal("123.45"))
    body = b"".join(signed_in(cycle.commissioner).get(
        "/intentions/export.csv").streaming_content).decode("utf-8-sig")
    assert "123.45" in body
