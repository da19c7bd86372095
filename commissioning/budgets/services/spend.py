"""Spend: entered one line at a time, or imported from a CSV file all or nothing.

The CSV has a header row and the columns `schedule` (the schedule's code), `date`
(YYYY-MM-DD or DD/MM/YYYY), `amount` (pounds, more than zero, at most two decimal places;
a £ sign and thousands commas are accepted), `description`, and optionally `source` (the
paying partner's short name, name or code: required for aligned schedules) and `contract`
(a contract reference). Every problem is reported with its line number (the header is
line 1); if there is any, nothing is saved. Lines already recorded, or repeated in the
file, are refused as duplicates.

Single entries (page, API, area files) and imported lines pass the same checks
(`check_amount`, `check_date`, `check_text`, `check_contract`): an amount the money field
holds (at most 12 digits of pounds and 2 of pence), a date between 2000 and a year from
today, text without control characters (no NUL bytes), and a contract reference that is in
the area's contract register.
"""
import csv
import hashlib
import io
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from portal import periods
from portal.errors import ApplicationError, ErrorCode
from portal.money import to_money

from ..models import BudgetType, ImportBatch, Spend
from .common import (
    closed_message,
    closed_quarters,
    ensure_open,
    invalid,
    lock_agreement,
    save,
)

MAX_BYTES = 5 * 1024 * 1024
MAX_ERRORS = 200
PREVIEW_LINES = 50
REQUIRED = ("schedule", "date", "amount", "description")
OPTIONAL = ("source", "contract")
# The money field is DecimalField(max_digits=14, decimal_places=2): under a trillion pounds.
MAX_AMOUNT = Decimal("999999999999.99")
_Date = date  # spend_create's `date` argument hides the class
EARLIEST_DATE = date(2000, 1, 1)
LATEST_AHEAD = timedelta(days=366)
MAX_DESCRIPTION = 250
MAX_CONTRACT = 60


# --- the checks every spend line passes (single entry and import alike) --------------------
def check_amount(amount) -> str | None:
    """A problem with an amount already read as a Decimal, or None."""
    if amount is None or not amount.is_finite():
        return "Enter the amount in pounds, like 1250.00."
    if amount != amount.quantize(Decimal("0.01")):
        return "Enter pounds and pence only (two decimal places)."
    if amount <= 0:
        return "The amount must be more than zero."
    if amount > MAX_AMOUNT:
        return "The amount is too large: at most £999,999,999,999.99 (12 digits of pounds)."
    return None


def check_date(day) -> str | None:
    latest = date.today() + LATEST_AHEAD
    if day < EARLIEST_DATE or day > latest:
        return (f"The date must be between {EARLIEST_DATE:%d/%m/%Y} and "
                f"{latest:%d/%m/%Y} (a year from today).")
    return None


def check_text(value, label, limit) -> str | None:
    if len(value) > limit:
        return f"Keep the {label} to {limit} characters."
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in value):
        return f"The {label} contains control characters (such as NUL bytes); remove them."
    return None


def contract_register(agreement) -> dict[str, str]:
    """The area's contract references, by lower-case reference (one query)."""
    from commissioning.contracts.models import Contract

    return {ref.lower(): ref for ref in Contract.objects.filter(
        local_area_id=agreement.local_area_id).values_list("reference", flat=True)}


def check_contract(reference, register) -> tuple[str, str | None]:
    """(the register's spelling of the reference, problem or None); '' is allowed."""
    if not reference:
        return "", None
    problem = check_text(reference, "contract reference", MAX_CONTRACT)
    if problem:
        return reference, problem
    found = register.get(reference.lower())
    if found is None:
        return reference, (f"There is no contract {reference!r} in this area's contract "
                           "register. Use a reference from the register, or leave it empty.")
    return found, None


class SpendImportError(ApplicationError):
    """Errors is a list of `{"line", "field", "message"}` (line None = the whole file)."""

    def __init__(self, errors, total_errors=None):
        count = total_errors or len(errors)
        message = (f"The file has {count} problem{'s' if count != 1 else ''}; nothing was "
                   "imported. Correct the file and try again.")
        super().__init__(message, code=ErrorCode.INVALID)
        self.errors = errors
        self.extra = {"error_count": count}


@dataclass
class ImportResult:
    dry_run: bool
    lines: int
    total: Decimal
    by_schedule: dict = field(default_factory=dict)
    preview: list = field(default_factory=list)
    batch: ImportBatch | None = None

    def as_dict(self):
        return {"dry_run": self.dry_run, "lines": self.lines, "total": f"{self.total:.2f}",
                "by_schedule": {k: f"{v:.2f}" for k, v in self.by_schedule.items()},
                "batch": self.batch.pk if self.batch else None}


def _dedupe_key(schedule_id, day, amount, description, source_id):
    return (schedule_id, day, amount, description.strip().lower(), source_id)


def _check_source(schedule, source, party_ids):
    if source is not None and source.pk not in party_ids:
        return "The paying partner must be a party to the agreement."
    if source is None and schedule.budget_type == BudgetType.ALIGNED:
        return "Say which partner paid: this schedule is an aligned budget."
    return None


@transaction.atomic
def spend_create(*, actor, schedule, date, amount, description, source_agency=None,
                 contract_reference="", contracts_to_come=()) -> Spend:
    """`contracts_to_come`: references an area file adds to the register later in the same
    load (its contracts section loads after budgets, because contracts name schedules)."""
    agreement = lock_agreement(schedule.agreement, actor)
    try:
        amount = Decimal(str(amount)) if not isinstance(amount, float) else None
    except (InvalidOperation, ValueError):
        amount = None
    problem = check_amount(amount)
    if problem:
        raise invalid("amount", problem)
    amount = to_money(amount)
    problem = check_date(date) if isinstance(date, _Date) else "Enter the date paid."
    if problem:
        raise invalid("date", problem)
    if not description or not description.strip():
        raise invalid("description", "Describe what the money was spent on.")
    problem = check_text(description.strip(), "description", MAX_DESCRIPTION)
    if problem:
        raise invalid("description", problem)
    register = contract_register(agreement) | {ref.lower(): ref for ref in contracts_to_come}
    contract_reference, problem = check_contract((contract_reference or "").strip(), register)
    if problem:
        raise invalid("contract_reference", problem)
    problem = _check_source(schedule, source_agency,
                            set(agreement.parties.values_list("id", flat=True)))
    if problem:
        raise invalid("source_agency", problem)
    ensure_open(agreement, year=periods.year_of(date), quarter=periods.quarter_of(date))
    key = _dedupe_key(schedule.pk, date, amount, description, getattr(source_agency, "pk", None))
    if any(_dedupe_key(*row) == key for row in Spend.objects.filter(
            schedule=schedule, date=date, amount=amount).values_list(
            "schedule_id", "date", "amount", "description", "source_agency_id")):
        raise invalid("description", "This spend is already recorded (same schedule, date, "
                                     "amount and description).")
    return save(Spend(schedule=schedule, date=date, amount=amount,
                      description=description.strip(), source_agency=source_agency,
                      contract_reference=contract_reference.strip()), actor)


@transaction.atomic
def spend_import(*, actor, agreement, content: bytes, filename="spend.csv",
                 dry_run=False) -> ImportResult:
    """Validate every line; save all (one batch) or nothing. `dry_run` only validates."""
    agreement = lock_agreement(agreement, actor)
    rows = _parse(content)
    lines = _validate(agreement, rows)
    total = sum((line["amount"] for line in lines), Decimal("0.00"))
    by_schedule: dict[str, Decimal] = {}
    for line in lines:
        code = line["schedule"].code
        by_schedule[code] = by_schedule.get(code, Decimal("0.00")) + line["amount"]
    result = ImportResult(dry_run=dry_run, lines=len(lines), total=total,
                          by_schedule=dict(sorted(by_schedule.items())),
                          preview=lines[:PREVIEW_LINES])
    if dry_run:
        return result
    batch = ImportBatch.objects.create(
        agreement=agreement, filename=filename[:255], lines=len(lines), total=total,
        sha256=hashlib.sha256(content).hexdigest(), imported_by=actor)
    spend = [Spend(schedule=line["schedule"], date=line["date"], amount=line["amount"],
                   description=line["description"], source_agency=line["source"],
                   contract_reference=line["contract"], batch=batch) for line in lines]
    bulk_create_with_history(spend, Spend, batch_size=2000, default_user=actor)
    result.batch = batch
    return result


def check_size(size: int):
    if size > MAX_BYTES:
        raise SpendImportError([{
            "line": None, "field": "file",
            "message": f"The file is {size / 1024 / 1024:.1f} MB; the largest accepted is "
                       f"{MAX_BYTES // 1024 // 1024} MB. Split it by month."}])


def _parse(content: bytes) -> list[tuple[int, dict]]:
    check_size(len(content))
    if not content.strip():
        raise SpendImportError([{"line": None, "field": "file", "message": "The file is empty."}])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[:exc.start].count(b"\n") + 1
        raise SpendImportError([{
            "line": line, "field": "file",
            "message": "The file is not UTF-8 text. Save it from your spreadsheet as "
                       "“CSV UTF-8 (comma delimited)”."}]) from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except (StopIteration, csv.Error) as exc:
        raise SpendImportError([{"line": 1, "field": "file",
                                 "message": "The first line must name the columns."}]) from exc
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in REQUIRED + OPTIONAL]
    problems = []
    if missing:
        problems.append({"line": 1, "field": "header",
                         "message": f"Missing column{'s' if len(missing) > 1 else ''}: "
                                    f"{', '.join(missing)}. The columns are "
                                    f"{', '.join(REQUIRED + OPTIONAL)}."})
    if unknown:
        problems.append({"line": 1, "field": "header",
                         "message": f"Unknown column{'s' if len(unknown) > 1 else ''}: "
                                    f"{', '.join(unknown)}."})
    if problems:
        raise SpendImportError(problems)
    rows = []
    try:
        for values in reader:
            number = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                rows.append((number, {"__width__": len(values)}))
                continue
            rows.append((number, dict(zip(header, (v.strip() for v in values), strict=True))))
    except csv.Error as exc:
        raise SpendImportError([{"line": reader.line_num, "field": "file",
                                 "message": f"The line cannot be read as CSV ({exc})."}]) from exc
    if not rows:
        raise SpendImportError([{"line": None, "field": "file",
                                 "message": "The file has a header but no spend lines."}])
    return rows


def parse_date(value: str) -> date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


def parse_amount(value: str) -> Decimal:
    cleaned = value.replace("£", "").replace(",", "").strip()
    # Python reads "1_000" and non-ASCII digits as numbers; a spreadsheet would not.
    if "_" in cleaned or not cleaned.isascii():
        raise ValueError("not a number")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError("not a number") from exc
    if not amount.is_finite():
        raise ValueError("not a number")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError("more than two decimal places")
    return amount


def _validate(agreement, rows) -> list[dict]:
    schedules = {s.code.lower(): s for s in agreement.schedules.all()}
    parties = list(agreement.parties.all())
    party_ids = {p.pk for p in parties}
    sources = {}
    for party in parties:
        for name in (party.short_name, party.name, party.code):
            if name:
                sources[name.lower()] = party
    closed = closed_quarters(agreement)
    register = contract_register(agreement)
    errors, lines, seen = [], [], {}
    error_count = 0

    def error(number, column, message):
        nonlocal error_count
        error_count += 1
        if len(errors) < MAX_ERRORS:
            errors.append({"line": number, "field": column, "message": message})

    parsed_dates = set()
    for number, row in rows:
        if "__width__" in row:
            error(number, "file", f"The line has {row['__width__']} values; the header has "
                                  "a different number of columns.")
            continue
        if any("\x00" in value for value in row.values()):
            error(number, "file", "The line contains NUL bytes (\\x00): save the file as "
                                  "CSV UTF-8 from your spreadsheet and try again.")
            continue
        line = {"line": number}
        line["contract"], problem = check_contract(row.get("contract", ""), register)
        if problem:
            error(number, "contract", problem)
        schedule = schedules.get(row["schedule"].lower())
        if not row["schedule"]:
            error(number, "schedule", "Enter the schedule code.")
        elif schedule is None:
            error(number, "schedule", f"There is no schedule {row['schedule']!r} in this "
                                      "agreement.")
        line["schedule"] = schedule
        try:
            line["date"] = parse_date(row["date"])
        except ValueError:
            line["date"] = None
            error(number, "date", f"{row['date']!r} is not a date; write it like 2025-04-30 "
                                  "or 30/04/2025.")
        if line["date"] is not None and check_date(line["date"]):
            error(number, "date", check_date(line["date"]))
            line["date"] = None
        if line["date"] is not None:
            period = (periods.year_of(line["date"]), periods.quarter_of(line["date"]))
            if period in closed:
                error(number, "date", closed_message(*period))
            parsed_dates.add(line["date"])
        try:
            line["amount"] = parse_amount(row["amount"])
            problem = check_amount(line["amount"])
            if problem:
                error(number, "amount", problem)
                line["amount"] = None
            else:
                line["amount"] = to_money(line["amount"])
        except ValueError as exc:
            line["amount"] = None
            error(number, "amount", f"{row['amount']!r} is not an amount of money "
                                    f"({exc}); write it like 1250.00.")
        line["description"] = row["description"]
        if not row["description"]:
            error(number, "description", "Describe what the money was spent on.")
        elif check_text(row["description"], "description", MAX_DESCRIPTION):
            error(number, "description",
                  check_text(row["description"], "description", MAX_DESCRIPTION))
        source_name = row.get("source", "")
        line["source"] = sources.get(source_name.lower()) if source_name else None
        if source_name and line["source"] is None:
            error(number, "source", f"{source_name!r} is not a party to this agreement.")
        elif schedule is not None:
            problem = _check_source(schedule, line["source"], party_ids)
            if problem:
                error(number, "source", problem)
        if schedule is not None and line["date"] and line["amount"]:
            key = _dedupe_key(schedule.pk, line["date"], line["amount"], line["description"],
                              getattr(line["source"], "pk", None))
            if key in seen:
                error(number, "description", f"This line repeats line {seen[key]}.")
            seen.setdefault(key, number)
            line["key"] = key
        lines.append(line)
    _check_recorded(agreement, lines, parsed_dates, error)
    if error_count:
        errors.sort(key=lambda e: (e["line"] or 0))
        raise SpendImportError(errors, total_errors=error_count)
    return lines


def _check_recorded(agreement, lines, dates, error):
    """Duplicates of spend already recorded (one query over the file's date range)."""
    if not dates:
        return
    existing = set()
    for row in Spend.objects.filter(schedule__agreement=agreement, date__gte=min(dates),
                                    date__lte=max(dates)).values_list(
            "schedule_id", "date", "amount", "description", "source_agency_id"):
        existing.add(_dedupe_key(*row))
    for line in lines:
        if line.get("key") in existing:
            error(line["line"], "description", "This spend is already recorded (same "
                                               "schedule, date, amount and description).")
