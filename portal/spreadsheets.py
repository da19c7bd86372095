"""The one CSV/xlsx formula-injection guard every export uses (OWASP "CSV injection").

A cell whose text a spreadsheet would run as a formula is prefixed with an apostrophe, so it
shows as text. The check is made on the NFKC-normalised text: spreadsheet programs fold
compatibility characters, so a full-width `＝` (U+FF1D), `＋`, `－`, `＠` or a small form
`﹦` (U+FE66) start a formula just like their ASCII forms. Leading spaces are looked through
too (" =1+1"). The text itself is not changed, only prefixed.
"""
import unicodedata

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def starts_formula(text: str) -> bool:
    if not text:
        return False
    if text[:1] in FORMULA_STARTS:
        return True
    folded = unicodedata.normalize("NFKC", text[:8]).lstrip(" \u00a0\u3000")
    return folded[:1] in FORMULA_STARTS


def safe_text(value) -> str:
    """Any value as text that cannot start a formula ('' for None)."""
    text = "" if value is None else str(value)
    return "'" + text if starts_formula(text) else text


def safe_cell(value):
    """Text made safe; numbers, dates and None pass unchanged (they cannot be formulas)."""
    return safe_text(value) if isinstance(value, str) else value
