"""Guards of the contract's transitions, which say why they refuse.

Each guard returns French sentences (empty when the transition may go) for a transition taking
effect on day ``on``. The transition service shows them; the model's django-fsm ``conditions`` run
the same guards, so no caller bypasses them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from django.utils import timezone

from procurement.contracts.enums import ContractState, RenewalDecisionKind, RenewalMode
from procurement.contracts.rules.figures import framework_max_months, legality_threshold
from procurement.contracts.rules.schedule import ONE_DAY
from procurement.contracts.rules.thresholds import legality_control_required
from procurement.core.legal_calendar import long_date, short_date
from procurement.core.money import format_eur
from procurement.core.selectors import ReferenceValueMissing
from procurement.tenders.enums import BidStatus, LotState


def standstill_of(contract, *, rejections: Iterable | None = None, days_of: Callable[..., int] | None = None):
    """The standstill before signature (R.2182-1): the longest of the lot's latest rejection letters (11
    days each when sent electronically, 16 otherwise) and of the sending recorded on the contract;
    ``None`` when it is required but no sending day is known. A list passes what it read once: the
    lot's sent ``rejections`` (every version) and ``days_of`` (a ``ReferenceDays``); the lot, its
    tender and its bids are then expected selected or prefetched."""
    from procurement.core.selectors import reference_days
    from procurement.tenders.models import LetterDocument
    from procurement.tenders.models.documents import LetterKind
    from procurement.tenders.rules.deadlines import NO_STANDSTILL, longest_standstill, standstill

    days_of = days_of or reference_days
    lot = contract.lot
    bid_count = sum(1 for bid in lot.bids.all() if bid.status != BidStatus.LATE)
    procedure = lot.tender.procedure
    if rejections is None:
        rejections = LetterDocument.objects.filter(lot=lot, kind=LetterKind.REJECTION, sent_on__isnull=False)
    rejections = list(rejections)
    latest = max((letter.version for letter in rejections), default=None)
    sendings = [(letter.sent_on, letter.sent_electronically) for letter in rejections if letter.version == latest]
    if contract.rejection_letters_sent_on:
        sendings.append((contract.rejection_letters_sent_on, contract.rejection_letters_electronic))
    if not sendings:
        window = standstill(procedure=procedure, sent_on=timezone.localdate(), bid_count=bid_count, days_of=days_of)
        return None if window.required else NO_STANDSTILL
    return longest_standstill(standstill(procedure=procedure, sent_on=sent_on, bid_count=bid_count,
                                         electronic=electronic, days_of=days_of) for sent_on, electronic in sendings)


def legality_control_due(contract, *, on: date) -> bool:
    """Sent to the prefecture when its amount reaches the threshold in force at its signature."""
    at = contract.signed_on or on
    return legality_control_required(amount_ht=contract.initial_amount_ht, threshold=legality_threshold(at=at))


def signature_authorisation_refusals(contract, *, on: date) -> list[str]:
    """The authorisation to sign (a delegation or a deliberation of the council) must cover the contract:
    its initial amount HT, the day of signature and its object (programme, consultation)."""
    act = contract.signature_authorisation
    if act is None or not contract.signatory_name.strip() or not contract.signatory_role.strip():
        return ["L'autorisation de signer n'est pas enregistrée : choisissez la délégation ou la délibération qui "
                "autorise la signature, et indiquez le nom et la qualité du signataire (CGCT L.2122-21-1, "
                "L.2122-22)."]
    tender = contract.lot.tender
    programme = tender.programme
    return act.coverage_refusals(amount_ht=contract.initial_amount_ht, on=on,
                                 authority_id=programme.authority_id if programme else None,
                                 programme_id=tender.programme_id, tender_reference=tender.reference)


def _sign(contract, *, on: date) -> list[str]:
    refusals = []
    if contract.lot.state != LotState.AWARDED:
        refusals.append("Le lot n'est pas (ou plus) attribué.")
    window = standstill_of(contract)
    if window is None:
        refusals.append("La date d'envoi des lettres de rejet n'est pas renseignée : le délai de suspension "
                        "(R.2182-1) ne peut pas être calculé.")
    elif window.required and on < window.signable_from:
        refusals.append(f"Le délai de suspension court jusqu'au {long_date(window.end)} : le marché peut être signé "
                        f"à partir du {short_date(window.signable_from)} (CCP R.2182-1).")
    refusals += signature_authorisation_refusals(contract, on=on)
    from procurement.contracts.rules.terms import contract_term_errors

    refusals += list(contract_term_errors(contract).values())
    return refusals


def _transmit(contract, *, on: date) -> list[str]:
    if not legality_control_due(contract, on=on):
        threshold = legality_threshold(at=contract.signed_on or on)
        return [f"Le montant du marché ({format_eur(contract.initial_amount_ht)} HT) est sous le seuil de "
                f"transmission au contrôle de légalité ({format_eur(threshold)} HT) : notifiez-le directement."]
    if contract.signed_on and on < contract.signed_on:
        return ["La transmission ne peut pas précéder la signature."]
    return []


def _notify(contract, *, on: date) -> list[str]:
    refusals = []
    if contract.state == ContractState.SIGNED and legality_control_due(contract, on=on):
        threshold = legality_threshold(at=contract.signed_on or on)
        refusals.append(f"Le marché ({format_eur(contract.initial_amount_ht)} HT) atteint le seuil de "
                        f"{format_eur(threshold)} HT : transmettez-le d'abord au contrôle de légalité "
                        "(CGCT L.2131-2, D.2131-5-1).")
    if contract.signed_on and on < contract.signed_on:
        refusals.append("La notification ne peut pas précéder la signature.")
    if contract.transmitted_on and on < contract.transmitted_on:
        refusals.append("La notification ne peut pas précéder la transmission au contrôle de légalité.")
    return refusals


def renewal_refusals(contract, *, on: date, timing: bool = True) -> list[str]:
    """Why renewal n° (renewals done + 1) cannot take effect on ``on``; ``timing=False`` leaves out the
    period's end (the question is then whether a renewal will follow)."""
    if contract.renewal_mode == RenewalMode.NONE:
        return ["Ce marché ne prévoit pas de reconduction."]
    current = contract.current_periods()[-1]
    number = contract.renewal_count + 1
    if contract.renewal_count >= contract.max_renewals:
        return [f"Le nombre maximal de reconductions ({contract.max_renewals}) est atteint : le marché s'achève le "
                f"{short_date(current.end)}."]
    refusals = []
    if contract.is_framework:
        months = contract.duration_months + number * contract.renewal_months
        limit = framework_max_months(at=contract.lot.tender.consultation_start)
        if months > limit:
            refusals.append(f"Une reconduction de plus porterait l'accord-cadre à {months} mois : il dure "
                            f"{limit // 12} ans au plus (R.2162-4).")
    decision = next((d for d in contract.renewal_decisions.all() if d.renewal_number == number), None)
    if decision is not None and decision.decision == RenewalDecisionKind.REFUSE:
        refusals.append(f"La reconduction n° {number} a été refusée le {short_date(decision.decided_on)}.")
    elif contract.renewal_mode == RenewalMode.EXPRESS and decision is None:
        refusals.append(f"La reconduction expresse n° {number} n'a pas été décidée : elle devait l'être au plus tard "
                        f"le {short_date(contract.renewal_deadline or current.end)}.")
    if timing and on <= current.end:
        refusals.append(f"La période en cours s'achève le {short_date(current.end)} : la reconduction prend effet "
                        f"le {short_date(current.end + ONE_DAY)}.")
    return refusals


def _renew(contract, *, on: date) -> list[str]:
    return renewal_refusals(contract, on=on)


def _maximum_reached(contract) -> bool:
    if not contract.is_framework:
        return False
    from procurement.contracts.selectors.contracts import consumption

    return consumption(contract).remaining_ht <= 0


def _end(contract, *, on: date) -> list[str]:
    current = contract.current_periods()[-1]
    if on <= current.end and not _maximum_reached(contract):
        return [f"Le marché court jusqu'au {short_date(current.end)} : il ne peut pas être déclaré échu avant "
                "(ou résiliez-le)."]
    if on > current.end and not renewal_refusals(contract, on=on, timing=False):
        return [f"La reconduction n° {contract.renewal_count + 1} n'a pas été refusée : le marché est reconduit le "
                f"{short_date(current.end + ONE_DAY)}, il n'est pas échu."]
    return []


def _none(contract, *, on: date) -> list[str]:
    return []


CONTRACT_GUARDS: dict[str, Callable] = {
    "sign": _sign,
    "transmit": _transmit,
    "notify": _notify,
    "renew": _renew,
    "end": _end,
    "terminate": _none,
}


def contract_refusals(contract, name: str, *, on: date | None = None) -> list[str]:
    try:
        return CONTRACT_GUARDS[name](contract, on=on or timezone.localdate())
    except ReferenceValueMissing as missing:
        return [str(missing)]


def contract_guard(name: str) -> Callable:
    def condition(contract) -> bool:
        # The service sets ``_transition_on`` when the transition takes effect on another day.
        return not contract_refusals(contract, name, on=getattr(contract, "_transition_on", None))

    condition.__name__ = f"guard_{name}"
    return condition
