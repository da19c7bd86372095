import pytest

from agencies.roles import Role
from tests.factories.agencies import AgencyFactory
from tests.factories.contracts import ProviderFactory, make_contract


@pytest.fixture
def provider(area):
    return ProviderFactory(local_area=area, name="Acorn Short Breaks Ltd",
                           companies_house_number="01234567")


@pytest.fixture
def contract(area, council, icb, provider):
    return make_contract(area, council, provider=provider, agencies=[icb],
                         reference="TST-SB-01")


@pytest.fixture
def school(area):
    """An internal agency of the area that does not commission the contract."""
    return AgencyFactory(local_area=area, name="Testshire Special School", kind="school")


@pytest.fixture
def forum(area):
    return AgencyFactory(local_area=area, name="Testshire Parent Carer Forum",
                         kind="parent-carer-forum")


@pytest.fixture
def commissioner(council, make_member):
    return make_member(council, Role.COMMISSIONER, username="c.commissioner")
