"""The members of an agreement with their libraries and their population of each year: added one by one
or from the network's libraries, changed, removed."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from procurement.sharing.forms import MemberForm, MembersFromLibrariesForm
from procurement.sharing.models import Member
from procurement.sharing.selectors.agreements import population_table
from procurement.sharing.services.members import member_create, member_delete, member_update, members_from_libraries
from procurement.sharing.views.common import AgreementActionView, AgreementFormView, AgreementPageView, on_field


class MembersView(AgreementPageView):
    """The members with their libraries and their population of each year; the actions on them."""

    template_name = "sharing/members.html"

    def page_context(self) -> dict:
        agreement = self.agreement
        return {"rows": population_table(agreement=agreement), "years": agreement.years,
                "from_libraries": MembersFromLibrariesForm(years=agreement.years), "abilities": self.abilities}


class MemberCreateView(AgreementFormView):
    form_class = MemberForm
    back_to = "members"
    submit_label = gettext_lazy("Ajouter le membre")

    def page_context(self) -> dict:
        return {"title": _("Nouveau membre — %(name)s") % {"name": self.agreement.name}}

    def perform(self, form):
        data = form.cleaned_data
        try:
            member = member_create(agreement=self.agreement, name=data["name"], kind=data["kind"],
                                   libraries=data["libraries"], by=self.request.user)
        except ValidationError as error:
            raise on_field(error, "name") from None
        messages.success(self.request, _("%(member)s est membre de la convention : saisissez sa population.")
                         % {"member": member})
        return member


class MemberUpdateView(AgreementFormView):
    form_class = MemberForm
    back_to = "members"

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
            member = member_update(member=self.get_member(), name=data["name"], kind=data["kind"],
                                   libraries=data["libraries"], by=self.request.user)
        except ValidationError as error:
            raise on_field(error, "name") from None
        messages.success(self.request, _("%(member)s est enregistré.") % {"member": member})
        return member


class MemberDeleteView(AgreementActionView):
    back_to = "members"

    def perform(self, data: dict) -> str:
        member = get_object_or_404(Member, agreement=self.agreement, pk=self.kwargs["member"])
        member_delete(member=member, by=self.request.user)
        return _("%(member)s n'est plus membre de la convention (ses populations, bibliothèques et bornes sont "
                 "retirées).") % {"member": member}


class MembersFromLibrariesView(AgreementActionView):
    """A commune member for each library of the network not yet in the agreement."""

    back_to = "members"
    invalid_message = gettext_lazy("Choisissez l'une des années de la convention.")

    def get_form(self, data):
        return MembersFromLibrariesForm(data, years=self.agreement.years)

    def perform(self, data: dict) -> str:
        created = members_from_libraries(agreement=self.agreement, year=data["year"], by=self.request.user)
        if not created:
            return _("Chaque bibliothèque du réseau répond déjà à un membre de la convention : aucun membre ajouté.")
        return _("%(count)s membre(s) ajouté(s) depuis les bibliothèques du réseau, avec leur population "
                 "%(year)s.") % {"count": len(created), "year": data["year"]}
