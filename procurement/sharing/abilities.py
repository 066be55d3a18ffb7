"""Who may do what on the cost-sharing agreements: buyers and finance read them and keep them
(members, populations, what is shared, keys), as they prepare the convention and its titles of receipts."""

from procurement.core.permissions import may


def list_abilities(user) -> dict[str, bool]:
    return {"view": may(user, "sharing.read"), "create": may(user, "sharing.edit")}


def agreement_abilities(agreement, user) -> dict[str, bool]:
    change = may(user, "sharing.edit")
    return {"view": may(user, "sharing.read"), "change": change, "delete": change}
