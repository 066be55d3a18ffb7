from django.db import models
from django.utils.translation import gettext_lazy as _

from procurement.core.models import TransitionLogBase


class TransitionLog(TransitionLogBase):
    """Who moved a tender or one of its lots, when, from which state to which, and why."""

    tender = models.ForeignKey("tenders.Tender", on_delete=models.CASCADE, related_name="transition_logs",
                               verbose_name=_("consultation"))
    lot = models.ForeignKey("tenders.Lot", on_delete=models.CASCADE, null=True, blank=True,
                            related_name="transition_logs", verbose_name=_("lot"))
    reason = models.TextField(_("motif"), blank=True)

    class Meta:
        verbose_name = _("journal des transitions")
        verbose_name_plural = _("journal des transitions")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        subject = f"lot {self.lot.number}" if self.lot_id else self.tender.reference
        return f"{subject} : {self.source} → {self.target}"
