"""Small-number suppression (issue 14 #7): a property test that no suppressed value can be
recovered from what is published, and examples of the rules."""
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from portal.disclosure import plan, suppress_part, suppress_table

MONEY = ("cost", "social_care", "health", "education")


def table(counts, splits):
    rows = []
    for i, (count, (sc, h, e)) in enumerate(zip(counts, splits, strict=True)):
        rows.append({"category": f"c{i}", "count": count, "cost": sc + h + e,
                     "social_care": sc, "health": h, "education": e})
    total = {k: sum(r[k] for r in rows) for k in ("count", *MONEY)}
    return rows, total


def feasible_counts(rows_out, rows_in, total_out, limit):
    """For each suppressed row, every count it could hold given what is published: the
    total, the shown rows, "fewer than N" = 1..N-1 and "suppressed" = N or more (found by
    subset-sum reachability, independently of the module's interval rule)."""
    hidden = [i for i, r in enumerate(rows_out) if r["suppressed"]]
    shown_sum = sum(r["count"] for r in rows_out if not r["suppressed"])
    target = total_out["count"] - shown_sum

    def values(i):
        if rows_out[i]["display"].startswith("fewer"):
            return range(1, limit)
        return range(limit, target + 1)

    result = {}
    for i in hidden:
        reachable = {0}
        for j in hidden:
            if j != i:
                reachable = {a + v for a in reachable for v in values(j) if a + v <= target}
        result[i] = {v for v in values(i) if target - v in reachable}
    assert all(rows_in[i]["count"] in result[i] for i in hidden)  # the truth is feasible
    return result


def _rank(matrix):
    m = [list(map(Fraction, row)) for row in matrix]
    rank, cols = 0, len(m[0]) if m else 0
    for c in range(cols):
        pivot = next((r for r in range(rank, len(m)) if m[r][c] != 0), None)
        if pivot is None:
            continue
        m[rank], m[pivot] = m[pivot], m[rank]
        for r in range(len(m)):
            if r != rank and m[r][c] != 0:
                factor = m[r][c] / m[rank][c]
                m[r] = [a - factor * b for a, b in zip(m[r], m[rank], strict=True)]
        rank += 1
    return rank


def determined_money_cells(rows_out, total_out):
    """Suppressed money cells that the published total and the shown rows fix exactly: a
    cell is fixed when its unit vector lies in the span of the linear constraints (column
    totals, and cost = social care + health + education in each row)."""
    hidden = [i for i, r in enumerate(rows_out) if r["suppressed"]]
    unknowns = [(i, k) for i in hidden for k in MONEY]
    index = {u: n for n, u in enumerate(unknowns)}
    equations = []
    if not total_out["suppressed"]:
        for k in MONEY:
            equations.append([1 if u[1] == k else 0 for u in unknowns])
    for i in hidden:
        row = [0] * len(unknowns)
        row[index[(i, "cost")]] = 1
        for k in MONEY[1:]:
            row[index[(i, k)]] = -1
        equations.append(row)
    if not unknowns:
        return []
    base = _rank(equations) if equations else 0
    fixed = []
    for n, u in enumerate(unknowns):
        unit = [1 if m == n else 0 for m in range(len(unknowns))]
        if _rank([*equations, unit]) == base:
            fixed.append(u)
    return fixed


counts_and_splits = st.integers(min_value=1, max_value=7).flatmap(lambda n: st.tuples(
    st.lists(st.integers(min_value=1, max_value=14), min_size=n, max_size=n),
    st.lists(st.tuples(*[st.sampled_from([0, 0, 1, 250, 4000, 99999])] * 3),
             min_size=n, max_size=n)))


@settings(max_examples=400, deadline=None)
@given(counts_and_splits, st.integers(min_value=2, max_value=6))
def test_no_suppressed_value_can_be_recovered(data, limit):
    counts, splits = data
    rows_in, total_in = table(counts, splits)
    rows_out, total_out = suppress_table(rows_in, total_in, value_keys=MONEY, limit=limit)
    for before, after in zip(rows_in, rows_out, strict=True):
        small = 0 < before["count"] < limit
        if small:  # every small count is suppressed, with its money
            assert after["suppressed"] and after["display"] == f"fewer than {limit}"
        if after["suppressed"]:
            assert all(after[k] is None for k in ("count", *MONEY))
        else:
            assert after == {**before, "suppressed": False, "display": ""}
    if total_out["suppressed"]:
        assert all(total_out[k] is None for k in ("count", *MONEY))
        return  # nothing to subtract from
    assert {k: total_out[k] for k in ("count", *MONEY)} == total_in
    # Counts: each suppressed row could hold at least two values.
    for i, values in feasible_counts(rows_out, rows_in, total_out, limit).items():
        assert len(values) >= 2, (counts, i, values)
    # Money: no suppressed figure is fixed by the totals, and none is pinned to zero by a
    # column whose suppressed rows add up to nothing while its total does not.
    assert determined_money_cells(rows_out, total_out) == []
    hidden = [r for r, o in zip(rows_in, rows_out, strict=True) if o["suppressed"]]
    for k in MONEY:
        if total_in[k]:
            assert not hidden or sum(r[k] for r in hidden) > 0


def test_a_single_child_is_never_shown():
    rows, total = table([1, 12], [(40000, 40000, 10000), (1000, 2000, 3000)])
    rows_out, total_out = suppress_table(rows, total, value_keys=MONEY, limit=5)
    assert [r["display"] for r in rows_out] == ["fewer than 5", "suppressed"]
    assert rows_out[0]["cost"] is None and total_out["count"] == 13
    assert total_out["cost"] == 96000


def test_two_rows_of_four_adding_to_eight_need_a_third():
    decided = plan([4, 4, 20], limit=5)
    assert decided.rows == {0: "primary", 1: "primary", 2: "secondary"}
    assert not decided.total


def test_when_nothing_can_protect_them_the_total_goes_too():
    decided = plan([1, 5], limit=5)  # 1 + "at least 5" = 6 would pin the 1
    assert decided.total and set(decided.rows) == {0, 1}
    assert plan([2, 2], limit=5).total  # a total of 4 is itself small


def test_parts_and_their_complements():
    assert suppress_part(3, 40) and suppress_part(38, 40) and not suppress_part(20, 40)
    assert not suppress_part(0, 40) and suppress_part(2, None, whole_suppressed=True)
