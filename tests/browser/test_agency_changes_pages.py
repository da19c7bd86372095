"""Issue 13's pages pass axe with zero violations: the succession page (empty, with errors,
and the agency pages after it), the strategy page with its vision, principles and
outcomes, its edit page, and a jointly led intention."""
import datetime

import pytest

from agencies import services as agency_services
from agencies.roles import Role
from commissioning import services
from tests.browser.conftest import axe_violations, submit
from tests.factories.agencies import AgencyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setting(area, council, icb, make_member):
    ccg = AgencyFactory(local_area=area, name="NHS Testshire CCG", short_name="TCCG",
                        kind="ccg", code="99Z")
    admin = make_member(council, Role.ADMIN, username="t.admin")
    commissioner = make_member(council, Role.COMMISSIONER, username="t.commissioner")
    strategy = services.strategy_create(
        actor=None, local_area=area, title="Joint strategy", period="2025-2028",
        status="published", vision="Every child lives a happy, healthy life close to home.",
        principles=["Co-produce at every stage.", "Spend wisely."],
        outcomes=["Help before things reach crisis point.", "Short breaks we can book."],
        priorities=[{"number": 1, "title": "Earlier help"}])
    intention = services.intention_create(
        actor=None, local_area=area, title="Jointly led therapies", lead_agency=council,
        joint_lead_agencies=[icb], partner_agencies=[ccg], owner=commissioner,
        priorities=list(strategy.priorities.all()))
    return {"ccg": ccg, "icb": icb, "admin": admin, "commissioner": commissioner,
            "strategy": strategy, "intention": intention}


def test_succession_pages(setting, browse, check_page):
    ccg, icb = setting["ccg"], setting["icb"]
    page = browse(setting["admin"])
    check_page(page, f"/agencies/{ccg.pk}/")
    submit(page, f"a[href='/agencies/{ccg.pk}/succession/']")
    assert axe_violations(page) == []
    submit(page, "#main-form button[type=submit]")  # nothing chosen: the error summary
    assert "There is a problem" in page.content()
    assert axe_violations(page) == []
    page.select_option("#id_successor", str(icb.pk))
    page.fill("#id_date", "2022-07-01")
    page.fill("#id_note", "The Health and Care Act 2022 replaced CCGs with ICBs.")
    submit(page, "#main-form button[type=submit]")
    assert f"/agencies/{ccg.pk}/" in page.url
    assert "from 1 July 2022" in page.content()
    assert axe_violations(page) == []
    check_page(page, f"/agencies/{icb.pk}/")
    assert "NHS Testshire CCG" in page.content()
    check_page(page, "/agencies/")
    check_page(page, f"/intentions/{setting['intention'].pk}/")
    assert "formerly" in page.content()


def test_strategy_and_joint_lead_pages(setting, browse, check_page):
    strategy = setting["strategy"]
    page = browse(setting["commissioner"])
    check_page(page, f"/strategies/{strategy.pk}/")
    assert "Short breaks we can book." in page.content()
    submit(page, f"a[href='/strategies/{strategy.pk}/edit/']")
    assert axe_violations(page) == []
    page.fill("#id_vision", "v" * 5001)
    submit(page, "#main-form button[type=submit]")
    assert "There is a problem" in page.content()
    assert axe_violations(page) == []
    page.fill("#id_vision", "Children thrive close to home.")
    page.fill("#id_outcomes", "Be listened to\nFriends and things to do")
    submit(page, "#main-form button[type=submit]")
    assert "Friends and things to do" in page.content()
    assert axe_violations(page) == []
    intention = setting["intention"]
    check_page(page, f"/intentions/{intention.pk}/")
    assert "Lead agencies (jointly led)" in page.content()
    check_page(page, f"/intentions/{intention.pk}/edit/")
    check_page(page, "/intentions/")


def test_a_future_succession_reads_will_be_replaced(setting, browse, check_page):
    ccg, icb = setting["ccg"], setting["icb"]
    agency_services.agency_succession_record(
        actor=None, predecessor=ccg, successor=icb,
        date=datetime.date.today() + datetime.timedelta(days=30))
    page = browse(setting["admin"])
    check_page(page, f"/agencies/{ccg.pk}/")
    assert "Will be replaced by" in page.content()
