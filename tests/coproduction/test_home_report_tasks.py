"""Home panels, the board report section, transparency extras and the beat task."""
from datetime import timedelta

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.utils import timezone

from commissioning.coproduction import board_report, home, public, services, tasks
from commissioning.coproduction.models import Consultation
from tests.factories.coproduction import close, comment

pytestmark = pytest.mark.django_db(transaction=True)


def test_parent_carer_home_panels(people, intentions, consultation, area, signed_in):
    mine = comment(author=people.parent, intention=intentions.published, body="Evenings?")
    services.comment_create(actor=people.parent, intention=intentions.sensitive,
                            body="About therapies")
    other = comment(author=people.young, intention=intentions.sensitive, body="x")
    services.response_save(actor=people.icb_commissioner, comment=other, body="Yes",
                           outcome="already-planned", publish=True)
    panels = {p["title"]: p for p in home.panels(people.parent, area)}
    open_now = panels["Consultations open now"]["items"]
    assert open_now[0]["text"] == consultation.title and "14 days left" in open_now[0]["meta"]
    assert {i["text"] for i in panels["Intentions published for comment"]["items"]} == {
        f"{intentions.published.reference} Short breaks",
        f"{intentions.sensitive.reference} Therapies contract"}
    assert any(f"#comment-{mine.pk}" in i["href"]
               for i in panels["Your comments and their answers"]["items"])
    assert any("New consultation" in i["text"] for i in panels["Notifications"]["items"])
    html = signed_in(people.parent).get("/").content.decode()
    assert "Consultations open now" in html and "Comments awaiting your response" not in html


def test_notification_when_answered(people, intentions, area):
    c = comment(author=people.parent, intention=intentions.published)
    services.response_save(actor=people.commissioner, comment=c, body="Done",
                           outcome="already-planned", publish=True)
    items = {p["title"]: p for p in home.panels(people.parent, area)}["Notifications"]["items"]
    assert any("was answered" in i["text"] for i in items)


def test_commissioner_home_panel_with_due_dates(people, intentions, consultation, area,
                                                signed_in):
    comment(author=people.parent, intention=intentions.published)
    close(consultation, days_ago=40)
    panels = {p["title"]: p for p in home.panels(people.commissioner, area)}
    panel = panels["Comments awaiting your response"]
    assert "(overdue)" in panel["items"][0]["meta"] and "1 overdue" in panel["link_text"]
    page = signed_in(people.commissioner).get("/comments/awaiting-response/").content.decode()
    assert "Overdue" in page


def test_board_report_section(people, intentions, consultation, council, icb):
    today = timezone.localdate()
    year = public.current_financial_year(today)
    quarter = {4: 1, 5: 1, 6: 1, 7: 2, 8: 2, 9: 2, 10: 3, 11: 3, 12: 3}.get(today.month, 4)
    c = comment(author=people.parent, intention=intentions.published)
    comment(author=people.young, intention=intentions.published)
    services.response_save(actor=people.commissioner, comment=c, body="Yes",
                           outcome="changed-plan", what_changed="More")
    data = board_report.section(board=None, year=year, quarter=quarter, agencies=[council])
    assert data["comments_received"] == 2 and data["comments_awaiting"] == 2
    Consultation.objects.filter(pk=consultation.pk).update(
        opens=today - timedelta(days=10), closes=today - timedelta(days=1))
    services.consultation_publish_responses(actor=people.commissioner,
                                            consultation=consultation, notify=False)
    data = board_report.section(board=None, year=year, quarter=quarter, agencies=[council])
    if (today - timedelta(days=1)) >= board_report.quarter_dates(year, quarter)[0]:
        assert data["consultations_closed"] == 1
    assert data["responses_published"] == 1 and data["changed_plan"] == 1
    assert {o["label"]: o["count"] for o in data["outcomes"]}["Changed the plan"] == 1
    html = render_to_string(board_report.TEMPLATE, data)
    assert "<caption>" in html and 'scope="row"' in html and "<script" not in html
    assert "Priya" not in html  # nothing personal
    # an agency with no intentions: nothing to report
    from tests.factories.agencies import AgencyFactory
    assert board_report.section(board=None, year=year, quarter=quarter,
                                agencies=[AgencyFactory(local_area=council.local_area)]) is None


@pytest.mark.parametrize("year, quarter, start, end", [
    ("2025-26", 1, "2025-04-01", "2025-07-01"), ("2025-26", 3, "2025-10-01", "2026-01-01"),
    ("2025-26", 4, "2026-01-01", "2026-04-01"),
])
def test_quarter_dates(year, quarter, start, end):
    first, after = board_report.quarter_dates(year, quarter)
    assert (first.isoformat(), after.isoformat()) == (start, end)


def test_beat_task_notifies_consultations_that_opened(people, intentions):
    today = timezone.localdate()
    upcoming = services.consultation_create(
        actor=people.commissioner, intention=intentions.published, title="Later",
        opens=today + timedelta(days=3), closes=today + timedelta(days=20),
        audiences=["parent-carers"])
    mail.outbox.clear()
    assert tasks.notify_consultations_opening() == 0 and mail.outbox == []
    Consultation.objects.filter(pk=upcoming.pk).update(opens=today)
    assert tasks.notify_consultations_opening() == 1
    assert [m.to for m in mail.outbox] == [[people.parent.email]]
    assert "http" in mail.outbox[0].body and f"/intentions/{intentions.published.pk}/" \
        in mail.outbox[0].body
    assert tasks.notify_consultations_opening() == 0


def test_transparency_shows_published_board_reports_and_pooled_budget(area, council, icb,
                                                                      client, people):
    from decimal import Decimal

    from commissioning.budgets.models import Contribution, Schedule, Section75Agreement
    from governance.models import Board, BoardReport

    board = Board.objects.create(local_area=area, name="Testshire SEND Board")
    BoardReport.objects.create(board=board, year="2025-26", quarter=2, status="published",
                               published_at=timezone.now())
    BoardReport.objects.create(board=board, year="2025-26", quarter=3, status="ready")
    agreement = Section75Agreement.objects.create(local_area=area, title="Complex cases",
                                                  host=council,
                                                  starts=timezone.localdate())
    schedule = Schedule.objects.create(agreement=agreement, code="S1", name="Placements",
                                       lead_partner=council)
    year = public.current_financial_year()
    Contribution.objects.create(schedule=schedule, agency=council, year=year,
                                amount=Decimal("3600000.00"))
    Contribution.objects.create(schedule=schedule, agency=icb, year=year,
                                amount=Decimal("3600000.50"))
    html = client.get(f"/public/{area.slug}/transparency/").content.decode()
    assert "£7,200,000.50 pooled in " + year in html
    assert "Quarter 2 2025-26" in html and "Quarter 3 2025-26" not in html


def test_awaiting_in_the_database_agrees_with_due_date(people, intentions, consultation, area,
                                                       django_assert_max_num_queries):
    """The home panel and the awaiting page order and count in the database (issue 15);
    they agree with `due_date` comment by comment, and cost the same whatever the number."""
    from commissioning.coproduction import selectors
    from commissioning.coproduction.models import Comment

    def add(n):
        made = [comment(author=people.parent, intention=intentions.published, body=f"c{i}")
                for i in range(n)]
        # Comments made on many days, some with the consultation's clock, some without.
        for i, c in enumerate(made):
            Comment.objects.filter(pk=c.pk).update(
                created_at=timezone.now() - timedelta(days=7 * i),
                consultation=consultation if i % 3 == 0 else None)
        return made

    add(3)
    close(consultation, days_ago=20)
    today = timezone.localdate()
    with django_assert_max_num_queries(12) as few:
        home.panels(people.commissioner, area)
    add(9)
    with django_assert_max_num_queries(len(few.captured_queries)):
        home.panels(people.commissioner, area)
    every = selectors.with_due_dates(
        selectors.comments_awaiting_response(actor=people.commissioner, area=area))
    assert [c.pk for c in every] == [c.pk for c in sorted(
        every, key=lambda c: (selectors.due_date(c), c.pk))]
    soonest, count, overdue = selectors.awaiting_summary(actor=people.commissioner, area=area,
                                                         first=5, today=today)
    assert count == len(every) == 12
    assert overdue == sum(1 for c in every if c.due_on < today) > 0
    assert [c.pk for c in soonest] == [c.pk for c in every[:5]]
