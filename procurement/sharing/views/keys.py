"""The agreement's keys with their weights, created, changed, applied or deleted, and a key's floors and
caps per member in one grid."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from procurement.core.numbers import format_number
from procurement.sharing.forms import BoundRowForm, KeyCreateForm, KeyForm
from procurement.sharing.models import MemberBound, SharingKey
from procurement.sharing.selectors.agreements import member_list
from procurement.sharing.selectors.keys import key_list
from procurement.sharing.services.bounds import bounds_set
from procurement.sharing.services.keys import key_apply, key_create, key_delete, key_update
from procurement.sharing.views.access import AgreementMixin
from procurement.sharing.views.common import (
    AgreementActionView,
    AgreementFormView,
    AgreementPageView,
    MemberGridView,
    on_field,
)


class KeysView(AgreementPageView):
    template_name = "sharing/keys.html"

    def page_context(self) -> dict:
        return {"keys": [key for key in key_list(agreement=self.agreement) if not key.is_builtin]}


class KeyMixin(AgreementMixin):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.key = None

    def get_key(self) -> SharingKey:
        if self.key is None:
            self.key = get_object_or_404(SharingKey, agreement=self.agreement, pk=self.kwargs["key"])
        return self.key


def _amount(value) -> str:
    """An amount as the grid shows it for editing: « 150 000,00 » (AmountField reads it back)."""
    return "" if value is None else format_number(value, places=2, space=" ")


def _components_initial(key: SharingKey) -> dict:
    return {component.basis: f"{component.weight.normalize():f}" for component in key.components.all()}


class KeyCreateView(AgreementFormView):
    form_class = KeyCreateForm
    back_to = "keys"
    submit_label = gettext_lazy("Créer la clé")

    def page_context(self) -> dict:
        return {"title": _("Nouvelle clé de répartition — %(name)s") % {"name": self.agreement.name},
                "intro": _("Une clé combine la population, les usages et une part égale, chacun avec son poids "
                           "(relatif : 50 et 50, ou 1 et 1 ; vide pour ne pas l'utiliser). Les planchers et "
                           "plafonds par membre se fixent ensuite.")}

    def perform(self, form):
        data = form.cleaned_data
        try:
            key = key_create(agreement=self.agreement, name=data["name"], label=data["label"],
                             components=form.components(), apply=data["apply"], by=self.request.user)
        except ValidationError as error:
            raise on_field(error, "name") from None
        messages.success(self.request, _("La clé « %(name)s » est créée.") % {"name": key.name})
        return key


class KeyUpdateView(KeyMixin, AgreementFormView):
    form_class = KeyForm
    back_to = "keys"

    def get_form(self, data=None, files=None):
        key = self.get_key()
        return KeyForm(data, initial={"name": key.name, "label": key.label, **_components_initial(key)})

    def page_context(self) -> dict:
        return {"title": _("Modifier la clé « %(name)s »") % {"name": self.get_key().name}}

    def perform(self, form):
        data = form.cleaned_data
        try:
            key = key_update(key=self.get_key(), name=data["name"], label=data["label"],
                             components=form.components(), by=self.request.user)
        except ValidationError as error:
            raise on_field(error, "name") from None
        messages.success(self.request, _("La clé « %(name)s » est enregistrée.") % {"name": key.name})
        return key


class KeyApplyView(KeyMixin, AgreementActionView):
    back_to = "keys"

    def perform(self, data: dict) -> str:
        key = key_apply(key=self.get_key(), by=self.request.user)
        return _("La convention applique désormais la clé « %(name)s ».") % {"name": key.name}


class KeyDeleteView(KeyMixin, AgreementActionView):
    back_to = "keys"

    def perform(self, data: dict) -> str:
        key = self.get_key()
        key_delete(key=key, by=self.request.user)
        return _("La clé « %(name)s » est supprimée.") % {"name": key.name}


class BoundsView(KeyMixin, MemberGridView):
    """What each member pays at least (floor) and at most (cap) each year under a key."""

    back_to = "keys"

    def members(self):
        return member_list(agreement=self.agreement)

    def row_form(self, member, data=None):
        if not hasattr(self, "_bounds"):
            self._bounds = {bound.member_id: bound for bound in MemberBound.objects.filter(key=self.get_key())}
        bound = self._bounds.get(member.pk)
        initial = {} if bound is None else {"floor_ttc": _amount(bound.floor_ttc), "cap_ttc": _amount(bound.cap_ttc)}
        return BoundRowForm(data, member=member, initial=initial)

    def page_context(self) -> dict:
        key = self.get_key()
        return {"title": _("Planchers et plafonds de la clé « %(name)s »") % {"name": key.name},
                "intro": _("Ce que chaque membre paie au moins (plancher) et au plus (plafond) chaque année avec "
                           "cette clé, TTC ; vide : sans borne. Ce qu'un plafond retient ou qu'un plancher ajoute est "
                           "réparti entre les autres membres selon la clé. Un plancher qui ferait payer à un membre "
                           "plus que le total d'une année, ou des bornes qui empêcheraient de répartir, sont "
                           "refusés : rien n'est alors enregistré."),
                "columns": [(_("Membre"), False), (_("Plancher annuel TTC (€)"), False),
                            (_("Plafond annuel TTC (€)"), False)],
                "submit_label": _("Enregistrer les planchers et plafonds"),
                "grid_class": "bounds-grid", "key": key}

    def save(self, forms_) -> str:
        bounds_set(
            key=self.get_key(), by=self.request.user,
            bounds={form.member.pk: (form.cleaned_data["floor_ttc"], form.cleaned_data["cap_ttc"]) for form in forms_})
        return _("Planchers et plafonds de la clé « %(name)s » enregistrés (%(count)s membre(s) borné(s)).") % {
            "name": self.get_key().name, "count": MemberBound.objects.filter(key=self.get_key()).count()}
