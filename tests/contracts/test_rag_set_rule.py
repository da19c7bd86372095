"""The RAG dashboard's set-level form (`selectors.rag_summary`: one SQL query over the
area, issue 15) agrees with the per-KPI rules (`rules.quarter_status` and
`rules.return_missing`) on areas of mixed contracts, KPIs and returns."""
import random
from collections import Counter
from contextlib import suppress
from datetime import date

import pytest
from django.template.loader import render_to_string

from agencies.roles import Role
from commissioning.contracts import charts, rules, selectors
from commissioning.contracts.models import KPI, KPIReturn
from portal.errors import ApplicationError
from tests.factories.agencies import AgencyFactory
from tests.factories.contracts import ProviderFactory, add_return, make_contract, make_kpi

YEAR, QUARTER = "2025-26", 2  # July to September 2025; returns due by 30 October
AFTER_DUE, BEFORE_DUE = date(2025, 12, 1), date(2025, 10, 15)
PERIODS = [  # (starts, ends): through the quarter, before it, after it, on its edges
    (date(2024, 4, 1), date(2027, 3, 31)), (date(2024, 4, 1), date(2025, 6, 30)),
    (date(2025, 10, 1), date(2027, 3, 31)), (date(2024, 4, 1), date(2025, 7, 1)),
    (date(2025, 9, 30), date(2027, 3, 31))]
STATUSES = ["planned", "live", "extended", "ended", "terminated"]
VALUES = ["95", "87", "50"]  # green, amber, red against 90 with a tolerance of 5


def _area(rng, area, council, icb, school):
    providers = [ProviderFactory(local_area=area) for _ in range(3)]
    for reference in ("R-00-a", "R-50-b", "R-99-c"):  # certainly missing a return
        make_kpi(make_contract(area, council, provider=providers[0], reference=reference))
    for n in range(14):
        starts, ends = rng.choice(PERIODS)
        contract = make_contract(
            area, rng.choice([council, school]), provider=rng.choice(providers),
            agencies=rng.sample([council, icb, school], rng.randint(0, 2)),
            reference=f"R-{rng.randint(0, 99):02d}-{n}", starts=starts, ends=ends,
            status=rng.choice(STATUSES))
        for _ in range(rng.randint(0, 4)):
            kpi = make_kpi(contract, frequency=rng.choice(list(rules.FREQUENCY_QUARTERS)))
            for quarter in (1, 2):
                if rng.random() < 0.6:  # refused when not expected or not running
                    with suppress(ApplicationError):
                        add_return(kpi, YEAR, quarter, rng.choice(VALUES), today=AFTER_DUE)


def _per_kpi(today):
    """The dashboard's figures worked out KPI by KPI with the per-KPI rules."""
    returns = {r.kpi_id: r for r in KPIReturn.objects.filter(year=YEAR, quarter=QUARTER)}
    area, by_provider, by_agency, missing = Counter(), {}, {}, []
    kpis = (KPI.objects.select_related("contract__provider")
            .prefetch_related("contract__commissioning_agencies")
            .order_by("contract__reference", "position"))
    for kpi in kpis:
        kpi_return = returns.get(kpi.pk)
        status = rules.quarter_status(kpi, kpi_return, YEAR, QUARTER, today=today)
        if kpi_return is not None:
            area[status] += 1
            by_provider.setdefault(kpi.contract.provider.name, Counter())[status] += 1
            for agency in kpi.contract.commissioning_agencies.all():
                by_agency.setdefault(agency.name, Counter())[status] += 1
        if rules.return_missing(kpi, kpi_return, YEAR, QUARTER, today=today):
            missing.append(kpi)
    return area, by_provider, by_agency, missing


def _counts(counts):
    return {name: {rag: n for rag, n in by_rag.items() if n} for name, by_rag in counts.items()}


@pytest.mark.parametrize("seed", [1, 15, 75])
def test_the_set_form_agrees_with_the_per_kpi_rules(seed, area, council, icb, school,
                                                    commissioner, monkeypatch):
    _area(random.Random(seed), area, council, icb, school)
    area_counts, by_provider, by_agency, missing = _per_kpi(AFTER_DUE)
    summary = selectors.rag_summary(actor=commissioner, local_area=area, year=YEAR,
                                    quarter=QUARTER, today=AFTER_DUE)
    assert {k: n for k, n in summary["area"].items() if n} == dict(area_counts)
    assert _counts(summary["provider"]) == _counts(by_provider)
    assert _counts(summary["agency"]) == _counts(by_agency)
    first_contracts = list(dict.fromkeys(k.contract_id for k in missing))
    assert len(first_contracts) > 2 and area_counts  # the mix has both to compare
    assert summary["missing_contracts"] == first_contracts[:selectors.MISSING_LIMIT]
    # The list the page shows: from those contracts only, or from the whole area.
    for contract_ids in (summary["missing_contracts"], None):
        listed = selectors.missing_returns(actor=commissioner, local_area=area, year=YEAR,
                                           quarter=QUARTER, today=AFTER_DUE,
                                           contract_ids=contract_ids)
        assert [k.pk for k in listed] == [k.pk for k in missing]
    # With a limit smaller than the contracts missing returns, the first ones by reference.
    monkeypatch.setattr(selectors, "MISSING_LIMIT", 2)
    assert selectors.rag_summary(actor=commissioner, local_area=area, year=YEAR,
                                 quarter=QUARTER, today=AFTER_DUE
                                 )["missing_contracts"] == first_contracts[:2]


def test_nothing_is_missing_before_the_returns_are_due(area, council, icb, school,
                                                       commissioner):
    _area(random.Random(3), area, council, icb, school)
    assert not _per_kpi(BEFORE_DUE)[3]
    summary = selectors.rag_summary(actor=commissioner, local_area=area, year=YEAR,
                                    quarter=QUARTER, today=BEFORE_DUE)
    assert summary["missing_contracts"] == []
    assert sum(summary["area"].values()) == KPIReturn.objects.filter(
        year=YEAR, quarter=QUARTER).count()


def test_nothing_for_people_outside_the_area(area, council, icb, school, other_area,
                                            make_member):
    _area(random.Random(4), area, council, icb, school)
    outsider = make_member(AgencyFactory(local_area=other_area), Role.COMMISSIONER)
    summary = selectors.rag_summary(actor=outsider, local_area=area, year=YEAR,
                                    quarter=QUARTER, today=AFTER_DUE)
    assert summary == {"area": {"green": 0, "amber": 0, "red": 0}, "agency": {},
                       "provider": {}, "missing_contracts": []}


def test_the_chart_as_text_draws_the_same():
    counts = {"Acorn Ltd": {"green": 1234, "amber": 7, "red": 3},
              "Birch Care": {"green": 1, "amber": 0, "red": 2}, "Cedar": {"red": 1}}
    chart = charts.stacked_bars(counts)
    context = {"id": "x", "title": "KPI results", "group": "Provider"}
    assert render_to_string("contracts/_rag_chart.html", {**context, "chart": chart}) == \
        render_to_string("contracts/_rag_chart.html", {**context, "chart": charts.as_text(chart)})
