"""Issue 16: a quarter in the Better Care Fund quarterly return's income and expenditure
layout. Opened with openpyxl: the figures are in the documented cells and add up."""
import io
from decimal import Decimal

from openpyxl import load_workbook

from commissioning.budgets.exports import (
    BCF_CELLS,
    BCF_EXPENDITURE_COLUMNS,
    BCF_EXPENDITURE_FIRST_ROW,
    BCF_EXPENDITURE_SHEET,
    BCF_INCOME_FIRST_ROW,
    BCF_SHEET,
)
from tests.conftest import pass_two_factor

YEAR = "2025-26"


def money(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def test_bcf_xlsx_cells_and_totals(s75, finance, client, council, icb):
    pass_two_factor(client, finance)
    pk = s75["agreement"].pk
    position_page = client.get(f"/pooled-budgets/{pk}/position/?year={YEAR}&quarter=2")
    url = f"/pooled-budgets/{pk}/quarters/{YEAR}/2/bcf.xlsx"
    assert url in position_page.content.decode()  # linked from the position
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-q2.bcf.xlsx"')
    book = load_workbook(io.BytesIO(response.content))
    sheet = book[BCF_SHEET]
    assert sheet[BCF_CELLS["agreement"]].value == "Complex cases pooled fund"
    assert sheet[BCF_CELLS["period"]].value.startswith("Q2 2025-26")
    assert sheet[BCF_CELLS["period_end"]].value == "2025-09-30"
    # the fixture: S1 council 600k / ICB 400k, S2 100k / 100k, S3 (aligned) 50k / 50k;
    # spend S1 100k + 160k (pooled: 60/40), S3 12k paid by the ICB
    assert money(sheet[BCF_CELLS["income_planned"]].value) == Decimal("1300000.00")
    assert money(sheet[BCF_CELLS["expenditure_planned"]].value) == Decimal("1300000.00")
    assert money(sheet[BCF_CELLS["income_actual"]].value) == Decimal("272000.00")
    assert money(sheet[BCF_CELLS["expenditure_actual"]].value) == Decimal("272000.00")
    assert money(sheet[BCF_CELLS["expenditure_planned_to_date"]].value) == Decimal("650000.00")
    income = {sheet[f"B{r}"].value: (money(sheet[f"C{r}"].value), money(sheet[f"D{r}"].value))
              for r in range(BCF_INCOME_FIRST_ROW, BCF_INCOME_FIRST_ROW + 2)}
    assert income == {council.name: (Decimal("750000.00"), Decimal("156000.00")),
                      icb.name: (Decimal("550000.00"), Decimal("116000.00"))}
    total = BCF_INCOME_FIRST_ROW + 2
    assert sheet[f"B{total}"].value == "Total"
    assert (money(sheet[f"C{total}"].value), money(sheet[f"D{total}"].value)) == \
        (Decimal("1300000.00"), Decimal("272000.00"))

    spend = book[BCF_EXPENDITURE_SHEET]
    header = [c.value for c in spend[BCF_EXPENDITURE_FIRST_ROW - 1]]
    assert header == BCF_EXPENDITURE_COLUMNS
    lines = [[c.value for c in row] for row in spend.iter_rows(
        min_row=BCF_EXPENDITURE_FIRST_ROW, max_row=spend.max_row - 1)]
    assert [(line[0], line[4]) for line in lines] == [
        ("S1", council.name), ("S1", icb.name), ("S2", council.name), ("S2", icb.name),
        ("S3", council.name), ("S3", icb.name)]
    s1_council = lines[0]
    assert [money(v) for v in s1_council[5:]] == [
        Decimal("600000.00"), Decimal("300000.00"), Decimal("156000.00"),
        Decimal("-144000.00")]
    totals = [c.value for c in spend[spend.max_row]]
    assert totals[0] == "Total"
    for column in range(5, 9):  # every money column adds up to its total
        assert sum(money(line[column]) for line in lines) == money(totals[column])
    assert money(totals[5]) == money(sheet[BCF_CELLS["expenditure_planned"]].value)
    assert money(totals[7]) == money(sheet[BCF_CELLS["expenditure_actual"]].value)


def test_bcf_xlsx_is_hidden_from_other_areas(s75, client, other_area, make_member):
    from agencies.roles import Role
    from tests.factories.agencies import AgencyFactory

    outsider = make_member(AgencyFactory(local_area=other_area), Role.FINANCE, username="o")
    pass_two_factor(client, outsider)
    url = f"/pooled-budgets/{s75['agreement'].pk}/quarters/{YEAR}/2/bcf.xlsx"
    assert client.get(url).status_code == 404
    pass_two_factor(client, outsider)
    assert client.get(f"/pooled-budgets/{s75['agreement'].pk}/quarters/{YEAR}/5/bcf.xlsx") \
        .status_code == 404
