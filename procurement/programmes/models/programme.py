"""Programmes, their buyer and their budget: lines (M57 imputation, AP/AE) and yearly payment credits.

Budgets are voted TTC: a library cannot recover the VAT it pays, so every amount here is TTC.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from stdnum.fr import siret as stdnum_siret

from procurement.core.models import TimeStampedModel
from procurement.core.money import MoneyField, format_eur, round_money
from procurement.programmes.abilities import list_abilities
from procurement.programmes.enums import (
    ARTICLE_CLASSES_BY_SECTION,
    AUTHORISATION_KIND_BY_SECTION,
    AuthorisationKind,
    AuthorityKind,
    BudgetSection,
)

MIN_YEAR, MAX_YEAR = 2000, 2100


def validate_siret(value: str) -> None:
    if not (value and value.isdigit() and len(value) == 14 and stdnum_siret.is_valid(value)):
        raise ValidationError(
            _("« %(value)s » n'est pas un SIRET valide : 14 chiffres dont une clé de contrôle."),
            code="invalid_siret",
            params={"value": value},
        )


validate_postal_code = RegexValidator(r"^\d{5}$", _("Un code postal compte 5 chiffres."))
# The eForms SDK's pattern for a telephone number (BT-503): digits, spaces or dashes, an optional leading +
# and parenthesised groups.
validate_phone = RegexValidator(
    r"^((\(\+?[0-9]+\))|\+?[0-9]+)( - |-| )?(((\([0-9]+\))|[0-9]+)( - |-| )?)*([0-9]+)( )?$",
    _("Un numéro de téléphone s'écrit avec des chiffres, séparés par des espaces ou des tirets (ex. 02 47 21 60 00 "
      "ou +33 2 47 21 60 00)."),
)
validate_reference = RegexValidator(
    r"^[A-Z0-9][A-Z0-9-]*$", _("Une référence s'écrit en majuscules, chiffres et tirets (ex. BNM).")
)
validate_chapter = RegexValidator(r"^\d{2,3}$", _("Un chapitre M57 compte 2 ou 3 chiffres (ex. 20, 011)."))
validate_article = RegexValidator(
    r"^\d{2,6}$", _("Un article M57 compte de 2 à 6 chiffres (ex. 2031, 6065).")
)
validate_function = RegexValidator(r"^\d{1,4}$", _("Une fonction M57 compte de 1 à 4 chiffres (ex. 313)."))


class Authority(TimeStampedModel):
    """The public buyer (acheteur public), a local authority."""

    name = models.CharField(_("nom"), max_length=200)
    siret = models.CharField(
        _("SIRET"), max_length=14, unique=True, validators=[validate_siret],
        error_messages={"unique": _("Un acheteur public a déjà ce SIRET.")},
    )
    street = models.CharField(_("adresse"), max_length=200)
    postal_code = models.CharField(_("code postal"), max_length=5, validators=[validate_postal_code])
    city = models.CharField(_("commune"), max_length=100)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True, validators=[validate_phone],
                             help_text=_("Le standard de l'acheteur, donné dans les avis européens (eForms)."))
    kind = models.CharField(_("nature"), max_length=32, choices=AuthorityKind.choices)
    large_operating_budget = models.BooleanField(
        _("dépenses de fonctionnement > 60 M€"),
        default=False,
        help_text=_("Fixe les taux d'avance et de retenue de garantie des PME (R.2191-7, R.2191-35)."),
    )
    # The tribunal administratif that hears this buyer's procurement disputes, named in its EU notices.
    review_body_name = models.CharField(_("instance chargée des recours"), max_length=200, blank=True,
                                        help_text=_("Par exemple : Tribunal administratif d'Orléans."))
    review_body_postal_code = models.CharField(_("code postal de l'instance de recours"), max_length=5, blank=True,
                                               validators=[validate_postal_code])
    review_body_city = models.CharField(_("commune de l'instance de recours"), max_length=100, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("acheteur public")
        verbose_name_plural = _("acheteurs publics")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def siret_display(self) -> str:
        return stdnum_siret.format(self.siret) if self.siret else ""

    def get_abilities(self, user) -> dict[str, bool]:
        return list_abilities(user)


class Programme(TimeStampedModel):
    """A programme (the BNM) carried by a buyer, with its multi-year budget."""

    reference = models.CharField(
        _("référence"), max_length=20, unique=True, validators=[validate_reference],
        error_messages={"unique": _("Un programme a déjà cette référence.")},
    )
    name = models.CharField(_("intitulé"), max_length=200)
    authority = models.ForeignKey(
        Authority, on_delete=models.PROTECT, related_name="programmes", verbose_name=_("acheteur public")
    )
    description = models.TextField(_("description"), blank=True)
    envelope_ttc = MoneyField(
        _("enveloppe PPI (TTC)"), null=True, blank=True,
        help_text=_("Enveloppe du plan pluriannuel d'investissement."),
    )
    start_year = models.IntegerField(_("année de début"), null=True, blank=True)
    end_year = models.IntegerField(_("année de fin"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(envelope_ttc__isnull=True) | Q(envelope_ttc__gte=0),
                name="programme_envelope_not_negative",
                violation_error_message=_("L'enveloppe du programme ne peut pas être négative."),
            ),
            models.CheckConstraint(
                condition=(Q(start_year__isnull=True) | Q(start_year__gte=MIN_YEAR, start_year__lte=MAX_YEAR))
                & (Q(end_year__isnull=True) | Q(end_year__gte=MIN_YEAR, end_year__lte=MAX_YEAR)),
                name="programme_years_in_range",
                violation_error_message=_(
                    "Les années du programme doivent être comprises entre 2000 et 2100."
                ),
            ),
            models.CheckConstraint(
                condition=Q(start_year__isnull=True) | Q(end_year__isnull=True)
                | Q(end_year__gte=models.F("start_year")),
                name="programme_years_ordered",
                violation_error_message=_("L'année de fin du programme doit suivre son année de début."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("programmes:detail", args=[self.reference])

    def get_abilities(self, user) -> dict[str, bool]:
        return list_abilities(user)


class BudgetLine(TimeStampedModel):
    """A budget line of a programme: section, M57 imputation and, when multi-year, its AP or AE."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="budget_lines", verbose_name=_("programme")
    )
    section = models.CharField(_("section"), max_length=16, choices=BudgetSection.choices)
    label = models.CharField(_("libellé"), max_length=200)
    chapter = models.CharField(_("chapitre"), max_length=3, validators=[validate_chapter])
    article = models.CharField(_("article"), max_length=6, validators=[validate_article])
    function = models.CharField(_("fonction"), max_length=4, blank=True, validators=[validate_function])
    authorisation_reference = models.CharField(
        _("référence de l'autorisation (AP/AE)"), max_length=40, blank=True,
        help_text=_("Autorisation de programme en investissement, d'engagement en fonctionnement."),
    )
    authorisation_amount_ttc = MoneyField(_("montant de l'autorisation (TTC)"), null=True, blank=True)

    history = HistoricalRecords()
    # Set by a caller that checks the credits against the authorisation itself, on the final
    # figures (a service changing several years at once, the admin form with its credits inline).
    defer_authorisation_check = False

    class Meta:
        verbose_name = _("ligne budgétaire")
        verbose_name_plural = _("lignes budgétaires")
        ordering = ["programme_id", "section", "chapter", "article", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "label"],
                name="budget_line_unique_label",
                violation_error_message=_("Ce programme a déjà une ligne budgétaire de ce libellé."),
            ),
            models.UniqueConstraint(
                fields=["programme", "authorisation_reference"],
                condition=~Q(authorisation_reference=""),
                name="budget_line_unique_authorisation",
                violation_error_message=_("Une autre ligne de ce programme porte déjà cette autorisation."),
            ),
            models.CheckConstraint(
                condition=Q(authorisation_amount_ttc__isnull=True) | Q(authorisation_amount_ttc__gte=0),
                name="budget_line_authorisation_not_negative",
                violation_error_message=_("Le montant d'une autorisation ne peut pas être négatif."),
            ),
            models.CheckConstraint(
                condition=Q(authorisation_reference="", authorisation_amount_ttc__isnull=True)
                | (~Q(authorisation_reference="") & Q(authorisation_amount_ttc__isnull=False)),
                name="budget_line_authorisation_complete",
                violation_error_message=_(
                    "Une autorisation (AP ou AE) a une référence et un montant : "
                    "renseignez les deux ou aucun."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.imputation})"

    @property
    def authorisation_kind(self) -> AuthorisationKind | None:
        """AP (autorisation de programme) in investment, AE (autorisation d'engagement) in operating."""
        return AUTHORISATION_KIND_BY_SECTION.get(self.section)

    @property
    def authorisation_kind_label(self) -> str:
        kind = self.authorisation_kind
        return str(kind.label) if kind else ""

    @property
    def has_authorisation(self) -> bool:
        return self.authorisation_amount_ttc is not None

    @property
    def imputation(self) -> str:
        parts = [f"chap. {self.chapter}", f"art. {self.article}"]
        if self.function:
            parts.append(f"fonct. {self.function}")
        return " / ".join(parts)

    @property
    def authorisation_display(self) -> str:
        """``AE AE-BNM-RES : 1 200 000,00 €``, or an empty string for a line voted year by year."""
        if not self.has_authorisation or self.authorisation_kind is None:
            return ""
        amount = format_eur(self.authorisation_amount_ttc)
        return f"{self.authorisation_kind} {self.authorisation_reference} : {amount}"

    def authorisation_error(self, credits_total_ttc: Decimal) -> str | None:
        """The French refusal when ``credits_total_ttc`` exceeds the authorisation, else None."""
        if not self.has_authorisation or self.authorisation_kind is None:
            return None
        total = round_money(credits_total_ttc)
        if total <= self.authorisation_amount_ttc:
            return None
        return _(
            "Les crédits de paiement (%(credits)s) dépassent l'%(kind)s %(reference)s (%(authorisation)s)."
        ) % {
            "credits": format_eur(total),
            "kind": self.authorisation_kind.label,
            "reference": self.authorisation_reference,
            "authorisation": format_eur(self.authorisation_amount_ttc),
        }

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        classes = ARTICLE_CLASSES_BY_SECTION.get(self.section)
        if classes and self.article and not self.article.startswith(classes):
            listed = ", ".join(classes[:-1]) + " ou " + classes[-1] if len(classes) > 1 else classes[0]
            errors["article"] = _(
                "En section %(section)s, l'article d'une dépense commence par %(classes)s (classe M57)."
            ) % {"section": BudgetSection(self.section).label.lower(), "classes": listed}
        amount = self.authorisation_amount_ttc
        if self.pk and not self.defer_authorisation_check and isinstance(amount, Decimal | int):
            message = self.authorisation_error(self.credits_total_in_database())
            if message:
                errors["authorisation_amount_ttc"] = message
        if errors:
            raise ValidationError(errors)

    def credits_total_in_database(self, *, excluding_pk: int | None = None) -> Decimal:
        credits = BudgetCredit.objects.filter(budget_line_id=self.pk)
        if excluding_pk is not None:
            credits = credits.exclude(pk=excluding_pk)
        return credits.aggregate(total=models.Sum("amount_ttc"))["total"] or Decimal("0")

    def get_abilities(self, user) -> dict[str, bool]:
        return list_abilities(user)


class BudgetCredit(TimeStampedModel):
    """The payment credits (crédits de paiement, CP) voted for a budget line in a year, TTC."""

    budget_line = models.ForeignKey(
        BudgetLine, on_delete=models.CASCADE, related_name="credits", verbose_name=_("ligne budgétaire")
    )
    year = models.IntegerField(_("exercice"))
    amount_ttc = MoneyField(_("crédits de paiement (TTC)"))

    history = HistoricalRecords()
    defer_authorisation_check = False

    class Meta:
        verbose_name = _("crédit de paiement")
        verbose_name_plural = _("crédits de paiement")
        ordering = ["budget_line_id", "year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=MIN_YEAR, year__lte=MAX_YEAR),
                name="budget_credit_year_in_range",
                violation_error_message=_("L'exercice doit être compris entre 2000 et 2100."),
            ),
            models.CheckConstraint(
                condition=Q(amount_ttc__gte=0),
                name="budget_credit_amount_not_negative",
                violation_error_message=_("Les crédits de paiement ne peuvent pas être négatifs."),
            ),
            models.UniqueConstraint(
                fields=["budget_line", "year"],
                name="budget_credit_unique_year",
                violation_error_message=_("Cette ligne a déjà des crédits de paiement pour cet exercice."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} : {format_eur(self.amount_ttc)}"

    def clean(self) -> None:
        super().clean()
        amount_valid = isinstance(self.amount_ttc, Decimal | int)
        if self.defer_authorisation_check or not amount_valid or not self.budget_line_id:
            return
        line = self.budget_line
        if not line.has_authorisation:
            return
        others = line.credits_total_in_database(excluding_pk=self.pk)
        message = line.authorisation_error(others + self.amount_ttc)
        if message:
            raise ValidationError({"amount_ttc": message})

    def get_abilities(self, user) -> dict[str, bool]:
        return list_abilities(user)
