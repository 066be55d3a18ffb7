"""Price indices (a series such as Syntec and its monthly values), the revision clause of a
contract and each revision computed with the values it used."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from procurement.contracts.enums import CoefficientRounding
from procurement.core.models import TimeStampedModel
from procurement.core.money import MoneyField

series_code_validator = RegexValidator(r"^[A-Z0-9][A-Z0-9_-]{0,31}$",
                                       _("Le code s'écrit en majuscules, chiffres, tirets (ex. SYNTEC)."))


class IndexSeries(TimeStampedModel):
    code = models.CharField(_("code"), max_length=32, unique=True, validators=[series_code_validator],
                            error_messages={"unique": _("Une série d'indices porte déjà ce code.")})
    name = models.CharField(_("intitulé"), max_length=200)
    source = models.CharField(_("source"), max_length=300, blank=True)
    note = models.TextField(_("remarque"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("série d'indices")
        verbose_name_plural = _("séries d'indices")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class IndexValue(TimeStampedModel):
    """The value of a series for a month (stored as the first day of that month)."""

    series = models.ForeignKey(IndexSeries, on_delete=models.CASCADE, related_name="values",
                               verbose_name=_("série"))
    month = models.DateField(_("mois"))
    value = models.DecimalField(_("valeur"), max_digits=12, decimal_places=4)
    note = models.CharField(_("remarque"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("valeur d'indice")
        verbose_name_plural = _("valeurs d'indice")
        ordering = ["series", "month"]
        constraints = [
            models.UniqueConstraint(fields=["series", "month"], name="index_value_one_per_month",
                                    violation_error_message=_("Cette série a déjà une valeur pour ce mois.")),
            models.CheckConstraint(condition=Q(value__gt=0), name="index_value_positive",
                                   violation_error_message=_("Une valeur d'indice est strictement positive.")),
        ]

    def __str__(self) -> str:
        return f"{self.series.code} {self.month:%m/%Y} : {self.value}"

    def save(self, *args, **kwargs):
        self.month = self.month.replace(day=1)  # a month is stored as its first day
        super().save(*args, **kwargs)


class PriceRevisionClause(TimeStampedModel):
    """The contract's revision clause: P = P0 × (a + b × I / I0), a + b = 1. I0 is the index of the
    price's month (mois zéro); at each revision date, I is the index of the month ``index_lag_months``
    months before it."""

    contract = models.OneToOneField("contracts.Contract", on_delete=models.CASCADE,
                                    related_name="revision_clause", verbose_name=_("marché"))
    series = models.ForeignKey(IndexSeries, on_delete=models.PROTECT, related_name="clauses",
                               verbose_name=_("indice"))
    base_month = models.DateField(_("mois zéro (I0)"), help_text=_("Le mois du prix initial."))
    index_lag_months = models.PositiveSmallIntegerField(
        _("décalage du mois de l'indice (mois)"), default=0,
        help_text=_("Le mois de l'indice I est celui de la révision moins ce décalage (les indices paraissent "
                    "avec retard)."),
    )
    fixed_part = models.DecimalField(_("partie fixe a"), max_digits=5, decimal_places=4, default=Decimal("0.15"),
                                     validators=[MinValueValidator(Decimal("0")),
                                                 MaxValueValidator(Decimal("0.9999"))])
    coefficient_decimals = models.PositiveSmallIntegerField(_("décimales du coefficient"), default=4,
                                                            validators=[MaxValueValidator(8)])
    coefficient_rounding = models.CharField(_("arrondi du coefficient"), max_length=8,
                                            choices=CoefficientRounding.choices,
                                            default=CoefficientRounding.HALF_UP)
    base_price_ht = MoneyField(_("prix initial P0 (HT)"), validators=[MinValueValidator(Decimal("0.01"))])
    every_months = models.PositiveSmallIntegerField(_("périodicité de la révision (mois)"), default=12,
                                                    validators=[MinValueValidator(1)])

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("clause de révision des prix")
        verbose_name_plural = _("clauses de révision des prix")
        constraints = [
            models.CheckConstraint(condition=Q(fixed_part__gte=0) & Q(fixed_part__lt=1),
                                   name="revision_fixed_part_range",
                                   violation_error_message=_("La partie fixe a est comprise entre 0 et 1 "
                                                             "(a + b = 1).")),
        ]

    def __str__(self) -> str:
        return f"{self.contract.reference} — {self.series.code}, a = {self.fixed_part}"

    def save(self, *args, **kwargs):
        self.base_month = self.base_month.replace(day=1)
        super().save(*args, **kwargs)

    @property
    def variable_part(self) -> Decimal:
        return Decimal("1") - self.fixed_part


class PriceRevision(TimeStampedModel):
    """A revision computed at a date, with every value it used."""

    contract = models.ForeignKey("contracts.Contract", on_delete=models.CASCADE, related_name="revisions",
                                 verbose_name=_("marché"))
    revision_on = models.DateField(_("date de révision"))
    series_code = models.CharField(_("indice"), max_length=32)
    base_month = models.DateField(_("mois de I0"))
    index_month = models.DateField(_("mois de I"))
    base_index = models.DecimalField(_("I0"), max_digits=12, decimal_places=4)
    index = models.DecimalField(_("I"), max_digits=12, decimal_places=4)
    fixed_part = models.DecimalField(_("a"), max_digits=5, decimal_places=4)
    raw_coefficient = models.DecimalField(_("coefficient avant arrondi"), max_digits=16, decimal_places=10)
    coefficient = models.DecimalField(_("coefficient"), max_digits=12, decimal_places=8)
    rounding = models.CharField(_("arrondi"), max_length=200)
    base_price_ht = MoneyField(_("P0 (HT)"))
    price_ht = MoneyField(_("P (HT)"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                           related_name="+", verbose_name=_("calculée par"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("révision de prix")
        verbose_name_plural = _("révisions de prix")
        ordering = ["contract", "revision_on"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "revision_on"], name="price_revision_once_per_date",
                                    violation_error_message=_("La révision de cette date est déjà calculée.")),
        ]

    def __str__(self) -> str:
        return f"{self.contract.reference} — révision du {self.revision_on:%d/%m/%Y}"
