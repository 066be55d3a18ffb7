"""The home page: each role's to-dos, then the way into the pages."""

from __future__ import annotations

from django.utils import timezone
from django.views.generic import TemplateView

from procurement.core.permissions import may
from procurement.core.views.access import AccessMixin
from procurement.dashboards.selectors.todos import committee_lot_count, home_todos


class HomeView(AccessMixin, TemplateView):
    template_name = "dashboards/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        now = timezone.now()
        is_evaluator = may(user, "evaluation.sit")
        return super().get_context_data(
            is_buyer=may(user, "tenders.drive"),
            is_finance=may(user, "invoices.pay"),
            is_evaluator=is_evaluator,
            committee_lots=committee_lot_count(user=user) if is_evaluator else 0,
            todos=home_todos(user=user, today=timezone.localdate(now), now=now),
            **kwargs,
        )
