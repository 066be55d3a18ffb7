"""Who may do what, by group: the pages' gate on the grants of the permission matrix
(procurement/core/permissions.py). Objects expose ``get_abilities(user)`` built on ``may``."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from procurement.core.permissions import may


class RoleRequiredMixin(LoginRequiredMixin):
    """A page for the roles of one grant of the matrix: anonymous users are sent to the login,
    others get a 403."""

    grant: str = ""
    refusal = _("Cette page est réservée à d'autres profils.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may(request.user, self.grant):
            raise PermissionDenied(self.refusal)
        return super().dispatch(request, *args, **kwargs)
