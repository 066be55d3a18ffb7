"""Purchase orders (bons de commande) issued on a framework agreement."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from procurement.core.models import TimeStampedModel
from procurement.core.money import MoneyField, VatRateField, ttc


class PurchaseOrder(TimeStampedModel):
    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT, related_name="orders",
                                 verbose_name=_("marché"))
    number = models.PositiveIntegerField(_("numéro"))
    ordered_on = models.DateField(_("émis le"))
    description = models.CharField(_("objet"), max_length=500)
    amount_ht = MoneyField(_("montant HT"), validators=[MinValueValidator(Decimal("0.01"))])
    vat_rate = VatRateField(_("taux de TVA (%)"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                           related_name="+", verbose_name=_("émis par"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bon de commande")
        verbose_name_plural = _("bons de commande")
        ordering = ["contract", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="purchase_order_number_unique",
                                    violation_error_message=_("Ce numéro de bon de commande existe déjà.")),
            models.CheckConstraint(condition=Q(amount_ht__gt=0), name="purchase_order_amount_positive",
                                   violation_error_message=_("Le montant d'un bon de commande est positif.")),
        ]

    def __str__(self) -> str:
        return f"{self.contract.reference} — bon de commande n° {self.number}"

    @property
    def amount_ttc(self) -> Decimal:
        return ttc(self.amount_ht, self.vat_rate)
