"""Parsing untrusted input into the values the database can hold.

Ids and other whole numbers from addresses, filters and bodies are checked here once, so a
number no row can have (`99999999999999999999`, `10**30`) or JSON nested thousands deep is
a 400 with a message, never an OverflowError or RecursionError deep in a view.
"""
import codecs
import json

from django.conf import settings
from rest_framework import exceptions
from rest_framework.parsers import JSONParser

from .errors import ApplicationError

# The largest value a database integer column holds (PostgreSQL bigint, SQLite INTEGER).
DB_INT_MAX = 2**63 - 1
DB_INT_MIN = -(2**63)
# The deepest nesting of arrays and objects an API body may have.
JSON_MAX_DEPTH = 32


def is_db_int(value: int) -> bool:
    return DB_INT_MIN <= value <= DB_INT_MAX


def parse_id(value, name="id", *, required=False):
    """A positive id from text: None when empty (unless `required`), else an int that fits
    the database. Anything else raises ApplicationError (400) naming the field."""
    text = "" if value is None else str(value).strip()
    if not text:
        if required:
            raise ApplicationError(f"Enter {name}.", errors={name: ["This field is required."]})
        return None
    if not text.isascii() or not text.isdigit() or int(text) > DB_INT_MAX or int(text) < 1:
        raise ApplicationError(f"{name} must be a whole number from 1 to {DB_INT_MAX}.",
                               errors={name: [f"Enter a whole number from 1 to {DB_INT_MAX}."]})
    return int(text)


def out_of_range_number(text: str) -> bool:
    """True when `text` is written as a whole number that no database integer can hold."""
    body = text[1:] if text[:1] in "+-" else text
    return len(body) > 18 and body.isascii() and body.isdigit() and not is_db_int(int(text))


class JSONTooDeep(ValueError):
    pass


class JSONNumberTooLarge(ValueError):
    pass


def _parse_int(text):
    value = int(text)
    if not is_db_int(value):
        raise JSONNumberTooLarge(f"The number {text[:24]}{'…' if len(text) > 24 else ''} is "
                                 "too large.")
    return value


def _reject_constant(name):
    raise ValueError(f"{name} is not a number JSON allows.")


def _check_depth(data, limit):
    stack = [(data, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                raise JSONTooDeep(f"The JSON is nested more than {limit} levels deep.")
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)


def loads(text, *, max_depth=JSON_MAX_DEPTH):
    """`json.loads` for untrusted bodies: integers must fit the database, nesting is limited.
    Raises ValueError (JSONTooDeep, JSONNumberTooLarge or json.JSONDecodeError)."""
    try:
        data = json.loads(text, parse_int=_parse_int, parse_constant=_reject_constant)
    except RecursionError:
        raise JSONTooDeep(f"The JSON is nested more than {max_depth} levels deep.") from None
    _check_depth(data, max_depth)
    return data


class SafeJSONParser(JSONParser):
    """The API's JSON parser (DEFAULT_PARSER_CLASSES): nesting at most JSON_MAX_DEPTH deep and
    integers that fit the database, so `10**30` as an id or 5,000 nested arrays are a 400.
    (Here rather than in portal.api, which imports DRF's views: they read this setting.)"""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            return loads(codecs.getreader(encoding)(stream).read())
        except (JSONTooDeep, JSONNumberTooLarge) as exc:
            raise exceptions.ParseError(str(exc)) from None
        except ValueError as exc:  # json.JSONDecodeError, UnicodeDecodeError
            raise exceptions.ParseError(f"JSON parse error - {exc}") from None
