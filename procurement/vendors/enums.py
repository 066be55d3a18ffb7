from django.db import models
from django.utils.translation import gettext_lazy as _


class ComplianceKind(models.TextChoices):
    """The certificates a supplier hands over before an award and while a contract runs."""

    URSSAF_VIGILANCE = "urssaf_vigilance", _("attestation de vigilance URSSAF")
    TAX_CERTIFICATE = "tax_certificate", _("attestation de régularité fiscale")
    KBIS = "kbis", _("extrait Kbis")
    INSURANCE = "insurance", _("attestation d'assurance")


# The certificates the award guard requires (CCP R.2143-6 to R.2143-10, Code du travail D.8222-5).
REQUIRED_CERTIFICATES: tuple[ComplianceKind, ...] = (
    ComplianceKind.URSSAF_VIGILANCE,
    ComplianceKind.TAX_CERTIFICATE,
    ComplianceKind.KBIS,
)


class ComplianceStatus(models.TextChoices):
    """Ordered from the best to the worst: a summary shows the worst status of its parts."""

    VALID = "valid", _("valide")
    EXPIRING = "expiring", _("expire bientôt")
    EXPIRED = "expired", _("expirée")
    MISSING = "missing", _("manquante")


STATUS_SEVERITY: dict[str, int] = {
    ComplianceStatus.VALID: 0,
    ComplianceStatus.EXPIRING: 1,
    ComplianceStatus.EXPIRED: 2,
    ComplianceStatus.MISSING: 3,
}

# CSS modifier of the ``badge`` class for each status (app.css).
STATUS_BADGE: dict[str, str] = {
    ComplianceStatus.VALID: "badge--ok",
    ComplianceStatus.EXPIRING: "badge--warn",
    ComplianceStatus.EXPIRED: "badge--err",
    ComplianceStatus.MISSING: "badge--err",
}

# A certificate that lapses within this many days is flagged "expire bientôt".
EXPIRING_SOON_DAYS = 30
