"""Small display helpers of the contracts pages."""

from django import template

from procurement.contracts.enums import ContractState, SubcontractStatus
from procurement.core.numbers import format_number
from procurement.core.templatetags.procurement import badge_filter

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


# ``{{ contract.state|contract_badge }}`` → the badge's modifier class.
register.filter("contract_badge", badge_filter(BADGES))
# ``1.0425`` → ``1,0425`` (no trailing zeros).
register.filter("decimal_fr", format_number)
