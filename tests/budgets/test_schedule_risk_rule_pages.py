"""A schedule's own risk-share rule is set on a page linked from the agreement (issue 13):
the position uses it, bad input answers 400 with the error summary, people who may not
change the agreement get 404, and every rule and partner's term shows in the history."""
from decimal import Decimal

import pytest

from commissioning.budgets.models import RiskShareRule
from commissioning.budgets.position import position_of
from tests.factories.agencies import AgencyFactory
from tests.factories.budgets import agreement as make_agreement

pytestmark = pytest.mark.django_db


def _path(s75, schedule="s2"):
    return f"/pooled-budgets/{s75['agreement'].pk}/schedules/{s75[schedule].pk}/risk-share/"


def test_finance_sets_a_schedules_own_rule_from_the_agreement_page(s75, finance, council,
                                                                   icb, signed_in):
    client = signed_in(finance)
    agreement_page = client.get(f"/pooled-budgets/{s75['agreement'].pk}/").content.decode()
    assert f'href="{_path(s75)}"' in agreement_page
    form = client.get(_path(s75))
    assert form.status_code == 200
    assert "Risk-share rule for schedule S2" in form.content.decode()
    not_100 = client.post(_path(s75), {"basis": "fixed", "direction": "both",
                                       f"pct_{council.pk}": "70", f"pct_{icb.pk}": "20"})
    assert not_100.status_code == 400 and "There is a problem" in not_100.content.decode()
    assert not RiskShareRule.objects.exists()
    saved = client.post(_path(s75), {"basis": "fixed", "direction": "both",
                                      f"pct_{council.pk}": "75", f"pct_{icb.pk}": "25"})
    assert saved.status_code == 302
    rule = RiskShareRule.objects.get()
    assert (rule.schedule, rule.basis) == (s75["s2"], "fixed")
    assert {t.agency: t.percentage for t in rule.terms.all()} == {
        council: Decimal("75"), icb: Decimal("25")}
    # the form shows the rule as saved
    again = client.get(_path(s75)).content.decode()
    assert 'value="75.0000"' in again and "Remove the schedule's own rule" in again
    # a change of one partner's percentage is one change, not a removal and an addition
    client.post(_path(s75), {"basis": "fixed", "direction": "both",
                             f"pct_{council.pk}": "80", f"pct_{icb.pk}": "20",
                             f"cap_{icb.pk}": "5000"})
    page = client.get(f"/pooled-budgets/{s75['agreement'].pk}/").content.decode()
    assert "Schedule S2, over- and underspends: fixed percentages" in page
    assert "Added: Schedule S2&#x27;s own risk-share rule (over- and underspends)" in page
    assert ("Testshire County Council&#x27;s share under schedule S2&#x27;s own risk-share "
            "rule (over- and underspends): Edited: percentage") in page
    assert "Cap changed from £0.00 to £5,000.00" in page
    assert "Removed:" not in page


def test_the_schedules_rule_drives_its_share_of_the_variance(s75, finance, council, icb,
                                                             signed_in):
    from tests.factories import budgets as make

    make.forecast(s75["s2"], 2, "240000.00")  # S2 (ICB-led) overspends by 40,000

    def shares():
        position = position_of(s75["agreement"], "2025-26", 2)
        return {s["agency"]: Decimal(s["share"]) for s in position["risk_share"]}

    # No rule: shared in proportion to contributions (S2 is funded 50/50).
    assert shares() == {council.pk: Decimal("20000.00"), icb.pk: Decimal("20000.00")}
    signed_in(finance).post(_path(s75), {"basis": "lead-bears", "direction": "both"})
    assert shares() == {council.pk: Decimal("0.00"), icb.pk: Decimal("40000.00")}


def test_removing_the_schedules_rule_returns_it_to_the_agreements(s75, finance, council, icb,
                                                                   signed_in):
    client = signed_in(finance)
    client.post(_path(s75), {"basis": "lead-bears", "direction": "both"})
    done = client.post(_path(s75) + "remove/", {"direction": "both"})
    assert done.status_code == 302
    assert not RiskShareRule.objects.exists()
    page = client.get(f"/pooled-budgets/{s75['agreement'].pk}/").content.decode()
    assert "Removed: Schedule S2&#x27;s own risk-share rule" in page
    nothing = client.post(_path(s75) + "remove/", {"direction": "both"}, follow=True)
    assert "has no rule of its own" in nothing.content.decode()


def test_only_those_who_change_the_agreement_set_a_schedules_rule(s75, viewer, finance,
                                                                  other_area, signed_in,
                                                                  council, icb):
    viewer_client = signed_in(viewer)
    assert viewer_client.get(_path(s75)).status_code == 404
    assert viewer_client.post(_path(s75), {"basis": "lead-bears",
                                           "direction": "both"}).status_code == 404
    assert viewer_client.post(_path(s75) + "remove/").status_code == 404
    # a schedule of another agreement is not this agreement's
    other = make_agreement(s75["agreement"].local_area, [council, icb], host=council,
                           title="Other pool")
    from tests.factories.budgets import schedule

    theirs = schedule(other, "X1", contributions={council: "1.00", icb: "1.00"})
    wrong = f"/pooled-budgets/{s75['agreement'].pk}/schedules/{theirs.pk}/risk-share/"
    assert signed_in(finance).get(wrong).status_code == 404
    # another area's finance officer
    stranger_agency = AgencyFactory(local_area=other_area, code="E10000098")
    from agencies.roles import Role
    from tests.factories.agencies import member

    stranger = member(stranger_agency, Role.FINANCE, username="otherfin")
    assert signed_in(stranger).get(_path(s75)).status_code == 404
