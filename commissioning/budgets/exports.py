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
