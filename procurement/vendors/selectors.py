"""Reads on vendors: lists with their compliance, expiring certificates, the award guard, history."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Exists, FileField, Max, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from procurement.core.selectors import suggestions
from procurement.vendors.enums import (
    EXPIRING_SOON_DAYS,
    REQUIRED_CERTIFICATES,
    STATUS_BADGE,
    STATUS_SEVERITY,
    ComplianceKind,
    ComplianceStatus,
)
from procurement.vendors.models import ComplianceDocument, Contact, Vendor
from procurement.vendors.validators import compact_number

# --- Compliance summaries -----------------------------------------------------------------------


class _StatusDisplay:
    """The French label and the badge of a compliance ``status``."""

    status: str

    @property
    def status_label(self) -> str:
        return str(ComplianceStatus(self.status).label)

    @property
    def badge(self) -> str:
        return STATUS_BADGE[self.status]


@dataclass(frozen=True)
class KindCompliance(_StatusDisplay):
    """Where a vendor stands for one kind of certificate on a given day."""

    kind: str
    status: str
    valid_until: date | None
    last_expiry: date | None

    @property
    def label(self) -> str:
        return str(ComplianceKind(self.kind).label)


@dataclass(frozen=True)
class ComplianceSummary(_StatusDisplay):
    """The worst status over the required certificates, with the ones that need attention."""

    parts: tuple[KindCompliance, ...]

    @property
    def status(self) -> str:
        if not self.parts:
            return ComplianceStatus.VALID
        return max((part.status for part in self.parts), key=STATUS_SEVERITY.__getitem__)

    @property
    def problems(self) -> list[KindCompliance]:
        return [part for part in self.parts if part.status != ComplianceStatus.VALID]


def _kind_compliance(
    kind: str, *, valid_until: date | None, last_expiry: date | None, today: date
) -> KindCompliance:
    if valid_until is not None:
        soon = (valid_until - today).days <= EXPIRING_SOON_DAYS
        status = ComplianceStatus.EXPIRING if soon else ComplianceStatus.VALID
    elif last_expiry is not None:
        status = ComplianceStatus.EXPIRED
    else:
        status = ComplianceStatus.MISSING
    return KindCompliance(kind=kind, status=status, valid_until=valid_until, last_expiry=last_expiry)


def _valid_until_key(kind: str) -> str:
    return f"compliance_{kind}_valid_until"


def _last_expiry_key(kind: str) -> str:
    return f"compliance_{kind}_last_expiry"


def compliance_from_annotations(vendor: Vendor, *, today: date) -> ComplianceSummary:
    """The summary of a vendor read from ``vendor_list``'s annotations (no query)."""
    return ComplianceSummary(parts=tuple(
        _kind_compliance(
            kind, valid_until=getattr(vendor, _valid_until_key(kind)),
            last_expiry=getattr(vendor, _last_expiry_key(kind)), today=today,
        )
        for kind in REQUIRED_CERTIFICATES
    ))


def vendor_compliance(
    *, vendor: Vendor, today: date, kinds: Iterable[str] = REQUIRED_CERTIFICATES
) -> ComplianceSummary:
    """The same summary from the vendor's documents (prefetched by ``vendor_detail``)."""
    documents = [doc for doc in vendor.documents.all() if doc.issued_on <= today]
    parts = []
    for kind in kinds:
        own = [doc for doc in documents if doc.kind == kind]
        valid = [doc.expires_on for doc in own if doc.expires_on >= today]
        parts.append(_kind_compliance(
            kind, valid_until=max(valid, default=None),
            last_expiry=max((doc.expires_on for doc in own), default=None), today=today,
        ))
    return ComplianceSummary(parts=tuple(parts))


# --- Vendors ------------------------------------------------------------------------------------

def vendor_search_condition(search: str, *, path: str = "") -> Q | None:
    """Vendors whose name contains ``search``, whose SIRET starts with its digits (a SIREN is the
    SIRET's start; 3 digits at least) or whose VAT number contains it (4 characters at least); None
    for an empty search. ``path`` reaches the vendor from another model (``"holder"`` from a contract).
    LIKE's ``%`` and ``_`` are matched as themselves (Django escapes them)."""
    search = search.strip()
    if not search:
        return None
    prefix = f"{path}__" if path else ""
    condition = Q(**{f"{prefix}name__icontains": search})
    digits = compact_number(search)
    if digits.isdigit() and len(digits) >= 3:
        condition |= Q(**{f"{prefix}siret__startswith": digits})
    if len(digits) >= 4:
        condition |= Q(**{f"{prefix}vat_number__icontains": digits})
    return condition


def vendor_exact_condition(search: str) -> Q:
    """Vendors ``search`` names exactly: their whole name (any case), their SIRET or their VAT number
    (spaces and dots aside)."""
    search = search.strip()
    condition = Q(name__iexact=search)
    if digits := compact_number(search):
        condition |= Q(siret=digits) | Q(vat_number=digits)
    return condition


def vendor_suggestions(vendors: QuerySet[Vendor], *, search: str, limit: int) -> list[Vendor]:
    """Up to ``limit`` of ``vendors`` matching ``search`` (``vendor_search_condition``), those whose name
    starts with it first, then by name; only what a suggestion shows is read."""
    return suggestions(vendors, condition=vendor_search_condition(search), search=search, first="name",
                       fields=("name", "siret", "vat_number"), limit=limit)


def vendor_list(*, search: str = "", sme: bool | None = None, today: date | None = None) -> QuerySet[Vendor]:
    """Vendors by name, searched by name, SIRET or SIREN, annotated for ``compliance_from_annotations``.

    One query whatever the number of vendors: each required kind gets the latest expiry of a
    certificate valid on ``today`` and the latest expiry of any certificate issued by then.
    """
    from django.utils import timezone

    today = today or timezone.localdate()
    vendors = Vendor.objects.all()
    condition = vendor_search_condition(search)
    if condition is not None:
        vendors = vendors.filter(condition)
    if sme is not None:
        vendors = vendors.filter(is_sme=sme)
    annotations = {}
    for kind in REQUIRED_CERTIFICATES:
        issued = Q(documents__kind=kind, documents__issued_on__lte=today)
        annotations[_valid_until_key(kind)] = Max(
            "documents__expires_on", filter=issued & Q(documents__expires_on__gte=today)
        )
        annotations[_last_expiry_key(kind)] = Max("documents__expires_on", filter=issued)
    return vendors.annotate(**annotations).order_by("name", "pk")


def vendor_detail(*, pk: int) -> Vendor:
    """The vendor with its contacts and documents (404 when unknown)."""
    return get_object_or_404(Vendor.objects.prefetch_related("contacts", "documents"), pk=pk)


def vendor_get(*, pk: int) -> Vendor:
    """The vendor alone, read afresh (404 when unknown)."""
    return get_object_or_404(Vendor, pk=pk)


def contact_get(*, pk: int) -> Contact:
    """The contact with its vendor, read afresh (404 when unknown)."""
    return get_object_or_404(Contact.objects.select_related("vendor"), pk=pk)


def document_get(*, pk: int) -> ComplianceDocument:
    """The compliance document with its vendor, read afresh (404 when unknown)."""
    return get_object_or_404(ComplianceDocument.objects.select_related("vendor"), pk=pk)


# --- Compliance documents -----------------------------------------------------------------------

def documents_expiring(*, within_days: int, today: date) -> QuerySet[ComplianceDocument]:
    """Documents valid on ``today`` that lapse within ``within_days`` days, soonest first.

    A document already renewed (another one of the same kind for the vendor starts before it
    lapses and runs longer) is left out: nothing remains to chase.
    """
    renewed = ComplianceDocument.objects.filter(
        vendor_id=OuterRef("vendor_id"), kind=OuterRef("kind"),
        issued_on__lte=OuterRef("expires_on"), expires_on__gt=OuterRef("expires_on"),
    )
    return (
        ComplianceDocument.objects.filter(
            issued_on__lte=today, expires_on__gte=today, expires_on__lte=today + timedelta(days=within_days),
        )
        .filter(~Exists(renewed))
        .select_related("vendor")
        .order_by("expires_on", "vendor__name", "pk")
    )


def vendor_missing_certificates(
    *, vendor: Vendor, at: date, kinds: Iterable[str] = REQUIRED_CERTIFICATES
) -> list[ComplianceKind]:
    """The kinds with no document valid on ``at`` (the award guard: an empty list lets it through)."""
    kinds = [ComplianceKind(kind) for kind in kinds]
    covered = set(
        ComplianceDocument.objects.filter(
            vendor=vendor, kind__in=kinds, issued_on__lte=at, expires_on__gte=at,
        ).values_list("kind", flat=True)
    )
    return [kind for kind in kinds if kind not in covered]


# --- History ------------------------------------------------------------------------------------

ACTIONS = {"+": gettext_lazy("création"), "~": gettext_lazy("modification"), "-": gettext_lazy("suppression")}


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime
    who: str
    action: str
    subject: str
    changes: list[FieldChange] = field(default_factory=list)


def _display(model_field, value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(model_field, FileField):
        return _("fichier déposé")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _subject(record) -> str:
    if record.instance_type is Contact:
        return _("contact %(name)s") % {"name": f"{record.first_name} {record.last_name}"}
    if record.instance_type is ComplianceDocument:
        return _("justificatif : %(kind)s") % {"kind": ComplianceKind(record.kind).label}
    return _("fiche du fournisseur")


def _who(record) -> str:
    user = record.history_user
    if user is None:
        return _("système")
    return user.get_full_name() or user.get_username()


def vendor_history(*, vendor: Vendor, limit: int = 30) -> list[HistoryEntry]:
    """Who changed what on the vendor, its contacts and its documents, the newest first (3 queries)."""
    streams = [
        Vendor.history.filter(id=vendor.pk),
        Contact.history.filter(vendor_id=vendor.pk),
        ComplianceDocument.history.filter(vendor_id=vendor.pk),
    ]
    entries: list[HistoryEntry] = []
    for records in streams:
        previous: dict[int, object] = {}
        for record in records.select_related("history_user").order_by("history_date", "history_id"):
            changes = []
            before = previous.get(record.id)
            if record.history_type == "~" and before is not None:
                delta = record.diff_against(before)
                for change in delta.changes:
                    model_field = record._meta.get_field(change.field)
                    changes.append(FieldChange(
                        label=capfirst(str(model_field.verbose_name)),
                        old=_display(model_field, change.old), new=_display(model_field, change.new),
                    ))
                if not changes:
                    previous[record.id] = record
                    continue
            previous[record.id] = record
            entries.append(HistoryEntry(
                when=record.history_date, who=_who(record), action=str(ACTIONS[record.history_type]),
                subject=_subject(record), changes=changes,
            ))
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:limit]
