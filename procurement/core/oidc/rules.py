"""Which of the app's roles an identity provider's claims give: pure functions over plain values."""

from collections.abc import Mapping

from procurement.core.enums import Role


def parse_role_map(text: str) -> dict[str, str]:
    """``"acheteur=buyers, finances=finance"`` → ``{"acheteur": "buyers", "finances": "finance"}``; empty,
    each role's own name (``buyers``, ``evaluators``, ``finance``) maps to it. A target that is not a role
    is an error, so a mistyped map stops the start-up rather than refusing everyone."""
    if not text.strip():
        return {role.value: role.value for role in Role}
    mapping = {}
    for item in text.split(","):
        if not item.strip():
            continue
        value, sep, role = (part.strip() for part in item.partition("="))
        if not sep or not value or role not in Role.values:
            raise ValueError(f"OIDC_ROLE_MAP : « {item.strip()} » n'est pas de la forme valeur=rôle "
                             f"avec un rôle parmi {', '.join(Role.values)}.")
        mapping[value] = role
    return mapping


def claim_values(value) -> list[str]:
    """A claim as a list of strings: providers send a list, or one string (space- or comma-separated)."""
    if value is None:
        return []
    if isinstance(value, str):
        return value.replace(",", " ").split()
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return [str(value)]


def roles_from_claims(claims: Mapping, *, claim: str, role_map: Mapping[str, str]) -> frozenset[str]:
    """The app's roles (``Role`` values) that the claim ``claim`` gives; a dotted name reads a nested
    claim (Keycloak's client roles: ``resource_access.achats.roles``)."""
    value = claims
    for part in claim.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return frozenset(role_map[item] for item in claim_values(value) if item in role_map)
