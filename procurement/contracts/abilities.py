"""Who may do what on contracts, written once for pages, templates and services: finance reads,
buyers act."""

from procurement.contracts.enums import CLOSED, EXECUTING, ContractState, RenewalMode
from procurement.core.permissions import may


def can_read(user) -> bool:
    return may(user, "contracts.read")


def can_act(user) -> bool:
    return may(user, "contracts.act")


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
        "invoice": can_handle_invoices(user) and state != ContractState.TO_SIGN,
    }


def list_abilities(user) -> dict[str, bool]:
    """The list pages' abilities: the contracts (create one), the index series (enter values) and the
    invoices (import those received through Chorus Pro)."""
    return {"view": can_read(user), "create": can_act(user), "edit": can_act(user),
            "import_invoices": can_handle_invoices(user)}


def can_handle_invoices(user) -> bool:
    """Buyers record invoices and the service done; finance officers too, and they pay."""
    return may(user, "invoices.handle")


def invoice_abilities(invoice, user) -> dict[str, bool]:
    acts = can_handle_invoices(user)
    open_ = invoice.paid_on is None
    return {
        "view": can_read(user),
        "accept_service": acts and open_ and invoice.service_done_on is None,
        "interrupt": acts and open_ and invoice.interrupted_on is None,
        "resume": acts and open_ and invoice.interrupted_on is not None and invoice.resumed_on is None,
        "pay": may(user, "invoices.pay") and open_ and invoice.payment_deadline is not None,
    }
