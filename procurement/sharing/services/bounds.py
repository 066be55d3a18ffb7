"""What members pay at least (floor) and at most (cap) each year under a key, TTC: checked against the
years of the agreement the key divides as it stands, so that no floor or cap takes one of them away."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction

from procurement.core.money import MONEY_LIMIT, MoneyError, format_eur, round_money
from procurement.sharing.models import Member, MemberBound, SharingKey
from procurement.sharing.rules import SharingRefused
from procurement.sharing.selectors.costs import YearCost, shared_costs
from procurement.sharing.selectors.keys import key_definition
from procurement.sharing.selectors.shares import shares
from procurement.sharing.services.common import AmountInput, lock_to_change, write_member_rows


def _bound_amount(value: AmountInput | None, field: str, member: Member) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        amount = round_money(value)
    except MoneyError as exc:
        raise ValidationError({field: f"{member} : {exc}"}) from exc
    if amount < 0:
        what = "plancher" if field == "floor_ttc" else "plafond"
        raise ValidationError({field: f"{member} : un {what} est positif ou nul."})
    if amount >= MONEY_LIMIT:
        raise ValidationError({field: f"{member} : le montant dépasse le maximum géré."})
    return amount


@transaction.atomic
def bounds_set(*, key: SharingKey, bounds: Mapping[Member | int, tuple[AmountInput | None, AmountInput | None]],
               by) -> list[MemberBound]:
    """Sets what members pay at least (floor) and at most (cap) each year under ``key``, TTC: member or its
    pk → (floor, cap); both empty removes them. Returns the rows written (unchanged ones are not). Checked
    in full before anything is written, then written in bulk. Refused when the key would no longer divide
    a year of the agreement it divides now: a floor above that year's total (the member would pay more than
    the total), floors adding up to more, caps that cannot cover it."""
    lock_to_change(key.agreement, by)
    members = {member.pk: member for member in Member.objects.filter(agreement=key.agreement_id)}
    wanted: dict[int, tuple[Decimal | None, Decimal | None]] = {}
    for item, (floor_ttc, cap_ttc) in bounds.items():
        pk = item.pk if isinstance(item, Member) else item
        if pk not in members:
            raise ValidationError({"member": f"{item} n'est pas membre de la convention de la clé « {key.name} »."})
        member = members[pk]
        floor, cap = _bound_amount(floor_ttc, "floor_ttc", member), _bound_amount(cap_ttc, "cap_ttc", member)
        if floor is not None and cap is not None and floor > cap:
            raise ValidationError({"cap_ttc": f"{member} : le plafond ne peut pas être inférieur au plancher."})
        wanted[pk] = (floor, cap)
    divided = _years_divided(key)
    for pk, (floor, _cap) in wanted.items():
        for year, cost in divided.items():
            if floor is not None and floor > cost.total_ttc:
                raise ValidationError({"floor_ttc": f"{members[pk]} : le plancher ({format_eur(floor)}) dépasse le "
                                                    f"total à répartir en {year} ({format_eur(cost.total_ttc)}) : "
                                                    f"le membre paierait plus que le total."})
    written = write_member_rows(
        rows=MemberBound.objects.filter(key=key), fields=["floor_ttc", "cap_ttc"], by=by,
        wanted={pk: None if values == (None, None) else values for pk, values in wanted.items()},
        new=lambda pk, values: MemberBound(key=key, member=members[pk], floor_ttc=values[0], cap_ttc=values[1]))
    if divided:
        definition = key_definition(agreement=key.agreement, key=key)
        for year, cost in divided.items():
            try:
                shares(agreement=key.agreement, year=year, key=definition, cost=cost)
            except SharingRefused as refusal:
                # Raised inside the transaction: the bounds written above are rolled back.
                raise ValidationError({NON_FIELD_ERRORS: f"En {year}, ces planchers et plafonds empêcheraient la "
                                                         f"clé de répartir : {refusal.reason}"}) from None
    return written


def _years_divided(key: SharingKey) -> dict[int, YearCost]:
    """The years of the agreement whose cost the key divides as it stands, with that cost: floors and caps
    may not take one of them away (a year the key cannot divide yet, for want of uses, say, is left to the
    shares page, which says why)."""
    agreement = key.agreement
    definition = key_definition(agreement=agreement, key=key)
    divided = {}
    for year, cost in shared_costs(agreement=agreement).items():
        try:
            shares(agreement=agreement, year=year, key=definition, cost=cost)
        except SharingRefused:
            continue
        divided[year] = cost
    return divided


def bound_set(*, key: SharingKey, member: Member, floor_ttc: AmountInput | None = None,
              cap_ttc: AmountInput | None = None, by) -> MemberBound | None:
    """Sets (or, both empty, removes) one member's floor and cap under ``key``; see ``bounds_set``."""
    bounds_set(key=key, bounds={member: (floor_ttc, cap_ttc)}, by=by)
    return MemberBound.objects.filter(key=key, member=member).first()
