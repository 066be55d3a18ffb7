"""Index series and their monthly values, entered one by one or imported (all or nothing); the
revision clause of a contract and the revisions computed from it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from procurement.contracts.abilities import can_act, list_abilities
from procurement.contracts.enums import CoefficientRounding, ContractState
from procurement.contracts.imports.indices import read_index_file
from procurement.contracts.models import Contract, IndexSeries, IndexValue, PriceRevision, PriceRevisionClause
from procurement.contracts.rules.pricing import RevisionError, revise
from procurement.contracts.rules.schedule import anniversaries, months_later
from procurement.contracts.services.common import lock
from procurement.core.legal_calendar import short_date
from procurement.core.permissions import require

MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
             "novembre", "décembre")


INDICES_REFUSED = "Seuls les acheteurs saisissent les indices et leurs valeurs."


def month_label(month: date) -> str:
    return f"{MONTHS_FR[month.month - 1]} {month.year}"


@transaction.atomic
def series_create(*, code: str, name: str, by, source: str = "", note: str = "") -> IndexSeries:
    require(list_abilities(by)["edit"], INDICES_REFUSED)
    series = IndexSeries(code=code.strip().upper(), name=name.strip(), source=source.strip(), note=note.strip())
    series.full_clean()
    series.save()
    return series


@transaction.atomic
def index_value_set(*, series: IndexSeries, month: date, value: Decimal, by, note: str = "") -> IndexValue:
    """Records (or corrects) the value of ``month``."""
    require(list_abilities(by)["edit"], INDICES_REFUSED)
    month = month.replace(day=1)
    row = IndexValue.objects.filter(series=series, month=month).first() or IndexValue(series=series, month=month)
    if row.pk and row.value == value and row.note == note.strip():
        return row  # unchanged: no new history row
    row.value, row.note = value, note.strip()
    row.full_clean()
    row.save()
    return row


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


@transaction.atomic
def index_import(*, series: IndexSeries, name: str, data: bytes, by) -> ImportResult:
    """Imports a CSV or .xlsx file of monthly values; any error (reported by row and column) leaves
    the stored values unchanged."""
    require(list_abilities(by)["edit"], INDICES_REFUSED)
    reading = read_index_file(name=name, data=data)
    if not reading.ok:
        raise ValidationError(reading.errors)
    existing = {row.month: row for row in IndexValue.objects.select_for_update().filter(series=series)}
    created = updated = 0
    for item in reading.rows:
        row = existing.get(item.month)
        if row is None:
            IndexValue(series=series, month=item.month, value=item.value, note=item.note).save()
            created += 1
        elif row.value != item.value or row.note != item.note:
            row.value, row.note = item.value, item.note
            row.save()
            updated += 1
    return ImportResult(created=created, updated=updated)


# Revision clause and revisions ---------------------------------------------------------------

CLAUSE_FIELDS = ("series", "base_month", "index_lag_months", "fixed_part", "coefficient_decimals",
                 "coefficient_rounding", "base_price_ht", "every_months")


@transaction.atomic
def revision_clause_save(*, contract: Contract, by, **fields) -> PriceRevisionClause:
    """Sets the revision clause of a contract not signed yet."""
    require(can_act(by), "Seuls les acheteurs fixent la clause de révision des prix.")
    locked = lock(contract)
    if locked.state != ContractState.TO_SIGN:
        raise ValidationError("La clause de révision d'un marché signé ne change que par avenant.")
    clause = PriceRevisionClause.objects.filter(contract=locked).first() or PriceRevisionClause(contract=locked)
    for name in CLAUSE_FIELDS:
        if name in fields:
            setattr(clause, name, fields[name])
    if clause.base_month:
        clause.base_month = clause.base_month.replace(day=1)
    clause.full_clean()
    clause.save()
    return clause


def revision_dates(contract: Contract) -> list[date]:
    """The revision dates of the periods started: every ``every_months`` months from the start."""
    clause = getattr(contract, "revision_clause", None)
    if clause is None:
        return []
    return anniversaries(start=contract.start_date, until=contract.current_periods()[-1].end,
                         every_months=clause.every_months)


def rounding_label(clause: PriceRevisionClause) -> str:
    return f"{clause.coefficient_decimals} décimales, {CoefficientRounding(clause.coefficient_rounding).label.lower()}"


def _value(series: IndexSeries, month: date, role: str) -> Decimal:
    row = IndexValue.objects.filter(series=series, month=month).first()
    if row is None:
        raise ValidationError(f"L'indice {series.code} de {month_label(month)} ({role}) n'est pas saisi : "
                              "enregistrez-le ou importez-le d'abord.")
    return row.value


@transaction.atomic
def price_revision_apply(*, contract: Contract, revision_on: date, by,
                         today: date | None = None) -> PriceRevision:
    """The revised price at ``revision_on`` by the contract's clause, recorded with every value used."""
    require(can_act(by), "Seuls les acheteurs révisent les prix.")
    today = today or timezone.localdate()
    locked = lock(contract)
    clause = PriceRevisionClause.objects.select_related("series").filter(contract=locked).first()
    if clause is None:
        raise ValidationError("Ce marché n'a pas de clause de révision des prix.")
    if locked.state not in (ContractState.NOTIFIED, ContractState.RENEWED, ContractState.ENDED):
        raise ValidationError("Les prix se révisent pendant l'exécution du marché.")
    dates = revision_dates(locked)
    if revision_on not in dates:
        listed = ", ".join(short_date(day) for day in dates) or "aucune pour l'instant"
        raise ValidationError({"revision_on": f"Le {short_date(revision_on)} n'est pas une date de révision de ce "
                                              f"marché (dates : {listed})."})
    if revision_on > today:
        raise ValidationError({"revision_on": "Une révision se calcule à sa date, pas avant."})
    if PriceRevision.objects.filter(contract=locked, revision_on=revision_on).exists():
        raise ValidationError({"revision_on": f"La révision du {short_date(revision_on)} est déjà calculée."})
    index_month = months_later(revision_on.replace(day=1), -clause.index_lag_months)
    base_index = _value(clause.series, clause.base_month, "I0")
    index = _value(clause.series, index_month, "I")
    try:
        result = revise(base_price=clause.base_price_ht, fixed_part=clause.fixed_part, index=index,
                        base_index=base_index, decimals=clause.coefficient_decimals,
                        rounding=clause.coefficient_rounding)
    except RevisionError as error:
        raise ValidationError(str(error)) from error
    return PriceRevision.objects.create(
        contract=locked, revision_on=revision_on, series_code=clause.series.code, base_month=clause.base_month,
        index_month=index_month, base_index=base_index, index=index, fixed_part=clause.fixed_part,
        raw_coefficient=result.raw_coefficient.quantize(Decimal("1e-10")), coefficient=result.coefficient,
        rounding=rounding_label(clause), base_price_ht=result.base_price, price_ht=result.price, by=by,
    )
