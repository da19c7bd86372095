"""A platform administrator sets up a new local area on a page and invites its first
administrator by e-mail (issue 13): the invitation makes an inactive account holding the
area-admin role; its one-time link sets a password and goes straight on to two-factor
set-up; nobody else may use the page."""
import re

import pytest
from django.core import mail
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies.models import Agency, LocalArea, Membership, User
from agencies.roles import Role

pytestmark = pytest.mark.django_db

GOOD = {"name": "Newshire", "slug": "newshire", "reference_prefix": "NEW",
        "description": "A new partnership.", "agency_name": "Newshire County Council",
        "agency_short_name": "NCC", "agency_kind": "council", "agency_code": "E10000097",
        "admin_first_name": "Ada", "admin_last_name": "Lovelace",
        "admin_email": "Ada.Lovelace@newshire.example"}


@pytest.fixture
def platform_admin(area):
    return User.objects.create_superuser(username="root", email="root@example.org",
                                         password="unused-Password-1")


def _invitation_link():
    assert mail.outbox[-1].to == [GOOD["admin_email"]]
    return re.search(r"https?://[^/]+(/account/invitation/\S+/\S+/)",
                     mail.outbox[-1].body).group(1)


def test_platform_administrator_sets_up_an_area_and_its_first_administrator(
        platform_admin, signed_in, client, django_capture_on_commit_callbacks):
    admin_client = signed_in(platform_admin)
    assert 'href="/areas/new/"' in admin_client.get("/areas/switch/").content.decode()
    assert admin_client.get("/areas/new/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        done = admin_client.post("/areas/new/", GOOD)
    assert done.status_code == 302 and done["Location"] == "/areas/switch/"
    area = LocalArea.objects.get(slug="newshire")
    assert (area.name, area.reference_prefix) == ("Newshire", "NEW")
    assert list(area.stages.order_by("position").values_list("name", flat=True)) == [
        "Analyse", "Plan", "Do", "Review"]
    agency = Agency.objects.get(local_area=area)
    assert (agency.name, agency.short_name, agency.kind, agency.code, agency.is_host) == (
        "Newshire County Council", "NCC", "council", "E10000097", True)
    invited = User.objects.get(email=GOOD["admin_email"])
    assert not invited.is_active and not invited.has_usable_password()
    assert Membership.objects.get(user=invited).role == Role.ADMIN
    assert "Newshire" in mail.outbox[-1].subject and "Ada" in mail.outbox[-1].body
    link = _invitation_link()

    # The invited person opens the link (not signed in), chooses a password...
    form = client.get(link)
    assert form.status_code == 200 and "Accept your invitation" in form.content.decode()
    mismatch = client.post(link, {"password1": "a-Long-passphrase-9", "password2": "other"})
    assert mismatch.status_code == 400 and "There is a problem" in mismatch.content.decode()
    weak = client.post(link, {"password1": "12345678", "password2": "12345678"})
    assert weak.status_code == 400
    invited.refresh_from_db()
    assert not invited.is_active
    accepted = client.post(link, {"password1": "a-Long-passphrase-9",
                                  "password2": "a-Long-passphrase-9"})
    assert accepted.status_code == 302 and accepted["Location"] == "/account/two-factor/"
    invited.refresh_from_db()
    assert invited.is_active and invited.check_password("a-Long-passphrase-9")
    # ...and goes straight on to two-factor set-up (the link came to their e-mail).
    set_up = client.get("/account/two-factor/").content.decode()
    assert "<svg" in set_up
    device = TOTPDevice.objects.get(user=invited, confirmed=False)
    verified = client.post("/account/two-factor/", {"otp_token": f"{totp(device.bin_key):06d}"})
    assert verified.status_code == 302
    invited.refresh_from_db()
    assert invited.two_factor_enrolled
    # They administer their new area: its settings page opens.
    settings_page = client.get("/areas/settings/")
    assert settings_page.status_code == 200 and "Newshire" in settings_page.content.decode()
    history = settings_page.content.decode().split("History of the area")[1]
    assert "Local area set up" in history and "root" in history
    # The link works once.
    client.logout()
    used = client.get(link)
    assert used.status_code == 400 and "This link does not work" in used.content.decode()


def test_bad_input_answers_400_and_saves_nothing(platform_admin, signed_in, area):
    client = signed_in(platform_admin)
    for change in ({"name": ""}, {"slug": "Not a slug"}, {"reference_prefix": "new"},
                   {"agency_code": "XYZ"}, {"admin_email": "nobody"},
                   {"slug": area.slug}, {"name": area.name},
                   {"admin_email": platform_admin.email}):
        answer = client.post("/areas/new/", {**GOOD, **change})
        assert answer.status_code == 400, change
        assert "There is a problem" in answer.content.decode(), change
    assert not LocalArea.objects.filter(slug="newshire").exists()
    assert not User.objects.filter(email__iexact=GOOD["admin_email"]).exists()
    assert not mail.outbox


def test_only_platform_administrators_set_up_areas(council, make_member, signed_in):
    area_admin = make_member(council, Role.ADMIN, username="areaadmin")
    client = signed_in(area_admin)
    assert client.get("/areas/new/").status_code == 404
    assert client.post("/areas/new/", GOOD).status_code == 404
    assert 'href="/areas/new/"' not in client.get("/areas/switch/").content.decode()
    assert not LocalArea.objects.filter(slug="newshire").exists()


def test_a_wrong_link_does_not_work(client, council, make_member):
    active = make_member(council, Role.COMMISSIONER, username="active")
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(active.pk))
    token = default_token_generator.make_token(active)
    # an active account is not invited: its password-reset token does not activate anything
    assert client.get(f"/account/invitation/{uid}/{token}/").status_code == 400
    assert client.get("/account/invitation/xx/yy/").status_code == 400
