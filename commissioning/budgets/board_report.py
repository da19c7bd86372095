"""The "Pooled budgets" section of the quarterly board report: each pool's position and
each partner's share of the variance, and joint packages as aggregates only."""
from decimal import Decimal

from . import selectors
from .position import positions_of

TITLE = "Pooled budgets"
ORDER = 30
TEMPLATE = "budgets/report_section.html"
BAR = 300


def section(*, board, year: str, quarter: int, agencies) -> dict | None:
    """Constant queries: one batched position computation for every pool in scope."""
    agency_ids = [getattr(a, "pk", a) for a in agencies]
    if not agency_ids:
        return None
    area_ids = [board.local_area_id] if getattr(board, "local_area_id", None) else None
    agreements = list(selectors.agreements_with_parties(agency_ids=agency_ids,
                                                        area_ids=area_ids))
    aggregates = selectors.joint_package_aggregates(
        area_ids=area_ids or sorted({a.local_area_id for a in agreements}))
    if not agreements and not aggregates["rows"]:
        return None
    positions = positions_of(agreements, year, quarter) if agreements else {}
    pools = []
    for agreement in agreements:
        position = positions[agreement.pk]
        total, outturn = Decimal(position["total_pool"]), Decimal(position["forecast_outturn"])
        top = max(total, outturn, Decimal(1))
        contributions = {c["agency"]: c["amount"] for c in position["contributions"]}
        variance = Decimal(position["variance"])
        # An empty year says so rather than printing £0.00 (read as a balanced pool).
        contributed = any(Decimal(c["amount"]) for c in position["contributions"])
        spent = bool(Decimal(position["spend_to_date"]) or outturn)
        pools.append({
            "contributed": contributed, "recorded": contributed or spent,
            "id": agreement.pk, "title": agreement.title, "host": agreement.host.name,
            "frozen": position["frozen"], "total_pool": position["total_pool"],
            "spend_to_date": position["spend_to_date"],
            "forecast_outturn": position["forecast_outturn"], "variance": position["variance"],
            "overspend": variance > 0, "underspend": variance < 0,
            "partners": [{"name": s["name"], "share": s["share"],
                          "contribution": contributions.get(s["agency"], "0.00")}
                         for s in position["risk_share"]],
            "position": {"commentary": position.get("commentary") or {}},
            # virements (issue 16): original, moved in and out, revised budget per schedule
            "virements": [{"name": f"{r['code']} {r['name']}",
                           "original": r.get("original_budget", r["budget"]),
                           "moved_in": r.get("virements_in", "0.00"),
                           "moved_out": r.get("virements_out", "0.00"), "revised": r["budget"]}
                          for r in position["schedules"]
                          if r.get("original_budget", r["budget"]) != r["budget"]
                          or Decimal(r.get("virements_in", "0")) > 0],
            "chart": {"height": 52, "pool_width": int(BAR * total / top),
                      "outturn_width": int(BAR * outturn / top)},
        })
    figures = [{"label": "Pooled and aligned budgets", "value": len(pools)},
               {"label": "Total of contributions",
                "value": sum((Decimal(p["total_pool"]) for p in pools), Decimal("0.00"))},
               {"label": "Forecast variance",
                "value": sum((Decimal(p["variance"]) for p in pools), Decimal("0.00"))},
               {"label": "Joint packages",
                "value": aggregates["total"]["display"] or aggregates["total"]["count"]}]
    return {"year": year, "quarter": str(quarter), "pools": pools, "aggregates": aggregates,
            "figures": figures}
