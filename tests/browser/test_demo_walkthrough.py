"""A newcomer's walk: load the Derbyshire demo, sign in as each demo role, follow the links a
person can reach from the home page, and check every page answers and passes axe.

This crosses every app, so a dead link or an inaccessible page anywhere fails here.
"""
import re
from collections import deque
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.test import Client

from agencies.roles import Role
from tests.browser.conftest import axe_violations
from tests.conftest import pass_two_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_PAGES = 25
SKIP = re.compile(r"^/(admin|api|static|assets|media)/|/sign-out|/export|\.(csv|xlsx|json|pdf)$|"
                  r"[?&]format=")


def shape(path):
    """Pages that differ only by ids count once, so the walk covers kinds of pages."""
    return re.sub(r"\d+", "N", path.split("?")[0])


@pytest.fixture
def derbyshire(transactional_db):
    from portal import area_files

    return area_files.load(settings.BASE_DIR / "demo" / "areas" / "derbyshire.yaml",
                           password=settings.DEMO_PASSWORD)


class PageShape(HTMLParser):
    """The links of a page, and what distinguishes one role's view of it from another's:
    the headings and form controls of its main content."""

    CONTROLS = {"input", "select", "textarea", "button"}

    def __init__(self, html):
        super().__init__()
        self.links, self.parts, self._main, self._text = [], [], 0, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and (attrs.get("href") or "").startswith("/"):
            self.links.append(attrs["href"].split("#")[0])
        self._main += tag == "main"
        if self._main and tag in self.CONTROLS:
            self.parts.append(f"{tag}:{attrs.get('type', '')}:{attrs.get('name', '')}")
        if self._main and tag in {"h1", "h2", "button"}:
            self._text = []

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if self._text is not None and tag in {"h1", "h2", "button"}:
            self.parts.append(" ".join("".join(self._text).split())[:40])
            self._text = None
        self._main -= tag == "main"


def walk(client, page, base, checked):
    """Visit up to MAX_PAGES kinds of page from home with the test client (it is the same
    server; a page costs 25 ms, not Chromium's 150), and open in Chromium with axe each
    (kind of page, headings and controls) not yet in `checked`: a page every role reads
    alike is checked once, a page with a role's own form once for that form."""
    seen, visited, queue = set(), [], deque(["/"])
    while queue and len(visited) < MAX_PAGES:
        path = queue.popleft()
        if shape(path) in seen:
            continue
        seen.add(shape(path))
        response = client.get(path, follow=True)  # as Chromium follows redirects
        assert response.status_code == 200, f"{path}: {response.status_code}"
        if "text/html" not in response.get("Content-Type", ""):
            continue
        visited.append(path)
        found = PageShape(response.content.decode())
        fingerprint = (shape(path), tuple(found.parts))
        if fingerprint not in checked:
            checked.add(fingerprint)
            opened = page.goto(base + path)
            assert opened is not None and opened.status == 200, f"{path} in Chromium"
            violations = axe_violations(page)
            assert violations == [], f"axe on {path}: {violations}"
        queue.extend(href for href in found.links
                     if href and not SKIP.search(href) and shape(href) not in seen)
    return visited


def test_each_demo_role_walks_the_portal(derbyshire, browse, live_server):
    """One load of the demo (it renders the boards' past reports), then every role walks."""
    from agencies.models import User

    problems, checked = {}, set()
    for role in Role:
        user = User.objects.get(username=f"derbyshire.{role}")
        page = browse(user)  # signed in as the forms would leave them (tested elsewhere)
        client = pass_two_factor(Client(), user)
        try:
            visited = walk(client, page, live_server.url, checked)
            assert "/" in visited and len(visited) >= 2, visited
            page.goto(live_server.url + "/agencies/")
            text = page.inner_text("main")
            assert "Derbyshire County Council" in text
            assert "Worcestershire" not in text and "Leicester" not in text
        except AssertionError as exc:
            problems[str(role)] = str(exc)[:2000]
        finally:
            page.context.close()
    assert problems == {}
    assert len(checked) >= 25, checked  # the walk reached many kinds of page
