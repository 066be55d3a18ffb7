"""Sharing a programme's costs among its members (the Métropole and its communes): the agreement over
a range of years and its convention, the members with their libraries and their legal population of
each year, what is shared (contracts, budget lines), and the keys that divide it.

The amounts shared are never stored here: they are read each time from the finance schedule
(``contracts.selectors.finance.commitments``), so the shares follow the contracts' orders, revisions
and renewals as the finance pages do."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from procurement.core.models import TimeStampedModel
from procurement.core.money import MoneyField
from procurement.sharing.enums import KeyBasis, MemberKind

MIN_YEAR, MAX_YEAR = 2000, 2100
# The single-component keys are named by their basis; a named key may not take one of these names.
BUILTIN_KEY_NAMES = tuple(KeyBasis.values)

validate_key_name = RegexValidator(
    r"^[a-z0-9][a-z0-9_-]*$",
    _("Un nom de clé s'écrit en minuscules, chiffres, tirets et soulignés (ex. mixte-50-50) : il sert aussi en "
      "ligne de commande."),
)
_year_validators = [MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]


class Agreement(TimeStampedModel):
    """The convention by which the members share some of a programme's costs over a range of years."""

    programme = models.ForeignKey("programmes.Programme", on_delete=models.PROTECT,
                                  related_name="sharing_agreements", verbose_name=_("programme"))
    name = models.CharField(_("intitulé"), max_length=200)
    start_year = models.PositiveSmallIntegerField(_("première année"), validators=_year_validators)
    end_year = models.PositiveSmallIntegerField(_("dernière année"), validators=_year_validators)
    council_act = models.ForeignKey(
        "programmes.CouncilAct", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("délibération"),
        help_text=_("La délibération du conseil qui approuve la convention, parmi les actes enregistrés."))
    convention_reference = models.CharField(
        _("référence de la convention"), max_length=200, blank=True,
        help_text=_("Par exemple : convention de groupement de commandes n° 2024-031."))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("convention de partage des coûts")
        verbose_name_plural = _("conventions de partage des coûts")
        ordering = ["programme_id", "-start_year", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(end_year__gte=F("start_year")), name="agreement_years_ordered",
                                   violation_error_message=_("La dernière année suit la première.")),
            models.CheckConstraint(
                condition=Q(start_year__gte=MIN_YEAR, start_year__lte=MAX_YEAR, end_year__gte=MIN_YEAR,
                            end_year__lte=MAX_YEAR),
                name="agreement_years_in_range",
                violation_error_message=_("Les années de la convention sont comprises entre 2000 et 2100.")),
            models.CheckConstraint(
                condition=Q(council_act__isnull=False) | ~Q(convention_reference=""),
                name="agreement_convention_given",
                violation_error_message=_("Indiquez la convention : la délibération qui l'approuve ou sa "
                                          "référence.")),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.start_year}–{self.end_year})"

    @property
    def years(self) -> list[int]:
        return list(range(self.start_year, self.end_year + 1))

    @property
    def convention_label(self) -> str:
        """The convention as a statement names it: its reference, and the deliberation approving it."""
        parts = [self.convention_reference] if self.convention_reference else []
        if self.council_act_id is not None:
            parts.append(str(self.council_act))
        return " — ".join(parts)

    def get_abilities(self, user) -> dict[str, bool]:
        from procurement.sharing.abilities import agreement_abilities

        return agreement_abilities(self, user)


class Member(TimeStampedModel):
    """A party to the agreement: the Métropole or a commune, with the libraries whose uses it answers for."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="members",
                                  verbose_name=_("convention"))
    kind = models.CharField(_("nature"), max_length=16, choices=MemberKind.choices, default=MemberKind.COMMUNE)
    name = models.CharField(_("membre"), max_length=200)
    libraries = models.ManyToManyField("resources.Library", through="MemberLibrary", related_name="+",
                                       blank=True, verbose_name=_("bibliothèques"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membre")
        verbose_name_plural = _("membres")
        ordering = ["agreement_id", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "name"], name="sharing_member_unique_name",
                                    violation_error_message=_("La convention a déjà un membre de ce nom.")),
            models.CheckConstraint(condition=~Q(name=""), name="sharing_member_named",
                                   violation_error_message=_("Nommez le membre.")),
        ]

    def __str__(self) -> str:
        return self.name


class MemberLibrary(models.Model):
    """A library whose COUNTER uses count for a member; a library answers to one member of an agreement."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("convention"))
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="member_libraries",
                               verbose_name=_("membre"))
    library = models.ForeignKey("resources.Library", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("bibliothèque"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bibliothèque d'un membre")
        verbose_name_plural = _("bibliothèques des membres")
        ordering = ["member_id", "library_id"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "library"], name="sharing_library_one_member",
                                    violation_error_message=_("Cette bibliothèque est déjà rattachée à un membre "
                                                              "de la convention.")),
        ]

    def __str__(self) -> str:
        return f"{self.member} — {self.library}"


class MemberPopulation(models.Model):
    """The member's legal population (INSEE) used for one year of the agreement: a row per year, so
    that it may change from one year to the next."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="populations",
                               verbose_name=_("membre"))
    year = models.PositiveSmallIntegerField(_("année"), validators=_year_validators)
    population = models.PositiveIntegerField(_("population légale"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("population d'un membre")
        verbose_name_plural = _("populations des membres")
        ordering = ["member_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="sharing_population_once_a_year",
                                    violation_error_message=_("Ce membre a déjà une population pour cette "
                                                              "année.")),
            models.CheckConstraint(condition=Q(population__gte=0), name="sharing_population_not_negative",
                                   violation_error_message=_("Une population est positive ou nulle.")),
            models.CheckConstraint(condition=Q(year__gte=MIN_YEAR, year__lte=MAX_YEAR),
                                   name="sharing_population_year_in_range",
                                   violation_error_message=_("L'année est comprise entre 2000 et 2100.")),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.year} : {self.population}"


class SharedItem(models.Model):
    """Something whose yearly cost the members share: a contract (all its budget lines), a budget line
    (every contract charged to it), or one contract on one budget line (a contract's maintenance)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="items",
                                  verbose_name=_("convention"))
    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("marché"))
    budget_line = models.ForeignKey("programmes.BudgetLine", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("ligne budgétaire"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dépense partagée")
        verbose_name_plural = _("dépenses partagées")
        ordering = ["agreement_id", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(contract__isnull=False) | Q(budget_line__isnull=False),
                                   name="shared_item_names_something",
                                   violation_error_message=_("Choisissez un marché, une ligne budgétaire, ou "
                                                             "les deux.")),
            models.UniqueConstraint(fields=["agreement", "contract", "budget_line"],
                                    condition=Q(contract__isnull=False, budget_line__isnull=False),
                                    name="shared_item_once_contract_line",
                                    violation_error_message=_("Ce marché sur cette ligne est déjà partagé.")),
            models.UniqueConstraint(fields=["agreement", "contract"], condition=Q(budget_line__isnull=True),
                                    name="shared_item_once_contract",
                                    violation_error_message=_("Ce marché est déjà partagé.")),
            models.UniqueConstraint(fields=["agreement", "budget_line"], condition=Q(contract__isnull=True),
                                    name="shared_item_once_line",
                                    violation_error_message=_("Cette ligne budgétaire est déjà partagée.")),
        ]

    def __str__(self) -> str:
        if self.contract_id and self.budget_line_id:
            return f"{self.contract.reference} — {self.budget_line.label}"
        if self.contract_id:
            return self.contract.reference
        return self.budget_line.label

    def covers(self, contract_id: int, budget_line_id: int) -> bool:
        """Whether a (contract, budget line) cell of the finance schedule is shared by this item."""
        return ((self.contract_id is None or self.contract_id == contract_id)
                and (self.budget_line_id is None or self.budget_line_id == budget_line_id))


class SharingKey(TimeStampedModel):
    """A named key: components (population, uses, flat) with their weights, and floors or caps per member.
    The agreement applies one of its keys; the others are there to compare."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="keys",
                                  verbose_name=_("convention"))
    name = models.CharField(_("nom"), max_length=40, validators=[validate_key_name],
                            help_text=_("En minuscules, sans espace : mixte-50-50."))
    label = models.CharField(_("libellé"), max_length=200)
    is_applied = models.BooleanField(_("clé appliquée"), default=False,
                                     help_text=_("La clé que la convention applique ; les autres servent à "
                                                 "comparer."))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("clé de répartition")
        verbose_name_plural = _("clés de répartition")
        ordering = ["agreement_id", "-is_applied", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "name"], name="sharing_key_unique_name",
                                    violation_error_message=_("La convention a déjà une clé de ce nom.")),
            models.UniqueConstraint(fields=["agreement"], condition=Q(is_applied=True),
                                    name="sharing_key_one_applied",
                                    violation_error_message=_("La convention applique déjà une autre clé.")),
            models.CheckConstraint(condition=~Q(name__in=BUILTIN_KEY_NAMES), name="sharing_key_name_not_builtin",
                                   violation_error_message=_("population, usage et flat désignent les clés à une "
                                                             "seule composante : choisissez un autre nom.")),
        ]

    def __str__(self) -> str:
        return f"{self.name} — {self.label}"


class KeyComponent(models.Model):
    """A part of a key: what it divides by and its weight (the weights are relative: 50 and 50, or 1 and 1)."""

    key = models.ForeignKey(SharingKey, on_delete=models.CASCADE, related_name="components",
                            verbose_name=_("clé"))
    basis = models.CharField(_("composante"), max_length=16, choices=KeyBasis.choices)
    weight = models.DecimalField(_("poids"), max_digits=9, decimal_places=4)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("composante d'une clé")
        verbose_name_plural = _("composantes des clés")
        ordering = ["key_id", "basis"]
        constraints = [
            models.UniqueConstraint(fields=["key", "basis"], name="key_component_once",
                                    violation_error_message=_("Cette clé a déjà cette composante.")),
            models.CheckConstraint(condition=Q(weight__gt=0), name="key_component_weight_positive",
                                   violation_error_message=_("Le poids d'une composante est strictement positif.")),
        ]

    def __str__(self) -> str:
        return f"{self.get_basis_display()} × {self.weight.normalize():f}"


class MemberBound(models.Model):
    """What a member pays at least (floor) or at most (cap) each year under a key, TTC; what a bound
    holds back or adds is shared among the other members in proportion to the key."""

    key = models.ForeignKey(SharingKey, on_delete=models.CASCADE, related_name="bounds", verbose_name=_("clé"))
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="bounds", verbose_name=_("membre"))
    floor_ttc = MoneyField(_("plancher annuel TTC"), null=True, blank=True)
    cap_ttc = MoneyField(_("plafond annuel TTC"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plancher ou plafond d'un membre")
        verbose_name_plural = _("planchers et plafonds des membres")
        ordering = ["key_id", "member_id"]
        constraints = [
            models.UniqueConstraint(fields=["key", "member"], name="member_bound_once",
                                    violation_error_message=_("Ce membre a déjà un plancher ou un plafond dans "
                                                              "cette clé.")),
            models.CheckConstraint(condition=Q(floor_ttc__isnull=False) | Q(cap_ttc__isnull=False),
                                   name="member_bound_given",
                                   violation_error_message=_("Indiquez un plancher, un plafond, ou les deux.")),
            models.CheckConstraint(condition=Q(floor_ttc__isnull=True) | Q(floor_ttc__gte=0),
                                   name="member_bound_floor_not_negative",
                                   violation_error_message=_("Un plancher est positif ou nul.")),
            models.CheckConstraint(condition=Q(cap_ttc__isnull=True) | Q(cap_ttc__gte=0),
                                   name="member_bound_cap_not_negative",
                                   violation_error_message=_("Un plafond est positif ou nul.")),
            models.CheckConstraint(
                condition=Q(floor_ttc__isnull=True) | Q(cap_ttc__isnull=True) | Q(cap_ttc__gte=F("floor_ttc")),
                name="member_bound_ordered",
                violation_error_message=_("Le plafond d'un membre ne peut pas être inférieur à son plancher.")),
        ]

    def __str__(self) -> str:
        return f"{self.key.name} — {self.member}"
