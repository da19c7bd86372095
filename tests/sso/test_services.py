"""Who an organisation sign-in may be: rules tested without the provider."""
import pytest

from agencies.roles import Role
from portal.errors import ApplicationError
from sso import services
from sso.models import SignInDomain, SignInProvider
from tests.factories.agencies import AgencyFactory


@pytest.fixture
def provider(area, council):
    provider = SignInProvider.objects.create(
        local_area=area, name="Council account", issuer="https://login.example.org/t",
        client_id="portal", client_secret_env="UNUSED")
    SignInDomain.objects.create(provider=provider, domain="testshire.gov.uk", agency=council)
    return provider


def claims(email, verified=True):
    return {"sub": "x", "email": email, "email_verified": verified}


def test_matches_the_account_with_that_verified_address_ignoring_case(
        provider, council, make_member):
    user = make_member(council, Role.VIEWER, username="v", email="pat@testshire.gov.uk")
    assert services.user_for_claims(provider=provider, claims=claims("PAT@testshire.GOV.uk")) \
        == user


@pytest.mark.parametrize(("given", "message"), [
    (claims("pat@testshire.gov.uk", verified=False), "has not confirmed"),
    (claims("pat@testshire.gov.uk", verified="true"), "has not confirmed"),
    ({"sub": "x"}, "did not tell us your e-mail"),
    (claims("pat@elsewhere.org"), "cannot sign in through"),
    (claims("nobody@testshire.gov.uk"), "No portal account uses"),
])
def test_refuses_what_it_cannot_prove(provider, council, make_member, given, message):
    make_member(council, Role.VIEWER, username="v", email="pat@testshire.gov.uk")
    with pytest.raises(ApplicationError, match=message):
        services.user_for_claims(provider=provider, claims=given)


def test_a_domain_vouches_only_for_people_with_a_role_at_its_agency(
        provider, area, icb, make_member):
    # Pat's account has a role at the ICB only; the council's provider cannot sign Pat in.
    make_member(icb, Role.COMMISSIONER, username="p", email="pat@testshire.gov.uk")
    with pytest.raises(ApplicationError, match="no current role at Testshire County Council"):
        services.user_for_claims(provider=provider, claims=claims("pat@testshire.gov.uk"))


def test_nobody_is_created_by_signing_in(provider, django_user_model):
    before = django_user_model.objects.count()
    with pytest.raises(ApplicationError):
        services.user_for_claims(provider=provider, claims=claims("new@testshire.gov.uk"))
    assert django_user_model.objects.count() == before


def test_a_domain_maps_only_to_an_agency_of_the_providers_area(provider, other_area):
    from django.core.exceptions import ValidationError

    stranger = AgencyFactory(local_area=other_area, name="Otherton Council", code="E10000098")
    with pytest.raises(ValidationError):
        SignInDomain(provider=provider, domain="otherton.gov.uk", agency=stranger).full_clean()


def test_the_start_page_refuses_an_address_no_provider_covers(client, provider):
    response = client.post("/account/sign-in/organisation/", {"email": "pat@unknown.org"})
    assert response.status_code == 400
    assert "does not offer sign-in" in response.content.decode()
    assert response.content.decode().count("govuk-error-summary") >= 1
