"""One date style everywhere: "1 December 2026" (no leading zero), "1 December 2026 at
2:05pm", from portal.dates through the govuk_date / govuk_datetime filters (issue 12 saw
"01 December 2026" on the home page and "1 December 2026" elsewhere)."""
import datetime
import re
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template import Context, Template

from portal.dates import long_date, long_datetime

ROOT = Path(settings.BASE_DIR)
APPS = ["agencies", "commissioning", "governance", "needs", "portal", "templates"]


def test_long_date_has_no_leading_zero():
    assert long_date(datetime.date(2026, 12, 1)) == "1 December 2026"
    assert long_date(None) == ""


def test_long_datetime_is_local_and_in_govuk_style():
    london = ZoneInfo("Europe/London")
    assert long_datetime(datetime.datetime(2026, 12, 1, 14, 5, tzinfo=london)) == \
        "1 December 2026 at 2:05pm"
    assert long_datetime(datetime.datetime(2026, 7, 1, 11, 0, tzinfo=datetime.UTC)) == \
        "1 July 2026 at midday"  # British Summer Time
    assert long_datetime(datetime.datetime(2026, 1, 9, 0, 0, tzinfo=london)) == \
        "9 January 2026 at midnight"
    assert long_datetime(datetime.datetime(2026, 1, 9, 9, 0, tzinfo=london)) == \
        "9 January 2026 at 9am"


def test_filters():
    rendered = Template("{% load portal_tags %}{{ d|govuk_date }}|{{ d|govuk_month }}").render(
        Context({"d": datetime.date(2026, 3, 4)}))
    assert rendered == "4 March 2026|March 2026"


def _files(pattern):
    for app in APPS:
        yield from (ROOT / app).rglob(pattern)


def test_no_template_formats_a_date_for_people_by_itself():
    """Only machine formats ('c', ISO for <time datetime>) may use Django's date filter."""
    offenders = []
    for path in _files("*.html"):
        for match in re.finditer(r"\|date:([\"'])(.*?)\1", path.read_text()):
            if match.group(2) not in ("c", r"Y-m-d\TH:i:sO", "Y-m-d"):
                offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
    assert not offenders, offenders


def test_no_python_formats_a_day_and_month_by_itself():
    offenders = []
    for path in _files("*.py"):
        if "migrations" in path.parts or path.name == "dates.py":
            continue
        text = path.read_text()
        if re.search(r"%-?d %[Bb]", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, offenders
