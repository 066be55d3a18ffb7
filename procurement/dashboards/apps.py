from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    """Pages and reports that read across apps through their selectors; owns no model."""

    name = "procurement.dashboards"
    label = "dashboards"
    verbose_name = _("Tableaux de bord")
