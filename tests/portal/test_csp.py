"""A strict Content-Security-Policy on every kind of response (issue 14), and templates that
need nothing looser: no inline script, no inline style, no event-handler attributes."""
import re
from pathlib import Path

import pytest
from django.conf import settings

from agencies.roles import Role
from tests.portal.world import build_world

STRICT = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'none'"},
    "frame-ancestors": {"'none'"},
    "form-action": {"'self'"},
}
LOOSE = {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "http:", "https:", "data:"}


def policy(response):
    header = response.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = set(values)
    return directives


def assert_strict(response):
    directives = policy(response)
    for name, expected in STRICT.items():
        assert directives.get(name) == expected, (name, directives.get(name))
    for name in ("script-src", "style-src", "default-src", "connect-src", "font-src"):
        assert not (directives.get(name, set()) & LOOSE), (name, directives[name])
    assert directives["img-src"] <= {"'self'", "data:"}


@pytest.mark.django_db
def test_every_page_type_has_a_strict_policy(client, signed_in, area, council, icb):
    world = build_world(area, council, icb)
    anonymous = {
        "/account/sign-in/": 200, "/accessibility/": 200, f"/public/{area.slug}/": 200,
        "/no-such-page/": 404, "/intentions/": 302, "/api/docs/": 200,
        "/api/docs/?script=": 200, "/api/v1/intentions/": 401, "/admin/login/": 200,
        "/healthz": 200,
    }
    for path, status in anonymous.items():
        response = client.get(path)
        assert response.status_code == status, path
        assert_strict(response)
    client = signed_in(world.people.admin)
    intention = world.intentions[0]
    pages = {
        "/": 200,  # home
        "/intentions/": 200,  # list
        f"/intentions/{intention.pk}/": 200,  # detail
        f"/intentions/{intention.pk}/edit/": 200,  # form
        f"/pooled-budgets/{world.pool.pk}/position/": 200,  # tables and a chart
        "/needs/": 200,
        "/api/v1/intentions/": 200,  # JSON
        f"/intentions/{intention.pk}/position.csv": 404,
    }
    for path, status in pages.items():
        response = client.get(path)
        assert response.status_code == status, path
        assert_strict(response)
    errors = client.post("/agencies/new/", {"name": ""})  # a form with errors
    assert errors.status_code == 400
    assert_strict(errors)
    viewer = signed_in(world.people.viewer)
    assert_strict(viewer.get("/people/new/"))  # refused


TEMPLATE_ROOTS = [Path(settings.BASE_DIR) / "templates",
                  *sorted(Path(settings.BASE_DIR).glob("*/templates")),
                  *sorted(Path(settings.BASE_DIR).glob("*/*/templates"))]
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(ld\+)?json\")[^>]*>", re.I),
     "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I), "event-handler attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_no_template_needs_inline_script_or_style():
    """The pages' templates (not the PDF's, which WeasyPrint renders) carry nothing that a
    strict policy would block: a new one would break in the browser without this test."""
    problems = []
    templates = [p for root in TEMPLATE_ROOTS for p in root.rglob("*.html")
                 if "/templates/pdf/" not in str(p)]
    assert len(templates) > 80
    for path in templates:
        text = path.read_text()
        for pattern, what in INLINE:
            if pattern.search(text):
                problems.append(f"{path.relative_to(settings.BASE_DIR)}: {what}")
    assert problems == []


def test_svg_charts_drawn_in_python_carry_no_inline_style():
    from needs.charts import line_chart

    svg = str(line_chart(
        title="SEN support", description="A line", unit_label="%", chart_id="c",
        periods=["2021", "2022"], series=[("Testshire", [1, 2])]))
    assert "<svg" in svg and "style=" not in svg


@pytest.mark.django_db
def test_a_role_with_nothing_to_change_still_gets_the_policy(signed_in, council, make_member):
    response = signed_in(make_member(council, Role.VIEWER)).get("/")
    assert response.status_code == 200
    assert_strict(response)


@pytest.mark.django_db
def test_organisation_sign_in_form_may_lead_only_to_the_enabled_providers(client, area):
    """Browsers apply form-action to the redirect after a form: the sign-in-with-your-
    organisation form names the providers' origins, and nothing else is loosened."""
    from sso.models import SignInProvider

    SignInProvider.objects.create(local_area=area, name="Entra", client_id="portal",
                                  issuer="https://login.example.test/tenant/v2.0",
                                  client_secret_env="ENTRA_SECRET")
    SignInProvider.objects.create(local_area=area, name="Old", client_id="portal",
                                  issuer="https://old.example.test/", enabled=False,
                                  client_secret_env="OLD_SECRET")
    response = client.get("/account/sign-in/organisation/")
    assert response.status_code == 200
    directives = policy(response)
    assert directives["form-action"] == {"'self'", "https://login.example.test"}
    assert directives["script-src"] == {"'self'"} and directives["default-src"] == {"'self'"}
    assert policy(client.get("/account/sign-in/"))["form-action"] == {"'self'"}
