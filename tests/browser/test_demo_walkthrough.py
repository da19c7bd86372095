"""A newcomer's walk: load the Derbyshire demo, sign in as each demo role, follow the links a
person can reach from the home page, and check every page answers and passes axe.

This crosses every app, so a dead link or an inaccessible page anywhere fails here.
"""
import re
from collections import deque

import pytest
from django.conf import settings

from agencies.roles import Role
from tests.browser.conftest import axe_violations

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


# What distinguishes one role's view of a page from another's: its headings and its form
# controls. axe runs once for each kind of page in each such form (157 ms a page): a page
# every role reads alike is checked once, a page with a role's own form once for that form.
FINGERPRINT = """() => Array.from(document.querySelectorAll(
    'main h1, main h2, main input, main select, main textarea, main button'),
    e => e.tagName + ':' + (e.getAttribute('type') || '') + ':' +
         (e.getAttribute('name') || e.textContent.trim().slice(0, 40))).join('|')"""


def walk(page, base, checked):
    """Visit up to MAX_PAGES kinds of page from home; axe on each not yet in `checked`."""
    seen, visited, queue = set(), [], deque(["/"])
    while queue and len(visited) < MAX_PAGES:
        path = queue.popleft()
        if shape(path) in seen:
            continue
        seen.add(shape(path))
        response = page.goto(base + path)
        assert response is not None and response.status == 200, f"{path}: {response.status}"
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        visited.append(path)
        fingerprint = (shape(path), page.evaluate(FINGERPRINT))
        if fingerprint not in checked:
            checked.add(fingerprint)
            violations = axe_violations(page)
            assert violations == [], f"axe on {path}: {violations}"
        for href in page.eval_on_selector_all("a[href^='/']", "els => els.map(e => "
                                              "e.getAttribute('href'))"):
            href = href.split("#")[0]
            if href and not SKIP.search(href) and shape(href) not in seen:
                queue.append(href)
    return visited


def test_each_demo_role_walks_the_portal(derbyshire, browse, live_server):
    """One load of the demo (it renders the boards' past reports), then every role walks."""
    from agencies.models import User

    problems, checked = {}, set()
    for role in Role:
        user = User.objects.get(username=f"derbyshire.{role}")
        page = browse(user)  # signed in as the forms would leave them (tested elsewhere)
        try:
            visited = walk(page, live_server.url, checked)
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
