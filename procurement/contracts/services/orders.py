"""Purchase orders against a framework's maximum, per period and in total. The contract's row is
locked first, so two orders arriving at once are checked one after the other: the second sees the
first and is refused if together they would exceed the maximum."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from procurement.contracts.abilities import can_act
from procurement.contracts.models import Contract, PurchaseOrder
from procurement.contracts.selectors.contracts import consumption
from procurement.contracts.services.common import lock, require_executing
from procurement.core.legal_calendar import short_date
from procurement.core.money import format_eur, round_money
from procurement.core.permissions import require


@transaction.atomic
def order_create(*, contract: Contract, ordered_on: date, amount_ht: Decimal, description: str, by,
                 vat_rate: Decimal | None = None) -> PurchaseOrder:
    require(can_act(by), "Seuls les acheteurs émettent les bons de commande.")
    locked = lock(contract)
    if not locked.is_framework:
        raise ValidationError("Seul un accord-cadre s'exécute par bons de commande.")
    require_executing(locked, "Un bon de commande")
    periods = locked.current_periods()
    if not periods[0].start <= ordered_on <= periods[-1].end:
        raise ValidationError({"ordered_on": (
            f"Le bon de commande du {short_date(ordered_on)} tombe hors de l'exécution en cours du marché "
            f"(du {short_date(periods[0].start)} au {short_date(periods[-1].end)})."
        )})
    if amount_ht != round_money(amount_ht):
        raise ValidationError({"amount_ht": "Un montant a au plus deux décimales."})
    last = locked.orders.aggregate(last=Max("number"))["last"] or 0
    order = PurchaseOrder(contract=locked, number=last + 1, ordered_on=ordered_on, description=description.strip(),
                          amount_ht=amount_ht, vat_rate=locked.vat_rate if vat_rate is None else vat_rate, by=by)
    order.full_clean()
    usage = consumption(locked, extra=order)
    if usage.consumed_ht > usage.maximum_ht:
        before = round_money(usage.consumed_ht - amount_ht)
        raise ValidationError({"amount_ht": (
            f"Ce bon de commande de {format_eur(amount_ht)} HT porterait les commandes à "
            f"{format_eur(usage.consumed_ht)} HT, au-delà du maximum de l'accord-cadre "
            f"({format_eur(usage.maximum_ht)} HT) : il reste {format_eur(usage.maximum_ht - before)} HT."
        )})
    row = usage.period(ordered_on)
    if row is not None and row.maximum_ht is not None and row.consumed_ht > row.maximum_ht:
        before = round_money(row.consumed_ht - amount_ht)
        raise ValidationError({"amount_ht": (
            f"Ce bon de commande de {format_eur(amount_ht)} HT porterait les commandes de la période "
            f"du {short_date(row.period.start)} au {short_date(row.period.end)} à {format_eur(row.consumed_ht)} HT, "
            f"au-delà de son maximum ({format_eur(row.maximum_ht)} HT) : il reste "
            f"{format_eur(row.maximum_ht - before)} HT sur cette période."
        )})
    order.save()
    return order
