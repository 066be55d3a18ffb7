"""The transitions a page, the API and the services accept are the guards' names, and these are
exactly the state machines' transitions: one list, derived, that cannot drift from the models."""

from procurement.contracts.models import Contract
from procurement.contracts.services.transitions import CONTRACT_TRANSITIONS
from procurement.contracts.views.common import TRANSITION_LABELS as CONTRACT_LABELS
from procurement.tenders.models import Lot, Tender
from procurement.tenders.services.transitions import LOT_TRANSITIONS, TENDER_TRANSITIONS
from procurement.tenders.views.common import TRANSITION_LABELS as TENDER_LABELS


def fsm_names(model) -> set[str]:
    return {transition.name for transition in model._meta.get_field("state").get_all_transitions(model)}


def test_the_tender_lot_and_contract_transitions_are_the_guarded_fsm_transitions_in_button_order():
    assert TENDER_TRANSITIONS == ("mark_ready", "back_to_draft", "publish", "close", "open_bids", "complete", "abandon")
    assert LOT_TRANSITIONS == ("award", "declare_unsuccessful", "abandon")
    assert CONTRACT_TRANSITIONS == ("sign", "transmit", "notify", "renew", "end", "terminate")
    assert set(TENDER_TRANSITIONS) == fsm_names(Tender)
    assert set(LOT_TRANSITIONS) == fsm_names(Lot)
    assert set(CONTRACT_TRANSITIONS) == fsm_names(Contract)


def test_every_transition_has_a_button_label():
    assert set(TENDER_TRANSITIONS) | set(LOT_TRANSITIONS) <= set(TENDER_LABELS)
    assert set(CONTRACT_TRANSITIONS) == set(CONTRACT_LABELS)
