from datetime import date

from django import template

from procurement.core.legal_calendar import long_date
from procurement.core.money import format_eur, format_percent
from procurement.core.numbers import format_number

register = template.Library()


def badge_filter(badges: dict[str, str]):
    """A filter for an app's template library: a state (a tender's, a lot's, a contract's…) → the
    modifier class of its badge in ``badges``, none when it has none."""

    def badge(state) -> str:
        return badges.get(str(state), "")

    return badge


@register.filter
def eur(value) -> str:
    """``{{ amount|eur }}`` → ``1 234,56 €``."""
    return format_eur(value)


@register.filter
def eur_round(value) -> str:
    return format_eur(value, cents=False)


@register.filter
def percent(value) -> str:
    return "" if value is None else format_percent(value)


@register.filter
def longdate(value: date | None) -> str:
    return long_date(value) if value else ""


@register.filter
def number(value, places=None) -> str:
    """``{{ uses|number }}`` → ``224 165``; ``{{ points|number }}`` → ``30``, never ``3E+1``;
    ``{{ ratio|number:1 }}`` → ``12,5``."""
    return format_number(value, places=None if places in (None, "") else int(places))
