"""Display helpers shared by the pages and the PDF: chart rows and trend texts."""

from __future__ import annotations

from decimal import Decimal

from procurement.core.money import format_eur
from procurement.core.numbers import NBSP, format_number

POOR_COST_PER_USE_FACTOR = Decimal("3")


def trend_text(value: Decimal | None) -> str:
    if value is None:
        return "—"
    sign = "+" if value > 0 else ""
    return f"{sign}{format_number(value, places=1)}{NBSP}%"


def cost_per_use_rows(values) -> list[tuple[str, Decimal | None, str]]:
    return [(value.resource.name, value.cost_per_use,
             format_eur(value.cost_per_use) if value.cost_per_use is not None else "sans usage") for value in values]


def poor_value_indexes(values) -> set[int]:
    """Resources whose cost per use is over three times the median of the resources: drawn in the
    warning colour and flagged in the table."""
    known = sorted(value.cost_per_use for value in values if value.cost_per_use is not None)
    if len(known) < 2:
        return set()
    median = known[len(known) // 2] if len(known) % 2 else (known[len(known) // 2 - 1] + known[len(known) // 2]) / 2
    return {index for index, value in enumerate(values)
            if value.cost_per_use is not None and value.cost_per_use > median * POOR_COST_PER_USE_FACTOR}


def tier_rows(equity, resource) -> list[tuple[str, Decimal, str]]:
    return [(tier.label, tier.per_thousand(resource.pk), format_number(tier.per_thousand(resource.pk), places=1))
            for tier in equity.tiers]
