"""The agreement and its convention: created under a programme, changed, deleted with all it holds."""

from __future__ import annotations

from django.contrib import messages
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from procurement.core.views.service_forms import ServiceActionView, ServiceFormView
from procurement.sharing.forms import AgreementForm, DeleteConfirmForm
from procurement.sharing.services.agreements import agreement_create, agreement_delete, agreement_update
from procurement.sharing.views.access import AgreementMixin, ProgrammeMixin


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
        return agreement_create(programme=self.programme, by=self.request.user, **form.cleaned_data)

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
        return agreement_update(agreement=self.agreement, by=self.request.user, **form.cleaned_data)

    def after_success(self, result) -> None:
        messages.success(self.request, _("La convention « %(name)s » est enregistrée.") % {"name": result.name})

    def get_success_url(self, result) -> str:
        return self.shares_url()


class AgreementDeleteView(AgreementMixin, ServiceActionView):
    form_class = DeleteConfirmForm
    invalid_message = gettext_lazy("Cochez « Je confirme la suppression » pour supprimer la convention.")

    def perform(self, data: dict) -> str:
        name = self.agreement.name
        agreement_delete(agreement=self.agreement, by=self.request.user)
        self.deleted = True
        return _("La convention « %(name)s » est supprimée, avec ses membres, leurs populations et ses clés.") % {
            "name": name}

    def get_redirect_url(self) -> str:
        if getattr(self, "deleted", False):
            return self.shares_url()
        return self.agreement_url("agreement-update")
