"""The programme page: phases planned against actual (late ones stand out) with a timeline, where each
procurement stands, the budget against the commitments per section and year, the governance bodies,
their decisions and the CAO meetings."""

from django.http import Http404
from django.utils import timezone
from django.views.generic import TemplateView

from procurement.core.permissions import may
from procurement.core.views.access import AccessMixin
from procurement.dashboards.selectors.programme import budget_against_committed, phase_rows
from procurement.dashboards.timeline import build_timeline
from procurement.programmes.models import Programme
from procurement.programmes.selectors import body_list, milestone_list, programme_detail
from procurement.tenders.selectors import cao_meetings_of_programme, programme_procurements


class ProgrammeDashboardView(AccessMixin, TemplateView):
    grant = "programmes.read"
    template_name = "dashboards/programme/detail.html"

    def get_context_data(self, **kwargs):
        try:
            programme = programme_detail(self.kwargs["reference"])
        except Programme.DoesNotExist as exc:
            raise Http404("Aucun programme ne porte cette référence.") from exc
        today = timezone.localdate()
        phases = phase_rows(programme, today=today)
        return super().get_context_data(
            programme=programme,
            today=today,
            phases=phases,
            late_count=sum(1 for phase in phases if phase.is_late),
            timeline=build_timeline(phases, today=today),
            milestones=[(milestone, milestone.late_days(today=today))
                        for milestone in milestone_list(programme=programme)],
            procurements=list(programme_procurements(programme=programme)),
            budget_rows=budget_against_committed(programme),
            bodies=list(body_list(programme=programme)),
            cao_meetings=list(cao_meetings_of_programme(programme=programme)),
            can_read_sharing=may(self.request.user, "sharing.read"),
            **kwargs,
        )
