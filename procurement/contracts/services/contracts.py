"""A contract from an awarded lot, and its terms until signature."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from procurement.contracts.abilities import can_act, list_abilities
from procurement.contracts.enums import ContractState, GroupKind, RenewalMode
from procurement.contracts.models import Contract
from procurement.contracts.rules.figures import advance_rule_at
from procurement.contracts.services.common import apply_schedule, lock
from procurement.core.permissions import require
from procurement.core.selectors import ReferenceValueMissing
from procurement.tenders.enums import LotState
from procurement.tenders.models import LetterDocument, Lot
from procurement.tenders.models.documents import LetterKind

# The terms a buyer sets or changes before signature (the form's fields).
TERM_FIELDS = (
    "reference", "title", "group_kind", "budget_line", "amount_ht", "vat_rate", "minimum_ht", "maximum_ht",
    "yearly_maximum_ht", "start_date", "duration_months", "renewal_mode", "renewal_months", "max_renewals",
    "notice_months", "maintenance_yearly_ht", "maintenance_start", "accepted_on", "advance_granted", "advance_rate",
    "advance_declined", "advance_repayment", "guarantee_kind", "retention_rate", "delay_penalties",
    "rejection_letters_sent_on", "rejection_letters_electronic", "signature_authorisation",
    "signatory_name", "signatory_role",
)


def default_reference(lot: Lot) -> str:
    """``BNM-2024-02-L1``: the tender's reference and the lot's number, cut to the DECP's 16 characters."""
    suffix = f"-L{lot.number}"
    return lot.tender.reference[: 16 - len(suffix)] + suffix


def rejection_letters_date(lot: Lot) -> date | None:
    """The day the lot's latest rejection letters were sent, when the letters were generated here."""
    return (LetterDocument.objects.filter(lot=lot, kind=LetterKind.REJECTION, sent_on__isnull=False)
            .order_by("-version").values_list("sent_on", flat=True).first())


def _title(lot: Lot) -> str:
    tender = lot.tender
    if tender.lots.count() > 1:
        return f"Lot {lot.number} : {lot.title} — {tender.object}"[:1000]
    return tender.object


def _defaults(lot: Lot) -> dict:
    tender, winner = lot.tender, lot.winner
    if winner.vat_rate is None:
        raise ValidationError({"lot": "Le taux de TVA de l'offre retenue n'est pas enregistré."})
    terms = {
        "title": _title(lot), "holder": winner.vendor, "is_framework": tender.is_framework,
        "vat_rate": winner.vat_rate, "duration_months": tender.duration_months,
        "renewal_mode": RenewalMode.TACIT if tender.renewals else RenewalMode.NONE,
        "renewal_months": tender.renewal_months, "max_renewals": tender.renewals,
        "rejection_letters_sent_on": rejection_letters_date(lot),
    }
    if tender.is_framework:
        # The lot's estimate is the framework's maximum per period (the tenders' convention).
        terms["yearly_maximum_ht"] = max(period.amount_ht for period in lot.periods())
        terms["maximum_ht"] = lot.periods_amount_ht
    else:
        terms["amount_ht"] = winner.final_amount_ht
        try:
            rule = advance_rule_at(amount_ht=winner.final_amount_ht or 0, duration_months=tender.duration_months,
                                         sme=winner.vendor.is_sme, authority=authority_of_lot(lot),
                                         at=tender.consultation_start)
        except ReferenceValueMissing:
            rule = None
        if rule is not None and rule.required:
            terms.update(advance_granted=True, advance_rate=rule.min_rate)
    return terms


def authority_of_lot(lot: Lot):
    programme = lot.tender.programme
    return programme.authority if programme else None


def _check_group(contract: Contract, co_holders) -> None:
    co_holders = list(co_holders)
    if contract.group_kind == GroupKind.NONE and co_holders:
        raise ValidationError({"co_holders": "Sans groupement, le titulaire est seul : retirez les autres membres "
                                             "ou choisissez le type de groupement."})
    if contract.group_kind != GroupKind.NONE and not co_holders:
        raise ValidationError({"co_holders": "Un groupement compte au moins un autre membre que son mandataire."})
    if any(vendor.pk == contract.holder_id for vendor in co_holders):
        raise ValidationError({"co_holders": "Le mandataire est déjà le titulaire : ne le répétez pas parmi les "
                                             "membres."})


@transaction.atomic
def contract_create(*, lot: Lot, by, start_date: date, reference: str = "", co_holders=(), **terms) -> Contract:
    """The contract of an awarded lot, prefilled from the tender and the winning bid (holder, amount or
    framework maximum, duration, renewals, VAT, mandatory advance); ``terms`` override the defaults."""
    require(list_abilities(by)["create"], "Seuls les acheteurs créent les marchés.")
    lot = Lot.objects.select_for_update(of=("self",)).select_related(
        "tender__programme__authority", "winner__vendor").get(pk=lot.pk)
    if lot.state != LotState.AWARDED or lot.winner is None:
        raise ValidationError({"lot": "Seul un lot attribué donne lieu à un marché."})
    existing = Contract.objects.filter(lot=lot).first()
    if existing is not None:
        raise ValidationError({"lot": f"Ce lot a déjà son marché : {existing.reference}."})
    unknown = set(terms) - set(TERM_FIELDS) - {"holder"}
    if unknown:
        raise TypeError(f"Champs inconnus : {', '.join(sorted(unknown))}")
    values = {**_defaults(lot), **terms}
    contract = Contract(lot=lot, reference=reference or default_reference(lot), start_date=start_date,
                        created_by=by, **values)
    contract.full_clean()
    _check_group(contract, co_holders)
    apply_schedule(contract)
    contract.save()
    contract.co_holders.set(co_holders)
    return contract


@transaction.atomic
def contract_update(*, contract: Contract, by, co_holders=None, **terms) -> Contract:
    """Changes the terms of a contract not signed yet."""
    require(can_act(by), "Seuls les acheteurs modifient les clauses d'un marché.")
    locked = lock(contract)
    if locked.state != ContractState.TO_SIGN:
        raise ValidationError("Les clauses d'un marché signé ne changent que par avenant.")
    unknown = set(terms) - set(TERM_FIELDS)
    if unknown:
        raise TypeError(f"Champs inconnus : {', '.join(sorted(unknown))}")
    for name, value in terms.items():
        setattr(locked, name, value)
    locked.full_clean()
    members = list(locked.co_holders.all()) if co_holders is None else list(co_holders)
    _check_group(locked, members)
    apply_schedule(locked)
    locked.save()
    if co_holders is not None:
        locked.co_holders.set(members)
    return locked



@transaction.atomic
def acceptance_record(*, contract: Contract, accepted_on: date, by) -> Contract:
    """Records the acceptance (réception, admission) of the services; the maintenance may start at its
    first anniversary."""
    require(can_act(by), "Seuls les acheteurs prononcent la réception.")
    locked = lock(contract)
    if locked.state not in (ContractState.NOTIFIED, ContractState.RENEWED):
        raise ValidationError("La réception se prononce pendant l'exécution du marché.")
    if accepted_on < locked.start_date:
        raise ValidationError({"accepted_on": "La réception suit le début d'exécution."})
    locked.accepted_on = accepted_on
    locked.full_clean()
    locked.save()
    return locked
