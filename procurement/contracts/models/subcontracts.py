"""Subcontracting: the DC4 declaration, its acceptance with payment terms, direct payment."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from procurement.contracts.enums import SubcontractStatus
from procurement.core.models import TimeStampedModel
from procurement.core.money import MoneyField


class Subcontract(TimeStampedModel):
    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT, related_name="subcontracts",
                                 verbose_name=_("marché"))
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("sous-traitant"))
    services = models.TextField(_("prestations sous-traitées"))
    amount_ttc = MoneyField(_("montant maximal TTC"), validators=[MinValueValidator(0)])
    declared_on = models.DateField(_("déclaration (DC4) reçue le"))
    status = models.CharField(_("statut"), max_length=10, choices=SubcontractStatus.choices,
                              default=SubcontractStatus.DECLARED)
    decided_on = models.DateField(_("décision le"), null=True, blank=True)
    payment_terms = models.TextField(_("conditions de paiement"), blank=True)
    direct_payment = models.BooleanField(_("paiement direct"), default=False)
    refusal_reason = models.TextField(_("motif du refus"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                           related_name="+", verbose_name=_("enregistré par"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sous-traitance")
        verbose_name_plural = _("sous-traitances")
        ordering = ["contract", "declared_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_ttc__gte=0), name="subcontract_amount_not_negative",
                                   violation_error_message=_("Le montant sous-traité ne peut pas être négatif.")),
            models.CheckConstraint(
                condition=~Q(status=SubcontractStatus.ACCEPTED) | ~Q(payment_terms=""),
                name="subcontract_accepted_with_terms",
                violation_error_message=_("L'acceptation d'un sous-traitant agrée ses conditions de paiement."),
            ),
            models.CheckConstraint(
                condition=~Q(status=SubcontractStatus.REFUSED) | ~Q(refusal_reason=""),
                name="subcontract_refusal_needs_reason",
                violation_error_message=_("Un refus de sous-traitant doit être motivé."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.reference} — {self.vendor}"
