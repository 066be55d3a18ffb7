"""Thresholds of the execution: the prefect's legality control before notifying (CGCT L.2131-2,
D.2131-5-1) and the subcontractor's direct payment (R.2193-10). The figures come from ``figures``."""

from __future__ import annotations

from decimal import Decimal


def legality_control_required(*, amount_ht: Decimal, threshold: Decimal) -> bool:
    return amount_ht >= threshold


def direct_payment(*, amount_ttc: Decimal, threshold_ttc: Decimal) -> bool:
    """A subcontractor whose share reaches the threshold (TTC) is paid directly by the buyer."""
    return amount_ttc >= threshold_ttc
