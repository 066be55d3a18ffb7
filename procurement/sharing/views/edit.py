"""The pages that keep an agreement, for buyers and finance (``sharing.edit``): the agreement and its
convention, its members (added from the network's libraries, changed, removed), their populations of a
year in one grid (copied from the year before), what is shared, the keys with their weights, their
floors and caps in one grid, and the key applied. Each page calls a service; a refusal comes back on the
field it names (a grid's on the member's row) and nothing is stored."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from procurement.contracts.selectors.contracts import contract_suggestions
from procurement.core.numbers import format_number
from procurement.core.views.service_forms import ServiceActionView, ServiceFormView
from procurement.core.views.suggestions import SuggestionsView
from procurement.sharing import services
from procurement.sharing.forms import (
    AgreementForm,
    BoundRowForm,
    KeyCreateForm,
    KeyForm,
    MemberForm,
    MembersFromLibrariesForm,
    PopulationCopyForm,
    PopulationRowForm,
    SharedItemForm,
)
from procurement.sharing.models import Member, MemberBound, SharedItem, SharingKey
from procurement.sharing.presentation import short_title
from procurement.sharing.selectors import (
    key_list,
    member_list,
    population_table,
    shareable_budget_lines,
    shareable_contracts,
    shared_item_list,
)
from procurement.sharing.views.access import AgreementMixin, ProgrammeMixin

EMPTY = forms.Form


def on_field(error: ValidationError, field: str) -> ValidationError:
    """The service's refusal with what names no field (a uniqueness the model checks: « La convention a déjà
    un membre de ce nom. ») put on the form's ``field``, the one that person changes to fix it."""
    if not hasattr(error, "error_dict") or NON_FIELD_ERRORS not in error.error_dict:
        return error
    errors = dict(error.error_dict)
    errors.setdefault(field, [])
    errors[field] = [*errors[field], *errors.pop(NON_FIELD_ERRORS)]
    return ValidationError(errors)


# The agreement ---------------------------------------------------------------------------------------


class AgreementCreateView(ProgrammeMixin, ServiceFormView):
    grant = "sharing.edit"
    required_ability = "create"
    template_name = "form.html"
    form_class = AgreementForm
    submit_label = gettext_lazy("Créer la convention")

    def get_form(self, data=None, files=None):
        return AgreementForm(data, programme=self.programme)

    def page_context(self) -> dict:
        return {"title": _("Nouvelle convention de partage des coûts — %(reference)s")
                % {"reference": self.programme.reference},
                "intro": _("La convention par laquelle la Métropole et les communes se partagent une partie des "
                           "coûts du programme, sur une période d'années qui ne chevauche pas celle d'une autre "
                           "convention du programme.")}

    def get_cancel_url(self) -> str:
        return self.shares_url()

    def perform(self, form):
        return services.agreement_create(programme=self.programme, by=self.request.user, **form.cleaned_data)

    def after_success(self, result) -> None:
        messages.success(self.request, _("La convention « %(name)s » est créée : ajoutez ses membres.") %
                         {"name": result.name})

    def get_success_url(self, result) -> str:
        return reverse("sharing:members", args=[self.programme.reference, result.pk])


class AgreementUpdateView(AgreementMixin, ServiceFormView):
    template_name = "sharing/agreement_form.html"
    form_class = AgreementForm

    def get_form(self, data=None, files=None):
        agreement = self.agreement
        initial = {"name": agreement.name, "start_year": agreement.start_year, "end_year": agreement.end_year,
                   "convention_reference": agreement.convention_reference, "council_act": agreement.council_act}
        return AgreementForm(data, programme=self.programme, initial=initial)

    def page_context(self) -> dict:
        return {"title": _("Modifier la convention « %(name)s »") % {"name": self.agreement.name},
                "agreement": self.agreement, "programme": self.programme}

    def get_cancel_url(self) -> str:
        return self.shares_url()

    def perform(self, form):
        return services.agreement_update(agreement=self.agreement, by=self.request.user, **form.cleaned_data)

    def after_success(self, result) -> None:
        messages.success(self.request, _("La convention « %(name)s » est enregistrée.") % {"name": result.name})

    def get_success_url(self, result) -> str:
        return self.shares_url()


class DeleteConfirmForm(forms.Form):
    confirm = forms.BooleanField(label=gettext_lazy("Je confirme la suppression"))


class AgreementDeleteView(AgreementMixin, ServiceActionView):
    form_class = DeleteConfirmForm
    invalid_message = gettext_lazy("Cochez « Je confirme la suppression » pour supprimer la convention.")

    def perform(self, data: dict) -> str:
        name = self.agreement.name
        services.agreement_delete(agreement=self.agreement, by=self.request.user)
        self.deleted = True
        return _("La convention « %(name)s » est supprimée, avec ses membres, leurs populations et ses clés.") % {
            "name": name}

    def get_redirect_url(self) -> str:
        if getattr(self, "deleted", False):
            return self.shares_url()
        return self.agreement_url("agreement-update")


# Members and populations ----------------------------------------------------------------------------


class MembersView(AgreementMixin, TemplateView):
    """The members with their libraries and their population of each year; the actions on them."""

    template_name = "sharing/members.html"

    def get_context_data(self, **kwargs):
        agreement = self.agreement
        context = super().get_context_data(**kwargs)  # the URL's ``agreement`` (a pk) is replaced just below
        context.update(programme=self.programme, agreement=agreement, rows=population_table(agreement=agreement),
                       years=agreement.years, from_libraries=MembersFromLibrariesForm(years=agreement.years),
                       abilities=self.abilities)
        return context


class MemberFormMixin(AgreementMixin):
    template_name = "form.html"
    form_class = MemberForm

    def get_cancel_url(self) -> str:
        return self.agreement_url("members")

    def get_success_url(self, result) -> str:
        return self.agreement_url("members")


class MemberCreateView(MemberFormMixin, ServiceFormView):
    submit_label = gettext_lazy("Ajouter le membre")

    def page_context(self) -> dict:
        return {"title": _("Nouveau membre — %(name)s") % {"name": self.agreement.name}}

    def perform(self, form):
        data = form.cleaned_data
        try:
            member = services.member_create(agreement=self.agreement, name=data["name"], kind=data["kind"],
                                            libraries=data["libraries"], by=self.request.user)
        except ValidationError as error:
            raise on_field(error, "name") from None
        messages.success(self.request, _("%(member)s est membre de la convention : saisissez sa population.")
                         % {"member": member})
        return member


class MemberUpdateView(MemberFormMixin, ServiceFormView):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.member = None

    def get_member(self) -> Member:
        if self.member is None:
            self.member = get_object_or_404(Member.objects.prefetch_related("libraries"), agreement=self.agreement,
                                            pk=self.kwargs["member"])
        return self.member

    def get_form(self, data=None, files=None):
        member = self.get_member()
        return MemberForm(data, initial={"name": member.name, "kind": member.kind,
                                         "libraries": list(member.libraries.all())})

    def page_context(self) -> dict:
        return {"title": _("Modifier le membre %(member)s") % {"member": self.get_member()}}

    def perform(self, form):
        data = form.cleaned_data
        try:
            member = services.member_update(member=self.get_member(), name=data["name"], kind=data["kind"],
                                            libraries=data["libraries"], by=self.request.user)
        except ValidationError as error:
            raise on_field(error, "name") from None
        messages.success(self.request, _("%(member)s est enregistré.") % {"member": member})
        return member


class MemberDeleteView(AgreementMixin, ServiceActionView):
    form_class = EMPTY

    def perform(self, data: dict) -> str:
        member = get_object_or_404(Member, agreement=self.agreement, pk=self.kwargs["member"])
        services.member_delete(member=member, by=self.request.user)
        return _("%(member)s n'est plus membre de la convention (ses populations, bibliothèques et bornes sont "
                 "retirées).") % {"member": member}

    def get_redirect_url(self) -> str:
        return self.agreement_url("members")


class MembersFromLibrariesView(AgreementMixin, ServiceActionView):
    """A commune member for each library of the network not yet in the agreement."""

    invalid_message = gettext_lazy("Choisissez l'une des années de la convention.")

    def get_form(self, data):
        return MembersFromLibrariesForm(data, years=self.agreement.years)

    def perform(self, data: dict) -> str:
        created = services.members_from_libraries(agreement=self.agreement, year=data["year"], by=self.request.user)
        if not created:
            return _("Chaque bibliothèque du réseau répond déjà à un membre de la convention : aucun membre ajouté.")
        return _("%(count)s membre(s) ajouté(s) depuis les bibliothèques du réseau, avec leur population "
                 "%(year)s.") % {"count": len(created), "year": data["year"]}

    def get_redirect_url(self) -> str:
        return self.agreement_url("members")


def place_row_errors(forms_: list, error: ValidationError) -> list[str]:
    """A grid service's refusal: its messages start with the member's name (« Orme : … »); each goes on that
    member's row, under the field it names, and every one goes to the summary above the grid."""
    by_name = {str(form.member): form for form in forms_}
    summary = []
    items = error.error_dict.items() if hasattr(error, "error_dict") else [(None, error.error_list)]
    for field, errors in items:
        for message in ValidationError(errors).messages:
            summary.append(message)
            name, _sep, rest = message.partition(" : ")
            form = by_name.get(name)
            if form is not None and field in form.fields:
                form.add_error(field, rest)
    return summary


def row_errors(forms_: list) -> list[str]:
    """The rows' own errors (a number that is not one), named by member and field."""
    return [f"{form.member} — {form.fields[field].label} : {message}" if field in form.fields
            else f"{form.member} : {message}"
            for form in forms_ if not form.is_valid() for field, errors in form.errors.items() for message in errors]


class MemberGridView(AgreementMixin, TemplateView):
    """One row per member, saved in one submission by a service: a wrong cell names the member and the
    field, and nothing is stored."""

    template_name = "sharing/member_grid.html"

    def members(self) -> list[Member]:  # pragma: no cover - abstract
        raise NotImplementedError

    def row_form(self, member, data=None):  # pragma: no cover - abstract
        raise NotImplementedError

    def save(self, forms_) -> str:  # pragma: no cover - abstract
        """Calls the service; returns the sentence that says it is done."""
        raise NotImplementedError

    def success_url(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def grid_context(self) -> dict:
        return {}

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(
            forms=[self.row_form(member) for member in self.members()], errors=[]))

    def post(self, request, *args, **kwargs):
        forms_ = [self.row_form(member, request.POST) for member in self.members()]
        errors = row_errors(forms_)
        if not errors:
            try:
                done = self.save(forms_)
            except ValidationError as error:
                errors = place_row_errors(forms_, error)
            else:
                messages.success(request, done)
                return redirect(self.success_url())
        return self.render_to_response(self.get_context_data(forms=forms_, errors=errors))

    def get_context_data(self, **kwargs):
        return super().get_context_data(programme=self.programme, agreement=self.agreement, **self.grid_context(),
                                        **kwargs)


class PopulationsView(MemberGridView):
    """The legal population of every member for one year of the agreement."""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.table = None

    @property
    def year(self) -> int:
        year = self.kwargs["year"]
        if year not in self.agreement.years:
            raise Http404(_("Cette année n'est pas l'une de celles de la convention."))
        return year

    def rows(self) -> dict:
        """Each member's populations of every year, by member pk, in the agreement's order."""
        if self.table is None:
            self.table = {row.member.pk: row for row in population_table(agreement=self.agreement)}
        return self.table

    def members(self):
        return [row.member for row in self.rows().values()]

    def row_form(self, member, data=None):
        populations = self.rows()[member.pk].populations
        form = PopulationRowForm(data, member=member, initial={"population": populations[self.year]})
        form.previous = populations.get(self.year - 1)
        return form

    def grid_context(self) -> dict:
        year = self.year
        previous = year - 1 if year - 1 in self.agreement.years else None
        return {"title": _("Populations légales %(year)s — %(name)s") % {"year": year, "name": self.agreement.name},
                "intro": _("La population légale (INSEE) de chaque membre pour %(year)s : elle sert à la composante "
                           "« population » des clés. Vide : non saisie (une clé par la population est alors refusée "
                           "en nommant le membre). Tout est enregistré en une fois : une seule cellule erronée et "
                           "rien n'est enregistré.") % {"year": year},
                "year": year, "previous": previous, "copy_form": PopulationCopyForm() if previous else None,
                "columns": [(_("Membre"), False),
                            *([(_("Population %(year)s") % {"year": previous}, True)] if previous else []),
                            (_("Population %(year)s") % {"year": year}, False)],
                "submit_label": _("Enregistrer les populations %(year)s") % {"year": year},
                "cancel_url": self.agreement_url("members"), "grid_class": "population-grid"}

    def save(self, forms_) -> str:
        saved = services.populations_set(
            agreement=self.agreement, year=self.year, by=self.request.user,
            populations={form.member.pk: form.cleaned_data["population"] for form in forms_})
        return _("Populations %(year)s enregistrées : %(count)s changement(s).") % {"year": self.year,
                                                                                   "count": len(saved)}

    def success_url(self) -> str:
        return self.agreement_url("members")


class PopulationsCopyView(AgreementMixin, ServiceActionView):
    form_class = PopulationCopyForm

    def perform(self, data: dict) -> str:
        year = self.kwargs["year"]
        copied = services.populations_copy(agreement=self.agreement, from_year=year - 1, to_year=year,
                                           replace=data["replace"], by=self.request.user)
        return _("%(count)s population(s) de %(previous)s reprise(s) pour %(year)s.") % {
            "count": len(copied), "previous": year - 1, "year": year}

    def get_redirect_url(self) -> str:
        return self.agreement_url("populations", self.kwargs["year"])


# What is shared --------------------------------------------------------------------------------------


class ItemsView(AgreementMixin, ServiceFormView):
    """What the members share, and the form that adds a contract, a budget line, or a contract on a line."""

    template_name = "sharing/items.html"
    submit_label = gettext_lazy("Partager")

    def get_form(self, data=None, files=None):
        return SharedItemForm(data, contracts=shareable_contracts(agreement=self.agreement),
                              contracts_url=self.agreement_url("contract-suggestions"),
                              budget_lines=shareable_budget_lines(agreement=self.agreement))

    def page_context(self) -> dict:
        return {"title": _("Dépenses partagées — %(name)s") % {"name": self.agreement.name},
                "agreement": self.agreement, "programme": self.programme,
                "items": [{"item": item, "contract": f"{item.contract.reference} — {short_title(item.contract)}"
                           if item.contract_id else ""} for item in shared_item_list(agreement=self.agreement)]}

    def get_cancel_url(self) -> str:
        return self.shares_url()

    def perform(self, form):
        try:
            item = services.shared_item_add(agreement=self.agreement, by=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            raise on_field(error, "contract" if form.cleaned_data["contract"] else "budget_line") from None
        messages.success(self.request, _("« %(item)s » est partagé entre les membres.") % {"item": item})
        return item

    def get_success_url(self, result) -> str:
        return self.agreement_url("items")


class ContractSuggestionsView(AgreementMixin, SuggestionsView):
    """The « Marché » field's suggestions: the contracts charged to the programme's budget lines, by
    reference or object; for who keeps the agreement."""

    def suggestions(self, search: str, limit: int):
        return contract_suggestions(shareable_contracts(agreement=self.agreement), search=search, limit=limit)


class ItemRemoveView(AgreementMixin, ServiceActionView):
    form_class = EMPTY

    def perform(self, data: dict) -> str:
        item = get_object_or_404(SharedItem.objects.select_related("contract", "budget_line"),
                                 agreement=self.agreement, pk=self.kwargs["item"])
        label = str(item)
        services.shared_item_remove(item=item, by=self.request.user)
        return _("« %(item)s » n'est plus partagé.") % {"item": label}

    def get_redirect_url(self) -> str:
        return self.agreement_url("items")


# Keys ------------------------------------------------------------------------------------------------


class KeysView(AgreementMixin, TemplateView):
    template_name = "sharing/keys.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)  # the URL's ``agreement`` (a pk) is replaced just below
        context.update(programme=self.programme, agreement=self.agreement,
                       keys=[key for key in key_list(agreement=self.agreement) if not key.is_builtin])
        return context


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


class KeyCreateView(AgreementMixin, ServiceFormView):
    template_name = "form.html"
    form_class = KeyCreateForm
    submit_label = gettext_lazy("Créer la clé")

    def page_context(self) -> dict:
        return {"title": _("Nouvelle clé de répartition — %(name)s") % {"name": self.agreement.name},
                "intro": _("Une clé combine la population, les usages et une part égale, chacun avec son poids "
                           "(relatif : 50 et 50, ou 1 et 1 ; vide pour ne pas l'utiliser). Les planchers et "
                           "plafonds par membre se fixent ensuite.")}

    def get_cancel_url(self) -> str:
        return self.agreement_url("keys")

    def perform(self, form):
        data = form.cleaned_data
        try:
            key = services.key_create(agreement=self.agreement, name=data["name"], label=data["label"],
                                      components=form.components(), apply=data["apply"], by=self.request.user)
        except ValidationError as error:
            raise on_field(error, "name") from None
        messages.success(self.request, _("La clé « %(name)s » est créée.") % {"name": key.name})
        return key

    def get_success_url(self, result) -> str:
        return self.agreement_url("keys")


class KeyUpdateView(KeyMixin, ServiceFormView):
    template_name = "form.html"
    form_class = KeyForm

    def get_form(self, data=None, files=None):
        key = self.get_key()
        return KeyForm(data, initial={"name": key.name, "label": key.label, **_components_initial(key)})

    def page_context(self) -> dict:
        return {"title": _("Modifier la clé « %(name)s »") % {"name": self.get_key().name}}

    def get_cancel_url(self) -> str:
        return self.agreement_url("keys")

    def perform(self, form):
        data = form.cleaned_data
        try:
            key = services.key_update(key=self.get_key(), name=data["name"], label=data["label"],
                                      components=form.components(), by=self.request.user)
        except ValidationError as error:
            raise on_field(error, "name") from None
        messages.success(self.request, _("La clé « %(name)s » est enregistrée.") % {"name": key.name})
        return key

    def get_success_url(self, result) -> str:
        return self.agreement_url("keys")


class KeyApplyView(KeyMixin, ServiceActionView):
    form_class = EMPTY

    def perform(self, data: dict) -> str:
        key = services.key_apply(key=self.get_key(), by=self.request.user)
        return _("La convention applique désormais la clé « %(name)s ».") % {"name": key.name}

    def get_redirect_url(self) -> str:
        return self.agreement_url("keys")


class KeyDeleteView(KeyMixin, ServiceActionView):
    form_class = EMPTY

    def perform(self, data: dict) -> str:
        key = self.get_key()
        services.key_delete(key=key, by=self.request.user)
        return _("La clé « %(name)s » est supprimée.") % {"name": key.name}

    def get_redirect_url(self) -> str:
        return self.agreement_url("keys")


class BoundsView(KeyMixin, MemberGridView):
    """What each member pays at least (floor) and at most (cap) each year under a key."""

    def members(self):
        return member_list(agreement=self.agreement)

    def row_form(self, member, data=None):
        if not hasattr(self, "_bounds"):
            self._bounds = {bound.member_id: bound for bound in MemberBound.objects.filter(key=self.get_key())}
        bound = self._bounds.get(member.pk)
        initial = {} if bound is None else {"floor_ttc": _amount(bound.floor_ttc), "cap_ttc": _amount(bound.cap_ttc)}
        return BoundRowForm(data, member=member, initial=initial)

    def grid_context(self) -> dict:
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
                "cancel_url": self.agreement_url("keys"), "grid_class": "bounds-grid", "key": key}

    def save(self, forms_) -> str:
        services.bounds_set(
            key=self.get_key(), by=self.request.user,
            bounds={form.member.pk: (form.cleaned_data["floor_ttc"], form.cleaned_data["cap_ttc"]) for form in forms_})
        return _("Planchers et plafonds de la clé « %(name)s » enregistrés (%(count)s membre(s) borné(s)).") % {
            "name": self.get_key().name, "count": MemberBound.objects.filter(key=self.get_key()).count()}

    def success_url(self) -> str:
        return self.agreement_url("keys")

