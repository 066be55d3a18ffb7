from django.db import models
from django.utils.translation import gettext_lazy as _


class Nature(models.TextChoices):
    SUPPLIES = "supplies", _("Fournitures")
    SERVICES = "services", _("Services")
    WORKS = "works", _("Travaux")


class Procedure(models.TextChoices):
    DISPENSE = "dispense", _("Marché sans publicité ni mise en concurrence préalables")
    MAPA = "mapa", _("Procédure adaptée (MAPA)")
    OPEN = "appel_offres_ouvert", _("Appel d'offres ouvert")


class Publicity(models.TextChoices):
    BUYER_PROFILE = "profil_acheteur", _("Profil d'acheteur")
    BOAMP = "boamp", _("BOAMP")
    JAL = "jal", _("Journal d'annonces légales")
    JOUE = "joue", _("Journal officiel de l'Union européenne")


class TenderState(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    READY = "ready", _("Prête à publier")
    PUBLISHED = "published", _("Publiée")
    CLOSED = "closed", _("Clôturée (offres scellées)")
    OPENED = "opened", _("Offres ouvertes")
    COMPLETED = "completed", _("Terminée")
    ABANDONED = "abandoned", _("Déclarée sans suite")


class LotState(models.TextChoices):
    EVALUATING = "evaluating", _("En analyse")
    AWARDED = "awarded", _("Attribué")
    UNSUCCESSFUL = "unsuccessful", _("Infructueux")
    ABANDONED = "abandoned", _("Sans suite")


# The DECP vocabulary (schema v2.0.x), stored as the exact strings the open data expects.
class PriceForm(models.TextChoices):
    UNIT = "Unitaire", _("Prix unitaires")
    LUMP_SUM = "Forfaitaire", _("Prix forfaitaire")
    MIXED = "Mixte", _("Prix mixtes")


class PriceType(models.TextChoices):
    FIRM = "Définitif ferme", _("Définitif ferme")
    ADJUSTABLE = "Définitif actualisable", _("Définitif actualisable")
    REVISABLE = "Définitif révisable", _("Définitif révisable")
    PROVISIONAL = "Provisoire", _("Provisoire")


class Technique(models.TextChoices):
    FRAMEWORK = "Accord-cadre", _("Accord-cadre")
    CONTEST = "Concours", _("Concours")
    QUALIFICATION = "Système de qualification", _("Système de qualification")
    DYNAMIC = "Système d'acquisition dynamique", _("Système d'acquisition dynamique")
    CATALOGUE = "Catalogue électronique", _("Catalogue électronique")
    AUCTION = "Enchère électronique", _("Enchère électronique")
    NONE = "Sans objet", _("Sans objet")


class ExecutionMode(models.TextChoices):
    TRANCHES = "Tranches", _("Tranches")
    PURCHASE_ORDERS = "Bons de commande", _("Bons de commande")
    SUBSEQUENT = "Marchés subséquents", _("Marchés subséquents")
    NONE = "Sans objet", _("Sans objet")


class Ccag(models.TextChoices):
    WORKS = "Travaux", _("CCAG Travaux")
    PROJECT_MANAGEMENT = "Maitrise d'œuvre", _("CCAG Maîtrise d'œuvre")
    SUPPLIES_SERVICES = "Fournitures courantes et services", _("CCAG Fournitures courantes et services")
    INDUSTRIAL = "Marchés industriels", _("CCAG Marchés industriels")
    INTELLECTUAL = "Prestations intellectuelles", _("CCAG Prestations intellectuelles")
    IT = (
        "Techniques de l'information et de la communication",
        _("CCAG Techniques de l'information et de la communication"),
    )
    NONE = "Pas de CCAG", _("Pas de CCAG")


class SocialConsideration(models.TextChoices):
    CLAUSE = "Clause sociale", _("Clause sociale")
    CRITERION = "Critère social", _("Critère social")
    RESERVED = "Marché réservé", _("Marché réservé")
    NONE = "Pas de considération sociale", _("Pas de considération sociale")


class EnvironmentalConsideration(models.TextChoices):
    CLAUSE = "Clause environnementale", _("Clause environnementale")
    CRITERION = "Critère environnemental", _("Critère environnemental")
    NONE = "Pas de considération environnementale", _("Pas de considération environnementale")


class PlaceCodeType(models.TextChoices):
    POSTAL = "Code postal", _("Code postal")
    COMMUNE = "Code commune", _("Code commune (INSEE)")
    DEPARTMENT = "Code département", _("Code département")
    REGION = "Code région", _("Code région")
    COUNTRY = "Code pays", _("Code pays")


class CriterionKind(models.TextChoices):
    PRICE = "price", _("Prix")
    TECHNICAL = "technical", _("Valeur technique")
    ENVIRONMENTAL = "environmental", _("Performance environnementale")
    SOCIAL = "social", _("Performance sociale")
    DELAY = "delay", _("Délai")


class PriceFormula(models.TextChoices):
    PROPORTIONAL = "proportional", _("Proportionnelle au prix le plus bas : N = Nmax × Pmin / P")
    LINEAR = "linear", _("Linéaire entre le prix le plus bas et le plus élevé")
    RELATIVE_GAP = "relative_gap", _("Écart relatif au prix le plus bas : N = Nmax × (1 − (P − Pmin) / Pmin)")
    MEAN = "mean", _("Relative à la moyenne des offres")


class PriceBasis(models.TextChoices):
    HT = "ht", _("HT")
    TTC = "ttc", _("TTC (taux de TVA différents entre candidats)")


class BidStatus(models.TextChoices):
    RECEIVED = "received", _("Reçue, scellée")
    LATE = "late", _("Hors délai, refusée")
    COMPLIANT = "compliant", _("Conforme")
    IRREGULAR = "irregular", _("Irrégulière")
    UNACCEPTABLE = "unacceptable", _("Inacceptable")
    INAPPROPRIATE = "inappropriate", _("Inappropriée")


class DepositChannel(models.TextChoices):
    """How a bid reached the buyer: an electronic deposit is stamped with the server's time when it is
    registered; a paper or physical-media deposit is recorded after the fact with its receipt time and
    the reason it was not registered at once."""

    ELECTRONIC = "electronic", _("Dépôt électronique (horodaté par le serveur)")
    PAPER = "paper", _("Pli papier ou support physique (enregistré après coup)")


class CandidatureForm(models.TextChoices):
    DC = "dc1_dc2", _("DC1 et DC2")
    DUME = "dume", _("DUME")


# Evaluation -----------------------------------------------------------------------------------


class ConsolidationMethod(models.TextChoices):
    MEAN = "mean", _("Moyenne des notes des évaluateurs")
    MEDIAN = "median", _("Médiane des notes des évaluateurs")


class TieBreak(models.TextChoices):
    PRICE_THEN_TECHNICAL = "price_then_technical", _("Meilleure note prix, puis meilleure note technique")
    TECHNICAL_THEN_PRICE = "technical_then_price", _("Meilleure note technique, puis meilleure note prix")


class AbnormallyLowMethod(models.TextChoices):
    REDUCED_MEAN = "reduced_mean", _("Moyenne réduite")
    MEAN_MINUS_SD = "mean_minus_sd", _("Moyenne moins un écart type")
    LOWEST_BID_GAP = "lowest_bid_gap", _("Écart de l'offre la plus basse avec les autres offres")


class AbnormallyLowDecision(models.TextChoices):
    PENDING = "pending", _("Décision en attente")
    ACCEPTED = "accepted", _("Offre acceptée après justification")
    REJECTED = "rejected", _("Offre rejetée comme anormalement basse")


# Commission d'appel d'offres -----------------------------------------------------------------------


class CaoRole(models.TextChoices):
    """Seats of a local authority's CAO (CGCT L.1411-5, L.1414-2)."""

    PRESIDENT = "president", _("Président(e)")
    MEMBER = "member", _("Membre titulaire")
    SUBSTITUTE = "substitute", _("Membre suppléant")
    ADVISORY = "advisory", _("Voix consultative")


class CaoOutcome(models.TextChoices):
    AWARD = "award", _("Attribution")
    UNSUCCESSFUL = "unsuccessful", _("Lot infructueux")


class CaoOpinionKind(models.TextChoices):
    FAVOURABLE = "favourable", _("Avis favorable")
    UNFAVOURABLE = "unfavourable", _("Avis défavorable")
