"""GOV.UK service standard basics on every page (issue 12): titles that name the page, the
area and the service ("Error: " first when a form has errors); a footer with the
accessibility statement, privacy notice, cookies and help on every page, signed in or not;
a beta banner with a feedback link; the parent-carer home without duplicates."""
import re
from collections import deque
from html import unescape

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from agencies.roles import Role
from portal.home import panels_for
from tests.portal.world import build_world

FOOTER_PAGES = {"/accessibility/": "Accessibility statement", "/privacy/": "Privacy notice",
                "/cookies/": "Cookies", "/help/": "Help and contact"}
SERVICE = "Joint Commissioning Portal"
SKIP = re.compile(r"^/(admin|api|static|assets|media)/|/sign-out|/export|/pdf|/download|"
                  r"\.(csv|xlsx|json|pdf)$|[?&]format=")


def title_of(response):
    match = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)
    assert match, "page has no <title>"
    return unescape(" ".join(match.group(1).split()))


def shape(path):
    return re.sub(r"\d+", "N", path.split("?")[0])


@pytest.fixture
def world(area, council, icb):
    return build_world(area, council, icb)


def assert_footer(html):
    for path, text in FOOTER_PAGES.items():
        assert f'href="{path}"' in html and text in html, f"footer lacks {text}"
    assert "govuk-phase-banner" in html and "Beta" in html
    assert 'href="/help/#feedback"' in html, "the phase banner's feedback link"


@pytest.mark.django_db
def test_footer_pages_are_open_to_everyone_and_name_themselves(client, settings):
    for path, name in FOOTER_PAGES.items():
        response = client.get(path)
        assert response.status_code == 200, path
        assert title_of(response) == f"{name} – {SERVICE}"
        html = response.content.decode()
        assert f'<h1 class="govuk-heading-l">{name}' in html
        assert_footer(html)
    statement = client.get("/accessibility/").content.decode()
    for heading in ("How accessible this website is", "Reporting accessibility problems",
                    "Enforcement procedure", "Compliance status",
                    "Preparation of this accessibility statement"):
        assert heading in statement  # the GOV.UK model statement's sections
    privacy = client.get("/privacy/").content.decode()
    for part in ("lawful basis", "How long we keep it", "Your rights", "children",
                 "Information Commissioner"):
        assert part in privacy
    assert "sessionid" in client.get("/cookies/").content.decode()
    limit = settings.AXES_FAILURE_LIMIT  # the help page states the lockout the settings make
    assert f"After {limit} wrong attempts your account is locked" in \
        client.get("/help/").content.decode()


@pytest.mark.django_db
def test_every_page_has_the_footer_signed_in_or_not(client, signed_in, world):
    for path in ("/account/sign-in/", "/account/password-reset/", "/no-such-page/"):
        assert_footer(client.get(path).content.decode())
    client = signed_in(world.people.commissioner)
    for path in ("/", "/intentions/", f"/intentions/{world.intentions[0].pk}/"):
        assert_footer(client.get(path).content.decode())


def _get_routes_without_arguments():
    """Every named page whose URL takes no argument, from the URL conf."""
    def walk(patterns, prefix="", namespace=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern) and p.name:
                route = prefix + str(p.pattern)
                if "<" not in route and "(" not in route and "^" not in route:
                    yield "/" + route
    return sorted({r for r in walk(get_resolver().url_patterns) if not SKIP.search(r)})


@pytest.mark.django_db
def test_every_title_names_its_page_the_area_and_the_service(client, signed_in, world, area):
    """Walk the portal as every role (each kind of page once) plus every named page that
    takes no argument: each title is "<page> – <area> – <service>"."""
    pattern = re.compile(rf"^(?P<page>.+) – {re.escape(area.name)} – {SERVICE}$")
    checked, bad = set(), {}
    for role in Role:
        person = getattr(world.people, str(role).replace("-", "_"))
        client = signed_in(person)
        queue = deque(["/", *(_get_routes_without_arguments() if role == Role.ADMIN else [])])
        while queue:
            path = queue.popleft()
            if shape(path) in checked:
                continue
            response = client.get(path)
            if response.status_code != 200 or "text/html" not in response["Content-Type"]:
                continue
            checked.add(shape(path))
            title = title_of(response)
            match = pattern.match(title)
            vague = not match or match["page"] in ("Page", "Home", area.name, SERVICE)
            if vague and not (path == "/" and title.startswith("Home – ")):
                bad[path] = title
            for href in re.findall(r'href="(/[^"#]*)', response.content.decode()):
                href = unescape(href)
                if not SKIP.search(href) and shape(href) not in checked:
                    queue.append(href)
    assert len(checked) >= 40, sorted(checked)
    assert bad == {}


@pytest.mark.django_db
def test_home_title_names_the_home_page(signed_in, world, area):
    response = signed_in(world.people.commissioner).get("/")
    assert title_of(response) == f"Home – {area.name} – {SERVICE}"


@pytest.mark.django_db
def test_a_form_with_errors_has_a_title_starting_error(signed_in, council, make_member):
    client = signed_in(make_member(council, Role.ADMIN))
    assert not title_of(client.get("/agencies/new/")).startswith("Error: ")
    response = client.post("/agencies/new/", {"name": ""})
    assert response.status_code == 400
    assert title_of(response).startswith("Error: Add an agency – Testshire – ")
    assert "govuk-error-summary" in response.content.decode()


@pytest.mark.django_db
def test_parent_carer_home_shows_each_intention_once_and_their_own_panels_first(world, area):
    for person in (world.people.parent_carer, world.people.young_person):
        panels = panels_for(person, area)
        assert panels, "a parent carer's home has panels"
        texts = [item["text"] for panel in panels for item in panel["items"]
                 if item["text"].startswith("TST-")]
        assert texts and len(texts) == len(set(texts)), texts
        roles = {Role.PARENT_CARER, Role.YOUNG_PERSON}
        own = [bool(set(p.get("roles", ())) & roles) for p in panels]
        assert own[0] and own == sorted(own, reverse=True), [p["title"] for p in panels]
        assert panels[0]["title"] != "Needs evidence"  # not statistics first


@pytest.mark.django_db
def test_sign_out_is_a_link_styled_button_in_the_header(signed_in, world):
    html = signed_in(world.people.commissioner).get("/").content.decode()
    header = html.split("</header>")[0]
    assert re.search(r'<button type="submit" class="[^"]*\bgovuk-link\b[^"]*">Sign out</button>',
                     header)
    nav = re.search(r'<ul class="govuk-service-navigation__list".*?</ul>', html, re.S).group(0)
    assert "Sign out" not in nav  # one row of navigation: account links sit in the header


@pytest.mark.django_db
def test_destructive_actions_use_the_warning_button(signed_in, world):
    from commissioning.coproduction.models import Comment
    from portal.templatetags.portal_ui import destructive

    assert destructive("Withdraw") and destructive("Hide comment") and destructive("End role")
    assert not destructive("Save changes") and not destructive("Make active")
    intention = world.intentions[0]
    client = signed_in(world.people.commissioner)
    html = client.get(f"/intentions/{intention.pk}/status/withdraw/").content.decode()
    assert 'class="govuk-button govuk-button--warning"' in html and ">Withdraw</button>" in html
    html = client.get(f"/intentions/{intention.pk}/status/hold/").content.decode()
    assert 'govuk-button--warning' not in html
    comment = Comment.objects.get(intention=intention)
    admin = signed_in(world.people.admin)
    response = admin.get(f"/comments/{comment.pk}/hide/")  # the area administrator moderates
    assert response.status_code == 200
    assert "govuk-button--warning" in response.content.decode()
