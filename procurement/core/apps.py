from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "procurement.core"
    label = "core"
    verbose_name = _("Socle : montants, calendrier légal, données de référence")

    def ready(self):
        from procurement.core.oidc import checks  # noqa: F401  (registers the single sign-on's check)
