from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "procurement.programmes"
    label = "programmes"
    verbose_name = _("Programmes et budget")
