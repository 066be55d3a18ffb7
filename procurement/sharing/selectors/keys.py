"""The keys as the allocation reads them: the agreement's named keys, with their components, floors and
caps, and the three single-component keys (``population``, ``usage``, ``flat``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch, QuerySet

from procurement.sharing.enums import KeyBasis
from procurement.sharing.models import Agreement, KeyComponent, MemberBound, SharingKey
from procurement.sharing.rules import Bound, SharingRefused, percent


@dataclass(frozen=True)
class KeyDefinition:
    """A key as the allocation reads it: a single-component key (``population``, ``usage``, ``flat``)
    or one of the agreement's named keys, with its floors and caps per member (pk)."""

    name: str
    label: str
    components: tuple[tuple[str, Decimal], ...]  # (KeyBasis value, weight)
    bounds: dict[int, Bound] = field(default_factory=dict)
    key: SharingKey | None = None
    is_applied: bool = False

    @property
    def is_builtin(self) -> bool:
        return self.key is None

    @property
    def bases(self) -> set[str]:
        return {basis for basis, _ in self.components}

    @property
    def description(self) -> str:
        """« 50 % population, 50 % usages » (each weight out of their total, rounded to the unit)."""
        total = sum((weight for _, weight in self.components), Decimal(0))
        names = {KeyBasis.POPULATION: "population", KeyBasis.USAGE: "usages", KeyBasis.FLAT: "part égale"}
        return ", ".join(f"{percent(weight, total).quantize(Decimal('1'), rounding=ROUND_HALF_UP)} % "
                         f"{names[basis]}" for basis, weight in self.components)


def builtin_key(basis: str) -> KeyDefinition:
    return KeyDefinition(name=basis, label=str(KeyBasis(basis).label), components=((basis, Decimal(1)),))


def _named_key(key: SharingKey) -> KeyDefinition:
    """From a key whose components and bounds are prefetched."""
    order = list(KeyBasis.values)
    components = tuple((component.basis, component.weight)
                       for component in sorted(key.components.all(), key=lambda c: order.index(c.basis)))
    bounds = {bound.member_id: Bound(floor=bound.floor_ttc, cap=bound.cap_ttc) for bound in key.bounds.all()}
    return KeyDefinition(name=key.name, label=key.label, components=components, bounds=bounds, key=key,
                         is_applied=key.is_applied)


def _keys(agreement: Agreement) -> QuerySet[SharingKey]:
    return (SharingKey.objects.filter(agreement=agreement)
            .prefetch_related(Prefetch("components", queryset=KeyComponent.objects.order_by("basis")),
                              Prefetch("bounds", queryset=MemberBound.objects.order_by("member_id")))
            .order_by("-is_applied", "name"))


def key_list(*, agreement: Agreement) -> list[KeyDefinition]:
    """The agreement's named keys (the applied one first), then the three single-component keys."""
    return [_named_key(key) for key in _keys(agreement)] + [builtin_key(basis) for basis in KeyBasis.values]


def key_definition(*, agreement: Agreement, key: str | SharingKey | None = None) -> KeyDefinition:
    """The key named ``key`` (``population``, ``usage``, ``flat`` or a named key of the agreement, case set
    aside), the key itself, or, without one, the key the agreement applies; refused when unknown."""
    if isinstance(key, SharingKey):
        return _named_key(_keys(agreement).get(pk=key.pk))
    if key is None:
        applied = _keys(agreement).filter(is_applied=True).first()
        if applied is None:
            raise SharingRefused(f"La convention « {agreement.name} » n'applique encore aucune clé : choisissez-en "
                                 f"une.")
        return _named_key(applied)
    name = key.strip().lower()
    if name in KeyBasis.values:
        return builtin_key(name)
    found = _keys(agreement).filter(name=name).first()
    if found is None:
        known = ", ".join([*KeyBasis.values, *(SharingKey.objects.filter(agreement=agreement)
                                              .order_by("name").values_list("name", flat=True))])
        raise SharingRefused(f"Clé de répartition inconnue : « {key} ». Clés possibles : {known}.")
    return _named_key(found)
