"""Every e-mail the portal sends links to the site's configured address (SITE_URL), never
to a development address such as localhost:8000 (issue 12, "No dead ends")."""
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from agencies.roles import Role
from commissioning.coproduction import services as coproduction
from commissioning.coproduction import tasks as coproduction_tasks
from governance.models import BoardReport, ReportStatus
from governance.reports.tasks import notify_report_published
from tests.factories.agencies import member
from tests.factories.commissioning import Cycle
from tests.factories.governance import seat

pytestmark = pytest.mark.django_db
SITE = "https://portal.example.org"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


def _links(message):
    return re.findall(r"https?://\S+", message.body)


def _assert_on_site(messages):
    assert messages, "no e-mail was sent"
    for message in messages:
        links = _links(message)
        assert links, message.body
        assert all(link.startswith(SITE + "/") for link in links), links
        assert "localhost" not in message.body and "127.0.0.1" not in message.body


def test_stage_gate_emails_link_to_the_site(area, django_capture_on_commit_callbacks):
    cycle = Cycle(area)
    for person in (cycle.commissioner, cycle.council_approver, cycle.icb_approver):
        person.email = f"{person.username}@example.org"
        person.save()
    with django_capture_on_commit_callbacks(execute=True):
        cycle.submit()
    _assert_on_site(mail.outbox)
    link = next(link for link in _links(mail.outbox[0]) if "sign-off" in link)
    assert link.startswith(f"{SITE}/intentions/{cycle.intention.pk}/sign-off/?agency=")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cycle.approve_all()
    _assert_on_site(mail.outbox)  # decisions made, to the owner


def test_consultation_email_links_to_the_site(area, council):
    commissioner = member(council, Role.COMMISSIONER)
    member(council, Role.PARENT_CARER, email="carer@example.org")
    from tests.factories.coproduction import IntentionFactory

    intention = IntentionFactory(local_area=area, lead_agency=council)
    today = timezone.localdate()
    coproduction.consultation_create(
        actor=commissioner, intention=intention, title="Short breaks", opens=today,
        closes=today + timedelta(days=20), audiences=["parent-carers"])
    mail.outbox.clear()
    coproduction_tasks.notify_consultations_opening()
    _assert_on_site(mail.outbox)


def test_board_report_email_links_to_the_site(area, council):
    from tests.factories.governance import board

    group = board(area, name="SEND Strategic Board", scope=[council])
    reader = member(council, Role.BOARD_MEMBER, email="member@example.org")
    seat(group, council, "member", user=reader)
    report = BoardReport.objects.create(board=group, year="2025-26", quarter=2,
                                        status=ReportStatus.PUBLISHED)
    notify_report_published(report.pk)
    _assert_on_site(mail.outbox)
    assert f"{SITE}/reports/{report.pk}/" in mail.outbox[0].body


def test_password_reset_email_links_to_the_site(client, council):
    member(council, Role.VIEWER, email="reset.me@example.org")
    client.post("/account/password-reset/", {"email": "reset.me@example.org"},
                HTTP_HOST="localhost:8000")
    _assert_on_site(mail.outbox)
    path = _links(mail.outbox[0])[0].removeprefix(SITE)
    assert client.get(path).status_code == 302  # the link works (Django swaps the token)
