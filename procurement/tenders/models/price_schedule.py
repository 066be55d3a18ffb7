from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from procurement.core.money import MoneyField


class PriceItem(models.Model):
    """A line of a lot's price schedule (BPU, with the estimated quantity of the DQE)."""

    lot = models.ForeignKey("tenders.Lot", on_delete=models.CASCADE, related_name="price_items",
                            verbose_name=_("lot"))
    number = models.CharField(_("n° de prix"), max_length=16)
    label = models.CharField(_("désignation"), max_length=300)
    unit = models.CharField(_("unité"), max_length=40)
    quantity = models.DecimalField(_("quantité estimée"), max_digits=12, decimal_places=2,
                                   validators=[MinValueValidator(Decimal("0"))])
    position = models.PositiveSmallIntegerField(_("ordre"), default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ligne du bordereau des prix")
        verbose_name_plural = _("lignes du bordereau des prix")
        ordering = ["lot", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["lot", "number"], name="price_item_number_unique",
                                    violation_error_message=_("Ce numéro de prix existe déjà dans le lot.")),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="price_item_quantity_not_negative",
                                   violation_error_message=_("La quantité ne peut pas être négative.")),
        ]

    def __str__(self) -> str:
        return f"{self.number} — {self.label}"


class BidPriceLine(models.Model):
    """A bidder's unit price for a line of the schedule, imported after the opening."""

    bid = models.ForeignKey("tenders.Bid", on_delete=models.CASCADE, related_name="price_lines",
                            verbose_name=_("offre"))
    item = models.ForeignKey(PriceItem, on_delete=models.CASCADE, related_name="bid_lines",
                             verbose_name=_("ligne"))
    unit_price_ht = MoneyField(_("prix unitaire HT"), validators=[MinValueValidator(
        Decimal("0.01"), message=_("Un prix unitaire est strictement positif : un prix nul ou négatif est refusé."))])

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("prix d'une offre")
        verbose_name_plural = _("prix des offres")
        constraints = [
            models.UniqueConstraint(fields=["bid", "item"], name="bid_price_line_unique",
                                    violation_error_message=_("Ce prix est déjà renseigné pour cette offre.")),
            models.CheckConstraint(condition=Q(unit_price_ht__gt=0), name="bid_price_line_positive",
                                   violation_error_message=_("Un prix unitaire est strictement positif : un prix "
                                                             "nul ou négatif est refusé.")),
        ]

    def __str__(self) -> str:
        return f"{self.item.number} : {self.unit_price_ht}"
