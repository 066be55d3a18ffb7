from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The REST API: routers and schema; each app's serializers and viewsets live in its api.py."""

    name = "procurement.api"
    label = "api"
    verbose_name = _("API")
