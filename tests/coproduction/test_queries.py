"""Every list, page and report costs a constant number of queries whatever the data size.

Each case is measured at two sizes (3 and 30 threads of comment + reply + response);
the bound is pinned with the reason for it.
"""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commissioning.coproduction import board_report, services
from tests.factories.coproduction import close, comment

pytestmark = pytest.mark.django_db

# Page bounds: session + user + 2FA device (3), current area + stages (2), grants and roles
# (about 6), the context processor's areas (1), then the page's own queries.
PAGES = {
    # intention + partners (2), consultations, counts, what changed (3), thread (1 +
    # partners prefetch 1), milestones (1), can-comment consultation check (0-1); issue 16:
    # the consultations' documents, which have questions, which are followed (3)
    "consultation": ("parent", "/intentions/{pk}/consultation/", 23),  # measured 22
    # awaiting: the actor's commission grants (1) + the list with partners prefetch (2)
    "awaiting": ("commissioner", "/comments/awaiting-response/", 14),  # measured 13
    "mine": ("parent", "/comments/mine/", 14),  # measured 13: count + page
    # open, upcoming, closed (each with comment counts) and published intentions
    "consultations": ("parent", "/consultations/", 16),  # measured 15
    "reported": ("admin", "/comments/reported/", 13),  # measured 12
}
# Public pages have no session work: area (1) + the page's queries.
# you-said-we-did: intentions + consultations + public comments + milestones (4);
# intentions: the list + partners (2); transparency also reads the published board reports
# (1) and the years of pooled contributions (1; +1 for the total when there are some).
PUBLIC = {
    "/public/testshire/you-said-we-did/": 5,
    "/public/testshire/transparency/": 6,
    "/public/testshire/open-data/you-said-we-did.json": 5,
    "/public/testshire/open-data/intentions.csv": 3,
    "/api/v1/public/testshire/you-said-we-did/": 5,
    "/api/v1/public/testshire/intentions/": 3,
}


def grow(people, intention, consultation, n):
    for i in range(n):
        c = comment(author=people.parent, intention=intention, body=f"Point {i}")
        comment(author=people.young, intention=intention, body=f"Reply {i}", in_reply_to=c)
        services.response_save(actor=people.commissioner, comment=c, body="Answer",
                               outcome="already-planned")
        services.comment_report(actor=people.young, comment=c, reason="Check")


def _count(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(ctx.captured_queries)


@pytest.mark.parametrize("case", list(PAGES))
def test_pages_cost_constant_queries(case, people, intentions, consultation, signed_in,
                                     django_assert_max_num_queries):
    who, path, bound = PAGES[case]
    path = path.format(pk=intentions.published.pk)
    client = signed_in(getattr(people, who))
    counts = []
    for size in (3, 27):
        grow(people, intentions.published, consultation, size)
        client.get(path)  # warm the session
        with django_assert_max_num_queries(bound):
            counts.append(_count(client, path))
    assert counts[0] == counts[1], f"{case}: {counts}"


@pytest.mark.parametrize("path", list(PUBLIC))
def test_public_pages_cost_constant_queries(path, people, intentions, consultation, client,
                                            django_assert_max_num_queries):
    counts = []
    for size in (3, 27):
        grow(people, intentions.published, consultation, size)
        services.milestone_set(actor=people.commissioner, intention=intentions.published,
                               kind=["decision", "first-review"][len(counts)])
        with django_assert_max_num_queries(PUBLIC[path]):
            counts.append(_count(client, path))
    assert counts[0] == counts[1], f"{path}: {counts}"


def test_api_comment_list_costs_constant_queries(people, intentions, consultation, api,
                                                 django_assert_max_num_queries):
    client = api.as_user(people.commissioner)
    url = f"/api/v1/intentions/{intentions.published.pk}/comments/"
    counts = []
    for size in (3, 27):
        grow(people, intentions.published, consultation, size)
        client.get(url)  # warm the content-type cache
        # grants (about 5) + intention and partners (2) + count + page + partners (3)
        with django_assert_max_num_queries(14):
            counts.append(_count(client, url))
    assert counts[0] == counts[1]


@pytest.mark.parametrize("who", ["parent", "commissioner"])
def test_home_panels_cost_constant_queries(who, people, intentions, consultation, area,
                                           django_assert_max_num_queries):
    from commissioning.coproduction import home
    from tests.factories.coproduction import IntentionFactory

    counts = []
    for size in (3, 27):
        user = type(people.parent).objects.get(pk=getattr(people, who).pk)  # a fresh request
        grow(people, intentions.published, consultation, size)
        for _ in range(size // 3):
            IntentionFactory(local_area=area, lead_agency=intentions.published.lead_agency,
                             owner=people.commissioner)
        # grants and roles (3-4), open consultations, published intentions (+ partners),
        # my comments, awaiting: measured 8 for a parent carer, 9 for a commissioner
        with django_assert_max_num_queries(9):
            with CaptureQueriesContext(connection) as ctx:
                home.panels(user, area)
            counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_board_report_section_costs_constant_queries(people, intentions, consultation,
                                                     council, icb,
                                                     django_assert_max_num_queries):
    from django.utils import timezone

    today = timezone.localdate()
    quarter = {4: 1, 5: 1, 6: 1, 7: 2, 8: 2, 9: 2, 10: 3, 11: 3, 12: 3}.get(today.month, 4)
    first = today.year if today.month >= 4 else today.year - 1
    year = f"{first}-{str(first + 1)[2:]}"
    for size in (3, 27):
        grow(people, intentions.published, consultation, size)
        # consultations, comments, outcomes, milestones: four aggregates; the consultation
        # closes in the quarter: its questions and their counted answers (2)
        with django_assert_max_num_queries(6):
            data = board_report.section(board=None, year=year, quarter=quarter,
                                        agencies=[council, icb])
        assert data["comments_received"] == (size + 3 if size == 27 else size) * 2
    close(consultation)
    assert board_report.section(board=None, year="2001-02", quarter=1, agencies=[council]) is None
