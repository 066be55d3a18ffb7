"""A MAPA from the need to the contract, through the pages only: the AMO consultancy of the programme
(under the thresholds: a procédure adaptée, no CAO), two bids, the opening in one grid, two evaluators,
the award in order, the letters, the council's deliberation and the contract signed and notified.
Nothing is done outside the pages but moving the server's clock. Screenshots: docs/screenshots/mapa-*.png."""

from datetime import timedelta

import pytest

from procurement.contracts.models import Contract
from tests.browser.conftest import seen
from tests.browser.steps import (
    KNOWN,
    NEWCOMER,
    Purchase,
    at,
    award_and_send_the_letters,
    create_the_contract,
    open_the_bids,
    publish,
    read_the_ranking,
    receive_two_bids,
    record_the_deliberation,
    score,
    seat_the_committee,
    the_metropole,
    write_the_need,
)
from tests.clock import DEMO_TODAY

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

AMO = Purchase(reference="BNM-2027-05", object="Assistance à maîtrise d'ouvrage du programme",
               lot="Assistance à maîtrise d'ouvrage", description="Étude des usages, cahier des charges du portail "
               "et accompagnement jusqu'à la réception.", amount_ht="80000", months="18", cpv="79411000-8")


def test_a_mapa_from_the_need_to_the_contract(journey, tmp_path):
    the_metropole(today=DEMO_TODAY)
    page = journey.page

    journey.login("claire")
    write_the_need(journey, AMO, today=DEMO_TODAY, shots="mapa")
    assert "Procédure adaptée" in seen(page.locator("section[aria-labelledby=avis]"))
    deadline = DEMO_TODAY + timedelta(days=26)  # a Monday: a MAPA sets a reasonable delay
    publish(journey, AMO, deadline=deadline, shots="mapa")

    journey.travel(at(deadline - timedelta(days=2), 10))
    journey.switch("claire")
    receive_two_bids(journey, AMO, tmp_path, shots="mapa")

    journey.travel(at(deadline + timedelta(days=1), 9))
    journey.switch("claire")
    open_the_bids(journey, AMO, {KNOWN: "76500", NEWCOMER: "71200"}, shots="mapa")
    # No CAO for a MAPA: the lot page does not wait for one.
    assert page.locator("#cao").count() == 0
    seat_the_committee(journey, shots="mapa")
    score(journey, AMO, "sophie", {KNOWN: ("45", "8"), NEWCOMER: ("30", "6")}, shots="mapa")
    score(journey, AMO, "nadia", {KNOWN: ("44", "9"), NEWCOMER: ("32", "5")}, shots="mapa")
    journey.switch("claire")
    first = read_the_ranking(journey, AMO, shots="mapa")
    assert first.startswith("1") and KNOWN in first  # the dearer bid wins on its technical value

    award_and_send_the_letters(journey, AMO, shots="mapa")
    record_the_deliberation(journey, "DEL-2027-003", adopted=deadline - timedelta(days=10), shots="mapa")
    create_the_contract(journey, AMO, authorisation="DEL-2027-003", shots="mapa")
    contract = Contract.objects.get(lot__tender__reference=AMO.reference)
    assert contract.holder.name == KNOWN

    journey.travel(at(deadline + timedelta(days=20), 10))
    journey.switch("claire")
    journey.goto(f"/marches/{contract.reference}/")
    journey.check()
    journey.submit(page.get_by_role("button", name="Signer le marché"))
    journey.check()
    journey.submit(page.get_by_role("button", name="Notifier le marché"))
    journey.check("mapa-18-marche-notifie")
    assert "Notifié" in seen(page.locator("h1"))
    journey.finish()
