"""Numbers as a French reader writes them: ``224 165``, ``12,5``, ``30`` — never ``3E+1``.

``Decimal('30.00').normalize()`` is ``Decimal('3E+1')``, which ``str()`` prints in scientific
notation; every number a page, a document or a chart shows goes through ``format_number`` instead.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

NBSP = "\u00a0"  # the same no-break space as the amounts in euros, so a figure never wraps
# The narrow no-break space of French typography, kept where sentences already print it (the
# explanations of the notes, the limits in error messages); the PDF fonts lack it and swap in NBSP.
THIN_SPACE = "\u202f"


def group_thousands(digits: str, *, space: str = NBSP) -> str:
    """``"1234567"`` → ``"1 234 567"`` (no-break spaces, or ``space``)."""
    groups = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    return space.join(groups)


def format_number(value: Decimal | int | float | str | None, *, places: int | None = None, space: str = NBSP) -> str:
    """``224165`` → ``224 165``; ``Decimal('3E+1')`` → ``30``; ``Decimal('12.50')`` → ``12,5``.

    Without ``places`` the trailing zeros go; with it the value is rounded half-up to that many
    decimals and keeps them (``places=1``: ``12,0``). Thousands are grouped with ``space`` (a
    no-break space by default). A value that is not a number is shown as given.
    """
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return str(value)
    try:
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    if not number.is_finite():
        return str(value)
    if places is None:
        number = number.normalize()
    else:
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 and number != 0 else ""
    whole, _, fraction = f"{abs(number):f}".partition(".")
    return f"{sign}{group_thousands(whole, space=space)}" + (f",{fraction}" if fraction else "")
