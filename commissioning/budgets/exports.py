"""The position as a bar chart (inline SVG data), an xlsx workbook in the Better Care Fund
quarterly layout, and CSV. All three are built from the same position data."""
import csv
import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from portal import periods
from portal.dates import long_datetime

CHART_MAX = 20
ROW = 44
LABEL_WIDTH = 170
BAR_WIDTH = 380
MONEY_FORMAT = '"£"#,##0.00;[Red]-"£"#,##0.00'


def chart(position) -> dict:
    """Geometry for a horizontal grouped bar chart of planned to date against actual spend
    to date per schedule (the largest `CHART_MAX` schedules by budget)."""
    rows = sorted(position["schedules"], key=lambda r: -Decimal(r["budget"]))[:CHART_MAX]
    top = max([Decimal(r["planned_to_date"]) for r in rows]
              + [Decimal(r["spend_to_date"]) for r in rows] + [Decimal(1)])
    bars = []
    for i, row in enumerate(rows):
        planned, actual = Decimal(row["planned_to_date"]), Decimal(row["spend_to_date"])
        y = 30 + i * ROW
        bars.append({
            "label": _short(f"{row['code']} {row['name']}"), "y": y, "text_y": y + 17,
            "planned": row["planned_to_date"], "actual": row["spend_to_date"],
            "planned_width": int(BAR_WIDTH * planned / top),
            "actual_width": int(BAR_WIDTH * actual / top),
            "planned_y": y + 2, "actual_y": y + 20, "over": actual > planned,
        })
    return {"bars": bars, "height": 40 + len(rows) * ROW, "label_width": LABEL_WIDTH,
            "bar_x": LABEL_WIDTH + 10, "width": LABEL_WIDTH + BAR_WIDTH + 140,
            "shown": len(rows), "total": len(position["schedules"]),
            "over": sum(1 for b in bars if b["over"])}


def _short(text, limit=26) -> str:
    """A bar label that fits beside the bars; the full names are in the table."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(" ,-(") + "…"


def _money(value) -> Decimal:
    return Decimal(value)


def _text(value) -> str:
    """Names typed by people never start a spreadsheet formula (CSV/formula injection)."""
    from portal.spreadsheets import safe_text

    return safe_text(value)


def _virement_columns(row) -> list[Decimal]:
    """Original budget, virements in and out (positions frozen before virements existed:
    the budget, and none)."""
    return [_money(row.get("original_budget", row["budget"])),
            _money(row.get("virements_in", "0.00")), _money(row.get("virements_out", "0.00"))]


def xlsx(position, agreement) -> bytes:
    """Sheets: Summary, Expenditure (planned vs actual by scheme and funding source, like the
    Better Care Fund quarterly template), Risk share and Trend."""
    book = Workbook()
    bold = Font(bold=True)
    title = f"{agreement.title}: {periods.label(position['year'], position['quarter'])}"

    summary = book.active
    summary.title = "Summary"
    summary.append([_text(title)])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append(["Status", "Frozen (quarter closed)" if position["frozen"] else "Live"])
    summary.append([])
    for label, key in (("Total pool", "total_pool"), ("Spend to date", "spend_to_date"),
                       ("Committed", "committed"), ("Forecast outturn", "forecast_outturn"),
                       ("Variance (over + / under -)", "variance")):
        summary.append([label, _money(position[key])])
    summary.append([])
    summary.append(["Partner", "Contribution"])
    for row in position["contributions"]:
        summary.append([_text(row["name"]), _money(row["amount"])])

    spend = book.create_sheet("Expenditure")
    spend.append(["Scheme ID", "Scheme name", "Budget type", "Lead partner", "Funding source",
                  "Planned expenditure (year)", "Planned to date", "Actual to date",
                  "Committed", "Forecast outturn", "Variance", "Original budget",
                  "Virements in", "Virements out"])
    for row in position["schedules"]:
        spend.append([_text(row["code"]), _text(row["name"]), row["budget_type"],
                      _text(row["lead"]), "All sources",
                      _money(row["budget"]), _money(row["planned_to_date"]),
                      _money(row["spend_to_date"]), _money(row["committed"]),
                      _money(row["forecast_outturn"]), _money(row["variance"]),
                      *_virement_columns(row)])
        for source in row["funding"]:
            spend.append([_text(row["code"]), _text(row["name"]), row["budget_type"],
                          _text(row["lead"]), _text(source["name"]),
                          _money(source["planned"]), None, _money(source["actual"]), None, None,
                          None])

    shares = book.create_sheet("Risk share")
    shares.append(["Partner", "Share of overspends", "Share of underspends", "Net share"])
    for row in position["risk_share"]:
        shares.append([_text(row["name"]), _money(row["overspend"]), _money(row["underspend"]),
                       _money(row["share"])])
    shares.append(["Total", None, None, _money(position["variance"])])

    trend = book.create_sheet("Trend")
    trend.append(["Month", "Spend"])
    for row in position["trend"]["months"]:
        trend.append([row["label"], _money(row["spend"])])

    for sheet in book.worksheets:
        for cell in sheet[1 if sheet.title != "Summary" else 8]:
            cell.font = bold
        for column in range(1, sheet.max_column + 1):
            sheet.column_dimensions[get_column_letter(column)].width = 22
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, Decimal):
                    cell.number_format = MONEY_FORMAT
        sheet.freeze_panes = "A2" if sheet.title != "Summary" else None
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_text(position) -> str:
    """One line per schedule and funding source, money with two places."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["year", "quarter", "schedule", "name", "budget_type", "lead_partner",
                     "funding_source", "planned", "planned_to_date", "actual_to_date",
                     "committed", "forecast_outturn", "variance", "original_budget",
                     "virements_in", "virements_out"])
    for row in position["schedules"]:
        writer.writerow([position["year"], position["quarter"], _text(row["code"]),
                         _text(row["name"]), row["budget_type"], _text(row["lead"]),
                         "All sources", row["budget"],
                         row["planned_to_date"], row["spend_to_date"], row["committed"],
                         row["forecast_outturn"], row["variance"],
                         *(f"{v:.2f}" for v in _virement_columns(row))])
        for source in row["funding"]:
            writer.writerow([position["year"], position["quarter"], _text(row["code"]),
                             _text(row["name"]), row["budget_type"], _text(row["lead"]),
                             _text(source["name"]), source["planned"],
                             "", source["actual"], "", "", "", "", "", ""])
    return out.getvalue()


def settlement_xlsx(context) -> bytes:
    """The year-end settlement statement as a workbook: one row per partner, the totals,
    and who signed it."""
    statement = context["statement"]
    book = Workbook()
    sheet = book.active
    sheet.title = "Settlement"
    sheet.append([f"{statement['title']}: year-end settlement {statement['year']}"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(["Total of contributions", Decimal(statement["total_pool"])])
    sheet.append(["Outturn", Decimal(statement["outturn"])])
    sheet.append(["Variance (positive = overspend)", Decimal(statement["variance"])])
    sheet.append(["Underspend carried forward", Decimal(statement["carried_forward"])])
    sheet.append([])
    header = ["Partner", "Host", "Contribution", "Share of overspend", "Share of underspend",
              "Share of variance", "Final contribution", "Carried forward",
              "Payment (+ pays the host, - receives)", "What happens"]
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for p in statement["partners"]:
        sheet.append([p["name"], "yes" if p["is_host"] else "", *(Decimal(p[k]) for k in (
            "contribution", "overspend", "underspend", "share", "final_contribution",
            "carried_forward", "payment")), f"{p['direction']} {p['amount']}"])
    for row in sheet.iter_rows(min_row=2, max_row=sheet.max_row):
        for cell in row:
            if isinstance(cell.value, Decimal):
                cell.number_format = MONEY_FORMAT
    sheet.append([])
    sheet.append(["Q4 position sha256", statement["q4_sha256"]])
    sheet.append(["Statement sha256", context["sha256"]])
    for signer in context["signers"]:
        sign_off = signer["sign_off"]
        sheet.append([f"Signed for {signer['name']}",
                      f"{sign_off.person} on {long_datetime(sign_off.at)}" if sign_off
                      else "awaited"])
    for column, width in zip("ABCDEFGHIJ", (34, 8, 16, 18, 18, 16, 18, 16, 22, 34),
                             strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- the Better Care Fund quarterly return's income and expenditure layout (issue 16) ------
# Fixed cells (documented in docs/budgets.md, checked by tests/budgets/test_bcf_export.py).
BCF_SHEET = "Income and Expenditure"
BCF_CELLS = {
    "area": "C4", "agreement": "C5", "period": "C6", "period_end": "C7",
    "income_planned": "C10", "income_actual": "D10",
    "expenditure_planned": "C11", "expenditure_actual": "D11",
    "expenditure_planned_to_date": "E11", "variance": "C12",
}
BCF_INCOME_FIRST_ROW = 16  # one row per funding source, then "Total"
BCF_EXPENDITURE_SHEET = "Expenditure"
BCF_EXPENDITURE_FIRST_ROW = 5  # one row per scheme and funding source, then "Total"
BCF_EXPENDITURE_COLUMNS = ["Scheme ID", "Scheme name", "Budget type", "Lead partner",
                           "Source of funding", "Planned expenditure (year)",
                           "Planned to date", "Actual to date", "Variance to date"]


def bcf_rows(position) -> list[dict]:
    """Planned and actual by scheme and funding source: each source's planned to date is
    the scheme's planned to date split by the sources' planned amounts (largest
    remainder), so the sources add up to the scheme exactly."""
    from portal.money import split_largest_remainder

    rows = []
    for scheme in position["schedules"]:
        sources = scheme["funding"]
        if not sources:
            continue
        planned = [Decimal(s["planned"]) for s in sources]
        to_date = (split_largest_remainder(Decimal(scheme["planned_to_date"]), planned)
                   if any(planned) else [Decimal("0.00")] * len(sources))
        for source, part in zip(sources, to_date, strict=True):
            actual = Decimal(source["actual"])
            rows.append({"code": scheme["code"], "name": scheme["name"],
                         "budget_type": scheme["budget_type"], "lead": scheme["lead"],
                         "agency": source["agency"], "source": source["name"],
                         "planned": Decimal(source["planned"]), "planned_to_date": part,
                         "actual": actual, "variance": actual - part})
    return rows


def bcf_xlsx(position, agreement) -> bytes:
    """A quarter in the layout of the Better Care Fund quarterly reporting template's
    income and expenditure tab: income by funding source (planned, actual) and expenditure
    (planned, actual) in fixed cells; a second sheet with planned vs actual by scheme and
    funding source."""
    zero = Decimal("0.00")
    rows = bcf_rows(position)
    book = Workbook()
    bold = Font(bold=True)
    sheet = book.active
    sheet.title = BCF_SHEET
    sheet["B2"] = "Better Care Fund quarterly reporting: income and expenditure"
    sheet["B2"].font = Font(bold=True, size=14)
    labels = {"area": "Health and wellbeing board area", "agreement": "Section 75 agreement",
              "period": "Reporting period", "period_end": "Quarter end",
              "income_planned": "Total income", "expenditure_planned": "Total expenditure",
              "variance": "Forecast variance (over + / under -)"}
    for key, label in labels.items():
        sheet[f"B{BCF_CELLS[key][1:]}"] = label
    sheet["C9"], sheet["D9"], sheet["E9"] = "Planned (year)", "Actual to date", \
        "Planned to date"
    for cell in ("C9", "D9", "E9"):
        sheet[cell].font = bold
    sheet[BCF_CELLS["area"]] = _text(agreement.local_area.name)
    sheet[BCF_CELLS["agreement"]] = _text(agreement.title)
    sheet[BCF_CELLS["period"]] = periods.label(position["year"], position["quarter"])
    sheet[BCF_CELLS["period_end"]] = position["period_end"]
    income = []
    actual_by_source: dict[int, Decimal] = {}
    for row in rows:
        actual_by_source[row["agency"]] = actual_by_source.get(row["agency"], zero) + \
            row["actual"]
    for contribution in position["contributions"]:
        income.append((contribution["name"], Decimal(contribution["amount"]),
                       actual_by_source.get(contribution["agency"], zero)))
    income_planned = sum((p for _, p, _ in income), zero)
    income_actual = sum((a for _, _, a in income), zero)
    sheet[BCF_CELLS["income_planned"]] = income_planned
    sheet[BCF_CELLS["income_actual"]] = income_actual
    sheet[BCF_CELLS["expenditure_planned"]] = sum((r["planned"] for r in rows), zero)
    sheet[BCF_CELLS["expenditure_actual"]] = sum((r["actual"] for r in rows), zero)
    sheet[BCF_CELLS["expenditure_planned_to_date"]] = sum((r["planned_to_date"] for r in rows),
                                                          zero)
    sheet[BCF_CELLS["variance"]] = Decimal(position["variance"])
    first = BCF_INCOME_FIRST_ROW
    sheet[f"B{first - 1}"], sheet[f"C{first - 1}"], sheet[f"D{first - 1}"] = \
        "Income by funding source", "Planned (year)", "Actual to date"
    for cell in (f"B{first - 1}", f"C{first - 1}", f"D{first - 1}"):
        sheet[cell].font = bold
    for offset, (name, planned, actual) in enumerate(income):
        sheet[f"B{first + offset}"] = _text(name)
        sheet[f"C{first + offset}"] = planned
        sheet[f"D{first + offset}"] = actual
    total_row = first + len(income)
    sheet[f"B{total_row}"] = "Total"
    sheet[f"B{total_row}"].font = bold
    sheet[f"C{total_row}"], sheet[f"D{total_row}"] = income_planned, income_actual

    spend = book.create_sheet(BCF_EXPENDITURE_SHEET)
    spend["A1"] = "Expenditure: planned vs actual by scheme and source of funding"
    spend["A1"].font = Font(bold=True, size=14)
    spend["A2"] = periods.label(position["year"], position["quarter"])
    header = BCF_EXPENDITURE_FIRST_ROW - 1
    for column, title in enumerate(BCF_EXPENDITURE_COLUMNS, start=1):
        spend.cell(row=header, column=column, value=title).font = bold
    for offset, row in enumerate(rows):
        values = [_text(row["code"]), _text(row["name"]), row["budget_type"],
                  _text(row["lead"]), _text(row["source"]), row["planned"],
                  row["planned_to_date"], row["actual"], row["variance"]]
        for column, value in enumerate(values, start=1):
            spend.cell(row=BCF_EXPENDITURE_FIRST_ROW + offset, column=column, value=value)
    total = BCF_EXPENDITURE_FIRST_ROW + len(rows)
    spend.cell(row=total, column=1, value="Total").font = bold
    for column, key in ((6, "planned"), (7, "planned_to_date"), (8, "actual"),
                        (9, "variance")):
        spend.cell(row=total, column=column, value=sum((r[key] for r in rows), zero))

    for ws in book.worksheets:
        for column in range(1, ws.max_column + 1):
            ws.column_dimensions[get_column_letter(column)].width = 24
        for line in ws.iter_rows():
            for cell in line:
                if isinstance(cell.value, Decimal):
                    cell.number_format = MONEY_FORMAT
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
