"""A small local area with every co-production role, and intentions in each state."""
from decimal import Decimal
from types import SimpleNamespace

import pytest

from agencies.roles import Role
from tests.factories.agencies import AgencyFactory
from tests.factories.coproduction import IntentionFactory, fresh_rate_limits, open_consultation


@pytest.fixture(autouse=True)
def _fresh_rate_limits(settings):
    fresh_rate_limits(settings)


@pytest.fixture
def forum(area):
    return AgencyFactory(local_area=area, name="Testshire Parent Carer Forum",
                         kind="parent-carer-forum")


@pytest.fixture
def people(area, other_area, council, icb, forum, make_member):
    other_forum = AgencyFactory(local_area=other_area, name="Otherton Forum",
                                kind="parent-carer-forum")
    return SimpleNamespace(
        commissioner=make_member(council, Role.COMMISSIONER, username="comm",
                                 first_name="Cara", last_name="Commissioner"),
        icb_commissioner=make_member(icb, Role.COMMISSIONER, username="icbcomm"),
        parent=make_member(forum, Role.PARENT_CARER, username="parent", first_name="Priya",
                           last_name="Parent"),
        young=make_member(forum, Role.YOUNG_PERSON, username="young", first_name="Yas",
                          last_name="Young"),
        admin=make_member(council, Role.ADMIN, username="admin"),
        viewer=make_member(icb, Role.VIEWER, username="viewer"),
        finance=make_member(council, Role.FINANCE, username="finance"),
        other_parent=make_member(other_forum, Role.PARENT_CARER, username="otherparent"),
    )


@pytest.fixture
def intentions(area, council, icb, people):
    return SimpleNamespace(
        published=IntentionFactory(local_area=area, lead_agency=council, partners=[icb],
                                   reference="TST-2026-001", title="Short breaks",
                                   owner=people.commissioner),
        unpublished=IntentionFactory(local_area=area, lead_agency=council,
                                     reference="TST-2026-002", title="Secret draft plan",
                                     published_for_consultation=False, status="draft",
                                     owner=people.commissioner),
        sensitive=IntentionFactory(local_area=area, lead_agency=icb,
                                   reference="TST-2026-003", title="Therapies contract",
                                   estimated_annual_value=Decimal("987654.32"),
                                   value_is_sensitive=True, owner=people.commissioner),
    )


@pytest.fixture
def consultation(people, intentions):
    return open_consultation(actor=people.commissioner, intention=intentions.published)
