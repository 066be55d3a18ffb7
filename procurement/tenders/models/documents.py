"""The generated documents of a tender: each DCE generation (a version, with its files and its zip)
and the letters of a lot. Files are stored under random names and served by authenticated views."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


def generated_file_path(instance, filename: str) -> str:
    return f"tenders/documents/{uuid.uuid4().hex}"


class DceFileKind(models.TextChoices):
    RC = "rc", _("Règlement de la consultation")
    CCAP = "ccap", _("CCAP")
    CCTP = "cctp", _("CCTP")
    AE = "ae", _("Acte d'engagement")
    PRICE_SCHEDULE = "bpu_dqe", _("BPU / DQE")


class LetterKind(models.TextChoices):
    REJECTION = "rejection_letter", _("Lettre de rejet")
    AWARD = "award_letter", _("Lettre d'attribution")
    ABANDON = "abandon_letter", _("Lettre de déclaration sans suite")
    AE = "ae", _("Acte d'engagement de l'attributaire")
    RAPPORT = "rapport_presentation", _("Rapport de présentation")


class DceGeneration(models.Model):
    """One generation of the tender's documents (DCE): its version, who, when, which templates."""

    tender = models.ForeignKey("tenders.Tender", on_delete=models.CASCADE, related_name="dce_generations",
                               verbose_name=_("consultation"))
    version = models.PositiveIntegerField(_("version"))
    generated_at = models.DateTimeField(_("généré le"), default=timezone.now)
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("généré par"))
    template_versions = models.JSONField(_("versions des modèles"), default=dict, blank=True)
    archive = models.FileField(_("archive .zip"), upload_to=generated_file_path, blank=True)
    archive_name = models.CharField(_("nom de l'archive"), max_length=120, blank=True)
    placeholders = models.JSONField(
        _("parties à compléter"), default=list, blank=True,
        help_text=_("Les passages entre crochets restés dans les documents générés (« pièce : [texte] »)."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("génération du DCE")
        verbose_name_plural = _("générations du DCE")
        ordering = ["tender", "-version"]
        get_latest_by = "generated_at"
        constraints = [
            models.UniqueConstraint(fields=["tender", "version"], name="dce_generation_version_unique",
                                    violation_error_message=_("Cette version du DCE existe déjà.")),
        ]

    def __str__(self) -> str:
        return f"DCE {self.tender.reference} v{self.version}"


class DceFile(models.Model):
    generation = models.ForeignKey(DceGeneration, on_delete=models.CASCADE, related_name="files",
                                   verbose_name=_("génération"))
    kind = models.CharField(_("pièce"), max_length=16, choices=DceFileKind.choices)
    lot_number = models.PositiveSmallIntegerField(_("lot"), null=True, blank=True)
    name = models.CharField(_("nom du fichier"), max_length=120)
    file = models.FileField(_("fichier"), upload_to=generated_file_path)
    size = models.PositiveBigIntegerField(_("taille (octets)"))
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    position = models.PositiveSmallIntegerField(_("ordre"), default=1)

    class Meta:
        verbose_name = _("pièce du DCE")
        verbose_name_plural = _("pièces du DCE")
        ordering = ["generation", "position"]

    def __str__(self) -> str:
        return self.name


class LetterDocument(models.Model):
    """A letter (or the rapport de présentation, or the winner's acte d'engagement) of a lot. The
    documents of one generation share its version; the earlier ones stay downloadable."""

    lot = models.ForeignKey("tenders.Lot", on_delete=models.CASCADE, related_name="letters", verbose_name=_("lot"))
    bid = models.ForeignKey("tenders.Bid", on_delete=models.CASCADE, null=True, blank=True, related_name="letters",
                            verbose_name=_("offre"))
    kind = models.CharField(_("document"), max_length=32, choices=LetterKind.choices)
    version = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("nom du fichier"), max_length=160)
    file = models.FileField(_("fichier"), upload_to=generated_file_path)
    size = models.PositiveBigIntegerField(_("taille (octets)"))
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    template_version = models.PositiveIntegerField(_("version du modèle"))
    sent_on = models.DateField(_("envoyé le"), null=True, blank=True)
    sent_electronically = models.BooleanField(
        _("envoyé par voie électronique"), default=True,
        help_text=_("Délai de suspension de 11 jours par voie électronique, 16 jours autrement (R.2182-1)."))
    standstill_end = models.DateField(_("fin du délai de suspension"), null=True, blank=True)
    signable_from = models.DateField(_("signature possible à partir du"), null=True, blank=True)
    generated_at = models.DateTimeField(_("généré le"), default=timezone.now)
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("généré par"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("courrier")
        verbose_name_plural = _("courriers")
        ordering = ["lot", "-version", "kind", "name"]

    def __str__(self) -> str:
        return self.name
