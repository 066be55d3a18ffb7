from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    """Renders .docx, .xlsx and .pdf from templates and data; imports no domain app."""

    name = "procurement.documents"
    label = "documents"
    verbose_name = _("Documents et modèles")
