"""The legal figures a contract needs, read from the dated reference data in force at the relevant
date, then handed to the plain rules of this package."""

from __future__ import annotations

from contextlib import suppress
from datetime import date
from decimal import Decimal

from procurement.contracts.rules.advances import AdvanceRule, advance_rule, order_advance_principle, order_advance_rule
from procurement.contracts.rules.amendments import AmendmentLimits
from procurement.core.enums import ReferenceKind
from procurement.core.selectors import ReferenceValueMissing, reference_value
from procurement.tenders.enums import Nature
from procurement.tenders.rules.procedure import eu_threshold_kind


def legality_threshold(*, at: date) -> Decimal:
    return reference_value(ReferenceKind.LEGALITY_CONTROL_THRESHOLD, at=at)


def framework_max_months(*, at: date) -> int:
    return int(reference_value(ReferenceKind.FRAMEWORK_MAX_YEARS, at=at)) * 12


def direct_payment_threshold(*, at: date) -> Decimal:
    return reference_value(ReferenceKind.SUBCONTRACT_DIRECT_PAYMENT, at=at)


def large_buyer(authority) -> bool:
    """Operating expenses above 60 M€; an unknown buyer is taken as large, the stricter reading
    (it raises the SME advance and lowers the SME retention), as the tender documents do."""
    return authority is None or authority.large_operating_budget


def advance_figures(*, sme: bool, authority, at: date) -> dict:
    return {
        "min_amount": reference_value(ReferenceKind.ADVANCE_MIN_AMOUNT, at=at),
        "min_months": reference_value(ReferenceKind.ADVANCE_MIN_MONTHS, at=at),
        "min_rate": reference_value(ReferenceKind.ADVANCE_MIN_RATE, at=at),
        "sme_rate": reference_value(ReferenceKind.ADVANCE_MIN_RATE_SME, at=at),
        "sme_rate_applies": sme and large_buyer(authority),
    }


def advance_rule_at(*, amount_ht: Decimal, duration_months: int, sme: bool, authority, at: date) -> AdvanceRule:
    return advance_rule(amount_ht=amount_ht, duration_months=duration_months,
                        **advance_figures(sme=sme, authority=authority, at=at))


def order_advance_principle_at(*, at: date) -> str:
    return order_advance_principle(min_amount=reference_value(ReferenceKind.ADVANCE_MIN_AMOUNT, at=at),
                                   min_months=reference_value(ReferenceKind.ADVANCE_MIN_MONTHS, at=at))


def order_advance_rule_at(*, amount_ht: Decimal, sme: bool, authority, at: date) -> AdvanceRule:
    return order_advance_rule(amount_ht=amount_ht, **advance_figures(sme=sme, authority=authority, at=at))


def retention_max_rate(*, sme: bool, authority, at: date) -> Decimal:
    """At most 5 % of the amount; for an SME, 3 % when the buyer spends more than 60 M€ a year
    (from the date that rule starts)."""
    rate = reference_value(ReferenceKind.RETENTION_MAX_RATE, at=at)
    if sme and large_buyer(authority):
        with suppress(ReferenceValueMissing):  # the SME cap did not exist yet at that date
            rate = min(rate, reference_value(ReferenceKind.RETENTION_MAX_RATE_SME, at=at))
    return rate


def eu_threshold(*, nature: str, at: date) -> Decimal:
    return reference_value(eu_threshold_kind(nature), at=at)


def amendment_limits(*, nature: str, at: date) -> AmendmentLimits:
    de_minimis = (ReferenceKind.DE_MINIMIS_WORKS if nature == Nature.WORKS
                  else ReferenceKind.DE_MINIMIS_SUPPLIES_SERVICES)
    return AmendmentLimits(
        eu_threshold=eu_threshold(nature=nature, at=at),
        de_minimis_share=reference_value(de_minimis, at=at),
        max_share=reference_value(ReferenceKind.MODIFICATION_MAX_SHARE, at=at),
        cao_share=reference_value(ReferenceKind.CAO_OPINION_SHARE, at=at),
    )
