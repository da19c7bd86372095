"""Dates and times as GOV.UK writes them, the one place that formats them for people:
"1 December 2026" (no leading zero), "1 December 2026 at 2:05pm", "midday", "midnight".
Templates use the `govuk_date` / `govuk_datetime` filters (portal_tags); Python code that
builds sentences calls these functions."""
import datetime

from django.utils import timezone


def long_date(value) -> str:
    """1 December 2026; blank stays blank."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{value.day} {value:%B %Y}"


def time_of_day(value) -> str:
    """2:05pm, 9am, midday, midnight."""
    if value.hour == 0 and value.minute == 0:
        return "midnight"
    if value.hour == 12 and value.minute == 0:
        return "midday"
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}{suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d}{suffix}"


def long_datetime(value) -> str:
    """1 December 2026 at 2:05pm (local time); a bare date is written as long_date."""
    if value in (None, ""):
        return ""
    if not isinstance(value, datetime.datetime):
        return long_date(value)
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{long_date(value)} at {time_of_day(value)}"


def month_year(value) -> str:
    """December 2026."""
    return f"{value:%B %Y}" if value else ""
