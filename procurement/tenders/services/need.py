"""The need: a draft tender, its lots and criteria, and the procedure its value calls for."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from procurement.core.money import format_eur
from procurement.core.permissions import require
from procurement.tenders.abilities import DRIVE_REFUSED, can_drive
from procurement.tenders.enums import CriterionKind, LotState, TenderState
from procurement.tenders.models import Criterion, Lot, Tender
from procurement.tenders.rules.criteria import CriterionNode, structure_errors
from procurement.tenders.rules.procedure import LotValue, ProcedureAdvice, advise, periods_text, rules_in_force

TENDER_FIELDS = (
    "reference", "programme", "object", "nature", "cpv_code", "place_code", "place_code_type", "duration_months",
    "renewals", "renewal_months", "is_framework", "consultation_start", "notice_sent_on", "bid_deadline",
    "buyer_profile_url",
    "mapa_negotiation", "price_form", "price_types", "techniques", "execution_modes", "ccag",
    "innovative", "social_considerations", "environmental_considerations", "buyer",
)


def _content_changed(tender: Tender) -> None:
    """Lots, criteria or dates changed: the DCE generated before is no longer current."""
    tender.content_changed_at = timezone.now()
    Tender.objects.filter(pk=tender.pk).update(content_changed_at=tender.content_changed_at)


def _require_draft(tender: Tender) -> None:
    if tender.state != TenderState.DRAFT:
        raise ValidationError("Seule une consultation en brouillon peut être modifiée.")


def tender_advice(*, tender: Tender) -> ProcedureAdvice | None:
    lots = list(tender.lots.all())
    if not lots:
        return None
    total = sum((lot.estimated_value_ht for lot in lots), Decimal("0"))
    parts = [
        f"lot {lot.number} ({periods_text(lot.periods())}"
        + (f" + options {format_eur(lot.options_amount_ht)} HT" if lot.options_amount_ht else "") + ")"
        for lot in lots
    ]
    explanation = (
        f"Valeur estimée : {' + '.join(parts)} = {format_eur(total)} HT, options et reconductions comprises "
        "(CCP R.2121-1 à R.2121-9)."
    )
    rules = rules_in_force(nature=tender.nature, at=tender.consultation_start)
    return advise(
        estimated_value_ht=total, rules=rules, notice_date=tender.notice_sent_on,
        lots=[LotValue(f"lot {lot.number}", lot.estimated_value_ht) for lot in lots],
        value_explanation=explanation,
    )


def _refresh_procedure(tender: Tender) -> None:
    advice = tender_advice(tender=tender)
    procedure = str(advice.procedure) if advice else ""
    if tender.procedure != procedure:
        tender.procedure = procedure
        tender.save(update_fields=["procedure", "updated_at"])


@transaction.atomic
def tender_create(*, by, **fields) -> Tender:
    require(can_drive(by), DRIVE_REFUSED)
    tender = Tender(**{key: value for key, value in fields.items() if key in TENDER_FIELDS})
    tender.buyer = tender.buyer or by
    tender.full_clean()
    tender.save()
    return tender


@transaction.atomic
def tender_update(*, tender: Tender, by, **fields) -> Tender:
    require(can_drive(by), DRIVE_REFUSED)
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    _require_draft(tender)
    for key, value in fields.items():
        if key in TENDER_FIELDS:
            setattr(tender, key, value)
    tender.content_changed_at = timezone.now()
    tender.full_clean()
    tender.save()
    _refresh_procedure(tender)
    return tender


@transaction.atomic
def lot_save(*, tender: Tender, by, lot: Lot | None = None, **fields) -> Lot:
    require(can_drive(by), DRIVE_REFUSED)
    _require_draft(Tender.objects.select_for_update().get(pk=tender.pk))
    lot = lot or Lot(tender=tender)
    if lot.pk is None and "number" not in fields:
        lot.number = (tender.lots.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    for key in ("number", "title", "description", "estimated_amount_ht", "renewal_amounts_ht", "options_amount_ht"):
        if key in fields:
            setattr(lot, key, fields[key])
    lot.full_clean()
    lot.save()
    _content_changed(tender)
    _refresh_procedure(tender)
    return lot


@transaction.atomic
def lot_delete(*, lot: Lot, by) -> None:
    require(can_drive(by), DRIVE_REFUSED)
    tender = lot.tender
    _require_draft(tender)
    lot.delete()
    _content_changed(tender)
    _refresh_procedure(tender)


def _node(row: dict) -> CriterionNode:
    return CriterionNode(
        name=row["name"], kind=row["kind"], points=Decimal(row["points"]),
        price_formula=row.get("price_formula", "") or "",
        children=[_node(child) for child in row.get("children", [])],
    )


@transaction.atomic
def criteria_replace(*, lot: Lot, by, rows: list[dict], check_sums: bool = True) -> list[Criterion]:
    """Replaces the lot's criteria with ``rows`` (dicts with name, kind, points, price_formula,
    price_basis and children). Sums that do not add up are refused with the reason, nothing saved."""
    require(can_drive(by), DRIVE_REFUSED)
    _require_draft(lot.tender)
    if check_sums:
        errors = structure_errors([_node(row) for row in rows])
        if errors:
            raise ValidationError({"points": errors})
    lot.criteria.all().delete()
    created = []

    def create(row: dict, parent: Criterion | None, position: int) -> None:
        criterion = Criterion(
            lot=lot, parent=parent, name=row["name"], kind=row["kind"], points=Decimal(row["points"]),
            position=position,
            price_formula=(row.get("price_formula") or "") if row["kind"] == CriterionKind.PRICE else "",
            price_basis=row.get("price_basis") or "ht",
        )
        criterion.full_clean()
        criterion.save()
        created.append(criterion)
        for index, child in enumerate(row.get("children", []), start=1):
            create(child, criterion, index)

    for index, row in enumerate(rows, start=1):
        create(row, None, index)
    _content_changed(lot.tender)
    return created


def _relaunch_reference(reference: str) -> str:
    base = reference.split("-R")[0] if "-R" in reference else reference
    for number in range(1, 100):
        candidate = f"{base}-R{number}"[:16]
        if not Tender.objects.filter(reference=candidate).exists():
            return candidate
    raise ValidationError("Trop de relances pour cette consultation.")


@transaction.atomic
def tender_relaunch(*, tender: Tender, by, consultation_start) -> Tender:
    """A new draft prefilled from an abandoned or unsuccessful tender (its lots and criteria)."""
    require(can_drive(by), DRIVE_REFUSED)
    if tender.state not in (TenderState.ABANDONED, TenderState.COMPLETED):
        raise ValidationError("Seule une consultation sans suite ou terminée peut être relancée.")
    undecided = tender.lots.filter(state__in=[LotState.UNSUCCESSFUL, LotState.ABANDONED])
    if tender.state == TenderState.COMPLETED and not undecided.exists():
        raise ValidationError("Tous les lots ont été attribués : rien à relancer.")
    fields = {key: getattr(tender, key) for key in TENDER_FIELDS}
    fields.update(reference=_relaunch_reference(tender.reference), consultation_start=consultation_start,
                  notice_sent_on=None, bid_deadline=None, buyer_profile_url="", buyer=by)
    copy = tender_create(by=by, **fields)
    copy.relaunched_from = tender
    copy.save(update_fields=["relaunched_from"])
    lots = tender.lots.all()
    if tender.state == TenderState.COMPLETED:
        lots = undecided
    for number, lot in enumerate(lots.order_by("number"), start=1):
        new_lot = Lot(tender=copy, number=number, title=lot.title, description=lot.description,
                      estimated_amount_ht=lot.estimated_amount_ht, renewal_amounts_ht=lot.renewal_amounts_ht,
                      options_amount_ht=lot.options_amount_ht)
        new_lot.full_clean()
        new_lot.save()
        mapping = {}
        for criterion in lot.criteria.order_by("parent_id", "position"):
            mapping[criterion.pk] = Criterion.objects.create(
                lot=new_lot, parent=mapping.get(criterion.parent_id), name=criterion.name, kind=criterion.kind,
                points=criterion.points, position=criterion.position, price_formula=criterion.price_formula,
                price_basis=criterion.price_basis,
            )
    _refresh_procedure(copy)
    return copy
