"""The choices of the resources app (stored values in English, labels in French)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

LARGE_COMMUNE_POPULATION = 15_000


class LibraryTier(models.TextChoices):
    """The programme's two groups of communes (RMB): over and up to 15,000 inhabitants."""

    LARGE = "large", _("Commune de plus de 15 000 habitants")
    SMALL = "small", _("Commune de 15 000 habitants ou moins")


class ResourceKind(models.TextChoices):
    EBOOK = "ebook", _("Livres numériques")
    PRESS = "press", _("Presse en ligne")
    VIDEO = "video", _("Vidéo à la demande")
    TRAINING = "training", _("Autoformation")
    OTHER = "other", _("Autre ressource")


class CounterReportId(models.TextChoices):
    TR_B1 = "TR_B1", _("TR_B1 — demandes de livres")
    DR_D1 = "DR_D1", _("DR_D1 — recherches et consultations de bases")
    PR_P1 = "PR_P1", _("PR_P1 — usage de la plateforme")
    TR = "TR", _("TR — rapport titres (maître)")
    DR = "DR", _("DR — rapport bases (maître)")
    PR = "PR", _("PR — rapport plateforme (maître)")


class CounterMetric(models.TextChoices):
    UNIQUE_TITLE_REQUESTS = "Unique_Title_Requests", "Unique_Title_Requests"
    UNIQUE_ITEM_REQUESTS = "Unique_Item_Requests", "Unique_Item_Requests"
    TOTAL_ITEM_REQUESTS = "Total_Item_Requests", "Total_Item_Requests"
    UNIQUE_ITEM_INVESTIGATIONS = "Unique_Item_Investigations", "Unique_Item_Investigations"
    TOTAL_ITEM_INVESTIGATIONS = "Total_Item_Investigations", "Total_Item_Investigations"
    SEARCHES_REGULAR = "Searches_Regular", "Searches_Regular"
    SEARCHES_PLATFORM = "Searches_Platform", "Searches_Platform"


def default_metric(kind: str) -> str:
    """Unique_Title_Requests for books, Unique_Item_Requests otherwise: COUNTER 5 counts a book once per
    title, any other item once per item."""
    return CounterMetric.UNIQUE_TITLE_REQUESTS if kind == ResourceKind.EBOOK else CounterMetric.UNIQUE_ITEM_REQUESTS


class ReportSource(models.TextChoices):
    FILE = "file", _("Fichier importé")
    SUSHI = "sushi", _("Moissonnage SUSHI")


class ResourceDecision(models.TextChoices):
    RENEW = "renew", _("Reconduire")
    REFUSE = "refuse", _("Ne pas reconduire")
