from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from procurement.core.permissions import may
from procurement.core.views.access import AccessMixin
from procurement.programmes import selectors
from procurement.programmes.forms import CouncilActForm
from procurement.programmes.models import Programme
from procurement.programmes.selectors import budget_table, council_act_list, programme_detail, programme_list
from procurement.programmes.services import council_act_upsert


class ProgrammeListView(AccessMixin, TemplateView):
    """The programmes with their buyer, their number of budget lines and their total voted TTC."""

    grant = "programmes.read"
    template_name = "programmes/programme_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(programmes=list(programme_list()), **kwargs)


class ProgrammeDetailView(AccessMixin, TemplateView):
    """A programme's facts and its voted budget by section, line and year (read-only)."""

    grant = "programmes.read"
    template_name = "programmes/programme_detail.html"

    def get_context_data(self, **kwargs):
        try:
            programme = programme_detail(self.kwargs["reference"])
        except Programme.DoesNotExist as exc:
            raise Http404("Aucun programme ne porte cette référence.") from exc
        return super().get_context_data(
            programme=programme,
            authority=programme.authority,
            table=budget_table(programme=programme),
            abilities=programme.get_abilities(self.request.user),
            can_read_sharing=may(self.request.user, "sharing.read"),
            **kwargs,
        )


class CouncilActListView(AccessMixin, TemplateView):
    """The council's delegations and deliberations, latest first: what a contract may cite as its
    authorisation to sign."""

    grant = "programmes.read"
    template_name = "programmes/council_act_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(acts=list(council_act_list()),
                                        can_add=may(self.request.user, "council_acts.edit"), **kwargs)


class CouncilActCreateView(AccessMixin, TemplateView):
    """GET shows the form; a valid POST calls the service and goes back to the list; a refusal puts
    the service's errors on the form and saves nothing."""

    grant = "council_acts.edit"
    template_name = "form.html"

    def get_form(self, data=None):
        initial = {}
        authorities = list(selectors.authority_list()[:2])
        if len(authorities) == 1:
            initial["authority"] = authorities[0]
        return CouncilActForm(data=data, initial=initial)

    def render_form(self, form):
        return self.render_to_response(self.get_context_data(
            form=form, title=_("Nouvelle délégation ou délibération"), cancel_url=reverse("programmes:council-acts"),
            intro=_("L'acte du conseil qui autorise l'exécutif à signer les marchés : la délégation (dans la limite "
                    "de son montant et jusqu'à la fin du mandat) ou une délibération spécifique.")))

    def get(self, request, *args, **kwargs):
        return self.render_form(self.get_form())

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST)
        if form.is_valid():
            try:
                act = council_act_upsert(**form.cleaned_data, by=request.user)
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for name, errors in error.error_dict.items():
                        form.add_error(name if name in form.fields else None, errors)
                else:
                    form.add_error(None, error)
            else:
                messages.success(request, _("%(act)s est enregistrée.") % {"act": act})
                return redirect("programmes:council-acts")
        return self.render_form(form)
