"""The journal of a contract's transitions and its renewals: decisions taken before the notice
deadline, and the renewals carried out."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from procurement.contracts.enums import RenewalDecisionKind, RenewalMode
from procurement.core.models import TransitionLogBase


class ContractTransitionLog(TransitionLogBase):
    """Who moved a contract, when, from which state to which, and why. Written by the transition
    service only; read-only in the admin."""

    contract = models.ForeignKey("contracts.Contract", on_delete=models.CASCADE, related_name="transition_logs",
                                 verbose_name=_("marché"))
    effective_on = models.DateField(_("date d'effet"))
    reason = models.TextField(_("motif"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("journal des transitions d'un marché")
        verbose_name_plural = _("journal des transitions des marchés")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.contract.reference} : {self.source} → {self.target}"


class RenewalDecision(models.Model):
    """The buyer's decision on renewal number ``renewal_number``: a refusal (tacit renewal), or the
    decision to renew (express renewal), taken at the latest on the notice deadline."""

    contract = models.ForeignKey("contracts.Contract", on_delete=models.CASCADE, related_name="renewal_decisions",
                                 verbose_name=_("marché"))
    renewal_number = models.PositiveSmallIntegerField(_("reconduction n°"))
    decision = models.CharField(_("décision"), max_length=8, choices=RenewalDecisionKind.choices)
    decided_on = models.DateField(_("décidée le"))
    deadline = models.DateField(_("date limite de décision"))
    reason = models.TextField(_("motif"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                           related_name="+", verbose_name=_("par"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("décision de reconduction")
        verbose_name_plural = _("décisions de reconduction")
        ordering = ["contract", "renewal_number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "renewal_number"], name="renewal_decision_once",
                                    violation_error_message=_("Cette reconduction a déjà fait l'objet d'une "
                                                              "décision.")),
            models.CheckConstraint(condition=models.Q(decided_on__lte=models.F("deadline")),
                                   name="renewal_decision_before_deadline",
                                   violation_error_message=_("La décision doit précéder la date limite de "
                                                             "préavis.")),
        ]

    def __str__(self) -> str:
        return f"{self.contract.reference} — reconduction {self.renewal_number} : {self.get_decision_display()}"


class ContractRenewal(models.Model):
    """A renewal carried out: the new period and how it happened."""

    contract = models.ForeignKey("contracts.Contract", on_delete=models.CASCADE, related_name="renewals",
                                 verbose_name=_("marché"))
    number = models.PositiveSmallIntegerField(_("reconduction n°"))
    starts_on = models.DateField(_("du"))
    ends_on = models.DateField(_("au"))
    mode = models.CharField(_("mode"), max_length=10, choices=RenewalMode.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                           related_name="+", verbose_name=_("par"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reconduction")
        verbose_name_plural = _("reconductions")
        ordering = ["contract", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="contract_renewal_unique",
                                    violation_error_message=_("Cette reconduction est déjà enregistrée.")),
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")),
                                   name="contract_renewal_period_ordered",
                                   violation_error_message=_("La fin d'une période suit son début.")),
        ]

    def __str__(self) -> str:
        return f"{self.contract.reference} — reconduction {self.number}"
