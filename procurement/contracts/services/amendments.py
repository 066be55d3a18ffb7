"""Amendments: the legal basis's limits, the cumulated change against the initial amount and the
CAO's opinion, checked before anything is saved."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from procurement.contracts.abilities import can_act
from procurement.contracts.enums import AmendmentBasis
from procurement.contracts.models import Amendment, Contract
from procurement.contracts.rules.amendments import AmendmentCheck, check_amendment
from procurement.contracts.rules.figures import amendment_limits
from procurement.contracts.services.common import lock, require_executing
from procurement.core.legal_calendar import short_date
from procurement.core.money import round_money
from procurement.core.permissions import require
from procurement.core.selectors import ReferenceValueMissing
from procurement.tenders.enums import Procedure


def went_through_cao(contract: Contract) -> bool:
    """A local authority's formalised procedure: the CAO chose the holder (CGCT L.1414-2)."""
    return contract.lot.tender.procedure == Procedure.OPEN


def amendment_check(*, contract: Contract, basis: str, amount_change_ht: Decimal, signed_on: date,
                    new_holder=None, cao_opinion_on: date | None = None, cao_opinion_reference: str = "",
                    justification: str = "") -> AmendmentCheck:
    """The check of a planned amendment (pure over the contract's saved amendments)."""
    limits = amendment_limits(nature=contract.lot.tender.nature, at=signed_on)
    return check_amendment(
        basis=basis, change_ht=amount_change_ht,
        previous_changes=[amendment.amount_change_ht for amendment in contract.amendments.all()],
        initial_ht=contract.initial_amount_ht, limits=limits, through_cao=went_through_cao(contract),
        cao_opinion_recorded=bool(cao_opinion_on and cao_opinion_reference.strip()),
        has_new_holder=new_holder is not None, justification=justification,
    )


@transaction.atomic
def amendment_create(*, contract: Contract, basis: str, object: str, amount_change_ht: Decimal, signed_on: date,
                     by, justification: str = "", yearly_maximum_change_ht: Decimal = Decimal("0"),
                     new_holder=None, cao_opinion_on: date | None = None, cao_opinion_reference: str = "",
                     cao_opinion=None) -> Amendment:
    """``cao_opinion`` (a ``tenders.CaoOpinion`` on this contract's lot) gives the opinion's date and
    reference; the free-text date and reference remain for an opinion not recorded here."""
    require(can_act(by), "Seuls les acheteurs concluent les avenants.")
    locked = lock(contract)
    require_executing(locked, "Un avenant")
    if cao_opinion is not None:
        if cao_opinion.lot_id != locked.lot_id:
            raise ValidationError({"cao_opinion": "Cet avis de la CAO porte sur un autre marché."})
        cao_opinion_on, cao_opinion_reference = cao_opinion.meeting.held_on, cao_opinion.reference
    if locked.notified_on and signed_on < locked.notified_on:
        raise ValidationError({"signed_on": f"Un avenant suit la notification du marché "
                                            f"({short_date(locked.notified_on)})."})
    if amount_change_ht != round_money(amount_change_ht):
        raise ValidationError({"amount_change_ht": "Un montant a au plus deux décimales."})
    try:
        check = amendment_check(contract=locked, basis=basis, amount_change_ht=amount_change_ht, signed_on=signed_on,
                                new_holder=new_holder, cao_opinion_on=cao_opinion_on,
                                cao_opinion_reference=cao_opinion_reference, justification=justification)
    except ReferenceValueMissing as missing:
        raise ValidationError(str(missing)) from missing
    errors: dict[str, list[str]] = {}
    for field, message in check.refusals:
        errors.setdefault(field, []).append(message)
    if locked.initial_amount_ht + check.net_change_ht <= 0:
        errors.setdefault("amount_change_ht", []).append("Le montant du marché doit rester positif après l'avenant.")
    if errors:
        raise ValidationError(errors)
    amendment = Amendment(
        contract=locked, number=locked.amendments.count() + 1, basis=basis, object=object.strip(),
        justification=justification.strip(), amount_change_ht=amount_change_ht,
        yearly_maximum_change_ht=yearly_maximum_change_ht, new_holder=new_holder, signed_on=signed_on,
        cao_opinion=cao_opinion, cao_opinion_on=cao_opinion_on, cao_opinion_reference=cao_opinion_reference.strip(),
        change_share=check.change_share, cumulated_share=check.cumulated_share, by=by,
    )
    amendment.full_clean()
    amendment.save()
    if basis == AmendmentBasis.NEW_HOLDER:
        locked.holder = new_holder
        locked.save(update_fields=["holder", "updated_at"])
    return amendment
