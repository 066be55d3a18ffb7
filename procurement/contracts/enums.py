"""The choices of the contracts app, in one place (stored values in English, labels in French)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContractState(models.TextChoices):
    TO_SIGN = "to_sign", _("À signer")
    SIGNED = "signed", _("Signé")
    TRANSMITTED = "transmitted", _("Transmis au contrôle de légalité")
    NOTIFIED = "notified", _("Notifié")
    RENEWED = "renewed", _("Reconduit")
    ENDED = "ended", _("Échu")
    TERMINATED = "terminated", _("Résilié")


EXECUTING = (ContractState.NOTIFIED, ContractState.RENEWED)
CLOSED = (ContractState.ENDED, ContractState.TERMINATED)


class GroupKind(models.TextChoices):
    """The DECP's ``typeGroupementOperateurs``."""

    NONE = "none", _("Pas de groupement")
    JOINT = "joint", _("Groupement conjoint")
    JOINT_AND_SEVERAL = "joint_and_several", _("Groupement solidaire")


DECP_GROUP = {GroupKind.NONE: "Pas de groupement", GroupKind.JOINT: "Conjoint",
              GroupKind.JOINT_AND_SEVERAL: "Solidaire"}


class RenewalMode(models.TextChoices):
    NONE = "none", _("Sans reconduction")
    TACIT = "tacit", _("Reconduction tacite")
    EXPRESS = "express", _("Reconduction expresse")


class RenewalDecisionKind(models.TextChoices):
    RENEW = "renew", _("Reconduire")
    REFUSE = "refuse", _("Ne pas reconduire")


class MaintenanceStart(models.TextChoices):
    START = "start", _("Premier anniversaire du début d'exécution")
    ACCEPTANCE = "acceptance", _("Premier anniversaire de la réception")


class GuaranteeKind(models.TextChoices):
    NONE = "none", _("Aucune")
    RETENTION = "retention", _("Retenue de garantie")
    FIRST_DEMAND = "first_demand", _("Garantie à première demande")
    SURETY = "surety", _("Caution personnelle et solidaire")


class CoefficientRounding(models.TextChoices):
    HALF_UP = "half_up", _("Arrondi au plus proche (demi vers le haut)")
    DOWN = "down", _("Troncature")
    UP = "up", _("Arrondi par excès")


class AmendmentBasis(models.TextChoices):
    REVIEW_CLAUSE = "R2194-1", _("R.2194-1 — clause de réexamen")
    ADDITIONAL_SERVICES = "R2194-2", _("R.2194-2 — prestations supplémentaires")
    UNFORESEEABLE = "R2194-5", _("R.2194-5 — circonstances imprévisibles")
    NEW_HOLDER = "R2194-6", _("R.2194-6 — nouveau titulaire")
    NON_SUBSTANTIAL = "R2194-7", _("R.2194-7 — modification non substantielle")
    DE_MINIMIS = "R2194-8", _("R.2194-8 — modification de faible montant (de minimis)")


# Bases whose single modification is capped at a share of the initial amount (R.2194-3, R.2194-5).
CAPPED_BASES = (AmendmentBasis.ADDITIONAL_SERVICES, AmendmentBasis.UNFORESEEABLE)


class SubcontractStatus(models.TextChoices):
    DECLARED = "declared", _("Déclarée (DC4)")
    ACCEPTED = "accepted", _("Acceptée")
    REFUSED = "refused", _("Refusée")


class InvoiceStatus(models.TextChoices):
    """Derived from the invoice's dates, in this order of precedence."""

    PAID = "paid", _("Payée")
    INTERRUPTED = "interrupted", _("Délai suspendu (pièce manquante)")
    AWAITING_SERVICE = "awaiting_service", _("Service fait à constater")
    TO_PAY = "to_pay", _("À payer")


class InvoiceFileSyntax(models.TextChoices):
    """The electronic invoice formats Chorus Pro accepts."""

    FACTUR_X = "factur-x", _("Factur-X (PDF)")
    UBL = "ubl", _("UBL 2.1")
    CII = "cii", _("CII")


class ReminderKind(models.TextChoices):
    RENEWAL_DECISION = "renewal_decision", _("Décision de reconduction")
    ATTESTATION_EXPIRY = "attestation_expiry", _("Attestation de fournisseur expirant")
    PAYMENT_DEADLINE = "payment_deadline", _("Échéance de paiement d'une facture")
