from django.http import Http404
from django.views.generic import TemplateView

from procurement.core.roles import RoleRequiredMixin
from procurement.programmes.models import Programme
from procurement.programmes.selectors import budget_table, programme_detail, programme_list


class ProgrammeListView(RoleRequiredMixin, TemplateView):
    """The programmes with their buyer, their number of budget lines and their total voted TTC."""

    grant = "programmes.read"
    template_name = "programmes/programme_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(programmes=list(programme_list()), **kwargs)


class ProgrammeDetailView(RoleRequiredMixin, TemplateView):
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
            **kwargs,
        )
