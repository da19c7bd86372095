"""Money is Decimal with two places end to end; this is the only place that rounds."""
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

PENNY = Decimal("0.01")


def to_money(value) -> Decimal:
    """Parse a value (str, int or Decimal; never float) to pounds with two places."""
    if isinstance(value, float):
        raise TypeError("money must not be a float")
    try:
        return Decimal(str(value)).quantize(PENNY, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"{value!r} is not an amount of money") from exc


def split_largest_remainder(amount, weights) -> list[Decimal]:
    """Split `amount` in proportion to `weights` so the parts add back exactly.

    Each part is rounded down to the penny, then the pennies left over go one each to the
    parts with the largest remainders (ties to the earliest). Negative amounts split as the
    negation of the positive split, so an overspend and an underspend mirror each other.
    """
    amount = to_money(amount)
    weights = [Decimal(str(w)) for w in weights]
    if not weights:
        raise ValueError("cannot split between no one")
    if any(w < 0 for w in weights):
        raise ValueError("weights must not be negative")
    total_weight = sum(weights)
    if amount < 0:
        return [-part for part in split_largest_remainder(-amount, weights)]
    if total_weight == 0:
        weights = [Decimal(1)] * len(weights)
        total_weight = Decimal(len(weights))
    pennies = int(amount / PENNY)
    exact = [pennies * w / total_weight for w in weights]
    floors = [int(e) for e in exact]
    left = pennies - sum(floors)
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [Decimal(p) * PENNY for p in floors]


def format_gbp(value) -> str:
    value = to_money(value)
    sign = "-" if value < 0 else ""
    return f"{sign}£{abs(value):,.2f}"
