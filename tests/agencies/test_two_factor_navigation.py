"""Two-factor pages offer no section of the portal (each would loop back to them): the
navigation shows only "Sign out", and there is no area bar (issue 12, "No dead ends")."""
import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies.roles import Role

pytestmark = pytest.mark.django_db
NAV_LINK = re.compile(r'class="govuk-service-navigation__link" href="([^"]+)"')


def test_two_factor_set_up_shows_only_sign_out(client, council, make_member, mailoutbox):
    admin = make_member(council, Role.ADMIN)
    client.force_login(admin)
    # First time: the page offers the e-mailed set-up link; the link opens the set-up page.
    first = client.get("/account/two-factor/").content.decode()
    assert NAV_LINK.findall(first) == [] and "Local area:" not in first
    client.post("/account/two-factor/")
    link = re.search(r"https?://\S+(/account/two-factor/\S+/)", mailoutbox[-1].body).group(1)
    page = client.get(link, follow=True).content.decode()
    assert "Set up two-factor sign-in" in page
    assert NAV_LINK.findall(page) == []
    assert "Sign out" in page and 'action="/account/sign-out/"' in page
    assert "Change local area" not in page and "Local area:" not in page
    # Every same-site link left on the page works without looping back to two-factor.
    for href in set(re.findall(r'href="(/[^"#]*)"', page)) - {"/"}:
        if href.startswith("/static/"):
            continue
        response = client.get(href)
        assert response.status_code == 200, href
    # Once verified, the whole navigation is back.
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    client.post("/account/two-factor/", {"otp_token": f"{totp(device.bin_key):06d}"})
    page = client.get("/agencies/").content.decode()
    assert "/agencies/" in NAV_LINK.findall(page) and "Local area:" in page


def test_people_without_two_factor_keep_the_navigation(signed_in, council, make_member):
    commissioner = make_member(council, Role.COMMISSIONER)
    page = signed_in(commissioner).get("/account/").content.decode()
    assert "/intentions/" in NAV_LINK.findall(page)
