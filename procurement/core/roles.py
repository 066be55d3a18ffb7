"""Who may do what, by group. Objects expose ``get_abilities(user)`` built on these helpers."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied

from procurement.core.enums import Role


def user_roles(user) -> frozenset[str]:
    if not user or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_procurement_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._procurement_roles = cached
    return cached


def is_admin(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


def has_role(user, *roles: Role) -> bool:
    """True when the user is in one of ``roles``; administrators pass every role check."""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    return is_admin(user) or bool(user_roles(user) & {str(role) for role in roles})


class RoleRequiredMixin(LoginRequiredMixin):
    """A page for some groups only: anonymous users are sent to the login, others get a 403."""

    roles: tuple[Role, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not has_role(request.user, *self.roles):
            raise PermissionDenied("Cette page est réservée à d'autres profils.")
        return super().dispatch(request, *args, **kwargs)
