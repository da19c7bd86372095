"""The one rounding helper: splits add back to the penny for any amount and weights."""
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.money import format_gbp, split_largest_remainder, to_money

amounts = st.decimals(min_value=Decimal("-99999999.99"), max_value=Decimal("99999999.99"),
                      places=2, allow_nan=False, allow_infinity=False)
weights = st.lists(st.decimals(min_value=Decimal("0"), max_value=Decimal("1000000"), places=2,
                               allow_nan=False, allow_infinity=False), min_size=1, max_size=30)


@given(amounts, weights)
def test_split_adds_back_exactly(amount, ws):
    parts = split_largest_remainder(amount, ws)
    assert sum(parts) == amount
    assert len(parts) == len(ws)
    assert all(p == p.quantize(Decimal("0.01")) for p in parts)


@given(amounts, weights)
def test_each_part_is_within_a_penny_of_its_exact_share(amount, ws):
    total = sum(ws)
    parts = split_largest_remainder(amount, ws)
    for part, weight in zip(parts, ws, strict=True):
        exact = amount * weight / total if total else amount / len(ws)
        assert abs(part - exact) < Decimal("0.01")


@given(amounts, weights)
def test_overspend_and_underspend_mirror(amount, ws):
    assert split_largest_remainder(-amount, ws) == [-p for p in split_largest_remainder(amount, ws)]


def test_worked_example():
    # £100 three ways: 33.33 each leaves a penny, which goes to the first (ties to the earliest).
    assert split_largest_remainder("100.00", [1, 1, 1]) == [
        Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]
    assert split_largest_remainder("7200000", [60, 40]) == [
        Decimal("4320000.00"), Decimal("2880000.00")]


def test_bad_input():
    with pytest.raises(TypeError):
        to_money(1.5)
    with pytest.raises(ValueError):
        to_money("lots")
    with pytest.raises(ValueError):
        split_largest_remainder("1", [])
    with pytest.raises(ValueError):
        split_largest_remainder("1", [-1, 2])
    assert format_gbp(Decimal("-1234.5")) == "-£1,234.50"
