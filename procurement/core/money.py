"""Money: Decimal euros, HT with a VAT rate, TTC derived, rounded half-up to the cent in one place."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import models
from num2words import num2words

from procurement.core.numbers import NBSP, format_number

CENT = Decimal("0.01")
HUNDRED = Decimal("100")
MONEY_MAX_DIGITS = 14
# The first amount a money field cannot store (MONEY_MAX_DIGITS digits, two of them decimals).
MONEY_LIMIT = Decimal(10) ** (MONEY_MAX_DIGITS - 2)


class MoneyError(ValueError):
    """A value that is not an amount in euros (the message is French, for the user)."""


def round_money(value: Decimal | int | str) -> Decimal:
    """The one place where amounts are rounded: half-up to the cent."""
    return to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def to_decimal(value: Decimal | int | str) -> Decimal:
    """Parses an amount; floats are refused because they cannot hold cents exactly."""
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, (bool, float)):
        raise MoneyError("Un montant doit être un décimal exact, pas un nombre flottant.")
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        text = value.strip().replace(NBSP, "").replace("\u202f", "").replace(" ", "").replace("€", "")
        try:
            result = Decimal(text.replace(",", "."))
        except InvalidOperation as exc:
            raise MoneyError(f"« {value} » n'est pas un montant.") from exc
    else:
        raise MoneyError(f"« {value!r} » n'est pas un montant.")
    if not result.is_finite():
        raise MoneyError(f"« {value} » n'est pas un montant.")
    return result


def vat_amount(amount_ht: Decimal, vat_rate: Decimal) -> Decimal:
    return round_money(to_decimal(amount_ht) * to_decimal(vat_rate) / HUNDRED)


def ttc(amount_ht: Decimal, vat_rate: Decimal) -> Decimal:
    return round_money(amount_ht) + vat_amount(amount_ht, vat_rate)


def ht_from_ttc(amount_ttc: Decimal, vat_rate: Decimal) -> Decimal:
    return round_money(to_decimal(amount_ttc) * HUNDRED / (HUNDRED + to_decimal(vat_rate)))


@dataclass(frozen=True)
class Amount:
    """An amount excluding VAT with its VAT rate (in percent, 20 for 20 %)."""

    ht: Decimal
    vat_rate: Decimal

    @property
    def vat(self) -> Decimal:
        return vat_amount(self.ht, self.vat_rate)

    @property
    def ttc(self) -> Decimal:
        return round_money(self.ht) + self.vat


def format_eur(value: Decimal | int | str | None, *, cents: bool = True) -> str:
    """French formatting: ``1 234,56 €`` with no-break spaces, so the figure never wraps."""
    if value is None or value == "":
        return ""
    return f"{format_number(round_money(value), places=2 if cents else 0)}{NBSP}€"


def format_percent(value: Decimal | int | str) -> str:
    return f"{format_number(to_decimal(value))}{NBSP}%"


def amount_in_words(value: Decimal | int | str) -> str:
    """``1234.50`` → ``mille deux cent trente-quatre euros et cinquante centimes``.

    Written by hand around num2words because it says "et zéro centimes" for whole amounts and
    "deux millions euros" where French says "deux millions d'euros".
    """
    amount = round_money(value)
    if amount < 0:
        raise MoneyError("Un montant en lettres ne peut pas être négatif.")
    euros = int(amount)
    cents = int((amount - euros) * 100)
    words = num2words(euros, lang="fr")
    if euros in (0, 1):
        unit = " euro"
    elif words.endswith(("million", "millions", "milliard", "milliards")):
        unit = " d'euros"
    else:
        unit = " euros"
    text = words + unit
    if cents:
        text += " et " + num2words(cents, lang="fr") + (" centime" if cents == 1 else " centimes")
    return text


class MoneyField(models.DecimalField):
    """Euros with cents."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", MONEY_MAX_DIGITS)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)


class VatRateField(models.DecimalField):
    """A VAT rate in percent (20.00 for 20 %)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 5)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)
