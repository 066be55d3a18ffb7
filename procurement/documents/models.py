"""Template versions: each upload of a kind's .docx is a new version; one version per kind is in force.

The content is kept in the database (a few dozen kilobytes), so a fresh database carries the shipped
templates from its data migration, and an old version stays readable after a newer one.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from procurement.documents.enums import TemplateKind


class TemplateVersion(models.Model):
    kind = models.CharField(_("type de document"), max_length=32, choices=TemplateKind.choices)
    version = models.PositiveIntegerField(_("version"))
    content = models.BinaryField(_("contenu (.docx)"))
    original_name = models.CharField(_("nom du fichier"), max_length=255)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    variables = models.JSONField(_("variables utilisées"), default=list, blank=True)
    note = models.CharField(_("remarque"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("déposé par"))
    uploaded_at = models.DateTimeField(_("déposé le"), auto_now_add=True)
    active = models.BooleanField(_("en vigueur"), default=False)
    # A stored version that fails the upload check (re-run by a data migration and whenever the version in
    # force is read) is withdrawn: the reason says why, and it can never be put back in force.
    withdrawn_reason = models.TextField(_("motif du retrait"), blank=True)
    withdrawn_at = models.DateTimeField(_("retirée le"), null=True, blank=True)

    # The history records who switched which version on; the content itself never changes.
    history = HistoricalRecords(excluded_fields=["content"])

    class Meta:
        verbose_name = _("version de modèle")
        verbose_name_plural = _("versions de modèles")
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="template_version_unique",
                                    violation_error_message=_("Cette version de ce modèle existe déjà.")),
            models.UniqueConstraint(fields=["kind"], condition=Q(active=True), name="template_one_active_per_kind",
                                    violation_error_message=_("Une seule version d'un modèle est en vigueur.")),
            models.CheckConstraint(condition=Q(active=False) | Q(withdrawn_reason=""),
                                   name="template_withdrawn_not_active",
                                   violation_error_message=_("Une version retirée ne peut pas être en vigueur.")),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — version {self.version}"

    @property
    def data(self) -> bytes:
        return bytes(self.content)

    @property
    def download_name(self) -> str:
        return f"modele_{self.kind}_v{self.version}.docx"
