"""Who opens the cost-sharing pages: buyers, finance and administrators read them (``sharing.read``) and
keep the agreements (``sharing.edit``, then the agreement's ``change`` ability); evaluators get a 403
before anything is loaded, an unknown programme, agreement, member or key a 404."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from procurement.core.views.access import AccessMixin
from procurement.programmes.models import Programme
from procurement.programmes.selectors import programme_detail
from procurement.sharing.abilities import list_abilities
from procurement.sharing.selectors.agreements import agreement_list


class ProgrammeMixin(AccessMixin):
    """A page under a programme (``reference`` in the URL)."""

    grant = "sharing.read"
    ability_refusal = AccessMixin.role_refusal
    _programme = None

    @property
    def programme(self) -> Programme:
        if self._programme is None:
            try:
                self._programme = programme_detail(self.kwargs["reference"])
            except Programme.DoesNotExist as exc:
                raise Http404(_("Aucun programme ne porte cette référence.")) from exc
        return self._programme

    def get_page_abilities(self) -> dict[str, bool]:
        return list_abilities(self.request.user)

    def shares_url(self) -> str:
        return reverse("sharing:shares", args=[self.programme.reference])


class AgreementMixin(ProgrammeMixin):
    """A page that keeps one of the programme's agreements (``agreement`` in the URL)."""

    grant = "sharing.edit"
    required_ability = "change"

    def get_object(self):
        return get_object_or_404(agreement_list(programme=self.programme), pk=self.kwargs["agreement"])

    @property
    def agreement(self):
        return self.object

    def agreement_url(self, name: str, *args) -> str:
        return reverse(f"sharing:{name}", args=[self.programme.reference, self.agreement.pk, *args])
