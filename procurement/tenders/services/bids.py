"""Bids: registered sealed at receipt, opened and recorded only after the opening."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from procurement.core.uploads import BID_FILES, sha256_of, validate_upload
from procurement.tenders.enums import BidStatus, Procedure, TenderState
from procurement.tenders.models import Bid, BidFile, Lot, OpeningRecord, Tender, TransitionLog

REASON_NEEDED = (BidStatus.IRREGULAR, BidStatus.UNACCEPTABLE, BidStatus.INAPPROPRIATE)


class LateBid(ValidationError):
    """A bid received after the deadline: refused, but logged with its time."""


@transaction.atomic
def bid_receive(
    *, lot: Lot, vendor, received_at: datetime, files: list, by, candidature_form: str = "dume",
    exclusion_declaration: bool = False, capacities: str = "",
) -> Bid:
    tender = Tender.objects.select_for_update().get(pk=lot.tender_id)
    if tender.state not in (TenderState.PUBLISHED, TenderState.CLOSED):
        raise ValidationError("Les offres ne se reçoivent que pendant la publication.")
    for upload in files:
        validate_upload(upload, label="Fichiers de l'offre", allowed=BID_FILES)
    late = tender.bid_deadline is not None and received_at > tender.bid_deadline
    if not late and not files:
        raise ValidationError({"files": "Une offre comporte au moins un fichier."})
    bid = Bid(
        lot=lot, vendor=vendor, received_at=received_at, candidature_form=candidature_form,
        exclusion_declaration=exclusion_declaration, capacities=capacities, recorded_by=by,
        status=BidStatus.LATE if late else BidStatus.RECEIVED,
    )
    bid.full_clean()
    bid.save()
    if late:
        moment = timezone.localtime(received_at).strftime("%d/%m/%Y à %H:%M")
        limit = timezone.localtime(tender.bid_deadline).strftime("%d/%m/%Y à %H:%M")
        bid.status_reason = f"Reçue le {moment}, après la date limite du {limit} : offre refusée, non ouverte."
        bid.save(update_fields=["status_reason", "updated_at"])
        return bid
    for upload in files:
        BidFile.objects.create(bid=bid, file=upload, original_name=upload.name.rsplit("/", 1)[-1][:255],
                               size=upload.size, sha256=sha256_of(upload))
    return bid


@transaction.atomic
def opening_record_create(*, tender: Tender, opened_at: datetime, attendees: str, notes: str = "", by
                          ) -> OpeningRecord:
    if tender.state != TenderState.CLOSED:
        raise ValidationError("L'ouverture des plis suit la clôture de la consultation.")
    if tender.bid_deadline is None:
        raise ValidationError("La consultation n'a pas de date limite de réception des offres.")
    if opened_at < tender.bid_deadline:
        raise ValidationError({"opened_at": "L'ouverture ne peut pas précéder la date limite de réception."})
    record = OpeningRecord(tender=tender, opened_at=opened_at, opened_by=by, attendees=attendees.strip(),
                           notes=notes.strip())
    record.full_clean()
    record.save()
    return record


def _require_opened(bid: Bid) -> None:
    if bid.lot.tender.state != TenderState.OPENED:
        raise ValidationError("Les offres ne se lisent et ne s'enregistrent qu'après l'ouverture des plis.")
    if bid.status == BidStatus.LATE:
        raise ValidationError("Une offre hors délai n'est pas ouverte.")


@transaction.atomic
def bid_record_opening(
    *, bid: Bid, by, amount_ht: Decimal, vat_rate: Decimal, admissible: bool, admissibility_reason: str = "",
    status: str = BidStatus.COMPLIANT, status_reason: str = "",
) -> Bid:
    bid = Bid.objects.select_for_update().select_related("lot__tender").get(pk=bid.pk)
    _require_opened(bid)
    errors = {}
    if status not in (BidStatus.COMPLIANT, *REASON_NEEDED):
        errors["status"] = "Statut inconnu pour une offre ouverte."
    elif status in REASON_NEEDED and not status_reason.strip():
        errors["status_reason"] = "Motivez le statut d'une offre irrégulière, inacceptable ou inappropriée."
    if not admissible and not admissibility_reason.strip():
        errors["admissibility_reason"] = "Motivez l'irrecevabilité de la candidature."
    if errors:
        raise ValidationError(errors)
    bid.amount_ht, bid.vat_rate = amount_ht, vat_rate
    bid.admissible, bid.admissibility_reason = admissible, admissibility_reason.strip()
    bid.status, bid.status_reason = status, status_reason.strip()
    bid.recorded_by = by
    bid.full_clean()
    bid.save()
    return bid


@transaction.atomic
def bid_regularise(*, bid: Bid, note: str, by) -> Bid:
    """An irregular bid made compliant (R.2152-2), with what was regularised."""
    bid = Bid.objects.select_for_update().select_related("lot__tender").get(pk=bid.pk)
    _require_opened(bid)
    if bid.status != BidStatus.IRREGULAR:
        raise ValidationError("Seule une offre irrégulière peut être régularisée.")
    if not note.strip():
        raise ValidationError({"regularisation_note": "Décrivez la régularisation demandée et obtenue."})
    bid.status, bid.regularised, bid.regularisation_note = BidStatus.COMPLIANT, True, note.strip()
    bid.full_clean()
    bid.save()
    return bid


@transaction.atomic
def bid_negotiate(*, bid: Bid, amount_ht: Decimal, by) -> Bid:
    """A negotiation round in a MAPA whose rules provide for it."""
    bid = Bid.objects.select_for_update().select_related("lot__tender").get(pk=bid.pk)
    _require_opened(bid)
    tender = bid.lot.tender
    if tender.procedure != Procedure.MAPA or not tender.mapa_negotiation:
        raise ValidationError("La négociation n'est possible qu'en procédure adaptée si le règlement la prévoit.")
    if bid.status != BidStatus.COMPLIANT:
        raise ValidationError("Seules les offres conformes sont négociées.")
    bid.negotiated_amount_ht = amount_ht
    bid.full_clean()
    bid.save()
    TransitionLog.objects.create(tender=tender, lot=bid.lot, transition="negotiate", source=bid.lot.state,
                                 target=bid.lot.state, by=by,
                                 reason=f"Négociation avec {bid.vendor.name}")
    return bid
