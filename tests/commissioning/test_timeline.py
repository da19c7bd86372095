"""The intention's timeline is read from the audit: created, edited, status, sign-offs,
referrals, stage moves and comments, newest first, each with who did it."""
import pytest

from commissioning import services
from commissioning.timeline import build
from tests.factories.commissioning import Cycle

pytestmark = pytest.mark.django_db


def test_timeline_tells_the_story(area):
    cycle = Cycle(area)
    services.intention_update(actor=cycle.commissioner, intention=cycle.intention,
                              title="Short breaks for disabled children and young people")
    cycle.submit()
    services.intention_sign_off(actor=cycle.icb_approver, intention=cycle.intention,
                                agency=cycle.icb, decision="reject", reason="Costs unclear")
    services.gate_submit(actor=cycle.commissioner, intention=cycle.intention,
                         note="Costs split by partner")
    cycle.approve_all()
    services.intention_advance(actor=cycle.commissioner, intention=cycle.intention)
    services.intention_transition(actor=cycle.commissioner, intention=cycle.intention,
                                  name="hold", reason="Waiting for the budget")
    events = build(cycle.intention)
    whats = [e["what"] for e in events]
    assert whats[-1] == "Created at Analyse"
    assert "Edited: title" in whats
    assert "ICB rejected the stage gate" in whats
    assert "Stage gate rejected" in whats
    assert "Submitted for sign-off to move from Analyse to Plan (round 2)" in whats
    assert "Moved from Analyse to Plan" in whats
    assert "Status changed from Active to On hold" in whats
    assert "Comment" in whats  # the reason for the hold
    move = next(e for e in events if e["what"] == "Moved from Analyse to Plan")
    assert move["who"] == str(cycle.commissioner)
    assert [e["when"] for e in events] == sorted((e["when"] for e in events), reverse=True)
