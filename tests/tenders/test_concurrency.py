import threading

import pytest
from django.db import connection

from procurement.tenders.enums import TenderState
from procurement.tenders.models import Tender, TransitionLog
from procurement.tenders.services.transitions import TransitionRefused, tender_transition
from tests.factories import UserFactory
from tests.tenders.factories import LotFactory

ATTEMPTS = 8


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_attempts_at_one_transition_succeed_exactly_once():
    buyer = UserFactory(username="acheteur-concurrent", buyer=True)
    tender = LotFactory(criteria=True, prices=True).tender
    barrier = threading.Barrier(ATTEMPTS)
    outcomes = []

    def attempt():
        stale = Tender.objects.get(pk=tender.pk)  # each thread loaded the page in the draft state
        barrier.wait()
        try:
            tender_transition(tender=stale, name="mark_ready", by=buyer)
            outcomes.append("ok")
        except TransitionRefused as refused:
            outcomes.append(refused.reasons[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(ATTEMPTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert outcomes.count("ok") == 1
    assert len(outcomes) == ATTEMPTS
    assert all("a changé d'état entre-temps" in outcome for outcome in outcomes if outcome != "ok")
    assert Tender.objects.get(pk=tender.pk).state == TenderState.READY
    assert TransitionLog.objects.filter(tender=tender).count() == 1
