"""Import observations from CSV: the documented long format or an OHID Fingertips export.

All or nothing. The file is read line by line (bounded memory: one batch of rows at a
time), each row is checked in Python (columns, numbers, known indicator and area), and
good rows go into a temporary staging table: PostgreSQL `COPY`, elsewhere `executemany`
in batches. Duplicate keys, and the new/changed/unchanged counts, are then found in SQL
against the staging table, and one `INSERT ... SELECT ... ON CONFLICT DO UPDATE` writes only
the rows that are new or changed. A large first import on PostgreSQL checks the foreign
keys set-based, once, instead of row by row (`SET_BASED_MIN_ROWS`). Everything happens
inside one transaction; any error, or a dry run, rolls it back, so nothing is saved.
Formats are documented in docs/needs.md.
"""
import codecs
import csv
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import connection, transaction

from .models import Geography, Indicator, Observation

BATCH = 5000
MAX_ERRORS_LISTED = 100
STAGING = "needs_import_staging"
MAX_ABS = Decimal("1e14")  # observations are DecimalField(max_digits=20, decimal_places=6)

LONG_COLUMNS = ("indicator_code", "area_code", "period", "value", "numerator", "denominator",
                "lower_ci", "upper_ci")
LONG_OPTIONAL = ("note",)
FINGERTIPS_REQUIRED = ("Indicator ID", "Area Code", "Time period", "Value")
FINGERTIPS_MAP = {  # our field -> Fingertips export column
    "numerator": "Count", "denominator": "Denominator",
    "lower_ci": "Lower CI 95.0 limit", "upper_ci": "Upper CI 95.0 limit",
    "note": "Value note",
}
NUMBER_FIELDS = ("value", "numerator", "denominator", "lower_ci", "upper_ci")
MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], start=1)}
THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")


@dataclass
class ImportResult:
    layout: str = ""
    rows: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    skipped: int = 0
    errors: list = field(default_factory=list)
    error_count: int = 0
    dry_run: bool = False
    # geography id -> number of figures the import adds or changes there (set once the file
    # is checked; the service turns it into the areas whose history shows the import).
    changed_geographies: dict = field(default_factory=dict)

    @property
    def ok(self):
        return self.error_count == 0

    def add_error(self, line, message):
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_LISTED:
            self.errors.append({"line": line, "message": message})

    def as_dict(self):
        return {"layout": self.layout, "rows": self.rows, "new": self.new,
                "changed": self.changed, "unchanged": self.unchanged, "skipped": self.skipped,
                "dry_run": self.dry_run, "error_count": self.error_count,
                "errors": sorted(self.errors, key=lambda e: e["line"])}


class _Abort(Exception):
    """Raised inside the transaction to roll it back (errors found, or a dry run)."""


def period_sort_key(period: str, sortable: str = "") -> int | None:
    """YYYYMM of the period's start: "2024/25" -> 202404 (a financial or academic year),
    "January 2021" -> 202101, "2021" -> 202101; Fingertips' "Time period Sortable"
    (YYYYMMxx) wins when given."""
    if sortable and sortable.isdigit() and len(sortable) >= 6:
        return int(sortable[:6]) if int(sortable[4:6]) else int(sortable[:4]) * 100 + 1
    text = period.strip().lower()
    years = re.findall(r"(?<!\d)(\d{4})(?!\d)", text)
    if not years:
        return None
    year = int(years[0])
    month = next((number for name, number in MONTHS.items() if name in text
                  or re.search(rf"\b{name[:3]}\b", text)), None)
    if month is not None:
        return year * 100 + month
    if re.search(rf"{year}\s*[/-]\s*\d{{2,4}}", text):
        return year * 100 + 4
    return year * 100 + 1


def _lines(binary, result) -> Iterable[str]:
    """Decode the file line by line, so a bad byte is reported on its own line."""
    for number, raw in enumerate(binary, start=1):
        if number == 1:
            if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                result.add_error(1, "The file is UTF-16 text. Save it as 'CSV UTF-8' and "
                                    "upload again.")
                return
            if raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8):]
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError:
            result.add_error(number, "This line is not UTF-8 text: save the file as "
                                     "'CSV UTF-8' (not Excel's default encoding) and upload again.")
            return


def _number(text, name, line, result):
    """The text if it is a usable number (thousands separators removed), else None with an
    error. The number itself travels as text: the database parses it."""
    try:
        # Python reads "1_000" and non-ASCII digits as numbers; the database would not.
        number = None if "_" in text or not text.isascii() else Decimal(text)
    except InvalidOperation:
        number = None
        if THOUSANDS.match(text):
            text = text.replace(",", "")
            number = Decimal(text)
    if number is None:
        hint = " (leave out the % sign)" if text.endswith("%") else ""
        result.add_error(line, f"{name} {text!r} is not a number{hint}.")
        return None
    if not number.is_finite() or abs(number) >= MAX_ABS:
        result.add_error(line, f"{name} {text!r} is not a usable number.")
        return None
    return text


# Our fields, in the order a layout's `positions` lists their column numbers.
_FIELDS = ("code", "area", "period", *NUMBER_FIELDS, "note", "sortable", "category")
_LONG_HEADERS = ("indicator_code", "area_code", "period", *NUMBER_FIELDS, "note", "", "")
_FINGERTIPS_HEADERS = ("Indicator ID", "Area Code", "Time period", "Value",
                       *(FINGERTIPS_MAP[name] for name in NUMBER_FIELDS[1:]),
                       FINGERTIPS_MAP["note"], "Time period Sortable", "Category Type")
_NAMES = {name: name.replace("_", " ").capitalize() for name in NUMBER_FIELDS}


@dataclass
class Scope:
    """The geographies an area's import may write (None: any, a platform import), and the
    words of the refusal for the others."""

    geography_ids: frozenset | None = None
    area_name: str = ""

    def refusal(self, code):
        return (f"Area code {code!r} is not {self.area_name}'s own geography or one of its "
                "sub-areas. An area imports only its own figures; England, regions, "
                "statistical neighbours and other areas come from the platform's import of "
                "published data.")


class _Layout:
    """Reads one row of a layout into a staging row (None if it has problems, "skip" for a
    Fingertips breakdown row). The hot path of an import: kept to list and dict look-ups."""

    def __init__(self, header, result, scope=None):
        self.scope = scope if scope is not None and scope.geography_ids is not None else None
        exact = {name.strip(): i for i, name in enumerate(header)}
        lower = {name.strip().lower(): i for i, name in enumerate(header)}
        self.result = result
        self.periods: dict[tuple[str, str], int | None] = {}
        if all(c in exact for c in FINGERTIPS_REQUIRED):
            self.name = "fingertips"
            self.positions = [exact.get(h) for h in _FINGERTIPS_HEADERS]
            self.indicators = {str(k): v for k, v in Indicator.objects.filter(
                fingertips_id__isnull=False).values_list("fingertips_id", "id")}
            self.what = "Indicator ID"
        else:
            self.name = "long"
            missing = [c for c in LONG_COLUMNS if c not in lower]
            if missing:
                result.add_error(1, "The header row is missing the column(s) "
                                    f"{', '.join(missing)}. Use the long format "
                                    f"({','.join(LONG_COLUMNS)},note) or a Fingertips export.")
            self.positions = [lower.get(h) if h else None for h in _LONG_HEADERS]
            self.indicators = dict(Indicator.objects.values_list("code", "id"))
            self.what = "Indicator code"
        self.areas = dict(Geography.objects.values_list("code", "id"))

    def read(self, row, line):
        if self.name == "long" and len(row) < len(LONG_COLUMNS):
            self.result.add_error(line, f"Expected at least {len(LONG_COLUMNS)} columns, "
                                        f"found {len(row)}.")
            return None
        width = len(row)
        cells = [row[i].strip() if i is not None and i < width else "" for i in self.positions]
        if cells[-1]:
            return "skip"  # a Fingertips breakdown (deprivation decile, ethnicity...)
        return self._check(line, cells)

    def _period(self, period, sortable):
        key = (period, sortable)
        if key not in self.periods:  # periods repeat on every row: parse each once
            self.periods[key] = period_sort_key(period, sortable)
        return self.periods[key]

    def _check(self, line, cells):
        result = self.result
        errors_before = result.error_count
        code, area, period = cells[0], cells[1], cells[2]
        indicator_id = self.indicators.get(code)
        if indicator_id is None:
            result.add_error(line, f"{self.what} {code!r} is not a known indicator.")
        geography_id = self.areas.get(area) or self.areas.get(area.upper())
        if geography_id is None:
            result.add_error(line, f"Area code {area!r} is not a known geography.")
        elif self.scope is not None and geography_id not in self.scope.geography_ids:
            result.add_error(line, self.scope.refusal(area))
        sort_key = self._period(period, cells[9]) if period else None
        if not period:
            result.add_error(line, "The period is blank.")
        elif len(period) > 40:
            result.add_error(line, "The period is longer than 40 characters.")
        elif sort_key is None:
            result.add_error(line, f"Period {period!r} has no year in it.")
        numbers = [_number(cells[3 + i], _NAMES[name], line, result) if cells[3 + i] else None
                   for i, name in enumerate(NUMBER_FIELDS)]
        if result.error_count == errors_before:
            self._check_values(line, numbers)
        if result.error_count != errors_before:
            return None
        return (line, indicator_id, geography_id, period, sort_key, *numbers, cells[8][:250])

    def _check_values(self, line, numbers):
        _, _, denominator, lower, upper = numbers
        if (lower is None) != (upper is None):
            self.result.add_error(line, "Give both confidence limits or neither.")
        elif lower is not None and Decimal(lower) > Decimal(upper):
            self.result.add_error(line, "The lower confidence limit is above the upper one.")
        if denominator is not None and Decimal(denominator) <= 0:
            self.result.add_error(line, "The denominator must be more than zero.")


# --- the staging table and SQL ------------------------------------------------------------
# The SQL below is assembled only from constant table and column names, never from file
# content (which travels as COPY data or query parameters): hence the S608 waivers.
_STAGING_COLUMNS = ("line", "indicator_id", "geography_id", "period", "period_sort", "value",
                    "numerator", "denominator", "lower_ci", "upper_ci", "note")
_VALUE_COLUMNS = ("period_sort", "value", "numerator", "denominator", "lower_ci", "upper_ci",
                  "note")


def _is_postgres():
    return connection.vendor == "postgresql"


def _create_staging(cursor):
    number = "numeric(20,6)" if _is_postgres() else "decimal"
    cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {STAGING} (line integer NOT NULL, indicator_id bigint NOT NULL,"
        f" geography_id bigint NOT NULL, period varchar(40) NOT NULL, period_sort integer NOT NULL,"
        f" value {number}, numerator {number}, denominator {number}, lower_ci {number},"
        f" upper_ci {number}, note varchar(250) NOT NULL)")


def _stage(cursor, rows):
    if not rows:
        return
    if _is_postgres():
        with cursor.cursor.copy(
                f"COPY {STAGING} ({', '.join(_STAGING_COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join(["%s"] * len(_STAGING_COLUMNS))
        cursor.executemany(f"INSERT INTO {STAGING} VALUES ({marks})", rows)  # noqa: S608


def _differs(left, right):
    op = "IS DISTINCT FROM" if _is_postgres() else "IS NOT"
    return " OR ".join(f"{left}.{c} {op} {right}.{c}" for c in _VALUE_COLUMNS)


def _key_join(left, right):
    return " AND ".join(f"{left}.{c} = {right}.{c}" for c in
                        ("indicator_id", "geography_id", "period"))


def _find_duplicates(cursor, result):
    cursor.execute(f"CREATE INDEX {STAGING}_key ON {STAGING} (indicator_id, geography_id, period)")
    if _is_postgres():
        cursor.execute(f"ANALYZE {STAGING}")
    cursor.execute(
        f"SELECT s.line, f.first_line FROM {STAGING} s JOIN ("  # noqa: S608
        f" SELECT indicator_id, geography_id, period, MIN(line) AS first_line FROM {STAGING}"
        f" GROUP BY indicator_id, geography_id, period HAVING COUNT(*) > 1) f"
        f" ON {_key_join('s', 'f')} WHERE s.line <> f.first_line ORDER BY s.line")
    for line, first_line in cursor.fetchall():
        result.add_error(line, f"Duplicate key: the same indicator, area and period as "
                               f"line {first_line}.")


def _count_changes(cursor, result):
    table = Observation._meta.db_table
    cursor.execute(
        f"SELECT COUNT(*), SUM(CASE WHEN o.id IS NULL THEN 1 ELSE 0 END),"  # noqa: S608
        f" SUM(CASE WHEN o.id IS NOT NULL AND ({_differs('o', 's')}) THEN 1 ELSE 0 END)"
        f" FROM {STAGING} s LEFT JOIN {table} o ON {_key_join('o', 's')}")
    total, new, changed = cursor.fetchone()
    result.new, result.changed = int(new or 0), int(changed or 0)
    result.unchanged = int(total or 0) - result.new - result.changed


def _changed_geographies(cursor, result):
    """How many figures each geography gains or changes (for the affected areas' history)."""
    table = Observation._meta.db_table
    cursor.execute(
        f"SELECT s.geography_id, COUNT(*) FROM {STAGING} s"  # noqa: S608
        f" LEFT JOIN {table} o ON {_key_join('o', 's')}"
        f" WHERE o.id IS NULL OR {_differs('o', 's')} GROUP BY s.geography_id")
    result.changed_geographies = {int(g): int(n) for g, n in cursor.fetchall()}


def _upsert(cursor):
    """Write the new and changed rows only (unchanged ones are filtered out first, so a
    re-import touches nothing); ON CONFLICT still guards against a concurrent import."""
    table = Observation._meta.db_table
    columns = ("indicator_id", "geography_id", "period", *_VALUE_COLUMNS)
    updates = ", ".join(f"{c} = excluded.{c}" for c in _VALUE_COLUMNS)
    same = f"NOT ({_differs('o', 's')})"
    cursor.execute(
        f"INSERT INTO {table} ({', '.join(columns)})"  # noqa: S608
        f" SELECT {', '.join('s.' + c for c in columns)} FROM {STAGING} s"
        f" WHERE NOT EXISTS (SELECT 1 FROM {table} o WHERE {_key_join('o', 's')} AND {same})"
        f" ON CONFLICT (indicator_id, geography_id, period) DO UPDATE SET {updates}"
        f" WHERE {_differs(table, 'excluded')}")


# Issue 15: PostgreSQL checks a foreign key row by row, at commit for these deferred ones
# (2 keys x 1,000,000 rows took 6.5 s of a first import). The keys were already checked
# once, against the staging table, in Python and by the set-based query below; when an
# import adds at least this many rows, and no fewer than the table already holds, the
# observations' foreign keys are dropped for the INSERT and added back afterwards, which
# PostgreSQL validates with one anti-join per key instead of a trigger per row and key.
SET_BASED_MIN_ROWS = 50_000


def _foreign_keys(cursor):
    """[(name, column, referenced table)] of the observation table's foreign keys."""
    cursor.execute(
        "SELECT c.conname, a.attname, c.confrelid::regclass::text FROM pg_constraint c"
        " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]"
        " WHERE c.conrelid = %s::regclass AND c.contype = 'f' ORDER BY c.conname",
        [Observation._meta.db_table])
    return cursor.fetchall()


def _set_based(cursor, result):
    if not _is_postgres() or result.new < SET_BASED_MIN_ROWS:
        return False
    cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass",
                   [Observation._meta.db_table])
    return result.new >= max(0, cursor.fetchone()[0])


def _missing_keys(cursor):
    """Staged rows whose indicator or geography does not exist (now): line numbers."""
    lines = []
    for column, model in (("indicator_id", Indicator), ("geography_id", Geography)):
        cursor.execute(
            f"SELECT s.line FROM {STAGING} s WHERE NOT EXISTS (SELECT 1 FROM"  # noqa: S608
            f" {model._meta.db_table} r WHERE r.id = s.{column}) ORDER BY s.line LIMIT 10")
        lines += [line for (line,) in cursor.fetchall()]
    return sorted(lines)


def _upsert_set_based(cursor):
    table = Observation._meta.db_table
    keys = _foreign_keys(cursor)
    # ALTER TABLE refuses a table with deferred checks still pending in this transaction
    # (indicators or areas created in the same transaction, as an area file load does):
    # run those checks now (they would run at commit anyway), then defer again.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    for name, _, _ in keys:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    _upsert(cursor)
    for name, column, referenced in keys:  # validated here, set-based
        cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" FOREIGN KEY ({column})'
                       f" REFERENCES {referenced} (id) DEFERRABLE INITIALLY DEFERRED")


# --- the entry point ------------------------------------------------------------------------
def import_observations(binary, *, dry_run=False,
                        on_progress: Callable[[int, str], None] | None = None,
                        scope: Scope | None = None) -> ImportResult:
    """Check and (unless dry_run or in error) save the observations in a binary CSV file.
    `scope` limits the geographies the file may hold (an area's import); None allows all."""
    result = ImportResult(dry_run=dry_run)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            _create_staging(cursor)
            _read_and_stage(binary, cursor, result, on_progress, scope)
            if result.rows and result.layout:
                _find_duplicates(cursor, result)
            if not result.ok:
                raise _Abort
            _count_changes(cursor, result)
            if result.new or result.changed:
                _changed_geographies(cursor, result)
            if on_progress:
                on_progress(result.rows, "counted")
            if dry_run:
                raise _Abort
            if _set_based(cursor, result):
                # an indicator or area deleted since the rows were checked: refused here
                # with the lines, rather than as a constraint error from the ALTER TABLE
                for line in _missing_keys(cursor):
                    result.add_error(line, "The indicator or area was deleted during the "
                                           "import; import the file again.")
                if not result.ok:
                    raise _Abort
                _upsert_set_based(cursor)
            elif result.new or result.changed:
                _upsert(cursor)
            cursor.execute(f"DROP TABLE {STAGING}")
            if on_progress:
                on_progress(result.rows, "saved")
    except _Abort:
        pass
    if result.ok and result.rows == 0 and not result.skipped:
        result.add_error(1, "The file has no rows of data.")
    return result


def _read_and_stage(binary, cursor, result, on_progress, scope=None):
    reader = csv.reader(_lines(binary, result))
    try:
        header = next(reader, None)
        if header is None:
            if result.ok:
                result.add_error(1, "The file is empty.")
            return
        layout = _Layout(header, result, scope)
        result.layout = layout.name
        if not result.ok:
            return
        batch = []
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            staged = layout.read(row, reader.line_num)
            if staged == "skip":
                result.skipped += 1
                continue
            result.rows += 1
            if staged is None:
                continue
            batch.append(staged)
            if len(batch) >= BATCH:
                _stage(cursor, batch)
                batch = []
                if on_progress:
                    on_progress(result.rows, "checking")
        _stage(cursor, batch)
    except csv.Error as exc:
        result.add_error(reader.line_num + 1, f"The CSV cannot be read here: {exc}.")
