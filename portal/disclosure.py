"""Small-number suppression (statistical disclosure control) for every published count.

As NHS England and DfE statistics do: a count of people (children, packages) from 1 up to
the threshold minus one (setting `SMALL_NUMBER_THRESHOLD`, default 5) is not shown, and
nor are the money figures of its row — they would be one child's package. It is published
as "fewer than 5". Then *secondary suppression*: a table whose total is shown must not let
a suppressed row be worked out by subtraction, so while only one row is suppressed, the
suppressed rows add up to fewer than the threshold, or their bounds pin one of them (two
"fewer than 5" rows adding up to 8 are both 4), the next smallest row is suppressed too
(shown as "suppressed"); if no row is left, the total is suppressed. A table whose total
itself is small has its total and every row suppressed. A count's complement (e.g.
"agreed" beside the total, "within a week" beside "agreed") is treated the same way.

Zero is shown: it describes no one. Suppressed values are None; each row carries
`suppressed` (bool) and `display` (the words to print instead). This is the one module the
API, pages, exports and board reports use (through the selectors that feed them).
"""
from dataclasses import dataclass

from django.conf import settings

PRIMARY = "primary"
SECONDARY = "secondary"


def threshold() -> int:
    return int(getattr(settings, "SMALL_NUMBER_THRESHOLD", 5))


def fewer_than(limit=None) -> str:
    return f"fewer than {limit or threshold()}"


def is_small(count, limit=None) -> bool:
    limit = limit or threshold()
    return count is not None and 0 < count < limit


@dataclass
class Plan:
    """Which rows (by index) are suppressed and why, and whether the total is."""

    rows: dict
    total: bool


def _zero_split(values, rows) -> bool:
    """A money column whose suppressed rows add up to 0 while its total does not: the
    reader learns those rows hold nothing there (part of one child's funding split)."""
    if not values or not rows:
        return False
    for column in range(len(values[0])):
        total = sum(v[column] or 0 for v in values)
        if total and not sum(values[i][column] or 0 for i in rows):
            return True
    return False


def _exposed(counts, rows, limit) -> bool:
    """Whether the suppressed rows could be worked out from the published total: a reader
    knows their sum S (total minus the shown rows), that a "fewer than N" row holds 1..N-1
    and a "suppressed" row at least N. Exposed when only one is suppressed, when S itself
    is small, or when those bounds pin any row to a single value (two rows of 4 adding to 8)."""
    if not rows:
        return False
    hidden_sum = sum(counts[i] for i in rows)
    if len(rows) == 1 or hidden_sum < limit:
        return True
    low = {i: 1 if why == PRIMARY else limit for i, why in rows.items()}
    high = {i: limit - 1 if why == PRIMARY else hidden_sum for i, why in rows.items()}
    all_low, all_high = sum(low.values()), sum(high.values())
    for i in rows:
        least = max(low[i], hidden_sum - (all_high - high[i]))
        most = min(high[i], hidden_sum - (all_low - low[i]))
        if least >= most:
            return True
    return False


def plan(counts: list[int], limit: int | None = None, values=None) -> Plan:
    """Decide the suppression of a one-way table of counts with its total (the sum):
    primary suppression of small counts, then secondary suppression of the next smallest
    rows until the suppressed ones cannot be worked out; failing that, the total too."""
    limit = limit or threshold()
    total = sum(counts)
    if is_small(total, limit):
        return Plan(rows={i: PRIMARY for i, c in enumerate(counts) if c}, total=True)
    rows = {i: PRIMARY for i, c in enumerate(counts) if is_small(c, limit)}
    while _exposed(counts, rows, limit) or _zero_split(values, rows):
        candidates = sorted((c, i) for i, c in enumerate(counts) if c and i not in rows)
        if not candidates:
            return Plan(rows=rows, total=True)
        rows[candidates[0][1]] = SECONDARY
    return Plan(rows=rows, total=False)


def _mark(row, count_key, value_keys, reason, limit):
    row = dict(row)
    if reason is None:
        row.update(suppressed=False, display="")
        return row
    row[count_key] = None
    for key in value_keys:
        row[key] = None
    row.update(suppressed=True,
               display=fewer_than(limit) if reason == PRIMARY else "suppressed")
    return row


def suppress_table(rows: list[dict], total: dict, *, count_key="count", value_keys=(),
                   limit: int | None = None) -> tuple[list[dict], dict]:
    """Copies of `rows` and `total` with small counts (and the values in their rows)
    suppressed, plus secondary suppression so the total reveals none of them."""
    limit = limit or threshold()
    decided = plan([r[count_key] for r in rows], limit,
                   values=[[r[k] for k in value_keys] for r in rows] if value_keys else None)
    out = [_mark(r, count_key, value_keys, decided.rows.get(i), limit)
           for i, r in enumerate(rows)]
    total_reason = (PRIMARY if is_small(total[count_key], limit) else SECONDARY) \
        if decided.total else None
    return out, _mark(total, count_key, value_keys, total_reason, limit)


def suppress_part(part, whole, *, whole_suppressed=False, limit: int | None = None) -> bool:
    """Whether a count that is part of a published whole must be suppressed: it is small,
    its complement (whole - part) is small, or the whole is suppressed."""
    limit = limit or threshold()
    if part is None:
        return False
    if whole_suppressed:
        return part != 0 or whole is None
    return is_small(part, limit) or (whole is not None and is_small(whole - part, limit))
