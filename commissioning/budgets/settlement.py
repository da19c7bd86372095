"""The year-end settlement of a pool (issue 16) — pure functions, no database.

After Q4 closes, each partner's final contribution is its contribution plus its share of the
year's over- or underspend, shared by the agreement's risk-share rules (caps included) —
the very shares of the closed Q4 position (`risk_share.share_variance`, every split through
`portal.money.split_largest_remainder`). What moves between the partners and the host, who
holds the pool:

- a partner other than the host pays the host its share of an overspend and receives back
  its share of an underspend — unless the agreement carries underspends forward, when its
  share of the underspend stays in the pool for next year (`carried_forward`) instead;
- the host bears its own share where the money is, and receives (or pays) what the others
  pay (or receive), so the payments net to zero.

Invariants (tests/budgets/test_settlement.py proves them with hypothesis): the shares add up
to the variance; the final contributions add up to the outturn; payments net to zero; for
every partner but the host, payment = share + carried forward.
"""
from dataclasses import asdict, dataclass
from decimal import Decimal

from portal.money import to_money

from .risk_share import Shares, share_variance

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class PartnerSettlement:
    agency_id: int
    is_host: bool
    contribution: Decimal
    overspend: Decimal
    underspend: Decimal
    share: Decimal
    final_contribution: Decimal
    carried_forward: Decimal
    payment: Decimal  # > 0 pays the host, < 0 receives from the host (the host: the reverse)


def settle(*, contributions: dict, shares: Shares, parties, host_id,
           carry_forward: bool) -> list[PartnerSettlement]:
    """Each partner's settlement from its contribution and its shares of the variance."""
    parties = list(parties)
    rows, others = [], ZERO
    for agency_id in parties:
        contribution = to_money(contributions.get(agency_id, ZERO))
        over = to_money(shares.overspend.get(agency_id, ZERO))
        under = to_money(shares.underspend.get(agency_id, ZERO))
        share = to_money(shares.total.get(agency_id, ZERO))
        # only a share of an underspend stays in the pool (a lead-bears rule netting mixed
        # schedules can leave a partner's part of a group's underspend positive)
        carried = -under if carry_forward and under < 0 else ZERO
        payment = ZERO if agency_id == host_id else share + carried
        others += payment
        rows.append([agency_id, agency_id == host_id, contribution, over, under, share,
                     contribution + share, carried, payment])
    for row in rows:
        if row[1]:
            row[8] = -others
    return [PartnerSettlement(*row) for row in rows]


def settle_schedules(schedules, *, rules, parties, host_id, separately=False,
                     carry_forward=False) -> list[PartnerSettlement]:
    """Share the schedules' variances (`risk_share.share_variance`) and settle."""
    shares = share_variance(schedules, rules=rules, parties=parties, host_id=host_id,
                            separately=separately)
    contributions: dict[int, Decimal] = {p: ZERO for p in parties}
    for item in schedules:
        for agency_id, value in item.contributions.items():
            contributions[agency_id] = contributions.get(agency_id, ZERO) + value
    return settle(contributions=contributions, shares=shares, parties=parties,
                  host_id=host_id, carry_forward=carry_forward)


def _money(value) -> str:
    return f"{to_money(value):.2f}"


def statement(position: dict, *, host_id: int, carry_forward: bool, q4_sha256: str) -> dict:
    """The settlement statement (plain JSON, money as strings) from a closed Q4 position."""
    shares = Shares(
        total={s["agency"]: Decimal(s["share"]) for s in position["risk_share"]},
        overspend={s["agency"]: Decimal(s["overspend"]) for s in position["risk_share"]},
        underspend={s["agency"]: Decimal(s["underspend"]) for s in position["risk_share"]})
    names = {c["agency"]: c["name"] for c in position["contributions"]}
    contributions = {c["agency"]: Decimal(c["amount"]) for c in position["contributions"]}
    rows = settle(contributions=contributions, shares=shares, parties=list(names),
                  host_id=host_id, carry_forward=carry_forward)
    partners = []
    for row in rows:
        item = {k: (_money(v) if isinstance(v, Decimal) else v) for k, v in asdict(row).items()}
        item["agency"] = item.pop("agency_id")
        item["name"] = names[row.agency_id]
        if row.payment == 0:
            item["direction"] = "nothing to pay or receive"
        elif row.is_host:
            item["direction"] = "receives from the partners" if row.payment < 0 else \
                "pays the partners"
        else:
            item["direction"] = "pays the host" if row.payment > 0 else \
                "receives from the host"
        item["amount"] = _money(abs(row.payment))
        partners.append(item)
    return {
        "agreement": position["agreement"], "title": position["title"],
        "year": position["year"], "q4_sha256": q4_sha256, "carry_forward": carry_forward,
        "total_pool": position["total_pool"], "outturn": position["forecast_outturn"],
        "spend": position["spend_to_date"], "variance": position["variance"],
        "carried_forward": _money(sum((r.carried_forward for r in rows), ZERO)),
        "partners": partners,
    }
