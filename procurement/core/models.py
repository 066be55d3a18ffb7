import hashlib
from datetime import date
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from procurement.core.enums import ReferenceKind, Unit, unit_of


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        abstract = True


class TransitionLogBase(models.Model):
    """One row of a transitions journal: which transition, from which state to which, by whom and
    when. Each app's journal adds what it logs (its object, the reason) and is written by its
    transition service only."""

    transition = models.CharField(_("transition"), max_length=32)
    source = models.CharField(_("état de départ"), max_length=16)
    target = models.CharField(_("état d'arrivée"), max_length=16)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                           related_name="+", verbose_name=_("par"))
    at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        abstract = True


@cache
def _state_fields(model: type[models.Model]) -> tuple:
    from django_fsm import FSMFieldMixin

    return tuple(field for field in model._meta.fields if isinstance(field, FSMFieldMixin))


class ProtectedStateMixin:
    """What the state-machine models share (before django-fsm's ``ConcurrentTransitionMixin``).

    ``full_clean`` would assign every field again, which django-fsm forbids for a protected state field:
    the state is changed by transitions only, so cleaning leaves it out. And the mixin lists the model's
    state fields at each instance's creation by testing every field: listed once per model instead, as
    that test took 40 % of the time to load thousands of rows (the open-data exports, the lists)."""

    @property
    def state_fields(self) -> tuple:
        return _state_fields(type(self))

    def clean_fields(self, exclude=None):
        protected = {f.name for f in self.state_fields if f.protected}
        super().clean_fields(exclude=set(exclude or ()) | protected)


class ReferenceValueQuerySet(models.QuerySet):
    def in_force(self, at: date) -> "ReferenceValueQuerySet":
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=at), valid_from__lte=at)


class ReferenceValue(TimeStampedModel):
    """A legal figure (threshold, time limit, rate) in force over a date range, with its source."""

    kind = models.CharField(_("donnée"), max_length=64, choices=ReferenceKind.choices)
    value = models.DecimalField(_("valeur"), max_digits=16, decimal_places=4)
    valid_from = models.DateField(_("en vigueur du"))
    valid_to = models.DateField(_("en vigueur jusqu'au (inclus)"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=300)
    note = models.TextField(_("remarque"), blank=True)
    confirmed = models.BooleanField(
        _("valeur confirmée"), default=True,
        help_text=_("Décochez une valeur saisie « à confirmer » (pas encore vérifiée sur le texte publié) : les "
                    "pages dont un chiffre l'utilise le signalent jusqu'à sa confirmation."),
    )

    history = HistoricalRecords()
    objects = ReferenceValueQuerySet.as_manager()

    class Meta:
        verbose_name = _("donnée de référence datée")
        verbose_name_plural = _("données de référence datées")
        ordering = ["kind", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="reference_value_period_ordered",
                violation_error_message=_("La fin de validité doit suivre son début."),
            ),
            models.UniqueConstraint(
                fields=["kind", "valid_from"],
                name="reference_value_unique_start",
                violation_error_message=_("Une valeur de cette donnée commence déjà à cette date."),
            ),
        ]

    def __str__(self) -> str:
        end = self.valid_to.isoformat() if self.valid_to else "…"
        return f"{self.get_kind_display()} : {self.value_display} ({self.valid_from.isoformat()} → {end})"

    def in_force_on(self, day: date) -> bool:
        """``in_force(day)`` for a row already read."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @property
    def unit(self) -> str:
        return unit_of(self.kind)

    @property
    def value_display(self) -> str:
        from procurement.core.money import format_eur, format_percent
        from procurement.core.numbers import format_number

        unit = self.unit
        if unit in (Unit.EUR_HT, Unit.EUR):
            return format_eur(self.value) + (" HT" if unit == Unit.EUR_HT else "")
        if unit == Unit.PERCENT:
            return format_percent(self.value)
        return f"{format_number(self.value)} {Unit(unit).label}"

    def clean(self) -> None:
        super().clean()
        if self.valid_to and self.valid_from and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("La fin de validité doit suivre son début.")})
        if not (self.kind and self.valid_from):
            return
        overlapping = ReferenceValue.objects.filter(kind=self.kind).exclude(pk=self.pk)
        overlapping = overlapping.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=self.valid_from))
        if self.valid_to:
            overlapping = overlapping.filter(valid_from__lte=self.valid_to)
        clash = overlapping.first()
        if clash:
            raise ValidationError(
                {"valid_from": _("Cette période chevauche la valeur « %(other)s » : fermez-la d'abord.")
                 % {"other": clash}}
            )


class AgendaToken(models.Model):
    """The secret of a user's calendar feed (« Mon agenda »): a calendar application presents it in the
    feed's URL, without a session. Only its SHA-256 digest is kept (the key is shown once, as API
    tokens are); one per user, replaced when regenerated, deleted when revoked."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agenda_token",
                                verbose_name=_("utilisateur"))
    digest = models.CharField(_("empreinte"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)

    class Meta:
        verbose_name = _("lien d'agenda")
        verbose_name_plural = _("liens d'agenda")

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%d/%m/%Y})"

    @staticmethod
    def digest_of(key: str) -> str:
        """The SHA-256 of a key: the key is 256 random bits, so no salt nor slow hash is needed."""
        return hashlib.sha256(key.encode()).hexdigest()


class ExternalIdentity(TimeStampedModel):
    """Who a user is at an OpenID Connect provider (its issuer and the ``sub`` it gives them): the user
    signing in through single sign-on is found by it, whatever their e-mail address has become."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="external_identities",
                             verbose_name=_("utilisateur"))
    issuer = models.CharField(_("fournisseur d'identité"), max_length=255)
    subject = models.CharField(_("identifiant chez le fournisseur"), max_length=255)

    class Meta:
        verbose_name = _("identité externe")
        verbose_name_plural = _("identités externes")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "subject"], name="external_identity_unique",
                violation_error_message=_("Cette identité externe est déjà liée à un utilisateur."),
            ),
        ]

    def __str__(self):
        return f"{self.subject} @ {self.issuer}"
