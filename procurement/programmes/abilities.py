"""Who may do what on programmes and their budgets, written once for pages, API and services: buyers
and finance read, administrators change the budget and the programme's governance."""

from procurement.core.permissions import may


def list_abilities(user) -> dict[str, bool]:
    """The programmes' list page and every budget object (authority, programme, line, credit)."""
    return {"view": may(user, "programmes.read"), "change": may(user, "programmes.edit")}
