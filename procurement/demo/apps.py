from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Loads the Bibliothèque numérique métropolitaine programme as demo data. Reads every app;
    no app imports it."""

    name = "procurement.demo"
    label = "demo"
    verbose_name = _("Données de démonstration")
