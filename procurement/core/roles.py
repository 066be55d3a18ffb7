"""Who may do what, by group: the pages' gate on the grants of the permission matrix
(procurement/core/permissions.py). Objects expose ``get_abilities(user)`` built on ``may``."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from procurement.core.permissions import may


def user_roles(user) -> frozenset[str]:
    """The names of the user's groups (templates test them to show a role's blocks)."""
    if not user or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_procurement_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._procurement_roles = cached
    return cached


class RoleRequiredMixin(LoginRequiredMixin):
    """A page for the roles of one grant of the matrix: anonymous users are sent to the login,
    others get a 403."""

    grant: str = ""
    refusal = _("Cette page est réservée à d'autres profils.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may(request.user, self.grant):
            raise PermissionDenied(self.refusal)
        return super().dispatch(request, *args, **kwargs)
