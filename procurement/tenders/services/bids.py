"""Bids: registered sealed at receipt, opened and recorded only after the opening."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from procurement.core.money import format_eur
from procurement.core.permissions import require
from procurement.core.uploads import BID_FILES, sha256_of, validate_upload
from procurement.tenders.abilities import DRIVE_REFUSED, can_drive
from procurement.tenders.enums import BidStatus, DepositChannel, LotState, Procedure, TenderState
from procurement.tenders.evaluation.gate import evaluation_started
from procurement.tenders.models import Bid, BidFile, Lot, OpeningRecord, Tender, TransitionLog

REASON_NEEDED = (BidStatus.IRREGULAR, BidStatus.UNACCEPTABLE, BidStatus.INAPPROPRIATE)


def _moment(value: datetime) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y à %H:%M")


def publication_started_at(tender: Tender) -> datetime | None:
    """When the tender was published: its last « publish » transition, or else the start of the day
    its notice was sent (tenders loaded without their log)."""
    logged = tender.transition_logs.filter(transition="publish").order_by("-at").first()
    if logged is not None:
        return logged.at
    if tender.notice_sent_on is None:
        return None
    return timezone.make_aware(datetime.combine(tender.notice_sent_on, time.min))


def _receipt_time(*, tender: Tender, channel: str, received_at: datetime | None, reason: str, now: datetime
                  ) -> datetime:
    """The time of receipt is a fact: the server's clock for an electronic deposit; for a paper or
    media deposit recorded after the fact, the time written at reception, which can be neither in the
    future nor before the publication, and a reason."""
    if channel == DepositChannel.ELECTRONIC:
        if received_at is not None:
            raise ValidationError({"received_at": "Un dépôt électronique est horodaté par le serveur à son "
                                                  "enregistrement : laissez l'heure vide, ou choisissez un pli "
                                                  "papier ou un support physique."})
        return now
    if channel != DepositChannel.PAPER:
        raise ValidationError({"channel": "Mode de dépôt inconnu."})
    errors = {}
    if not reason.strip():
        errors["deposit_reason"] = "Motivez l'enregistrement après coup (pli remis à l'accueil, envoi postal…)."
    if received_at is None:
        errors["received_at"] = "Indiquez l'heure de réception du pli, telle qu'inscrite à sa remise."
    elif received_at > now:
        errors["received_at"] = f"L'heure de réception ({_moment(received_at)}) ne peut pas être dans le futur."
    else:
        published = publication_started_at(tender)
        if published is not None and received_at < published:
            errors["received_at"] = (f"L'heure de réception ({_moment(received_at)}) ne peut pas précéder la "
                                     f"publication de la consultation ({_moment(published)}).")
    if errors:
        raise ValidationError(errors)
    return received_at


@transaction.atomic
def bid_receive(
    *, lot: Lot, vendor, files: list, by, channel: str = DepositChannel.ELECTRONIC,
    received_at: datetime | None = None, deposit_reason: str = "", candidature_form: str = "dume",
    exclusion_declaration: bool = False, capacities: str = "", now: datetime | None = None,
) -> Bid:
    """Registers a bid sealed. ``now`` records a deposit that happened at another moment (importing
    past procedures, the demo): pages and API never pass it."""
    require(can_drive(by), DRIVE_REFUSED)
    now = now or timezone.now()
    tender = Tender.objects.select_for_update().get(pk=lot.tender_id)
    if tender.state not in (TenderState.PUBLISHED, TenderState.CLOSED):
        raise ValidationError("Les offres ne se reçoivent que pendant la publication.")
    received_at = _receipt_time(tender=tender, channel=channel, received_at=received_at, reason=deposit_reason,
                                now=now)
    for upload in files:
        validate_upload(upload, label="Fichiers de l'offre", allowed=BID_FILES)
    late = tender.bid_deadline is not None and received_at > tender.bid_deadline
    if not late and not files:
        raise ValidationError({"files": "Une offre comporte au moins un fichier."})
    bid = Bid(
        lot=lot, vendor=vendor, received_at=received_at, channel=channel, deposit_reason=deposit_reason.strip(),
        candidature_form=candidature_form, exclusion_declaration=exclusion_declaration, capacities=capacities,
        recorded_by=by, status=BidStatus.LATE if late else BidStatus.RECEIVED,
    )
    if late:
        bid.status_reason = (f"Reçue le {_moment(received_at)}, après la date limite du "
                             f"{_moment(tender.bid_deadline)} : offre refusée, non ouverte.")
    bid.full_clean()
    bid.save()
    if channel == DepositChannel.PAPER:
        TransitionLog.objects.create(
            tender=tender, lot=lot, transition="record_deposit", source=tender.state, target=tender.state, by=by,
            at=now, reason=(f"Pli de {vendor.name} reçu le {_moment(received_at)} "
                            f"({DepositChannel(channel).label}) : {bid.deposit_reason}"),
        )
    if late:
        return bid
    for upload in files:
        BidFile.objects.create(bid=bid, file=upload, original_name=upload.name.rsplit("/", 1)[-1][:255],
                               size=upload.size, sha256=sha256_of(upload))
    return bid


@transaction.atomic
def opening_record_create(*, tender: Tender, opened_at: datetime, attendees: str, notes: str = "", by
                          ) -> OpeningRecord:
    require(can_drive(by), DRIVE_REFUSED)
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
    if bid.lot.state != LotState.EVALUATING:
        raise ValidationError(f"Le lot est décidé ({bid.lot.get_state_display()}) : ses offres ne se modifient "
                              "plus.")


def _locked(bid: Bid) -> Bid:
    return Bid.objects.select_for_update().select_related("lot__tender", "vendor").get(pk=bid.pk)


def _log(bid: Bid, *, transition: str, by, reason: str) -> None:
    lot = bid.lot
    TransitionLog.objects.create(tender=lot.tender, lot=lot, transition=transition, source=lot.state,
                                 target=lot.state, by=by, reason=reason)


@transaction.atomic
def bid_record_opening(
    *, bid: Bid, by, amount_ht: Decimal, vat_rate: Decimal, admissible: bool, admissibility_reason: str = "",
    status: str = BidStatus.COMPLIANT, status_reason: str = "",
) -> Bid:
    """What the opening reads in the bid. Once the lot's evaluation has started, this is what was
    evaluated: only a regularisation or a negotiation, each logged with its reason, changes it."""
    require(can_drive(by), DRIVE_REFUSED)
    bid = _locked(bid)
    _require_opened(bid)
    if evaluation_started(bid.lot):
        raise ValidationError(
            "L'analyse des offres de ce lot a commencé : le montant, la TVA, la recevabilité et le statut "
            "relevés à l'ouverture ne se modifient plus, sauf par une régularisation ou une négociation motivées."
        )
    errors = {}
    if status not in (BidStatus.COMPLIANT, *REASON_NEEDED):
        errors["status"] = "Statut inconnu pour une offre ouverte."
    elif status in REASON_NEEDED and not status_reason.strip():
        errors["status_reason"] = "Motivez le statut d'une offre irrégulière, inacceptable ou inappropriée."
    if not admissible and not admissibility_reason.strip():
        errors["admissibility_reason"] = "Motivez l'irrecevabilité de la candidature."
    if errors:
        raise ValidationError(errors)
    if amount_ht is not None and amount_ht <= 0:
        raise ValidationError({"amount_ht": "Le montant d'une offre est strictement positif : un prix nul ou "
                                            "négatif est refusé."})
    bid.amount_ht, bid.vat_rate = amount_ht, vat_rate
    bid.admissible, bid.admissibility_reason = admissible, admissibility_reason.strip()
    bid.status, bid.status_reason = status, status_reason.strip()
    bid.recorded_by = by
    bid.full_clean()
    bid.save()
    return bid


@transaction.atomic
def bid_regularise(*, bid: Bid, note: str, by) -> Bid:
    """An irregular bid made compliant (R.2152-2), with what was regularised; logged."""
    require(can_drive(by), DRIVE_REFUSED)
    bid = _locked(bid)
    _require_opened(bid)
    if bid.status != BidStatus.IRREGULAR:
        raise ValidationError("Seule une offre irrégulière peut être régularisée.")
    if not note.strip():
        raise ValidationError({"regularisation_note": "Décrivez la régularisation demandée et obtenue."})
    bid.status, bid.regularised, bid.regularisation_note = BidStatus.COMPLIANT, True, note.strip()
    bid.full_clean()
    bid.save()
    _log(bid, transition="regularise", by=by, reason=f"Régularisation de l'offre de {bid.vendor.name} : "
                                                       f"{bid.regularisation_note}")
    return bid


@transaction.atomic
def bid_negotiate(*, bid: Bid, amount_ht: Decimal, reason: str, by) -> Bid:
    """A negotiation round in a MAPA whose rules provide for it; logged with the amounts and why."""
    require(can_drive(by), DRIVE_REFUSED)
    bid = _locked(bid)
    _require_opened(bid)
    tender = bid.lot.tender
    if tender.procedure != Procedure.MAPA or not tender.mapa_negotiation:
        raise ValidationError("La négociation n'est possible qu'en procédure adaptée si le règlement la prévoit.")
    if bid.status != BidStatus.COMPLIANT:
        raise ValidationError("Seules les offres conformes sont négociées.")
    if not reason.strip():
        raise ValidationError({"reason": "Résumez la négociation (points négociés, échanges)."})
    if amount_ht is None or amount_ht <= 0:
        raise ValidationError({"amount_ht": "Le montant négocié est strictement positif : un prix nul ou négatif "
                                            "est refusé."})
    before = bid.final_amount_ht
    bid.negotiated_amount_ht = amount_ht
    bid.full_clean()
    bid.save()
    _log(bid, transition="negotiate", by=by,
         reason=(f"Négociation avec {bid.vendor.name} : {format_eur(before)} HT → {format_eur(amount_ht)} HT. "
                 f"{reason.strip()}"))
    return bid


OPENING_FIELDS = ("amount_ht", "vat_rate", "admissible", "admissibility_reason", "status", "status_reason")
OPENING_LABELS = {"amount_ht": "Montant HT", "vat_rate": "Taux de TVA", "admissible": "Candidature recevable",
                  "admissibility_reason": "Motif de recevabilité", "status": "Statut de l'offre",
                  "status_reason": "Motif du statut"}


def opening_cell_key(bid: Bid, field: str) -> str:
    """The key of one cell of the opening grid in the errors: ``<bid id>.<field>`` (``__all__`` for the row)."""
    return f"{bid.pk}.{field}"


@transaction.atomic
def lot_opening_record(*, lot: Lot, rows: list[dict], by) -> list[Bid]:
    """What the opening reads in every bid of a lot, recorded at once: each row is ``{"bid": Bid, ...the
    fields of bid_record_opening}``, run through that same service. All or nothing: any refused row and
    nothing is stored; the ValidationError's keys are ``opening_cell_key`` and every message names the
    bidder and the field."""
    require(can_drive(by), DRIVE_REFUSED)
    if not rows:
        raise ValidationError("Aucune offre à enregistrer pour ce lot.")
    errors: dict[str, list[str]] = {}
    saved = []
    for row in rows:
        bid = row["bid"]
        if bid.lot_id != lot.pk:
            raise ValidationError(f"L'offre de {bid.vendor.name} n'appartient pas au lot {lot.number}.")
        fields = {name: row[name] for name in OPENING_FIELDS if name in row}
        try:
            saved.append(bid_record_opening(bid=bid, by=by, **fields))
        except ValidationError as error:
            items = error.error_dict.items() if hasattr(error, "error_dict") else [("__all__", [error])]
            for field, field_errors in items:
                label = OPENING_LABELS.get(field)
                prefix = f"Offre de {bid.vendor.name} — {label}" if label else f"Offre de {bid.vendor.name}"
                for item in field_errors:
                    for message in item.messages:
                        errors.setdefault(opening_cell_key(bid, field), []).append(f"{prefix} : {message}")
    if errors:
        raise ValidationError(errors)  # the atomic block undoes the rows already recorded
    return saved


NEW_VENDOR_FIELDS = ("name", "siret", "postal_code", "city", "is_sme")


@transaction.atomic
def bid_receive_new_vendor(*, lot: Lot, vendor: dict, by, **bid) -> Bid:
    """A bid from a company not yet in the vendor list: the vendor (checked as the vendors' page checks
    it: SIRET key, unique, postal code) and its bid in one transaction. A refusal of either creates
    nothing; the vendor's errors are keyed ``new_vendor_<field>``."""
    require(can_drive(by), DRIVE_REFUSED)
    from procurement.vendors.services import vendor_create

    unknown = set(vendor) - set(NEW_VENDOR_FIELDS)
    if unknown:
        raise TypeError(f"Champs inconnus : {', '.join(sorted(unknown))}")
    try:
        created = vendor_create(**vendor, by=by)
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise ValidationError({"new_vendor_siret": error.messages}) from error
        raise ValidationError({
            (f"new_vendor_{name}" if name in NEW_VENDOR_FIELDS else "new_vendor_siret"): [
                message for item in items for message in item.messages]
            for name, items in error.error_dict.items()
        }) from error
    return bid_receive(lot=lot, vendor=created, by=by, **bid)
