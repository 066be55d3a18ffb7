"""The agreement's named keys: their components (population, usages, an equal part) with relative weights,
and the key the agreement applies (the others stay, to compare)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from procurement.core.money import MoneyError, to_decimal
from procurement.sharing.enums import KeyBasis
from procurement.sharing.models import Agreement, KeyComponent, SharingKey
from procurement.sharing.services.common import AmountInput, delete_by, lock_to_change, save_by


def _weights(components: Mapping[str, AmountInput | None]) -> dict[str, Decimal]:
    """The components kept (basis → weight), the empty ones left out; each weight strictly positive."""
    weights = {}
    for basis, value in components.items():
        if basis not in KeyBasis.values:
            raise ValidationError({"components": f"« {basis} » n'est pas une composante (population, usage, flat)."})
        if value is None or value == "":
            continue
        label = KeyBasis(basis).label
        try:
            weight = to_decimal(value)
        except MoneyError:
            raise ValidationError({basis: f"{label} : « {value} » n'est pas un poids."}) from None
        if weight < 0:
            raise ValidationError({basis: f"{label} : un poids est positif."})
        if weight == 0:
            continue
        if weight != weight.quantize(Decimal("0.0001")) or weight >= Decimal("100000"):
            raise ValidationError({basis: f"{label} : un poids a au plus quatre décimales et reste sous 100 000."})
        weights[basis] = weight
    if not weights:
        raise ValidationError({"components": "Donnez un poids à une composante au moins : population, usages ou "
                                             "part égale."})
    return weights


def _set_components(key: SharingKey, weights: Mapping[str, Decimal], by) -> None:
    existing = {component.basis: component for component in KeyComponent.objects.filter(key=key)}
    for basis, component in existing.items():
        if basis not in weights:
            delete_by(component, by)
    for basis, weight in weights.items():
        component = existing.get(basis) or KeyComponent(key=key, basis=basis)
        if component.pk is None or component.weight != weight:
            component.weight = weight
            save_by(component, by)


@transaction.atomic
def key_create(*, agreement: Agreement, name: str, label: str, components: Mapping[str, AmountInput | None],
               apply: bool = False, by) -> SharingKey:
    """A named key: ``components`` maps ``population``, ``usage``, ``flat`` to their weights (relative:
    50 and 50 or 1 and 1; empty or zero leaves the component out). ``apply`` makes it the agreement's key."""
    locked = lock_to_change(agreement, by)
    weights = _weights(components)
    key = save_by(SharingKey(agreement=locked, name=(name or "").strip().lower(), label=(label or "").strip()), by)
    _set_components(key, weights, by)
    if apply:
        _apply(key, by)
    return key


@transaction.atomic
def key_update(*, key: SharingKey, name: str, label: str, components: Mapping[str, AmountInput | None],
               by) -> SharingKey:
    lock_to_change(key.agreement, by)
    weights = _weights(components)
    locked = SharingKey.objects.select_for_update().get(pk=key.pk)
    wanted = ((name or "").strip().lower(), (label or "").strip())
    if (locked.name, locked.label) != wanted:
        locked.name, locked.label = wanted
        save_by(locked, by)
    _set_components(locked, weights, by)
    return locked


@transaction.atomic
def key_delete(*, key: SharingKey, by) -> None:
    lock_to_change(key.agreement, by)
    delete_by(SharingKey.objects.get(pk=key.pk), by)


def _apply(key: SharingKey, by) -> None:
    for other in SharingKey.objects.filter(agreement=key.agreement_id, is_applied=True).exclude(pk=key.pk):
        other.is_applied, other._history_user = False, by
        other.save(update_fields=["is_applied", "updated_at"])
    if not key.is_applied:
        key.is_applied, key._history_user = True, by
        key.save(update_fields=["is_applied", "updated_at"])


@transaction.atomic
def key_apply(*, key: SharingKey, by) -> SharingKey:
    """Makes ``key`` the one the agreement applies (the others stay, to compare)."""
    lock_to_change(key.agreement, by)
    locked = SharingKey.objects.select_for_update().get(pk=key.pk)
    _apply(locked, by)
    return locked
