import uuid
from decimal import Decimal

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from procurement.core.models import ProtectedStateMixin, TimeStampedModel
from procurement.tenders.enums import (
    Ccag,
    Nature,
    PlaceCodeType,
    PriceForm,
    Procedure,
    TenderState,
)
from procurement.tenders.rules.guards import tender_guard

cpv_validator = RegexValidator(
    r"^[0-9]{8}(-[0-9])?$", _("Le code CPV s'écrit avec 8 chiffres, suivis éventuellement d'un tiret et d'un chiffre.")
)
reference_validator = RegexValidator(
    r"^[A-Z0-9][A-Z0-9-]{1,15}$",
    _("La référence s'écrit en majuscules, chiffres et tirets, 16 caractères au plus (ex. BNM-2024-01)."),
)

BEFORE_COMPLETION = [TenderState.DRAFT, TenderState.READY, TenderState.PUBLISHED, TenderState.CLOSED,
                     TenderState.OPENED]


def visible_tenders(user, *, path: str = "") -> Q | None:
    """The tenders ``user`` may see, as a condition on the tender reached through ``path`` (``""`` from
    a tender, ``"tender"`` from a lot, ``"lot__tender"`` from a bid…); ``None`` when none.

    The same rule as the tender's « view » ability (``tender_abilities``): buyers, finance and
    administrators see every tender; evaluators the opened or completed tenders whose committee they
    sit on, so a tender they do not evaluate shows them neither its bidders nor its files' hashes."""
    from procurement.core.permissions import may
    from procurement.tenders.models.bids import UNSEALED_STATES
    from procurement.tenders.models.evaluation import CommitteeMember

    if may(user, "tenders.read_sealed"):
        return Q()
    if may(user, "tenders.read"):
        prefix = f"{path}__" if path else ""
        seat = CommitteeMember.objects.filter(tender=OuterRef(path or "pk"), user=user)
        return Q(**{f"{prefix}state__in": UNSEALED_STATES}) & Q(Exists(seat))
    return None


class VisibleToQuerySet(models.QuerySet):
    """``visible_to(user)`` for a model that belongs to a tender through ``tender_path``."""

    tender_path = ""

    def visible_to(self, user):
        condition = visible_tenders(user, path=self.tender_path)
        return self.none() if condition is None else self.filter(condition)


class TenderQuerySet(VisibleToQuerySet):
    tender_path = ""


class Tender(ProtectedStateMixin, ConcurrentTransitionMixin, TimeStampedModel):
    """A consultation: the need, its procedure, its lots, and its lifecycle."""

    reference = models.CharField(_("référence"), max_length=16, unique=True, validators=[reference_validator])
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, null=True, blank=True, related_name="tenders",
        verbose_name=_("programme"),
    )
    object = models.CharField(_("objet"), max_length=1000)
    nature = models.CharField(_("nature"), max_length=16, choices=Nature.choices)
    cpv_code = models.CharField(_("code CPV principal"), max_length=10, validators=[cpv_validator])
    place_code = models.CharField(_("lieu d'exécution (code)"), max_length=10)
    place_code_type = models.CharField(
        _("type de code du lieu"), max_length=32, choices=PlaceCodeType.choices, default=PlaceCodeType.POSTAL
    )
    duration_months = models.PositiveSmallIntegerField(
        _("durée initiale (mois)"), validators=[MinValueValidator(1)]
    )
    renewals = models.PositiveSmallIntegerField(_("nombre de reconductions"), default=0)
    renewal_months = models.PositiveSmallIntegerField(_("durée d'une reconduction (mois)"), default=12)
    is_framework = models.BooleanField(_("accord-cadre"), default=False)
    procedure = models.CharField(_("procédure"), max_length=32, choices=Procedure.choices, blank=True)
    consultation_start = models.DateField(
        _("lancement de la consultation"), help_text=_("Les seuils en vigueur à cette date s'appliquent.")
    )
    notice_sent_on = models.DateField(_("envoi de l'avis de publicité"), null=True, blank=True)
    bid_deadline = models.DateTimeField(_("date limite de réception des offres"), null=True, blank=True)
    buyer_profile_url = models.URLField(
        _("adresse de la consultation sur le profil d'acheteur"), max_length=500, blank=True,
        help_text=_("Où le DCE se télécharge et où les offres se déposent ; l'avis européen (eForms) la donne."),
    )
    content_changed_at = models.DateTimeField(
        _("dernière modification des lots, critères ou dates"), null=True, blank=True, editable=False,
        help_text=_("Le DCE doit avoir été généré après ce moment pour que la consultation soit prête."),
    )
    mapa_negotiation = models.BooleanField(
        _("négociation prévue par le règlement (MAPA)"), default=False
    )
    # Data the open data (DECP) needs.
    price_form = models.CharField(_("forme du prix"), max_length=16, choices=PriceForm.choices,
                                  default=PriceForm.LUMP_SUM)
    price_types = models.JSONField(_("types de prix"), default=list, blank=True)
    techniques = models.JSONField(_("techniques d'achat"), default=list, blank=True)
    execution_modes = models.JSONField(_("modalités d'exécution"), default=list, blank=True)
    ccag = models.CharField(_("CCAG de référence"), max_length=64, choices=Ccag.choices,
                            default=Ccag.SUPPLIES_SERVICES)
    innovative = models.BooleanField(_("achat innovant"), default=False)
    social_considerations = models.JSONField(_("considérations sociales"), default=list, blank=True)
    environmental_considerations = models.JSONField(_("considérations environnementales"), default=list, blank=True)

    state = FSMField(_("état"), max_length=16, choices=TenderState.choices, default=TenderState.DRAFT,
                     protected=True)
    abandon_reason = models.TextField(_("motif de la déclaration sans suite"), blank=True)
    relaunched_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="relaunches",
        verbose_name=_("relance de"),
    )
    buyer = models.ForeignKey(
        "auth.User", on_delete=models.PROTECT, null=True, blank=True, related_name="tenders",
        verbose_name=_("acheteur responsable"),
    )
    # The identifiers of the EU notices (eForms): random version-4 UUIDs, as the SDK's rules require,
    # drawn once and kept, so that every download of a notice carries the same ones.
    procedure_uuid = models.UUIDField(_("identifiant européen de la procédure"), default=uuid.uuid4, unique=True,
                                      editable=False)
    contract_notice_uuid = models.UUIDField(_("identifiant de l'avis de marché"), default=uuid.uuid4, unique=True,
                                            editable=False)
    award_notice_uuid = models.UUIDField(_("identifiant de l'avis d'attribution"), default=uuid.uuid4, unique=True,
                                         editable=False)

    history = HistoricalRecords(excluded_fields=["state"])
    objects = TenderQuerySet.as_manager()

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-consultation_start", "reference"]
        # The order of the list page and of the API.
        indexes = [models.Index(fields=["-consultation_start", "reference"], name="tender_latest_start_first")]
        permissions = [("drive_tender", _("Conduire une consultation"))]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state=TenderState.ABANDONED) | ~Q(abandon_reason=""),
                name="tender_abandon_needs_reason",
                violation_error_message=_("Une déclaration sans suite doit être motivée."),
            ),
            models.CheckConstraint(
                condition=Q(renewals__lte=10),
                name="tender_renewals_bounded",
                violation_error_message=_("Au plus 10 reconductions."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.object[:80]}"

    @property
    def periods(self) -> int:
        return 1 + self.renewals

    @property
    def total_months(self) -> int:
        return self.duration_months + self.renewals * self.renewal_months

    def estimated_value_ht(self) -> Decimal:
        """R.2121-1: all lots, options and renewals; a framework's maximum over its whole duration."""
        return sum((lot.estimated_value_ht for lot in self.lots.all()), Decimal("0"))

    @property
    def estimated_value(self) -> Decimal:
        """The same, for the lists and the API (their lots prefetched)."""
        return self.estimated_value_ht()

    def get_abilities(self, user) -> dict[str, bool]:
        from procurement.tenders.abilities import tender_abilities

        return tender_abilities(self, user)

    # Transitions: the service ``tender_transition`` checks abilities and guards, then calls these.
    @transition(field=state, source=TenderState.DRAFT, target=TenderState.READY,
                conditions=[tender_guard("mark_ready")])
    def mark_ready(self, *, by, reason=""):
        """The file is complete: criteria valid on every lot, deadline legal, DCE generated since the last change."""

    @transition(field=state, source=TenderState.READY, target=TenderState.DRAFT)
    def back_to_draft(self, *, by, reason=""):
        """Reopens the file for changes before publication."""

    @transition(field=state, source=TenderState.READY, target=TenderState.PUBLISHED,
                conditions=[tender_guard("publish")])
    def publish(self, *, by, reason=""):
        """Questions and answers open; the bid deadline runs."""

    @transition(field=state, source=TenderState.PUBLISHED, target=TenderState.CLOSED,
                conditions=[tender_guard("close")])
    def close(self, *, by, reason=""):
        """Bids are sealed from now until the opening."""

    @transition(field=state, source=TenderState.CLOSED, target=TenderState.OPENED,
                conditions=[tender_guard("open_bids")])
    def open_bids(self, *, by, reason=""):
        """The opening record exists: bids are opened and their amounts may be recorded."""

    @transition(field=state, source=TenderState.OPENED, target=TenderState.COMPLETED,
                conditions=[tender_guard("complete")])
    def complete(self, *, by, reason=""):
        """Every lot is decided."""

    @transition(field=state, source=BEFORE_COMPLETION, target=TenderState.ABANDONED,
                conditions=[tender_guard("abandon")])
    def abandon(self, *, by, reason=""):
        self.abandon_reason = reason
