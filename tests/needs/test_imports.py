"""The import engine: formats, all-or-nothing, line-numbered errors, idempotency."""
import io
from decimal import Decimal

import pytest

from needs.imports import import_observations, period_sort_key
from needs.models import Observation, Unit
from tests.factories.needs import GeographyFactory, IndicatorFactory

HEADER = "indicator_code,area_code,period,value,numerator,denominator,lower_ci,upper_ci,note\n"


@pytest.fixture
def reference(db):
    IndicatorFactory(code="sen-prevalence", unit=Unit.PERCENTAGE, fingertips_id=90284)
    IndicatorFactory(code="ehcp-rate", unit=Unit.PERCENTAGE)
    GeographyFactory(code="E10000034", name="Worcestershire")
    GeographyFactory(code="E92000001", name="England", kind="england")


def run(text, *, encoding="utf-8", dry_run=False):
    return import_observations(io.BytesIO(text.encode(encoding)), dry_run=dry_run)


GOOD = HEADER + (
    "sen-prevalence,E10000034,January 2019,15.9,12720,80000,,,\n"
    "sen-prevalence,E92000001,January 2019,14.9,1318300,8847678,14.88,14.92,\n"
    "ehcp-rate,E10000034,2019/20,3.2,2560,80000,,,provisional\n"
)


def test_long_format_imports_every_field(reference):
    result = run(GOOD)
    assert result.ok, result.errors
    assert (result.layout, result.rows, result.new, result.changed, result.unchanged) == (
        "long", 3, 3, 0, 0)
    england = Observation.objects.get(geography__code="E92000001")
    assert england.value == Decimal("14.9")
    assert (england.lower_ci, england.upper_ci) == (Decimal("14.88"), Decimal("14.92"))
    assert england.numerator == Decimal("1318300")
    assert england.period_sort == 201901
    assert Observation.objects.get(indicator__code="ehcp-rate").note == "provisional"


def test_reimport_changes_nothing_and_counts_unchanged(reference):
    assert run(GOOD).new == 3
    before = list(Observation.objects.order_by("pk").values())
    again = run(GOOD)
    assert (again.new, again.changed, again.unchanged) == (0, 0, 3)
    assert list(Observation.objects.order_by("pk").values()) == before


def test_changed_rows_are_counted_and_updated(reference):
    run(GOOD)
    result = run(GOOD.replace("15.9,12720", "16.1,12880"))
    assert (result.new, result.changed, result.unchanged) == (0, 1, 2)
    assert Observation.objects.get(geography__code="E10000034",
                                   indicator__code="sen-prevalence").value == Decimal("16.1")


def test_dry_run_counts_but_saves_nothing(reference):
    result = run(GOOD, dry_run=True)
    assert (result.ok, result.new, result.dry_run) == (True, 3, True)
    assert Observation.objects.count() == 0


@pytest.mark.parametrize(("row", "message"), [
    ("nope,E10000034,2019,1,,,,,", "Indicator code 'nope' is not a known indicator."),
    ("sen-prevalence,E99999999,2019,1,,,,,", "Area code 'E99999999' is not a known geography."),
    ("sen-prevalence,E10000034,2019,fifteen,,,,,", "Value 'fifteen' is not a number."),
    ("sen-prevalence,E10000034,2019,15.9%,,,,,", "Value '15.9%' is not a number (leave out"),
    ("sen-prevalence,E10000034,2019,NaN,,,,,", "Value 'NaN' is not a usable number."),
    ("sen-prevalence,E10000034,2019,1_000,,,,,", "Value '1_000' is not a number."),
    ("sen-prevalence,E10000034,2019,1e99,,,,,", "Value '1e99' is not a usable number."),
    ("sen-prevalence,E10000034,2019,1,1,0,,,", "The denominator must be more than zero."),
    ("sen-prevalence,E10000034,2019,1,,,0.5,,", "Give both confidence limits or neither."),
    ("sen-prevalence,E10000034,2019,1,,,2,1,", "The lower confidence limit is above"),
    ("sen-prevalence,E10000034,,1,,,,,", "The period is blank."),
    ("sen-prevalence,E10000034,Spring term,1,,,,,", "Period 'Spring term' has no year in it."),
    ("sen-prevalence,E10000034", "Expected at least 8 columns, found 2."),
])
def test_bad_rows_are_reported_by_line_and_nothing_is_saved(reference, row, message):
    result = run(GOOD + row + "\n")
    assert not result.ok
    assert result.errors[0]["line"] == 5
    assert result.errors[0]["message"].startswith(message), result.errors
    assert Observation.objects.count() == 0


def test_duplicate_keys_name_both_lines(reference):
    result = run(GOOD + "sen-prevalence,E10000034,January 2019,16,,,,,\n")
    assert result.errors == [{"line": 5, "message": "Duplicate key: the same indicator, area "
                                                    "and period as line 2."}]
    assert Observation.objects.count() == 0


def test_wrong_encoding_is_reported_on_its_line(reference):
    latin1 = GOOD + "sen-prevalence,E10000034,2019,1,,,,,Café\n"
    result = run(latin1, encoding="cp1252")
    assert result.errors[0]["line"] == 5
    assert "not UTF-8" in result.errors[0]["message"]
    assert Observation.objects.count() == 0


def test_utf16_is_refused(reference):
    result = run(GOOD, encoding="utf-16")
    assert result.errors[0] == {"line": 1, "message": "The file is UTF-16 text. Save it as "
                                                      "'CSV UTF-8' and upload again."}


def test_utf8_bom_and_thousands_separators_are_accepted(reference):
    result = run("\ufeff" + HEADER + 'sen-prevalence,E10000034,2021,15.9,"18,019","113,327",,,\n')
    assert result.ok, result.errors
    assert Observation.objects.get().numerator == Decimal("18019")


def test_missing_columns_and_empty_files(reference):
    assert run("indicator_code,area_code\n").errors[0]["message"].startswith(
        "The header row is missing the column(s) period, value")
    assert run("").errors == [{"line": 1, "message": "The file is empty."}]
    assert run(HEADER).errors == [{"line": 1, "message": "The file has no rows of data."}]


def test_errors_are_listed_up_to_a_limit_but_all_counted(reference):
    rows = "".join(f"nope,E10000034,{2000 + i},1,,,,,\n" for i in range(150))
    result = run(HEADER + rows)
    assert result.error_count == 150
    assert len(result.errors) == 100


FINGERTIPS = (
    "Indicator ID,Indicator Name,Parent Code,Parent Name,Area Code,Area Name,Area Type,Sex,Age,"
    "Category Type,Category,Time period,Value,Lower CI 95.0 limit,Upper CI 95.0 limit,"
    "Lower CI 99.8 limit,Upper CI 99.8 limit,Count,Denominator,Value note,Recent Trend,"
    "Compared to England value or percentiles,Compared to Region value or percentiles,"
    "Time period Sortable,New data,Compared to goal\n"
    "90284,SEN,,,E92000001,England,England,Persons,School age,,,2019/20,15.5,15.48,15.52,,,"
    "1373000,8890000,,,,,20190000,,\n"
    "90284,SEN,E12000005,West Midlands,E10000034,Worcestershire,Counties & UAs,Persons,"
    "School age,,,2019/20,16.3,16.0,16.6,,,13200,81000,,,Higher,,20190000,,\n"
    "90284,SEN,E12000005,West Midlands,E10000034,Worcestershire,Counties & UAs,Persons,"
    "School age,County & UA deprivation deciles,Most deprived decile,2019/20,19.0,,,,,,,,,,,"
    "20190000,,\n"
)


def test_fingertips_export_layout(reference):
    result = run(FINGERTIPS)
    assert result.ok, result.errors
    assert (result.layout, result.rows, result.new, result.skipped) == ("fingertips", 2, 2, 1)
    worcs = Observation.objects.get(geography__code="E10000034")
    assert (worcs.value, worcs.lower_ci, worcs.numerator, worcs.period_sort) == (
        Decimal("16.3"), Decimal("16.0"), Decimal("13200"), 201901)


def test_fingertips_unknown_indicator(reference):
    result = run(FINGERTIPS.replace("90284,SEN,E12", "11111,SEN,E12", 1))
    assert result.errors[0] == {"line": 3, "message": "Indicator ID '11111' is not a known "
                                                      "indicator."}


@pytest.mark.parametrize(("label", "key"), [
    ("2024/25", 202404), ("2024-25", 202404), ("January 2021", 202101), ("Jan 2021", 202101),
    ("2021", 202101), ("2019 - 21", 201904),
])
def test_period_sort_keys(label, key):
    assert period_sort_key(label) == key


def _observation_foreign_keys():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, condeferrable, condeferred, convalidated FROM pg_constraint"
            " WHERE conrelid = 'needs_observation'::regclass AND contype = 'f' ORDER BY 1")
        return cursor.fetchall()


def test_a_large_first_import_checks_keys_set_based(reference, require_postgres, monkeypatch):
    """Issue 15: a first import at least as large as the table drops the observations'
    foreign keys for the INSERT and adds them back (validated in one pass); the keys are the
    same afterwards, validated and deferrable, and every row is saved."""
    from needs import imports

    before = _observation_foreign_keys()
    assert len(before) == 2 and all(v for _, _, _, v in before)
    monkeypatch.setattr(imports, "SET_BASED_MIN_ROWS", 3)  # this file's 3 rows count as large
    statements = []
    from django.db import connection

    with connection.execute_wrapper(lambda run_, sql, *a: statements.append(sql)
                                    or run_(sql, *a)):
        result = run(GOOD)
    assert result.ok and result.new == 3
    assert sum("DROP CONSTRAINT" in s for s in statements) == 2
    assert sum("ADD CONSTRAINT" in s for s in statements) == 2
    assert _observation_foreign_keys() == before
    assert Observation.objects.count() == 3
    # the next import is small against the table: row-by-row keys, no ALTER TABLE
    statements.clear()
    with connection.execute_wrapper(lambda run_, sql, *a: statements.append(sql)
                                    or run_(sql, *a)):
        again = run(GOOD.replace("15.9", "16.1"))
    assert again.ok and again.changed == 1
    assert not any("ALTER TABLE" in s for s in statements)


def test_keys_are_still_enforced_after_a_set_based_import(reference, require_postgres,
                                                         monkeypatch):
    from django.db import IntegrityError, transaction

    from needs import imports

    monkeypatch.setattr(imports, "SET_BASED_MIN_ROWS", 3)
    assert run(GOOD).ok
    observation = Observation.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Observation.objects.filter(pk=observation.pk).update(indicator_id=10**9)
        from django.db import connection

        connection.check_constraints()
