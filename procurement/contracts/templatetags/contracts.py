"""Small display helpers of the contracts pages."""

from django import template

from procurement.contracts.enums import ContractState, SubcontractStatus
from procurement.core.numbers import format_number

register = template.Library()

BADGES = {
    ContractState.TO_SIGN: "badge--warn",
    ContractState.SIGNED: "badge--warn",
    ContractState.TRANSMITTED: "badge--warn",
    ContractState.NOTIFIED: "badge--ok",
    ContractState.RENEWED: "badge--ok",
    ContractState.ENDED: "",
    ContractState.TERMINATED: "badge--err",
    SubcontractStatus.DECLARED: "badge--warn",
    SubcontractStatus.ACCEPTED: "badge--ok",
    SubcontractStatus.REFUSED: "badge--err",
}


@register.filter
def contract_badge(state) -> str:
    """``{{ contract.state|contract_badge }}`` → the badge's modifier class."""
    return BADGES.get(str(state), "")


@register.filter
def decimal_fr(value) -> str:
    """``1.0425`` → ``1,0425`` (no trailing zeros)."""
    return format_number(value)
