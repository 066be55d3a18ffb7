"""Who may open a page, decided in one place for every app.

Anonymous users go to the login page; users outside the page's roles get a 403 before anything is
loaded, so a 403 never reveals whether an object exists; an object the user may not see is a 404
(the app's selector); then one ability of the object's ``get_abilities(user)`` (or, for a page
without object, of the page's abilities) decides, a missing one being a 403."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from procurement.core.permissions import may


class AccessMixin(LoginRequiredMixin):
    """A subclass says which grant opens the page (``grant``, or ``has_role``), which object it is
    about (``get_object``, from the URL's kwargs) and which ability it needs (``required_ability``)."""

    grant: str = ""
    required_ability = "view"
    role_refusal = _("Cette page est réservée à d'autres profils.")
    ability_refusal = _("Cette action n'est pas permise à votre profil ou dans cet état.")
    object = None
    abilities: dict[str, bool] = {}

    def has_role(self) -> bool:
        return not self.grant or may(self.request.user, self.grant)

    def get_object(self):
        """The object whose abilities decide (a 404 when the user may not see it), or None."""
        return None

    def get_page_abilities(self) -> dict[str, bool]:
        """The abilities of a page without object (a list, a creation form)."""
        return {"view": True}

    def get_object_abilities(self, obj) -> dict[str, bool]:
        return obj.get_abilities(self.request.user)

    def has_ability(self) -> bool:
        return bool(self.abilities.get(self.required_ability))

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not self.has_role():
            raise PermissionDenied(self.role_refusal)
        self.object = self.get_object()
        self.abilities = self.get_page_abilities() if self.object is None else self.get_object_abilities(self.object)
        if not self.has_ability():
            raise PermissionDenied(self.ability_refusal)
        return super().dispatch(request, *args, **kwargs)
