import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from procurement.core.models import TimeStampedModel
from procurement.core.money import MoneyField, VatRateField, ttc
from procurement.tenders.enums import BidStatus, CandidatureForm, DepositChannel, TenderState
from procurement.tenders.models.tender import VisibleToQuerySet

UNSEALED_STATES = (TenderState.OPENED, TenderState.COMPLETED)
EVALUABLE_STATUSES = (BidStatus.COMPLIANT,)


def bid_file_path(instance, filename: str) -> str:
    # A random name: the path says nothing about the bidder or the content before the opening.
    return f"tenders/bids/{uuid.uuid4().hex}"


class BidQuerySet(VisibleToQuerySet):
    tender_path = "lot__tender"

    def on_time(self):
        return self.exclude(status=BidStatus.LATE)


class Bid(TimeStampedModel):
    """A bidder's candidature and bid for a lot. Sealed until the tender's opening: before it,
    only the bidder, the time of receipt and the hash of the files may be read."""

    lot = models.ForeignKey("tenders.Lot", on_delete=models.CASCADE, related_name="bids", verbose_name=_("lot"))
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT, related_name="bids",
                               verbose_name=_("candidat"))
    received_at = models.DateTimeField(_("reçue le"))
    channel = models.CharField(_("mode de dépôt"), max_length=16, choices=DepositChannel.choices,
                               default=DepositChannel.ELECTRONIC)
    deposit_reason = models.TextField(_("motif de l'enregistrement après coup"), blank=True)
    status = models.CharField(_("statut"), max_length=16, choices=BidStatus.choices, default=BidStatus.RECEIVED)
    status_reason = models.TextField(_("motif du statut"), blank=True)
    # Candidature
    candidature_form = models.CharField(_("candidature"), max_length=8, choices=CandidatureForm.choices,
                                        default=CandidatureForm.DUME)
    exclusion_declaration = models.BooleanField(_("déclaration sur l'honneur (motifs d'exclusion)"), default=False)
    capacities = models.TextField(_("capacités économiques, techniques et professionnelles"), blank=True)
    admissible = models.BooleanField(_("candidature recevable"), null=True, blank=True)
    admissibility_reason = models.TextField(_("motif de recevabilité"), blank=True)
    # Recorded at the opening only.
    amount_ht = MoneyField(_("montant HT"), null=True, blank=True)
    vat_rate = VatRateField(_("taux de TVA (%)"), null=True, blank=True)
    regularised = models.BooleanField(_("régularisée"), default=False)
    regularisation_note = models.TextField(_("régularisation"), blank=True)
    negotiated_amount_ht = MoneyField(_("montant HT après négociation"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("enregistrée par"))

    history = HistoricalRecords()
    objects = BidQuerySet.as_manager()

    class Meta:
        verbose_name = _("offre")
        verbose_name_plural = _("offres")
        ordering = ["lot", "received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["lot", "vendor"], condition=~Q(status=BidStatus.LATE), name="bid_one_per_vendor_and_lot",
                violation_error_message=_("Ce candidat a déjà déposé une offre pour ce lot."),
            ),
            models.CheckConstraint(
                condition=Q(channel=DepositChannel.ELECTRONIC) | ~Q(deposit_reason=""),
                name="bid_recorded_deposit_explained",
                violation_error_message=_("Un pli enregistré après coup doit être motivé."),
            ),
            models.CheckConstraint(
                condition=Q(amount_ht__isnull=True) | Q(amount_ht__gt=0), name="bid_amount_positive",
                violation_error_message=_("Le montant d'une offre est strictement positif : un prix nul ou négatif "
                                          "est refusé."),
            ),
            models.CheckConstraint(
                condition=Q(negotiated_amount_ht__isnull=True) | Q(negotiated_amount_ht__gt=0),
                name="bid_negotiated_amount_positive",
                violation_error_message=_("Le montant négocié est strictement positif : un prix nul ou négatif "
                                          "est refusé."),
            ),
            models.CheckConstraint(
                condition=Q(vat_rate__isnull=True) | (Q(vat_rate__gte=0) & Q(vat_rate__lt=100)),
                name="bid_vat_rate_range",
                violation_error_message=_("Le taux de TVA est compris entre 0 et 100 %% (exclu)."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vendor} — lot {self.lot.number}"

    @property
    def is_sealed(self) -> bool:
        return self.lot.tender.state not in UNSEALED_STATES

    @property
    def final_amount_ht(self) -> Decimal | None:
        return self.negotiated_amount_ht if self.negotiated_amount_ht is not None else self.amount_ht

    @property
    def final_amount_ttc(self) -> Decimal | None:
        if self.final_amount_ht is None or self.vat_rate is None:
            return None
        return ttc(self.final_amount_ht, self.vat_rate)


class BidFileQuerySet(VisibleToQuerySet):
    # The hash is as visible as the bid; reading the content also needs the « read_bids » ability.
    tender_path = "bid__lot__tender"


class BidFile(models.Model):
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="files", verbose_name=_("offre"))
    file = models.FileField(_("fichier"), upload_to=bid_file_path)
    original_name = models.CharField(_("nom du fichier"), max_length=255)
    size = models.PositiveBigIntegerField(_("taille (octets)"))
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("déposé le"), auto_now_add=True)

    # The history keeps the hash, never the name or the path, which could leak content.
    history = HistoricalRecords(excluded_fields=["file", "original_name"])
    objects = BidFileQuerySet.as_manager()

    class Meta:
        verbose_name = _("fichier d'offre")
        verbose_name_plural = _("fichiers d'offre")

    def __str__(self) -> str:
        return f"{self.sha256[:12]}…"


class OpeningRecord(models.Model):
    """The opening of the bids (procès-verbal d'ouverture des plis)."""

    tender = models.OneToOneField("tenders.Tender", on_delete=models.CASCADE, related_name="opening_record",
                                  verbose_name=_("consultation"))
    opened_at = models.DateTimeField(_("ouverture le"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("ouverte par"))
    attendees = models.TextField(_("personnes présentes"))
    notes = models.TextField(_("observations"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("procès-verbal d'ouverture")
        verbose_name_plural = _("procès-verbaux d'ouverture")

    def __str__(self) -> str:
        return f"Ouverture des plis {self.tender.reference}"


class BidFileDownload(models.Model):
    """Who downloaded which bid file, and when: written by the download page only, read-only
    everywhere (the bid's page shows it to the buyers, the admin lists it)."""

    bid_file = models.ForeignKey(BidFile, on_delete=models.CASCADE, related_name="downloads",
                                 verbose_name=_("fichier d'offre"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("téléchargé par"))
    downloaded_at = models.DateTimeField(_("téléchargé le"), default=timezone.now)

    class Meta:
        verbose_name = _("téléchargement d'un fichier d'offre")
        verbose_name_plural = _("téléchargements des fichiers d'offre")
        ordering = ["-downloaded_at", "-pk"]
        indexes = [models.Index(fields=["bid_file", "downloaded_at"], name="bid_file_download_at")]

    def __str__(self) -> str:
        return f"{self.bid_file.original_name} — {self.user} — {self.downloaded_at:%d/%m/%Y %H:%M}"
