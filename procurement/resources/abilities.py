"""Who may do what on online resources: finance and buyers read; buyers import and decide."""

from procurement.core.permissions import may


def can_read(user) -> bool:
    return may(user, "resources.read")


def can_act(user) -> bool:
    return may(user, "resources.act")


def resource_abilities(resource, user) -> dict[str, bool]:
    return {"view": can_read(user), "import": can_act(user),
            "decide_renewal": can_act(user) and resource.contract_id is not None}


def list_abilities(user) -> dict[str, bool]:
    return {"view": can_read(user), "import": can_act(user)}
