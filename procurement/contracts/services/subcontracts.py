"""Subcontracting: the DC4 declaration, then its acceptance with the payment terms (direct payment
when the subcontracted share reaches the threshold, TTC) or its refusal."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from procurement.contracts.abilities import can_act
from procurement.contracts.enums import CLOSED, SubcontractStatus
from procurement.contracts.models import Contract, Subcontract
from procurement.contracts.rules.figures import direct_payment_threshold
from procurement.contracts.rules.thresholds import direct_payment
from procurement.contracts.services.common import lock
from procurement.core.permissions import require

SUBCONTRACT_REFUSED = "Seuls les acheteurs déclarent, acceptent ou refusent les sous-traitants."


@transaction.atomic
def subcontract_declare(*, contract: Contract, vendor, services: str, amount_ttc: Decimal, declared_on: date,
                        by) -> Subcontract:
    require(can_act(by), SUBCONTRACT_REFUSED)
    locked = lock(contract)
    if locked.state in CLOSED:
        raise ValidationError(f"Ce marché est « {locked.get_state_display()} » : plus de sous-traitance à déclarer.")
    if vendor.pk == locked.holder_id or locked.co_holders.filter(pk=vendor.pk).exists():
        raise ValidationError({"vendor": "Un titulaire du marché n'est pas son propre sous-traitant."})
    subcontract = Subcontract(contract=locked, vendor=vendor, services=services.strip(), amount_ttc=amount_ttc,
                              declared_on=declared_on, by=by)
    subcontract.full_clean()
    subcontract.save()
    return subcontract


def _pending(subcontract: Subcontract) -> Subcontract:
    locked = Subcontract.objects.select_for_update(of=("self",)).select_related("contract").get(pk=subcontract.pk)
    if locked.status != SubcontractStatus.DECLARED:
        raise ValidationError(f"Cette sous-traitance est déjà « {locked.get_status_display()} ».")
    return locked


@transaction.atomic
def subcontract_accept(*, subcontract: Subcontract, decided_on: date, payment_terms: str, by) -> Subcontract:
    """Accepts the subcontractor and approves its payment terms; paid directly by the buyer when its
    share reaches the threshold in force (R.2193-10)."""
    require(can_act(by), SUBCONTRACT_REFUSED)
    locked = _pending(subcontract)
    if not payment_terms.strip():
        raise ValidationError({"payment_terms": "L'acceptation agrée les conditions de paiement : décrivez-les."})
    if decided_on < locked.declared_on:
        raise ValidationError({"decided_on": "L'acceptation suit la déclaration."})
    locked.status, locked.decided_on = SubcontractStatus.ACCEPTED, decided_on
    locked.payment_terms = payment_terms.strip()
    locked.direct_payment = direct_payment(amount_ttc=locked.amount_ttc,
                                           threshold_ttc=direct_payment_threshold(at=decided_on))
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def subcontract_refuse(*, subcontract: Subcontract, decided_on: date, reason: str, by) -> Subcontract:
    require(can_act(by), SUBCONTRACT_REFUSED)
    locked = _pending(subcontract)
    if not reason.strip():
        raise ValidationError({"reason": "Motivez le refus."})
    locked.status, locked.decided_on, locked.refusal_reason = SubcontractStatus.REFUSED, decided_on, reason.strip()
    locked.direct_payment = False
    locked.full_clean()
    locked.save()
    return locked
