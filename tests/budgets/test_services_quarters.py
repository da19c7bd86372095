"""Closing a quarter freezes its position; changes are refused until it is reopened with
a reason, which is audited."""
import hashlib
from datetime import date

import pytest

from commissioning.budgets import services
from commissioning.budgets.models import QuarterSnapshot
from commissioning.budgets.position import canonical, position_of
from portal.errors import ApplicationError
from tests.factories import budgets as make

AFTER_Q2 = date(2025, 10, 3)


def close(s75, quarter=2, actor=None):
    return services.quarter_close(actor=actor, agreement=s75["agreement"], year="2025-26",
                                  quarter=quarter, today=AFTER_Q2)


def test_closing_freezes_the_position(s75):
    live = position_of(s75["agreement"], "2025-26", 2)
    snapshot = close(s75)
    assert snapshot.sha256 == hashlib.sha256(canonical(snapshot.position)).hexdigest()
    frozen = position_of(s75["agreement"], "2025-26", 2)
    assert frozen["frozen"] is True
    assert {**frozen, "frozen": False} == live
    # a later forecast for Q3 does not touch the frozen Q2
    make.forecast(s75["s1"], 3, "2000000.00")
    assert position_of(s75["agreement"], "2025-26", 2) == frozen


@pytest.mark.parametrize("change", [
    lambda s: make.spend(s["s1"], date(2025, 8, 1), "10.00", "Late invoice"),
    lambda s: make.forecast(s["s1"], 2, "1.00"),
    lambda s: services.commitment_set(actor=None, schedule=s["s1"], year="2025-26", quarter=2,
                                      amount="5.00"),
    lambda s: services.contribution_set(actor=None, schedule=s["s1"], agency=s["s1"].lead_partner,
                                        year="2025-26", amount="1.00"),
    lambda s: services.contribution_vary(
        actor=None, contribution=s["s1"].contributions.first(), amount="5.00",
        date=date(2025, 9, 1), reason="Back-dated"),
])
def test_changes_to_a_closed_quarter_are_refused(s75, change):
    close(s75)
    with pytest.raises(ApplicationError) as caught:
        change(s75)
    assert "closed" in caught.value.message
    assert caught.value.status == 409


def test_changes_in_an_open_quarter_still_work(s75):
    close(s75)
    make.spend(s75["s1"], date(2025, 10, 2), "10.00", "October invoice")
    contribution = s75["s1"].contributions.first()
    services.contribution_vary(actor=None, contribution=contribution, amount="-5.00",
                               date=date(2025, 10, 2), reason="Saving agreed in Q3")


def test_cannot_close_twice_or_before_the_end(s75):
    close(s75)
    with pytest.raises(ApplicationError, match="already closed"):
        close(s75)
    with pytest.raises(ApplicationError, match="has not ended"):
        close(s75, quarter=3)


def test_reopen_needs_a_reason_and_is_audited(s75, council, make_member):
    approver = make_member(council, "approver", username="appr", limit=1000)
    close(s75)
    with pytest.raises(ApplicationError, match="Say why"):
        services.quarter_reopen(actor=approver, agreement=s75["agreement"], year="2025-26",
                                quarter=2, reason="")
    services.quarter_reopen(actor=approver, agreement=s75["agreement"], year="2025-26",
                            quarter=2, reason="Invoice from July was missed")
    snapshot = QuarterSnapshot.objects.get()
    assert snapshot.history.first().history_user == approver
    assert snapshot.reopen_reason == "Invoice from July was missed"
    make.spend(s75["s1"], date(2025, 8, 1), "10.00", "Late invoice")
    assert position_of(s75["agreement"], "2025-26", 2)["frozen"] is False
    again = close(s75)
    assert again.position["spend_to_date"] == "272010.00"


def test_finance_officer_may_neither_close_alone_nor_submit_nor_reopen(s75, finance):
    """One person no longer closes a quarter: closing at once is for the system only, and
    submitting is the pooled fund manager's."""
    with pytest.raises(ApplicationError) as caught:
        close(s75, actor=finance)
    assert caught.value.status == 403
    with pytest.raises(ApplicationError) as caught:
        services.quarter_submit(actor=finance, agreement=s75["agreement"], year="2025-26",
                                quarter=2, today=AFTER_Q2)
    assert caught.value.status == 403 and "pooled fund manager" in caught.value.message
    close(s75)
    with pytest.raises(ApplicationError) as caught:
        services.quarter_reopen(actor=finance, agreement=s75["agreement"], year="2025-26",
                                quarter=2, reason="I would like to change it")
    assert caught.value.status == 403


def test_tampered_snapshot_is_found(s75):
    from commissioning.budgets.tasks import verify_snapshots

    snapshot = close(s75)
    assert verify_snapshots() == []
    QuarterSnapshot.objects.filter(pk=snapshot.pk).update(
        position={**snapshot.position, "spend_to_date": "1.00"})
    assert verify_snapshots() == [snapshot.pk]
