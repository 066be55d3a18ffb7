from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The groups users belong to; Django staff are the administrators."""

    BUYER = "buyers", _("Acheteur")
    EVALUATOR = "evaluators", _("Membre de commission d'évaluation")
    FINANCE = "finance", _("Finances")


class Unit(models.TextChoices):
    EUR_HT = "eur_ht", _("€ HT")
    EUR = "eur", _("€")
    PERCENT = "percent", _("%")
    DAYS = "days", _("jours")
    MONTHS = "months", _("mois")
    YEARS = "years", _("ans")
    FLAG = "flag", _("oui (1) / non (0)")


class ReferenceKind(models.TextChoices):
    """Legal figures that change over time; each row of ReferenceValue dates one value."""

    EU_THRESHOLD_SUPPLIES_SERVICES_SUBCENTRAL = (
        "eu_threshold_supplies_services_subcentral",
        _("Seuil européen, fournitures et services, collectivités territoriales"),
    )
    EU_THRESHOLD_SUPPLIES_SERVICES_CENTRAL = (
        "eu_threshold_supplies_services_central",
        _("Seuil européen, fournitures et services, État"),
    )
    EU_THRESHOLD_WORKS = "eu_threshold_works", _("Seuil européen, travaux")
    EU_THRESHOLD_SOCIAL_SERVICES = (
        "eu_threshold_social_services",
        _("Seuil européen, services sociaux et autres services spécifiques"),
    )
    DISPENSE_THRESHOLD_SUPPLIES_SERVICES = (
        "dispense_threshold_supplies_services",
        _("Seuil de dispense de publicité et de mise en concurrence, fournitures et services"),
    )
    DISPENSE_THRESHOLD_WORKS = "dispense_threshold_works", _("Seuil de dispense, travaux")
    MAPA_PUBLICITY_THRESHOLD = (
        "mapa_publicity_threshold",
        _("Seuil de publicité au BOAMP ou dans un JAL en procédure adaptée"),
    )
    SMALL_LOT_SUPPLIES_SERVICES = "small_lot_supplies_services", _("Petit lot, fournitures et services")
    SMALL_LOT_WORKS = "small_lot_works", _("Petit lot, travaux")
    SMALL_LOTS_MAX_SHARE = "small_lots_max_share", _("Part maximale des petits lots dans la valeur totale")
    LEGALITY_CONTROL_THRESHOLD = "legality_control_threshold", _("Seuil de transmission au contrôle de légalité")
    DECP_THRESHOLD = "decp_threshold", _("Seuil de publication des données essentielles")
    OPEN_MIN_DAYS = "open_min_days", _("Appel d'offres ouvert, délai minimal de réception des offres")
    OPEN_MIN_DAYS_ELECTRONIC = (
        "open_min_days_electronic",
        _("Appel d'offres ouvert, délai minimal avec transmission électronique"),
    )
    OPEN_MIN_DAYS_PIN_OR_URGENCY = (
        "open_min_days_pin_or_urgency",
        _("Appel d'offres ouvert, délai minimal après avis de préinformation ou en urgence"),
    )
    MAPA_SUGGESTED_MIN_DAYS = "mapa_suggested_min_days", _("Procédure adaptée, délai raisonnable conseillé")
    ANSWER_LIMIT_DAYS = "answer_limit_days", _("Réponses aux questions, au plus tard avant la date limite")
    ANSWER_LIMIT_DAYS_URGENCY = "answer_limit_days_urgency", _("Réponses aux questions en urgence")
    STANDSTILL_DAYS_ELECTRONIC = "standstill_days_electronic", _("Délai de suspension (envoi électronique)")
    STANDSTILL_DAYS_OTHER = "standstill_days_other", _("Délai de suspension (autre envoi)")
    AWARD_NOTICE_DAYS = "award_notice_days", _("Avis d'attribution, délai après signature")
    DECP_PUBLICATION_MONTHS = "decp_publication_months", _("Publication des données essentielles après notification")
    PAYMENT_DEADLINE_DAYS = "payment_deadline_days", _("Délai global de paiement, collectivités territoriales")
    LATE_PAYMENT_COMPENSATION = "late_payment_compensation", _("Indemnité forfaitaire pour frais de recouvrement")
    ECB_MAIN_RATE = "ecb_main_rate", _("Taux de refinancement principal de la BCE (1er jour du semestre)")
    LATE_INTEREST_MARGIN = "late_interest_margin", _("Majoration du taux des intérêts moratoires")
    VIGILANCE_VALIDITY_MONTHS = "vigilance_validity_months", _("Validité de l'attestation de vigilance URSSAF")
    VIGILANCE_MIN_AMOUNT = "vigilance_min_amount", _("Montant à partir duquel l'attestation de vigilance est exigée")
    ENVIRONMENTAL_CRITERION_REQUIRED = (
        "environmental_criterion_required",
        _("Critère environnemental obligatoire (loi Climat et résilience)"),
    )
    FRAMEWORK_MAX_YEARS = "framework_max_years", _("Durée maximale d'un accord-cadre")
    DE_MINIMIS_SUPPLIES_SERVICES = "de_minimis_supplies_services", _("Modification de minimis, fournitures et services")
    DE_MINIMIS_WORKS = "de_minimis_works", _("Modification de minimis, travaux")
    MODIFICATION_MAX_SHARE = (
        "modification_max_share", _("Plafond d'une modification (prestations supplémentaires, imprévus)")
    )
    CAO_OPINION_SHARE = "cao_opinion_share", _("Augmentation soumise à l'avis de la CAO")
    ADVANCE_MIN_AMOUNT = "advance_min_amount", _("Avance obligatoire au-delà de ce montant")
    ADVANCE_MIN_MONTHS = "advance_min_months", _("Avance obligatoire au-delà de cette durée")
    ADVANCE_MIN_RATE = "advance_min_rate", _("Taux minimal de l'avance")
    ADVANCE_MIN_RATE_SME = "advance_min_rate_sme", _("Taux minimal de l'avance pour une PME")
    RETENTION_MAX_RATE = "retention_max_rate", _("Retenue de garantie maximale")
    RETENTION_MAX_RATE_SME = "retention_max_rate_sme", _("Retenue de garantie maximale pour une PME")
    SUBCONTRACT_DIRECT_PAYMENT = "subcontract_direct_payment", _("Paiement direct du sous-traitant à partir de (TTC)")
    VAT_STANDARD = "vat_standard", _("TVA, taux normal")
    VAT_INTERMEDIATE = "vat_intermediate", _("TVA, taux intermédiaire")
    VAT_REDUCED = "vat_reduced", _("TVA, taux réduit (livres numériques)")
    VAT_PRESS = "vat_press", _("TVA, taux particulier (presse en ligne CPPAP)")


_EUR_HT = (
    ReferenceKind.EU_THRESHOLD_SUPPLIES_SERVICES_SUBCENTRAL, ReferenceKind.EU_THRESHOLD_SUPPLIES_SERVICES_CENTRAL,
    ReferenceKind.EU_THRESHOLD_WORKS, ReferenceKind.EU_THRESHOLD_SOCIAL_SERVICES,
    ReferenceKind.DISPENSE_THRESHOLD_SUPPLIES_SERVICES, ReferenceKind.DISPENSE_THRESHOLD_WORKS,
    ReferenceKind.MAPA_PUBLICITY_THRESHOLD, ReferenceKind.SMALL_LOT_SUPPLIES_SERVICES, ReferenceKind.SMALL_LOT_WORKS,
    ReferenceKind.LEGALITY_CONTROL_THRESHOLD, ReferenceKind.DECP_THRESHOLD, ReferenceKind.VIGILANCE_MIN_AMOUNT,
    ReferenceKind.ADVANCE_MIN_AMOUNT,
)
_EUR = (ReferenceKind.LATE_PAYMENT_COMPENSATION, ReferenceKind.SUBCONTRACT_DIRECT_PAYMENT)
_DAYS = (
    ReferenceKind.OPEN_MIN_DAYS, ReferenceKind.OPEN_MIN_DAYS_ELECTRONIC, ReferenceKind.OPEN_MIN_DAYS_PIN_OR_URGENCY,
    ReferenceKind.MAPA_SUGGESTED_MIN_DAYS, ReferenceKind.ANSWER_LIMIT_DAYS, ReferenceKind.ANSWER_LIMIT_DAYS_URGENCY,
    ReferenceKind.STANDSTILL_DAYS_ELECTRONIC, ReferenceKind.STANDSTILL_DAYS_OTHER, ReferenceKind.AWARD_NOTICE_DAYS,
    ReferenceKind.PAYMENT_DEADLINE_DAYS,
)
_MONTHS = (
    ReferenceKind.DECP_PUBLICATION_MONTHS, ReferenceKind.VIGILANCE_VALIDITY_MONTHS, ReferenceKind.ADVANCE_MIN_MONTHS,
)
REFERENCE_UNITS: dict[str, str] = {
    **dict.fromkeys(_EUR_HT, Unit.EUR_HT),
    **dict.fromkeys(_EUR, Unit.EUR),
    **dict.fromkeys(_DAYS, Unit.DAYS),
    **dict.fromkeys(_MONTHS, Unit.MONTHS),
    ReferenceKind.FRAMEWORK_MAX_YEARS: Unit.YEARS,
    ReferenceKind.ENVIRONMENTAL_CRITERION_REQUIRED: Unit.FLAG,
}


def unit_of(kind: str) -> str:
    return REFERENCE_UNITS.get(kind, Unit.PERCENT)
