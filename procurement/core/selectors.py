from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal

from django.db.models import Case, Count, IntegerField, Max, Q, QuerySet, Value, When

from procurement.core.enums import ReferenceKind
from procurement.core.models import AgendaToken, ReferenceValue


class ReferenceValueMissing(LookupError):
    def __init__(self, kind: str, at: date):
        self.kind, self.at = kind, at
        label = ReferenceKind(kind).label if kind in ReferenceKind.values else kind
        super().__init__(
            f"Aucune valeur de « {label} » n'est en vigueur au {at.strftime('%d/%m/%Y')} : "
            "complétez les données de référence dans l'administration."
        )


def reference_row(kind: str, *, at: date) -> ReferenceValue:
    """The row in force at ``at`` (the newest start wins, though periods never overlap)."""
    row = ReferenceValue.objects.in_force(at).filter(kind=kind).order_by("-valid_from").first()
    if row is None:
        raise ReferenceValueMissing(kind, at)
    return row


def reference_known_until(kinds: Iterable[str]) -> date | None:
    """The last day on which every one of ``kinds`` has a stored value (None: no end), read from each kind's
    latest row: past it, a rule reading them refuses until the administrator enters the new figures."""
    kinds = set(kinds)
    rows = (ReferenceValue.objects.filter(kind__in=kinds).values("kind")
            .annotate(open=Count("pk", filter=Q(valid_to__isnull=True)), end=Max("valid_to")))
    ends = {row["kind"]: None if row["open"] else row["end"] for row in rows}
    if kinds - set(ends):
        return date.min
    known = [end for end in ends.values() if end is not None]
    return min(known) if known else None


class Unconfirmed:
    """The periods of ``kind`` whose value was entered « à confirmer », read once: a list page asks
    ``at(day)`` for each row without a query each."""

    def __init__(self, kind: str):
        self.periods = list(ReferenceValue.objects.filter(kind=kind, confirmed=False)
                            .values_list("valid_from", "valid_to"))

    def at(self, day: date | None) -> bool:
        return day is not None and any(start <= day and (end is None or day <= end) for start, end in self.periods)


class ReferenceValues:
    """The values of ``kinds``, read once: ``value(kind, at=day)`` is ``reference_value(kind, at=day)``
    without a query each, for a list or an export that applies a rule to many rows; ``periods(kind)``
    are the rows themselves, for a rule the database applies."""

    def __init__(self, kinds: Iterable[str]):
        self.rows = list(ReferenceValue.objects.filter(kind__in=set(kinds)).order_by("-valid_from"))

    def find(self, kind: str, *, at: date) -> ReferenceValue | None:
        """The row in force at ``at``, or None."""
        return next((row for row in self.rows if row.kind == kind and row.in_force_on(at)), None)

    def row(self, kind: str, *, at: date) -> ReferenceValue:
        row = self.find(kind, at=at)  # the newest start wins, as in ``reference_row``
        if row is None:
            raise ReferenceValueMissing(kind, at)
        return row

    def value(self, kind: str, *, at: date) -> Decimal:
        return self.row(kind, at=at).value

    def periods(self, kind: str) -> list[ReferenceValue]:
        """The rows of ``kind``, newest start first."""
        return [row for row in self.rows if row.kind == kind]


class ReferenceDays(ReferenceValues):
    """``days(kind, at=day)`` is ``reference_days(kind, at=day)`` from the values read once."""

    def __call__(self, kind: str, *, at: date) -> int:
        return int(self.value(kind, at=at))


def reference_confirmed(kind: str, *, at: date) -> bool:
    """Whether the value of ``kind`` in force at ``at`` is confirmed (true when there is none: the
    missing value is refused elsewhere)."""
    return not Unconfirmed(kind).at(at)


def unconfirmed_reference_values() -> list[ReferenceValue]:
    """The values still « à confirmer », for the administrator."""
    return list(ReferenceValue.objects.filter(confirmed=False).order_by("kind", "valid_from"))


def reference_value(kind: str, *, at: date) -> Decimal:
    return reference_row(kind, at=at).value


def reference_days(kind: str, *, at: date) -> int:
    return int(reference_value(kind, at=at))


def reference_flag(kind: str, *, at: date) -> bool:
    """A rule that starts at a date: false before its first row, the row's value after."""
    try:
        return reference_value(kind, at=at) != 0
    except ReferenceValueMissing:
        return False


def vat_rates_in_force(*, at: date) -> list[ReferenceValue]:
    kinds = [ReferenceKind.VAT_STANDARD, ReferenceKind.VAT_INTERMEDIATE, ReferenceKind.VAT_REDUCED,
             ReferenceKind.VAT_PRESS]
    return list(ReferenceValue.objects.in_force(at).filter(kind__in=kinds).order_by("-value"))


def reference_value_history() -> list[ReferenceValue]:
    """Every stored figure, by kind then newest first."""
    return list(ReferenceValue.objects.order_by("kind", "-valid_from"))


def reference_value_ids_in_force(*, at: date) -> set[int]:
    return set(ReferenceValue.objects.in_force(at).values_list("pk", flat=True))


def agenda_token_of(*, user) -> AgendaToken | None:
    return AgendaToken.objects.filter(user=user).first()


def agenda_user(*, key: str):
    """The active user whose feed token ``key`` is, or None (unknown, revoked, inactive)."""
    token = (AgendaToken.objects.filter(digest=AgendaToken.digest_of(key), user__is_active=True)
             .select_related("user").first())
    return token.user if token else None


def every_word(search: str, word_condition: Callable[[str], Q], *, ignored: Iterable[str] = ()) -> Q | None:
    """The objects where each word of ``search`` meets ``word_condition`` (« BNM 6182 », « 12/03/2026 portail »),
    so the label a suggestion shows, copied whole, finds its object: punctuation around the words and the
    ``ignored`` words a label adds (« chap. », « du ») aside; None for an empty search."""
    words = (word.strip("()[],;:/—–«»\"").rstrip(".") for word in search.split())
    words = [word for word in words if word and word.lower() not in ignored]
    if not words:
        return None
    condition = Q()
    for word in words:
        condition &= word_condition(word)
    return condition


def choices_named(word: str, field: str, choices) -> Q:
    """The objects whose ``field`` has a choice whose label contains ``word`` (« favorable », « délégation »);
    no object when none has."""
    values = [value for value, label in choices if word.lower() in str(label).lower()]
    return Q(**{f"{field}__in": values}) if values else Q(pk__in=[])


def suggestions(objects: QuerySet, *, condition: Q | None, search: str, first: str, fields: Iterable[str],
                limit: int) -> list:
    """The search fields' suggestions: up to ``limit`` of ``objects`` matching ``condition`` (all for
    None), those whose ``first`` field starts with ``search`` first, then by ``first``; only ``fields``
    (what a suggestion shows) are read, in one query."""
    rank = Value(0)
    if condition is not None:
        objects = objects.filter(condition)
        rank = Case(When(**{f"{first}__istartswith": search.strip()}, then=0), default=1,
                    output_field=IntegerField())
    objects = objects.only("pk", *fields).annotate(rank=rank)
    return list(objects.order_by("rank", first, "pk")[:limit])
