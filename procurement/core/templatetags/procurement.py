from datetime import date

from django import template

from procurement.core.legal_calendar import long_date
from procurement.core.money import format_eur, format_percent

register = template.Library()


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
