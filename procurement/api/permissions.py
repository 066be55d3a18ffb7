"""One permission class for every resource, built on the permission matrix and the apps' own
abilities: a check of the role's grant before any object is loaded (so a 403 reveals nothing about
an object), then the object's ``get_abilities(user)`` for the action, the same dict the pages read."""

from __future__ import annotations

from rest_framework.permissions import BasePermission

from procurement.core.permissions import may


class Abilities(BasePermission):
    """The view declares ``role_checks`` (action → grant of the matrix; ``"read"`` for safe
    methods, ``"write"`` for the others by default) and ``object_abilities`` (action → the ability
    its object must grant)."""

    message = "Cette action n'est pas permise à votre profil ou dans cet état."

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        checks: dict[str, str] = view.role_checks
        action = getattr(view, "action", None)
        default = "read" if request.method in ("GET", "HEAD", "OPTIONS") else "write"
        check = checks.get(action) or checks.get(default)
        return bool(check and may(request.user, check))

    def has_object_permission(self, request, view, obj) -> bool:
        ability = view.object_abilities.get(getattr(view, "action", None))
        if ability is None:
            return True
        return bool(view.abilities_of(obj, request.user).get(ability))
