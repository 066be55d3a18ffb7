from django.db import models
from django.utils.translation import gettext_lazy as _


class AuthorityKind(models.TextChoices):
    """The kind of local authority buying (the "acheteur public")."""

    METROPOLE = "metropole", _("Métropole")
    URBAN_COMMUNITY = "urban_community", _("Communauté urbaine")
    AGGLOMERATION_COMMUNITY = "agglomeration_community", _("Communauté d'agglomération")
    COMMUNES_COMMUNITY = "communes_community", _("Communauté de communes")
    COMMUNE = "commune", _("Commune")
    DEPARTMENT = "department", _("Département")
    REGION = "region", _("Région")
    SYNDICATE = "syndicate", _("Syndicat mixte")


class BudgetSection(models.TextChoices):
    """The two sections of a local authority's budget."""

    INVESTMENT = "investment", _("Investissement")
    OPERATING = "operating", _("Fonctionnement")


class AuthorisationKind(models.TextChoices):
    """Multi-year authorisations: AP for investment, AE for operating (CGCT L.2311-3)."""

    AP = "AP", _("autorisation de programme")
    AE = "AE", _("autorisation d'engagement")


AUTHORISATION_KIND_BY_SECTION: dict[str, AuthorisationKind] = {
    BudgetSection.INVESTMENT: AuthorisationKind.AP,
    BudgetSection.OPERATING: AuthorisationKind.AE,
}

# M57: the first digit of an expense article is its class; an operating expense is in class 6,
# an investment expense in class 2 (fixed assets), 1 (debt repayment) or 4 (third-party works).
ARTICLE_CLASSES_BY_SECTION: dict[str, tuple[str, ...]] = {
    BudgetSection.INVESTMENT: ("1", "2", "4"),
    BudgetSection.OPERATING: ("6",),
}


class CouncilActKind(models.TextChoices):
    """What authorises the executive to sign a contract (CGCT L.2122-21-1, L.2122-22, L.5211-10)."""

    DELEGATION = "delegation", _("Délégation du conseil à l'exécutif")
    DELIBERATION = "deliberation", _("Délibération spécifique")


class BodyKind(models.TextChoices):
    """The programme's governance bodies."""

    COPIL = "copil", _("Comité de pilotage (COPIL)")
    RMB = "rmb", _("Réseau métropolitain des bibliothèques (RMB)")
    COPROJ = "coproj", _("Comité de projet (COPROJ)")
    OTHER = "other", _("Autre instance")
