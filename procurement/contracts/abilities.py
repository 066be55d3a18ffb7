"""Who may do what on contracts, written once for pages, templates and services: finance reads,
buyers act."""

from procurement.contracts.enums import CLOSED, EXECUTING, ContractState, RenewalMode
from procurement.core.enums import Role
from procurement.core.roles import has_role


def can_read(user) -> bool:
    return has_role(user, Role.BUYER, Role.FINANCE)


def can_act(user) -> bool:
    return has_role(user, Role.BUYER)


def contract_abilities(contract, user) -> dict[str, bool]:
    buyer = can_act(user)
    state = contract.state
    executing = state in EXECUTING
    return {
        "view": can_read(user),
        "drive": buyer,
        "edit": buyer and state == ContractState.TO_SIGN,
        "order": buyer and executing and contract.is_framework,
        "amend": buyer and executing,
        "subcontract": buyer and state not in CLOSED,
        "decide_renewal": buyer and executing and contract.renewal_mode != RenewalMode.NONE,
        "revise": buyer and executing,
    }


def list_abilities(user) -> dict[str, bool]:
    return {"view": can_read(user), "create": can_act(user)}


def index_abilities(user) -> dict[str, bool]:
    return {"view": can_read(user), "edit": can_act(user)}
