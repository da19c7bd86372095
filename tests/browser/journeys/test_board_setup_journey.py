"""Journey (issue 13): a local-area administrator sets a board up on pages only: creates it
(after one refused attempt), gives a person a seat, schedules the year's meetings; then
changes the board and ends the seat. Every page passes axe; the database says what was
saved after each step. A second test opens the other set-up pages of issue 13 (findings,
comparators, a schedule's risk-share rule, a new local area and its invitation), each with
and without errors, through axe."""
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core import mail

from agencies.models import User
from agencies.roles import Role
from governance.models import Board, BoardMember, Meeting
from tests.browser.conftest import submit
from tests.factories.agencies import member

from .conftest import button, follow, main_text, nav

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_administrator_sets_up_a_board_seats_and_schedule(area, council, icb, browse, visit):
    admin = member(council, Role.ADMIN, username="j.admin")
    chair = member(icb, Role.COMMISSIONER, username="c.chair", first_name="Cai",
                   last_name="Chair")
    page = browse(admin)
    visit(page, "/")
    follow(page, nav(page, "Boards"))
    follow(page, button(page, "Set up a board"))

    # The name is missing: refused with the error summary, nothing saved.
    page.fill("#id_delegated_limit", "500000")
    follow(page, button(page, "Set up board"), expect=400)
    assert "There is a problem" in main_text(page) and page.title().startswith("Error: ")
    assert not Board.objects.exists()

    page.fill("#id_name", "SEND Intervention Board")
    page.fill("#id_short_name", "SIB")
    page.fill("#id_purpose", "Agrees the SEND written statement of action.")
    page.get_by_label("Monthly", exact=True).check()
    page.fill("#id_quorum", "2")
    page.locator(f"input[name=decides_for][value='{council.pk}']").check()
    page.locator(f"input[name=decides_for][value='{icb.pk}']").check()
    page.fill(f"#id_limit_{icb.pk}", "250000")
    page.locator(f"input[name=scope_agencies][value='{council.pk}']").check()
    follow(page, button(page, "Set up board"))
    made = Board.objects.get(name="SEND Intervention Board")
    assert (made.short_name, made.meeting_frequency, made.delegated_limit, made.quorum) == (
        "SIB", "monthly", Decimal("500000.00"), 2)
    assert {d.agency_id: d.limit for d in made.delegations.all()} == {
        council.pk: None, icb.pk: Decimal("250000.00")}
    assert page.url.endswith(f"/boards/{made.pk}/")

    follow(page, button(page, "Add a seat"))
    page.select_option("#id_user", label="Cai Chair")
    page.select_option("#id_agency", label=icb.name)
    page.get_by_label("Chair", exact=True).check()
    page.fill("#id_starts", "2026-04-01")
    follow(page, button(page, "Add seat"))
    seat = BoardMember.objects.get(board=made, user=chair)
    assert (seat.agency_id, seat.role, seat.starts) == (icb.pk, "chair", date(2026, 4, 1))
    assert "Cai Chair" in main_text(page)

    follow(page, button(page, "Schedule the year's meetings"))
    page.fill("#id_year", "2026-27")
    page.get_by_label("Quarterly", exact=True).check()
    page.select_option("#id_first_month", label="June")
    page.select_option("#id_week", label="Last")
    page.select_option("#id_weekday", label="Tuesday")
    page.fill("#id_location", "County Hall")
    follow(page, button(page, "Schedule meetings"))
    assert list(Meeting.objects.filter(board=made).order_by("date").values_list(
        "date", flat=True)) == [date(2026, 6, 30), date(2026, 9, 29), date(2026, 12, 29),
                                date(2027, 3, 30)]
    made.refresh_from_db()
    assert made.meeting_frequency == "quarterly"
    assert "4 meetings were scheduled for 2026-27" in main_text(page)

    follow(page, page.get_by_role("link", name=re.compile("^Change the board")))
    page.fill("#id_quorum", "3")
    follow(page, button(page, "Save board"))
    made.refresh_from_db()
    assert made.quorum == 3

    follow(page, page.get_by_role("link", name="End the seat of Cai Chair"))
    page.fill("#id_on", "2027-03-31")
    follow(page, button(page, "End seat"))
    seat.refresh_from_db()
    assert seat.ends == date(2027, 3, 31)
    history = main_text(page)[main_text(page).index("History of changes"):]
    assert "Added: Seat of Cai Chair" in history
    assert "Meeting frequency changed from Monthly to Quarterly" in history
    assert "Quorum changed from 2 to 3" in history


def test_the_other_set_up_pages_pass_axe(area, council, icb, browse, visit):
    from commissioning.budgets.models import RiskShareRule
    from needs import services as needs_services
    from tests.factories import budgets as make
    from tests.factories.needs import comparators_for

    admin = member(council, Role.ADMIN, username="j.admin")
    comparators_for(area)
    finding = needs_services.finding_create(actor=None, local_area=area, author=admin,
                                            statement="More children need support",
                                            found_on=date(2026, 1, 5))
    agreement = make.agreement(area, [council, icb], host=council)
    schedule = make.schedule(agreement, "S1", contributions={council: "100.00",
                                                             icb: "100.00"})
    page = browse(admin)

    visit(page, f"/findings/{finding.pk}/")
    follow(page, page.get_by_role("link", name="Change the finding"))
    page.fill("#id_statement", "")
    follow(page, button(page, "Save finding"), expect=400)
    page.fill("#id_statement", "Many more children need support")
    follow(page, button(page, "Save finding"))
    follow(page, page.get_by_role("link", name="Remove the finding"))
    follow(page, button(page, "Remove finding"))
    assert "Findings removed" in main_text(page)

    visit(page, "/needs/")
    follow(page, page.get_by_role("link", name=re.compile("is compared with")))
    page.fill("#id_neighbours", "E99999999")
    follow(page, button(page, "Save comparators"), expect=400)
    page.fill("#id_neighbours", "")
    follow(page, button(page, "Save comparators"))

    page = browse(member(council, Role.FINANCE, username="j.finance"))
    visit(page, f"/pooled-budgets/{agreement.pk}/")
    follow(page, page.get_by_role("link", name=re.compile("^Set its own rule")))
    page.get_by_label("Fixed percentages", exact=True).check()
    page.fill(f"#id_pct_{council.pk}", "10")
    follow(page, button(page, "Save the rule"), expect=400)
    page.fill(f"#id_pct_{icb.pk}", "90")
    follow(page, button(page, "Save the rule"))
    assert RiskShareRule.objects.get().schedule_id == schedule.pk


def test_a_new_area_and_its_invitation_pass_axe(area, council, browser, live_server, visit,
                                                fresh_mail):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.browser.conftest import _pass_two_factor

    root = User.objects.create_superuser(username="root", email="root@example.org",
                                         password="secret-pass-123")
    # already enrolled, so signing in goes straight to the code (no set-up reload)
    TOTPDevice.objects.create(user=root, name="test", confirmed=True)
    User.objects.filter(pk=root.pk).update(two_factor_enrolled=True)

    context = browser.new_context()
    page = context.new_page()
    page.goto(live_server.url + "/account/sign-in/")
    page.fill("#id_username", root.username)
    page.fill("#id_password", "secret-pass-123")
    submit(page, "button[type=submit]")
    if "/account/two-factor/" in page.url:
        _pass_two_factor(page, root)
    visit(page, "/areas/switch/")
    follow(page, page.get_by_role("link", name="Set up a new local area"))
    follow(page, button(page, "Set up local area"), expect=400)
    page.fill("#id_name", "Newshire")
    page.fill("#id_slug", "newshire")
    page.fill("#id_reference_prefix", "NEW")
    page.fill("#id_agency_name", "Newshire County Council")
    page.get_by_label("Council", exact=True).check()
    page.fill("#id_admin_first_name", "Ada")
    page.fill("#id_admin_last_name", "Lovelace")
    page.fill("#id_admin_email", "ada@newshire.example")
    follow(page, button(page, "Set up local area"))
    link = re.search(r"https?://[^/]+(/account/invitation/\S+/\S+/)",
                     mail.outbox[-1].body).group(1)
    context.close()

    invited = browser.new_context()
    page = invited.new_page()
    visit(page, link)
    page.fill("#id_password1", "a-Long-passphrase-9")
    page.fill("#id_password2", "different")
    follow(page, button(page, "Set password"), expect=400)
    page.fill("#id_password1", "a-Long-passphrase-9")
    page.fill("#id_password2", "a-Long-passphrase-9")
    follow(page, button(page, "Set password"))
    assert "/account/two-factor/" in page.url
    assert User.objects.get(email="ada@newshire.example").is_active
    visit(page, link, status=400)
    invited.close()
