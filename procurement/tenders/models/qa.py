from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Question(models.Model):
    """A candidate's question during publication; the answer goes to every candidate."""

    tender = models.ForeignKey("tenders.Tender", on_delete=models.CASCADE, related_name="questions",
                               verbose_name=_("consultation"))
    asked_at = models.DateTimeField(_("reçue le"))
    asked_by = models.ForeignKey("vendors.Vendor", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("posée par"))
    text = models.TextField(_("question"))
    answer = models.TextField(_("réponse"), blank=True)
    answered_at = models.DateTimeField(_("répondue le"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("répondue par"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions et réponses")
        ordering = ["tender", "asked_at"]

    def __str__(self) -> str:
        return self.text[:80]
