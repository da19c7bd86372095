"""Journey 3: a finance officer imports a quarter's spend from a CSV file (checked first,
nothing saved until confirmed, contract references checked against the register) and reads
the pooled budget's position — through the pages only.
"""
import re
from decimal import Decimal

import pytest

from agencies.roles import Role
from commissioning.budgets.models import Spend
from tests.factories import budgets as make
from tests.factories.agencies import member
from tests.factories.contracts import make_contract

from .conftest import button, follow, link, main_text, nav, no_sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = b"schedule,date,amount,description,source,contract\n"
GOOD = HEADER + (b"S1,2025-05-31,12500.00,Residential placement May,,TST-C-0042\n"
                 b"S1,2025-08-31,7500.00,Residential placement August,,TST-C-0042\n"
                 b"S2,2025-06-30,3000.00,Hoists,QZZ,\n")
# The page's own example names a contract that is not in this area's register.
UNKNOWN_CONTRACT = HEADER + b"S1,2025-05-31,12500.00,Residential placement May,,DER-C-0042\n"


@pytest.fixture
def pool(area, council, icb):
    agreement = make.agreement(area, [council, icb], host=council,
                               title="Complex cases pooled fund")
    make.schedule(agreement, "S1", name="Residential placements",
                  contributions={council: "600000", icb: "400000"})
    make.schedule(agreement, "S2", name="Equipment", budget_type="aligned", lead=icb,
                  contributions={council: "50000", icb: "50000"})
    make_contract(area, council, reference="TST-C-0042", agencies=[icb])
    return agreement


def test_finance_imports_spend_and_reads_the_position(pool, council, browse, visit):
    officer = member(council, Role.FINANCE, username="j.finance")
    page = browse(officer)
    visit(page, "/")
    follow(page, nav(page, re.compile(r"^(Pooled )?budgets$", re.IGNORECASE)))
    follow(page, link(page, pool.title, exact=True))
    follow(page, link(page, "Spend", exact=True))
    follow(page, button(page, "Import a CSV file"))

    # A contract that is not in the register is refused, with its line, and nothing saved.
    page.set_input_files("#id_file", files=[{"name": "may.csv", "mimeType": "text/csv",
                                             "buffer": UNKNOWN_CONTRACT}])
    follow(page, button(page, "Check the file"), expect=400)
    assert "Line 2" in main_text(page) and "DER-C-0042" in main_text(page), \
        "an unknown contract reference was accepted"
    assert not Spend.objects.exists()

    # A good file: a preview, nothing saved until confirmed.
    page.set_input_files("#id_file", files=[{"name": "q1-q2.csv", "mimeType": "text/csv",
                                             "buffer": GOOD}])
    follow(page, button(page, "Check the file"))
    assert "3 lines totalling £23,000.00" in main_text(page)
    assert not Spend.objects.exists()
    follow(page, button(page, "Import 3 lines"))
    lines = {(s.schedule.code, s.amount, s.contract_reference,
              s.source_agency.code if s.source_agency else "")
             for s in Spend.objects.select_related("schedule", "source_agency")}
    assert lines == {("S1", Decimal("12500.00"), "TST-C-0042", ""),
                     ("S1", Decimal("7500.00"), "TST-C-0042", ""),
                     ("S2", Decimal("3000.00"), "", "QZZ")}
    assert "3 spend lines totalling £23,000.00 were imported" in main_text(page)

    # The position at the end of the year the spend belongs to.
    follow(page, link(page, pool.title, exact=True))
    follow(page, link(page, "Position at Q4 2025-26"))
    text = main_text(page)
    assert "£1,100,000.00" in text  # contributions: 600,000 + 400,000 + 50,000 + 50,000
    spend_row = page.locator("dt", has_text="Spend to date").locator("xpath=..")
    assert "£23,000.00" in spend_row.inner_text()
    s1 = page.locator("tr", has=page.locator("th", has_text="S1 Residential placements"))
    assert "£20,000.00" in s1.inner_text()
    # The position table's last column is visible at 1280 px, and at a phone's width the
    # page does not scroll sideways.
    last = page.locator("th", has_text="Variance").last
    box = last.bounding_box()
    assert box and box["x"] + box["width"] <= 1280, "the last column is off-screen at 1280 px"
    no_sideways_scroll(page)
