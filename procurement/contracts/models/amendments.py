"""Amendments (avenants): each names its legal basis; the service checks the basis's limits."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from procurement.contracts.enums import AmendmentBasis
from procurement.core.models import TimeStampedModel
from procurement.core.money import MoneyField


class Amendment(TimeStampedModel):
    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT, related_name="amendments",
                                 verbose_name=_("marché"))
    number = models.PositiveSmallIntegerField(_("avenant n°"))
    basis = models.CharField(_("base légale"), max_length=8, choices=AmendmentBasis.choices)
    object = models.CharField(_("objet"), max_length=500)
    justification = models.TextField(_("justification"), blank=True)
    amount_change_ht = MoneyField(_("incidence sur le montant HT"), default=Decimal("0"),
                                  help_text=_("Positive pour une augmentation, négative pour une diminution ; pour "
                                              "un accord-cadre, sur son maximum."))
    yearly_maximum_change_ht = MoneyField(_("incidence sur le maximum par période HT"), default=Decimal("0"))
    new_holder = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("nouveau titulaire"))
    signed_on = models.DateField(_("signé le"))
    cao_opinion = models.ForeignKey("tenders.CaoOpinion", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="amendments", verbose_name=_("avis de la CAO"))
    cao_opinion_on = models.DateField(_("avis de la CAO (date)"), null=True, blank=True)
    cao_opinion_reference = models.CharField(_("avis de la CAO (référence)"), max_length=120, blank=True)
    # The check made when the amendment was recorded, kept as it was.
    change_share = models.DecimalField(_("part du montant initial (%)"), max_digits=7, decimal_places=2)
    cumulated_share = models.DecimalField(_("cumul des modifications (%)"), max_digits=7, decimal_places=2)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                           related_name="+", verbose_name=_("enregistré par"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("avenant")
        verbose_name_plural = _("avenants")
        ordering = ["contract", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="amendment_number_unique",
                                    violation_error_message=_("Ce numéro d'avenant existe déjà.")),
            models.CheckConstraint(
                condition=~Q(basis=AmendmentBasis.NEW_HOLDER) | Q(new_holder__isnull=False),
                name="amendment_new_holder_named",
                violation_error_message=_("Un avenant de changement de titulaire désigne le nouveau titulaire."),
            ),
            models.CheckConstraint(
                condition=Q(cao_opinion_on__isnull=True) | Q(cao_opinion_on__lte=models.F("signed_on")),
                name="amendment_cao_opinion_first",
                violation_error_message=_("L'avis de la CAO précède la signature de l'avenant."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.reference} — avenant n° {self.number}"
