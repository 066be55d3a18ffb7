"""Online resources, the network's libraries, COUNTER usage reports and renewal decisions."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from procurement.core.models import TimeStampedModel
from procurement.core.money import VatRateField
from procurement.core.secrets import EncryptedTextField
from procurement.resources.enums import (
    LARGE_COMMUNE_POPULATION,
    CounterMetric,
    CounterReportId,
    LibraryTier,
    ReportSource,
    ResourceDecision,
    ResourceKind,
    default_metric,
)


class Platform(TimeStampedModel):
    """A content platform as its COUNTER reports name it (the ``Platform`` column)."""

    name = models.CharField(_("plateforme"), max_length=200, unique=True,
                            error_messages={"unique": _("Une plateforme porte déjà ce nom.")})
    sushi_url = models.URLField(_("adresse du service SUSHI"), blank=True,
                                help_text=_("Par exemple https://sushi.exemple.fr/counter/r51"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plateforme")
        verbose_name_plural = _("plateformes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LibraryQuerySet(models.QuerySet):
    def large(self):
        return self.filter(tier=LibraryTier.LARGE)


class Library(TimeStampedModel):
    """The library of one of the network's communes."""

    code = models.CharField(_("code"), max_length=16, unique=True,
                            error_messages={"unique": _("Une bibliothèque porte déjà ce code.")})
    name = models.CharField(_("bibliothèque"), max_length=200)
    commune = models.CharField(_("commune"), max_length=200, unique=True,
                               error_messages={"unique": _("Cette commune a déjà sa bibliothèque.")})
    population = models.PositiveIntegerField(_("population de la commune"), validators=[MinValueValidator(1)])
    tier = models.CharField(_("strate"), max_length=8, choices=LibraryTier.choices, editable=False)
    is_network_head = models.BooleanField(_("tête de réseau"), default=False)

    history = HistoricalRecords()
    objects = LibraryQuerySet.as_manager()

    class Meta:
        verbose_name = _("bibliothèque")
        verbose_name_plural = _("bibliothèques")
        ordering = ["-population", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(population__gte=1), name="library_population_positive",
                                   violation_error_message=_("La population de la commune est d'au moins 1.")),
            models.CheckConstraint(
                condition=Q(tier=LibraryTier.LARGE, population__gt=LARGE_COMMUNE_POPULATION)
                | Q(tier=LibraryTier.SMALL, population__lte=LARGE_COMMUNE_POPULATION),
                name="library_tier_matches_population",
                violation_error_message=_("La strate ne correspond pas à la population de la commune."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.commune})"

    def save(self, *args, **kwargs):
        self.tier = tier_for(self.population)
        super().save(*args, **kwargs)


def tier_for(population: int | None) -> str:
    return LibraryTier.LARGE if (population or 0) > LARGE_COMMUNE_POPULATION else LibraryTier.SMALL


class InstitutionIdentifier(models.Model):
    """An identifier under which a platform knows a library: ``ISIL:FR-…`` or ``Proprietary:numilib:X``,
    as written in a report's Institution_ID."""

    library = models.ForeignKey(Library, on_delete=models.CASCADE, related_name="identifiers",
                                verbose_name=_("bibliothèque"))
    value = models.CharField(_("identifiant (espace:valeur)"), max_length=200, unique=True,
                             error_messages={"unique": _("Cet identifiant désigne déjà une bibliothèque.")})

    class Meta:
        verbose_name = _("identifiant d'établissement")
        verbose_name_plural = _("identifiants d'établissement")
        ordering = ["value"]
        constraints = [
            models.CheckConstraint(condition=Q(value__contains=":"), name="institution_identifier_has_namespace",
                                   violation_error_message=_("Un identifiant s'écrit espace:valeur, par exemple "
                                                             "ISIL:FR-123456789.")),
        ]

    def __str__(self) -> str:
        return self.value


class ResourceQuerySet(models.QuerySet):
    def with_contract(self):
        return self.select_related("platform", "contract__lot__tender", "contract__holder")


class Resource(TimeStampedModel):
    """An online resource bought by a contract (or its share of the lot)."""

    name = models.CharField(_("ressource"), max_length=200, unique=True,
                            error_messages={"unique": _("Une ressource porte déjà ce nom.")})
    kind = models.CharField(_("type"), max_length=10, choices=ResourceKind.choices)
    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="resources",
                                 verbose_name=_("plateforme"))
    publisher = models.CharField(_("éditeur"), max_length=200, blank=True)
    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("marché"))
    share_percent = models.DecimalField(
        _("part du lot (%)"), max_digits=5, decimal_places=2, default=Decimal("100"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
        help_text=_("La part du montant annuel du lot qui paie cette ressource."))
    vat_rate = VatRateField(_("taux de TVA (%)"), null=True, blank=True,
                            help_text=_("Vide : le taux de chaque bon de commande du marché."))
    report_id = models.CharField(_("rapport COUNTER suivi"), max_length=8, choices=CounterReportId.choices)
    metric = models.CharField(_("métrique d'usage"), max_length=32, choices=CounterMetric.choices, blank=True,
                              help_text=_("Vide : Unique_Title_Requests pour les livres, Unique_Item_Requests "
                                          "sinon."))

    history = HistoricalRecords()
    objects = ResourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("ressource en ligne")
        verbose_name_plural = _("ressources en ligne")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(share_percent__gt=0) & Q(share_percent__lte=100),
                                   name="resource_share_between_0_and_100",
                                   violation_error_message=_("La part du lot est comprise entre 0 (exclu) et "
                                                             "100 %.")),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def usage_metric(self) -> str:
        return self.metric or default_metric(self.kind)

    def get_abilities(self, user) -> dict[str, bool]:
        from procurement.resources.abilities import resource_abilities

        return resource_abilities(self, user)


class UsageReport(models.Model):
    """One COUNTER report as imported: its header and the rows read. Re-importing the same report
    type, platform, institution and period replaces it."""

    report_id = models.CharField(_("rapport"), max_length=8)
    release = models.CharField(_("version COUNTER"), max_length=4)
    platform_name = models.CharField(_("plateforme (rapport)"), max_length=200)
    platform = models.ForeignKey(Platform, on_delete=models.SET_NULL, null=True, blank=True, related_name="reports",
                                 verbose_name=_("plateforme"))
    institution = models.CharField(_("Institution_ID"), max_length=500)
    institution_name = models.CharField(_("Institution_Name"), max_length=300, blank=True)
    library = models.ForeignKey(Library, on_delete=models.SET_NULL, null=True, blank=True, related_name="reports",
                                verbose_name=_("bibliothèque"))
    begin = models.DateField(_("premier jour"))
    end = models.DateField(_("dernier jour"))
    rows = models.PositiveIntegerField(_("lignes de données lues"))
    source = models.CharField(_("origine"), max_length=8, choices=ReportSource.choices, default=ReportSource.FILE)
    file_name = models.CharField(_("fichier"), max_length=300, blank=True)
    imported_at = models.DateTimeField(_("importé le"))
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("importé par"))

    class Meta:
        verbose_name = _("rapport COUNTER")
        verbose_name_plural = _("rapports COUNTER")
        ordering = ["-begin", "platform_name", "institution"]
        constraints = [
            models.UniqueConstraint(fields=["report_id", "platform_name", "institution", "begin", "end"],
                                    name="usage_report_once",
                                    violation_error_message=_("Ce rapport est déjà importé.")),
            models.CheckConstraint(condition=Q(begin__lte=models.F("end")), name="usage_report_period_ordered",
                                   violation_error_message=_("La période du rapport finit avant de commencer.")),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} {self.platform_name} — {self.institution} ({self.begin} → {self.end})"

    @property
    def is_matched(self) -> bool:
        return self.platform_id is not None and self.library_id is not None


class UsageCount(models.Model):
    """A month's count of one metric in a report, summed over its items (titles, databases)."""

    report = models.ForeignKey(UsageReport, on_delete=models.CASCADE, related_name="counts",
                               verbose_name=_("rapport"))
    month = models.DateField(_("mois"))
    metric = models.CharField(_("métrique"), max_length=40)
    value = models.PositiveIntegerField(_("nombre"))

    class Meta:
        verbose_name = _("compte d'usage")
        verbose_name_plural = _("comptes d'usage")
        indexes = [models.Index(fields=["metric", "month"], name="usage_count_metric_month")]
        constraints = [
            models.UniqueConstraint(fields=["report", "month", "metric"], name="usage_count_once",
                                    violation_error_message=_("Ce mois et cette métrique sont déjà comptés.")),
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.month:%m/%Y} : {self.value}"


class SushiCredential(TimeStampedModel):
    """The SUSHI account of a library on a platform. ``requestor_id`` and ``api_key`` are written,
    never displayed back: forms take them write-only, the admin and exports leave them out, the
    history does not keep them, and the database and backups hold them encrypted."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="sushi_credentials",
                                 verbose_name=_("plateforme"))
    library = models.ForeignKey(Library, on_delete=models.CASCADE, related_name="sushi_credentials",
                                verbose_name=_("bibliothèque"))
    customer_id = models.CharField(_("customer_id"), max_length=200)
    requestor_id = EncryptedTextField(_("requestor_id"), max_length=200, blank=True)
    api_key = EncryptedTextField(_("api_key"), max_length=300, blank=True)

    history = HistoricalRecords(excluded_fields=["requestor_id", "api_key"])

    class Meta:
        verbose_name = _("accès SUSHI")
        verbose_name_plural = _("accès SUSHI")
        ordering = ["platform", "library"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "library"], name="sushi_credential_once",
                                    violation_error_message=_("Cette bibliothèque a déjà un accès SUSHI sur cette "
                                                              "plateforme.")),
        ]

    def __str__(self) -> str:
        return f"{self.platform} — {self.library.code}"

    def __repr__(self) -> str:
        return f"<SushiCredential {self.pk} {self.platform_id}/{self.library_id} (secrets masqués)>"


class ResourceRenewalDecision(models.Model):
    """The decision on the renewal of the contract that buys a resource, with the figures it was
    taken on; it drives the contract through the contracts services."""

    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="renewal_decisions",
                                 verbose_name=_("ressource"))
    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("marché"))
    renewal_number = models.PositiveSmallIntegerField(_("reconduction n°"))
    decision = models.CharField(_("décision"), max_length=8, choices=ResourceDecision.choices)
    reason = models.TextField(_("motif"))
    year = models.PositiveSmallIntegerField(_("année des chiffres"))
    cost_ttc = models.DecimalField(_("coût TTC"), max_digits=14, decimal_places=2)
    uses = models.PositiveIntegerField(_("usages"))
    metric = models.CharField(_("métrique"), max_length=40)
    cost_per_use = models.DecimalField(_("coût par usage"), max_digits=14, decimal_places=2, null=True, blank=True)
    contract_decision = models.OneToOneField("contracts.RenewalDecision", on_delete=models.PROTECT, null=True,
                                             blank=True, related_name="+",
                                             verbose_name=_("décision enregistrée sur le marché"))
    decided_on = models.DateField(_("décidée le"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                           related_name="+", verbose_name=_("par"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("décision de reconduction d'une ressource")
        verbose_name_plural = _("décisions de reconduction des ressources")
        ordering = ["-decided_on", "resource"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "contract", "renewal_number"],
                                    name="resource_renewal_decision_once",
                                    violation_error_message=_("Cette reconduction a déjà fait l'objet d'une "
                                                              "décision.")),
            models.CheckConstraint(condition=~Q(reason=""), name="resource_renewal_decision_reason",
                                   violation_error_message=_("Motivez la décision.")),
        ]

    def __str__(self) -> str:
        return f"{self.resource} — reconduction {self.renewal_number} : {self.get_decision_display()}"
