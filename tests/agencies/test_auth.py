"""Sign-in security (issue 14): two-factor on every door, lockout per account and address,
tokens that end, sessions that time out, throttled password-reset e-mails."""
import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies import services
from agencies.models import ApiToken
from agencies.roles import Role
from tests.factories.agencies import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "secret-pass-123"
SIGN_IN = "/account/sign-in/"
TOKEN = "/api/v1/auth/token/"


def enrolled(user):
    """Give the person a confirmed authenticator, as enrolment does."""
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    services.two_factor_confirm(user=user, device=device)
    return device


def code(device):
    device.refresh_from_db()
    device.throttle_reset()
    return f"{totp(device.bin_key):06d}"


def token_for(api, username, **extra):
    response = api.post(TOKEN, {"username": username, "password": PASSWORD, **extra})
    assert response.status_code == 200, response.json()
    return response.json()["token"]


def with_token(api, key):
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


# --- 2. two-factor protects the API -----------------------------------------------------
def test_admin_token_needs_the_authenticator_code(api, council, make_member):
    admin = make_member(council, Role.ADMIN, username="w.admin")
    device = enrolled(admin)
    response = api.post(TOKEN, {"username": "w.admin", "password": PASSWORD})
    body = response.json()
    assert response.status_code == 401 and body["code"] == "two_factor_required"
    assert set(body) >= {"message", "errors", "code"}
    response = api.post(TOKEN, {"username": "w.admin", "password": PASSWORD,
                                "otp_token": "000000"})
    assert response.status_code == 400 and "otp_token" in response.json()["errors"]
    key = token_for(api, "w.admin", otp_token=code(device))
    assert ApiToken.objects.get(user=admin).two_factor
    assert with_token(api, key).get("/api/v1/me/").json()["username"] == "w.admin"


def test_admin_without_an_authenticator_gets_no_token(api, council, make_member):
    make_member(council, Role.ADMIN, username="new.admin")
    response = api.post(TOKEN, {"username": "new.admin", "password": PASSWORD})
    assert response.status_code == 403
    assert "set up two-factor" in response.json()["message"]
    assert not ApiToken.objects.exists()


def test_token_issued_without_code_stops_when_the_account_enrols(api, council, make_member):
    person = make_member(council, Role.COMMISSIONER, username="kim")
    key = token_for(api, "kim")
    assert with_token(api, key).get("/api/v1/me/").status_code == 200
    enrolled(person)
    response = with_token(api, key).get("/api/v1/me/")
    assert response.status_code == 401 and response.json()["message"]


def test_token_issued_without_code_stops_when_the_person_becomes_admin(api, council,
                                                                       make_member):
    person = make_member(council, Role.COMMISSIONER, username="kim")
    key = token_for(api, "kim")
    make_member(council, Role.ADMIN, user=person)
    assert with_token(api, key).get("/api/v1/me/").status_code == 401


def test_password_only_session_is_worthless_on_the_api(client, signed_in, council,
                                                       make_member):
    admin = make_member(council, Role.ADMIN)
    client.force_login(admin)  # password passed, second factor not
    assert client.get("/agencies/").status_code == 302  # the page sends to two-factor
    for url in ("/api/v1/me/", "/api/v1/agencies/", f"/api/v1/agencies/{council.pk}/"):
        response = client.get(url)
        assert response.status_code == 401, url
        assert response.json()["message"].startswith("Finish two-factor sign-in")
    assert signed_in(admin).get("/api/v1/me/").status_code == 200  # verified session


@pytest.mark.parametrize("url", ["/api/v1/reports/7/publish/", "/api/v1/comments/1/hide/"])
def test_password_only_session_cannot_write_through_the_api(client, council, make_member,
                                                            url):
    client.force_login(make_member(council, Role.ADMIN))
    response = client.post(url, {}, content_type="application/json")
    assert response.status_code == 401 and response.json()["code"] == "authentication_failed"


def test_enrolled_non_admin_session_must_be_verified_too(client, council, make_member):
    person = make_member(council, Role.COMMISSIONER)
    enrolled(person)
    client.force_login(person)
    assert client.get("/api/v1/me/").status_code == 401
    assert client.get("/agencies/").status_code == 302


def test_sessions_of_people_without_two_factor_still_work(client, council, make_member):
    client.force_login(make_member(council, Role.COMMISSIONER))
    assert client.get("/api/v1/me/").status_code == 200


def _link(admin):
    assert mail.outbox[-1].to == [admin.email]
    return re.search(r"http://[^/]+(/account/two-factor/set-up/\S+/)",
                     mail.outbox[-1].body).group(1)


def test_set_up_page_never_shows_a_secret_to_a_password_holder(client, council, make_member):
    admin = make_member(council, Role.ADMIN)
    client.force_login(admin)
    page = client.get("/account/two-factor/")
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" not in html and "enter this key" not in html
    assert not TOTPDevice.objects.filter(user=admin).exists()
    sent = client.post("/account/two-factor/")
    assert sent.status_code == 200 and "<svg" not in sent.content.decode()
    assert "Check your e-mail" in sent.content.decode()
    link = _link(admin)
    # The link is for its person only: someone else signed in cannot use it.
    intruder = make_member(council, Role.ADMIN)
    other = client.__class__()
    other.force_login(intruder)
    assert other.get(link).status_code == 400
    # Its person opens it once: then, and only in that session, the key is shown.
    assert client.get(link).url == "/account/two-factor/"
    assert "<svg" in client.get("/account/two-factor/").content.decode()
    assert client.get(link).status_code == 400  # single use
    assert "<svg" not in other.get("/account/two-factor/").content.decode()


def test_enrolment_link_expires(client, council, make_member, settings):
    admin = make_member(council, Role.ADMIN)
    client.force_login(admin)
    client.post("/account/two-factor/")
    link = _link(admin)
    later = timezone.now() + timedelta(seconds=settings.TWO_FACTOR_ENROL_LINK_MAX_AGE + 60)
    with time_machine.travel(later):
        client.force_login(admin)  # a fresh session: the old one has timed out
        assert client.get(link).status_code == 400
    assert not TOTPDevice.objects.filter(user=admin).exists()


def test_tampered_enrolment_link_is_refused(client, council, make_member):
    admin = make_member(council, Role.ADMIN)
    client.force_login(admin)
    client.post("/account/two-factor/")
    link = _link(admin)
    assert client.get(link.replace("/set-up/", "/set-up/x")).status_code == 400


def test_administrator_invites_a_person_to_enrol(signed_in, client, council, make_member,
                                                 other_area):
    from tests.factories.agencies import AgencyFactory

    admin = make_member(council, Role.ADMIN)
    person = make_member(council, Role.FINANCE)
    stranger = make_member(AgencyFactory(local_area=other_area), Role.FINANCE)
    client = signed_in(admin)
    response = client.post(f"/people/{person.pk}/two-factor-invite/")
    assert response.status_code == 302
    assert mail.outbox[-1].to == [person.email] and "asked for you" in mail.outbox[-1].body
    assert client.post(f"/people/{stranger.pk}/two-factor-invite/").status_code == 404
    client.force_login(make_member(council, Role.COMMISSIONER))
    assert client.post(f"/people/{person.pk}/two-factor-invite/").status_code == 404


def test_page_token_is_two_factor_only_from_a_verified_session(client, signed_in, council,
                                                               make_member, api):
    admin = make_member(council, Role.ADMIN)
    client.force_login(admin)
    response = client.get("/account/tokens/new/")
    assert response.status_code == 302 and response.url.startswith("/account/two-factor/")
    assert client.post("/account/tokens/new/", {"name": "x"}).status_code == 302
    assert not ApiToken.objects.exists()
    old, _ = services.api_token_create(user=admin, two_factor=True)
    assert client.get("/account/").status_code == 302  # the token list waits for the code
    assert client.post(f"/account/tokens/{old.pk}/revoke/").status_code == 302
    old.refresh_from_db()
    assert old.revoked_at is None
    client = signed_in(admin)
    assert client.post("/account/tokens/new/", {"name": ""}).status_code == 400
    page = client.post("/account/tokens/new/", {"name": "Finance export"})
    key = re.search(r'id="token-key">([^<]+)<', page.content.decode()).group(1)
    assert ApiToken.objects.get(user=admin, name="Finance export").two_factor
    assert with_token(api, key).get("/api/v1/me/").status_code == 200


# --- 3. lockout per account and per address ---------------------------------------------
def test_lockout_cannot_be_dodged_by_case_or_email(client, api, council, make_member,
                                                   settings):
    make_member(council, Role.VIEWER, username="llr.viewer", email="llr.viewer@demo.invalid")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(SIGN_IN, {"username": "llr.viewer", "password": "wrong"})
    for name in ("LLR.viewer", "Llr.viewer", "llr.viewer@demo.invalid",
                 "LLR.Viewer@Demo.Invalid", " llr.viewer "):
        response = client.post(SIGN_IN, {"username": name, "password": PASSWORD})
        assert response.status_code == 429, name
        assert "You cannot sign in for 30 minutes" in response.content.decode()
        response = api.post(TOKEN, {"username": name, "password": PASSWORD})
        assert response.status_code == 429, name
    assert not ApiToken.objects.exists()


def test_api_failures_lock_the_page_too_and_the_429_is_json(client, api, council,
                                                           make_member, settings):
    make_member(council, Role.VIEWER, username="llr.viewer", email="llr.viewer@demo.invalid")
    names = ["LLR.VIEWER", "llr.viewer@DEMO.invalid", "Llr.Viewer", "llr.viewer", "LLR.viewer"]
    for name in names[:settings.AXES_FAILURE_LIMIT]:
        api.post(TOKEN, {"username": name, "password": "wrong"})
    response = api.post(TOKEN, {"username": "llr.viewer", "password": PASSWORD})
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"message", "errors", "code"} and body["code"] == "locked_out"
    assert int(response["Retry-After"]) > 0
    assert client.post(SIGN_IN, {"username": "llr.viewer",
                                 "password": PASSWORD}).status_code == 429


def test_unknown_names_count_under_their_normalised_text(client, settings):
    from axes.models import AccessAttempt

    for name in ("Nobody", "NOBODY", " nobody ", "noBody", "nobody"):
        client.post(SIGN_IN, {"username": name, "password": "wrong"})
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {"nobody"}
    assert client.post(SIGN_IN, {"username": "NoBoDy", "password": "x"}).status_code == 429


def test_lockout_counts_failures_per_address(client, council, make_member, settings):
    settings.LOGIN_FAILURE_LIMIT_PER_IP = 8
    make_member(council, Role.VIEWER, username="innocent")
    for i in range(8):  # a different name each time: no one account reaches its limit
        client.post(SIGN_IN, {"username": f"guess{i}", "password": "wrong"})
    response = client.post(SIGN_IN, {"username": "innocent", "password": PASSWORD})
    assert response.status_code == 429
    other = client.__class__(REMOTE_ADDR="10.9.8.7")  # another address is not affected
    assert other.post(SIGN_IN, {"username": "innocent", "password": PASSWORD}).status_code == 302


def test_per_address_count_believes_only_trusted_proxies(client, council, make_member,
                                                         settings):
    settings.LOGIN_FAILURE_LIMIT_PER_IP = 4
    make_member(council, Role.VIEWER, username="innocent")
    for i in range(4):  # a forged X-Forwarded-For does not make a new address
        client.post(SIGN_IN, {"username": f"guess{i}", "password": "wrong"},
                    HTTP_X_FORWARDED_FOR=f"203.0.113.{i}")
    assert client.post(SIGN_IN, {"username": "innocent", "password": PASSWORD},
                       HTTP_X_FORWARDED_FOR="203.0.113.99").status_code == 429
    settings.TRUSTED_PROXY_COUNT = 1  # behind one proxy: its right-most entry is the client
    for i in range(4):
        client.post(SIGN_IN, {"username": f"other{i}", "password": "wrong"},
                    HTTP_X_FORWARDED_FOR=f"198.51.100.{i}, 192.0.2.1")
    assert client.post(SIGN_IN, {"username": "innocent", "password": PASSWORD},
                       HTTP_X_FORWARDED_FOR="192.0.2.1").status_code == 429
    assert client.post(SIGN_IN, {"username": "innocent", "password": PASSWORD},
                       HTTP_X_FORWARDED_FOR="192.0.2.1, 192.0.2.2").status_code == 302


def test_lockout_ends_after_the_cool_off(client, council, make_member, settings):
    make_member(council, Role.VIEWER, username="llr.viewer")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(SIGN_IN, {"username": "LLR.viewer", "password": "wrong"})
    assert client.post(SIGN_IN, {"username": "llr.viewer",
                                 "password": PASSWORD}).status_code == 429
    with time_machine.travel(timezone.now() + timedelta(hours=settings.AXES_COOLOFF_TIME,
                                                        minutes=1)):
        assert client.post(SIGN_IN, {"username": "llr.viewer",
                                     "password": PASSWORD}).status_code == 302


# --- 8. tokens end; sessions time out ---------------------------------------------------
def test_tokens_expire(api, council, make_member, settings):
    make_member(council, Role.COMMISSIONER, username="kim")
    response = api.post(TOKEN, {"username": "kim", "password": PASSWORD})
    expires = ApiToken.objects.get().expires_at
    assert response.json()["expires_at"]
    assert timedelta(days=settings.API_TOKEN_TTL_DAYS - 1) < expires - timezone.now() <= \
        timedelta(days=settings.API_TOKEN_TTL_DAYS)
    key = response.json()["token"]
    with time_machine.travel(expires - timedelta(minutes=1)):
        assert with_token(api, key).get("/api/v1/me/").status_code == 200
    with time_machine.travel(expires + timedelta(minutes=1)):
        assert with_token(api, key).get("/api/v1/me/").status_code == 401


def test_token_lifetime_is_configurable(api, council, make_member, settings):
    settings.API_TOKEN_TTL_DAYS = 2
    make_member(council, Role.COMMISSIONER, username="kim")
    key = token_for(api, "kim")
    with time_machine.travel(timezone.now() + timedelta(days=2, minutes=1)):
        assert with_token(api, key).get("/api/v1/me/").status_code == 401


def test_only_a_digest_of_the_key_is_stored(api, council, make_member):
    make_member(council, Role.COMMISSIONER, username="kim")
    key = token_for(api, "kim")
    token = ApiToken.objects.get()
    assert key not in (token.digest, token.prefix) and key.startswith(token.prefix)
    assert with_token(api, key + "x").get("/api/v1/me/").status_code == 401


def test_tokens_are_revoked_on_password_change_and_deactivation(api, council, make_member):
    person = make_member(council, Role.COMMISSIONER, username="kim")
    key = token_for(api, "kim")
    person.set_password("A-new-password-42")
    person.save()
    assert with_token(api, key).get("/api/v1/me/").status_code == 401
    assert ApiToken.objects.get().revoked_at is not None
    api.credentials()
    response = api.post(TOKEN, {"username": "kim", "password": "A-new-password-42"})
    key = response.json()["token"]
    person.is_active = False
    person.save()
    person.is_active = True
    person.save()  # reactivated: the old token stays revoked
    assert with_token(api, key).get("/api/v1/me/").status_code == 401


def test_tokens_are_revoked_by_a_password_reset(client, api, council, make_member):
    make_member(council, Role.COMMISSIONER, username="kim", email="kim@example.org")
    key = token_for(api, "kim")
    client.post("/account/password-reset/", {"email": "kim@example.org"})
    link = re.search(r"http://[^/]+(/account/password-reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link).url
    client.post(form_url, {"new_password1": "A-much-better-pass-9",
                           "new_password2": "A-much-better-pass-9"})
    assert with_token(api, key).get("/api/v1/me/").status_code == 401


def test_account_page_lists_and_revokes_own_tokens(client, api, council, make_member):
    person = make_member(council, Role.COMMISSIONER, username="kim")
    someone = make_member(council, Role.COMMISSIONER, username="sam")
    key = token_for(api, "kim", name="Monthly export")
    theirs, _ = services.api_token_create(user=someone, two_factor=False)
    token = ApiToken.objects.get(user=person)
    with_token(api, key).get("/api/v1/me/")
    client.force_login(person)
    page = client.get("/account/").content.decode()
    assert token.prefix in page and "Monthly export" in page and theirs.prefix not in page
    assert "Never" not in page  # last used is shown
    assert client.post(f"/account/tokens/{theirs.pk}/revoke/").status_code == 404
    assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 302
    assert with_token(api, key).get("/api/v1/me/").status_code == 401
    assert "Revoked" in client.get("/account/").content.decode()
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_sessions_end_after_30_idle_minutes(client, council, make_member):
    client.force_login(make_member(council, Role.COMMISSIONER))
    start = timezone.now()
    with time_machine.travel(start + timedelta(minutes=29)):
        assert client.get("/agencies/").status_code == 200
        assert client.get("/api/v1/me/").status_code == 200
    with time_machine.travel(start + timedelta(minutes=29 + 31)):
        response = client.get("/agencies/")
        assert response.status_code == 302 and response.url.startswith(SIGN_IN)
        assert "signed out after 30 minutes" in client.get(response.url).content.decode()
    client.force_login(make_member(council, Role.VIEWER))
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assert client.get("/api/v1/me/").status_code == 401


def test_sessions_end_12_hours_after_sign_in_however_busy(client, council, make_member):
    client.force_login(make_member(council, Role.COMMISSIONER))
    start = timezone.now()
    for minutes in range(25, 12 * 60, 25):  # a request every 25 minutes
        with time_machine.travel(start + timedelta(minutes=minutes)):
            assert client.get("/account/").status_code == 200, minutes
    with time_machine.travel(start + timedelta(hours=12, minutes=5)):
        assert client.get("/account/").status_code == 302


# --- low: password-reset e-mails are throttled ------------------------------------------
def test_password_reset_mails_are_throttled_per_address(client, council, make_member):
    make_member(council, Role.VIEWER, email="reset.me@example.org")
    answers = set()
    for i in range(8):
        email = "reset.me@example.org" if i % 2 else "Reset.Me@Example.org"
        response = client.post("/account/password-reset/", {"email": email})
        answers.add((response.status_code, response.url))
    assert answers == {(302, "/account/password-reset/sent/")}  # the same neutral answer
    assert len(mail.outbox) == 3
    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1)):
        client.post("/account/password-reset/", {"email": "reset.me@example.org"})
    assert len(mail.outbox) == 4


def test_password_reset_mails_are_throttled_per_address_of_sender(client, council,
                                                                  make_member, settings):
    settings.PASSWORD_RESET_RATE_PER_IP = "4/h"
    people = [make_member(council, Role.VIEWER, email=f"p{i}@example.org") for i in range(6)]
    for person in people:
        client.post("/account/password-reset/", {"email": person.email})
    assert len(mail.outbox) == 4
    other = client.__class__(REMOTE_ADDR="10.1.2.3")
    other.post("/account/password-reset/", {"email": people[-1].email})
    assert len(mail.outbox) == 5


def test_inactive_accounts_get_no_token(api, council, make_member):
    UserFactory(username="gone", is_active=False)
    assert api.post(TOKEN, {"username": "gone", "password": PASSWORD}).status_code == 400


def test_platform_administrators_revoke_tokens_in_the_admin(signed_in, council, make_member):
    person = make_member(council, Role.COMMISSIONER)
    token, _ = services.api_token_create(user=person, two_factor=False)
    root = UserFactory(is_superuser=True, is_staff=True)
    client = signed_in(root)
    page = client.get("/admin/agencies/apitoken/")
    assert page.status_code == 200 and token.prefix in page.content.decode()
    assert client.get("/admin/agencies/apitoken/add/").status_code == 403
    response = client.post("/admin/agencies/apitoken/", {
        "action": "revoke", "_selected_action": [token.pk]})
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_account_page_costs_constant_queries_however_many_tokens(client, council, make_member):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    person = make_member(council, Role.COMMISSIONER, username="kit")
    client.force_login(person)

    def queries_with(total):
        while ApiToken.objects.filter(user=person).count() < total:
            services.api_token_create(user=person, two_factor=False)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/account/").status_code == 200
        return len(ctx.captured_queries)

    assert queries_with(1) == queries_with(12)
