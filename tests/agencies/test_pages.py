import re

import pytest
from django.core import mail
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies.models import Agency, Membership
from agencies.roles import Role
from tests.factories.agencies import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db
SIGN_IN = "/account/sign-in/"


def test_sign_in_with_username_or_email(client, council, make_member):
    make_member(council, Role.VIEWER, username="jo", email="jo@example.org")
    for name in ("jo", "JO@example.org"):
        response = client.post(SIGN_IN, {"username": name, "password": "secret-pass-123"})
        assert response.status_code == 302 and response.url == "/"
        client.post("/account/sign-out/")


def test_failed_sign_in_shows_error_summary(client):
    response = client.post(SIGN_IN, {"username": "", "password": ""})
    html = response.content.decode()
    assert 'class="govuk-error-summary"' in html
    assert 'href="#id_username">Enter your username or e-mail address' in html


def test_lockout_after_repeated_failures(client, council, make_member, settings):
    make_member(council, Role.VIEWER, username="target")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(SIGN_IN, {"username": "target", "password": "wrong"})
    response = client.post(SIGN_IN, {"username": "target", "password": "secret-pass-123"})
    assert response.status_code == 429
    assert "You cannot sign in for 30 minutes" in response.content.decode()


def test_password_reset_by_email(client, council, make_member):
    user = make_member(council, Role.VIEWER, email="reset.me@example.org")
    response = client.post("/account/password-reset/", {"email": "reset.me@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["reset.me@example.org"]
    link = re.search(r"http://[^/]+(/account/password-reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link).url  # Django swaps the token for a session marker
    response = client.post(form_url, {"new_password1": "A-much-better-pass-9",
                                      "new_password2": "A-much-better-pass-9"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("A-much-better-pass-9")


def _enrolment_link(client, admin):
    """Ask for the e-mailed set-up link and return its path."""
    mail.outbox.clear()
    assert client.post("/account/two-factor/").status_code == 200
    assert mail.outbox[-1].to == [admin.email]
    return re.search(r"http://[^/]+(/account/two-factor/set-up/\S+/)",
                     mail.outbox[-1].body).group(1)


def test_admins_must_set_up_and_use_two_factor(client, council, make_member):
    admin = make_member(council, Role.ADMIN)
    client.force_login(admin)
    response = client.get("/agencies/")
    assert response.status_code == 302 and response.url.startswith("/account/two-factor/")
    client.get(_enrolment_link(client, admin))
    page = client.get(response.url).content.decode()
    assert "Set up two-factor sign-in" in page and "<svg" in page
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    bad = client.post("/account/two-factor/?next=/agencies/", {"otp_token": "000000"})
    assert bad.status_code == 400 and "govuk-error-summary" in bad.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # a wrong code throttles the device; a real user waits
    good = client.post("/account/two-factor/?next=/agencies/",
                       {"otp_token": f"{totp(device.bin_key):06d}"})
    assert good.status_code == 302 and good.url == "/agencies/"
    assert client.get("/agencies/").status_code == 200
    device.refresh_from_db()
    admin.refresh_from_db()
    assert device.confirmed and admin.two_factor_enrolled


def test_two_factor_refuses_offsite_next(client, council, make_member):
    admin = make_member(council, Role.ADMIN)
    client.force_login(admin)
    client.get(_enrolment_link(client, admin))
    device = TOTPDevice.objects.get(user=admin)
    response = client.post("/account/two-factor/?next=https://evil.example/",
                           {"otp_token": f"{totp(device.bin_key):06d}"})
    assert response.url == "/"


def test_other_roles_need_no_second_factor(client, council, make_member):
    client.force_login(make_member(council, Role.COMMISSIONER))
    assert client.get("/agencies/").status_code == 200


def test_area_switch(client, area, other_area, council, make_member):
    user = make_member(council, Role.VIEWER)
    make_member(AgencyFactory(local_area=other_area), Role.VIEWER, user=user)
    client.force_login(user)
    assert "Testshire" in client.get("/").content.decode()
    assert client.post("/areas/switch/", {"area": "nowhere"}).status_code == 400
    response = client.post("/areas/switch/", {"area": other_area.slug})
    assert response.status_code == 302
    assert "Otherton" in client.get("/").content.decode()


def test_pages_never_show_other_areas(client, council, other_area, make_member):
    foreign = AgencyFactory(local_area=other_area, name="Foreign Council")
    stranger = make_member(foreign, Role.VIEWER)
    client.force_login(make_member(council, Role.VIEWER))
    assert "Foreign Council" not in client.get("/agencies/").content.decode()
    assert client.get(f"/agencies/{foreign.pk}/").status_code == 404
    assert client.get(f"/people/{stranger.pk}/").status_code == 404


def test_co_production_roles_do_not_see_the_staff_directory(client, council, make_member):
    client.force_login(make_member(council, Role.PARENT_CARER))
    assert client.get("/people/").status_code == 404
    page = client.get(f"/agencies/{council.pk}/").content.decode()
    assert "People and roles" not in page


def test_admin_sets_up_agency_person_and_role(signed_in, area, council, make_member):
    client = signed_in(make_member(council, Role.ADMIN))
    bad = client.post("/agencies/new/", {"name": "", "kind": "council", "code": "QGH"})
    assert bad.status_code == 400
    assert "Enter the agency&#x27;s name" in bad.content.decode()
    bad = client.post("/agencies/new/", {"name": "Borough", "kind": "council", "code": "QGH"})
    assert bad.status_code == 400 and "GSS code" in bad.content.decode()
    assert client.post("/agencies/new/", {"name": "Borough Council", "kind": "council",
                                          "code": "E06000099"}).status_code == 302
    agency = Agency.objects.get(name="Borough Council")
    response = client.post("/people/new/", {"first_name": "Ada", "last_name": "Byron",
                                            "username": "ada", "email": "ada@example.org"})
    assert response.status_code == 302
    person_id = int(response.url.split("/")[2])
    bad = client.post(response.url, {"agency": agency.pk, "role": "viewer",
                                     "delegated_limit": "100"})
    assert bad.status_code == 400 and "Only approvers carry" in bad.content.decode()
    assert client.post(response.url, {"agency": agency.pk, "role": "approver",
                                      "delegated_limit": "250000"}).status_code == 302
    membership = Membership.objects.get(user_id=person_id)
    assert str(membership.delegated_limit) == "250000.00"
    assert client.post(f"/memberships/{membership.pk}/end/").status_code == 302
    bad = client.post("/areas/settings/", {"stages": "One"})
    assert bad.status_code == 400
    assert client.post("/areas/settings/",
                       {"stages": "Evaluate\nDesign\nSource\nReview"}).status_code == 302
    assert list(area.stages.values_list("name", flat=True)) == [
        "Evaluate", "Design", "Source", "Review"]


def test_non_admins_cannot_reach_admin_pages(client, council, make_member):
    client.force_login(make_member(council, Role.COMMISSIONER))
    for path in ("/agencies/new/", "/people/new/", "/areas/settings/",
                 f"/agencies/{council.pk}/edit/"):
        assert client.get(path).status_code == 404, path


@pytest.mark.parametrize("size", [5, 500])
def test_list_pages_cost_constant_queries(size, client, area, council, make_member,
                                          django_assert_max_num_queries):
    AgencyFactory.create_batch(size, local_area=area)
    for i in range(min(size, 60)):
        make_member(council, Role.VIEWER, username=f"p{size}-{i}")
    client.force_login(make_member(council, Role.COMMISSIONER))
    # Lists: session + user + grants (3) + area + stages + roles + count + page + prefetch.
    # Home: the same request overhead plus each app's panels (measured 22 in all).
    for path, most in (("/agencies/?sort=-members", 14), ("/people/?q=p", 14), ("/", 24)):
        with django_assert_max_num_queries(most):
            assert client.get(path).status_code == 200


def test_healthz(client, settings):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["checks"]["database"]["ok"]
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"] == {"ok": False, "detail": "ConnectionError"}


def test_error_pages_use_the_layout(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and "Page not found" in response.content.decode()


def test_history_is_in_the_admin(client, council):
    root = UserFactory(is_superuser=True, is_staff=True)
    from django_otp.plugins.otp_totp.models import TOTPDevice as Device

    device = Device.objects.create(user=root, confirmed=True)
    client.force_login(root)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    response = client.get(f"/admin/agencies/agency/{council.pk}/history/")
    assert response.status_code == 200
