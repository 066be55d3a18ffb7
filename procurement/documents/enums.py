from django.db import models
from django.utils.translation import gettext_lazy as _


class TemplateKind(models.TextChoices):
    """The editable .docx templates; each kind has its documented variables (``catalog.py``)."""

    RC = "rc", _("Règlement de la consultation (RC)")
    CCAP = "ccap", _("Cahier des clauses administratives particulières (CCAP)")
    CCTP = "cctp", _("Cahier des clauses techniques particulières (CCTP)")
    AE = "ae", _("Acte d'engagement (AE)")
    REJECTION_LETTER = "rejection_letter", _("Lettre de rejet")
    AWARD_LETTER = "award_letter", _("Lettre d'attribution")
    ABANDON_LETTER = "abandon_letter", _("Lettre de déclaration sans suite")
    RAPPORT_PRESENTATION = "rapport_presentation", _("Rapport de présentation (R.2184-1)")
    CAO_MINUTES = "cao_minutes", _("Procès-verbal de la commission d'appel d'offres")
