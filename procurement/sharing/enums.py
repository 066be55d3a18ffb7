"""The choices of the cost-sharing app (stored values in English, labels in French)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MemberKind(models.TextChoices):
    METROPOLE = "metropole", _("Métropole")
    COMMUNE = "commune", _("Commune")


class KeyBasis(models.TextChoices):
    """What a key's component divides by. The values are also the single-component keys the pages and
    the ``cost_sharing`` command offer without defining them (``--key population``)."""

    POPULATION = "population", _("Population légale (INSEE) de l'année")
    USAGE = "usage", _("Usages COUNTER des ressources partagées")
    FLAT = "flat", _("Part égale par membre")


class CostBasis(models.TextChoices):
    """Which figure of the finance schedule is shared: what the contracts commit in the year (orders,
    revised prices, maintenance carried out), or the forecast (renewals not refused, what orders leave
    of a framework's yearly estimate)."""

    COMMITTED = "committed", _("Engagé TTC")
    FORECAST = "forecast", _("Prévisionnel TTC")


class BoundKind(models.TextChoices):
    FLOOR = "floor", _("plancher")
    CAP = "cap", _("plafond")


# How a sentence names the figure shared: « 430 274,10 € TTC (engagé) ».
COST_BASIS_WORDS = {CostBasis.COMMITTED: _("engagé"), CostBasis.FORECAST: _("prévisionnel")}
