"""On PostgreSQL, 20 concurrent requests move an intention exactly once.

Every gate write takes the intention's row lock first (select_for_update in one
transaction), so racing advance requests and sign-offs are serialised: one wins, the
rest see the new state and answer 409.
"""
import threading

import pytest
from django.db import connection

from commissioning import services
from commissioning.models import Intention, SignOff, StageGate
from portal.errors import ApplicationError, ErrorCode
from tests.factories.commissioning import Cycle

THREADS = 20


def _race(target):
    barrier = threading.Barrier(THREADS)
    results, lock = [], threading.Lock()

    def run(i):
        try:
            barrier.wait(timeout=30)
            outcome = target(i)
        except ApplicationError as exc:
            outcome = exc.code
        except Exception as exc:  # recorded so the test shows it
            outcome = repr(exc)
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_advances_move_the_intention_once(require_postgres, area):
    cycle = Cycle(area)
    cycle.submit()
    cycle.approve_all()
    history_before = cycle.intention.history.count()

    results = _race(lambda i: services.intention_advance(actor=cycle.commissioner,
                                                         intention=cycle.intention).pk)

    assert results.count(cycle.intention.pk) == 1, results
    assert results.count(ErrorCode.CONFLICT) == THREADS - 1, results
    intention = Intention.objects.get(pk=cycle.intention.pk)
    assert intention.current_stage.name == "Plan"  # moved once, not twice
    new = list(intention.history.order_by("history_date")[history_before:])
    assert len(new) == 1 and new[0].current_stage.name == "Plan"  # one audit entry
    gate = StageGate.objects.get(intention=intention)
    assert gate.status == "advanced"
    assert gate.history.filter(status="advanced").count() == 1


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_sign_offs_and_advances_record_one_decision_per_agency(
        require_postgres, area):
    cycle = Cycle(area)
    cycle.submit()
    people = [(cycle.council_approver, cycle.council), (cycle.icb_approver, cycle.icb)]

    def act(i):
        if i % 4 == 3:
            return services.intention_advance(actor=cycle.commissioner,
                                              intention=cycle.intention).current_stage.name
        user, agency = people[i % 2]
        return services.intention_sign_off(actor=user, intention=cycle.intention,
                                           agency=agency, decision="approve").pk

    results = _race(act)
    assert all(isinstance(r, int | str) for r in results), results
    assert SignOff.objects.filter(gate__intention=cycle.intention).count() == 2
    assert not any(isinstance(r, str) and r.startswith(("Operational", "Integrity"))
                   for r in results), results
    intention = Intention.objects.get(pk=cycle.intention.pk)
    advanced = results.count("Plan")
    assert advanced <= 1
    assert intention.current_stage.name == ("Plan" if advanced else "Analyse")
    stage_moves = [h for h in intention.history.order_by("history_date")
                   if h.current_stage.name == "Plan"]
    assert len(stage_moves) == advanced
