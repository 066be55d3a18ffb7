from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    name = "procurement.sharing"
    label = "sharing"
    verbose_name = _("Partage des coûts entre les membres")
