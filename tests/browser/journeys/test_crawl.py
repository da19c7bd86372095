"""Every link a person is offered leads somewhere: sign in as each demo role of Derbyshire,
follow every same-site link from the home page breadth-first (GET only, to depth 2) and
fail on any 4xx or 5xx, naming the role, the link, its status and the page that offered it.

Django's test client does the crawling (no browser: a few hundred pages per role in
seconds); the journeys in this folder drive Chromium.
"""
import re
import time
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.test import Client

from agencies.roles import Role
from tests.conftest import pass_two_factor

pytestmark = pytest.mark.django_db

MAX_DEPTH = 2          # home is depth 0; pages linked from depth-2 pages are not fetched
MAX_PAGES = 400        # per role: a safety net, never reached with the demo data
# Never followed: signing out, the Django admin and the API (their own tests), files
# served as they are, and page-number/sort variants of a list already fetched.
SKIP = re.compile(r"^/(static|assets|media|admin|api)/|^/account/sign-out/")
SIGN_IN = ("/account/sign-in/", "/admin/login/")


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def same_site_links(html, base):
    parser = Links()
    parser.feed(html)
    for href in parser.hrefs:
        url = urlsplit(urljoin(base, href))
        if url.scheme not in ("http", "https", "") or url.netloc not in ("", "testserver"):
            continue
        if SKIP.search(url.path):
            continue
        yield url.path + (f"?{url.query}" if url.query else "")


def key(link):
    """A list's other pages, sorts and filters count as the list: same path, same
    query parameter names."""
    path, _, query = link.partition("?")
    names = sorted({part.split("=")[0] for part in query.split("&") if part})
    return path, tuple(names)


def sign_in(user):
    return pass_two_factor(Client(raise_request_exception=False), user)


def crawl(client):
    """[(link, status, offered on)] for every failing link, and how many were fetched."""
    problems, seen, queue, fetched = [], {key("/")}, deque([("/", 0, "(start)")]), 0
    while queue and fetched < MAX_PAGES:
        link, depth, source = queue.popleft()
        response = client.get(link, follow=True)
        fetched += 1
        landed = response.request["PATH_INFO"]
        if response.status_code >= 400:
            problems.append((link, response.status_code, source))
            continue
        if landed.startswith(SIGN_IN) and not link.startswith(SIGN_IN):
            problems.append((link, f"{response.redirect_chain[0][1]} to sign-in", source))
            continue
        if depth >= MAX_DEPTH or "text/html" not in response.get("Content-Type", ""):
            continue
        for found in same_site_links(response.content.decode(), landed):
            if key(found) not in seen:
                seen.add(key(found))
                queue.append((found, depth + 1, link))
    return problems, fetched


@pytest.fixture
def derbyshire(db, django_capture_on_commit_callbacks):
    """The demo area, as `make demo` loads it (its board reports rendered too)."""
    from portal import area_files

    with django_capture_on_commit_callbacks(execute=True):
        area_files.load(settings.BASE_DIR / "demo" / "areas" / "derbyshire.yaml",
                        password=settings.DEMO_PASSWORD)


def test_no_role_is_offered_a_dead_link(derbyshire):
    from agencies.models import User

    problems, counts = [], {}
    started, cpu = time.monotonic(), time.process_time()
    for role in Role:
        client = sign_in(User.objects.get(username=f"derbyshire.{role}"))
        found, counts[str(role)] = crawl(client)
        problems += [(str(role), *problem) for problem in found]
    elapsed, cpu = time.monotonic() - started, time.process_time() - cpu
    assert all(n > 1 for n in counts.values()), counts  # every role got past its home page
    report = "\n".join(f"{role}: {link} answered {status}, linked from {source}"
                       for role, link, status, source in problems)
    assert not problems, f"{len(problems)} dead links ({sum(counts.values())} pages, " \
                         f"{elapsed:.0f} s, {cpu:.0f} s of CPU):\n{report}"
