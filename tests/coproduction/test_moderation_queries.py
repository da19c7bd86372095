"""The moderation queue costs the same number of queries however many comments wait."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories.coproduction import comment

pytestmark = pytest.mark.django_db


def _queue_queries(client, people, intentions, waiting):
    for i in range(waiting):
        comment(author=people.young, intention=intentions.published, body=f"Waiting {i}",
                let_through=False)
    with CaptureQueriesContext(connection) as ctx:
        page = client.get("/comments/moderation/")
    assert page.status_code == 200
    assert page.content.decode().count("Waiting ") >= waiting
    return len(ctx.captured_queries)


def test_the_moderation_queue_costs_constant_queries(people, intentions, signed_in):
    client = signed_in(people.admin)
    few = _queue_queries(client, people, intentions, 2)
    many = _queue_queries(client, people, intentions, 12)  # 14 waiting now
    assert many == few, (few, many)
