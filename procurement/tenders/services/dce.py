"""The tender documents (DCE): every document rendered from the templates in force, kept as a new
version with its zip; the earlier versions stay downloadable.

Names follow one convention: ``<référence>_<pièce>[_lot<N>]_v<version>.<ext>``, for example
``BNM-2024-02_RC_v3.docx``, ``BNM-2024-02_AE_lot2_v3.docx``, ``BNM-2024-02_BPU-DQE_v3.xlsx`` and
the archive ``BNM-2024-02_DCE_v3.zip``.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from datetime import date
from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Prefetch

from procurement.core.permissions import require
from procurement.documents.enums import TemplateKind
from procurement.documents.rendering.docx import placeholders, render_docx
from procurement.documents.rendering.errors import RenderError
from procurement.documents.selectors import active_templates
from procurement.documents.xlsx import PriceLine, PriceSheet, price_schedule_xlsx
from procurement.tenders.abilities import DRIVE_REFUSED, can_drive
from procurement.tenders.enums import TenderState
from procurement.tenders.models import DceFile, DceGeneration, Lot, PriceItem, Tender
from procurement.tenders.models.documents import DceFileKind
from procurement.tenders.rules import price_schedule_layout
from procurement.tenders.services.document_context import (
    authority_context,
    deadlines_context,
    document_context,
    lot_context,
    tender_context,
    terms_context,
)

DCE_KINDS = (TemplateKind.RC, TemplateKind.CCAP, TemplateKind.CCTP, TemplateKind.AE)
GENERATION_STATES = (TenderState.DRAFT, TenderState.READY, TenderState.PUBLISHED)
CODES = {DceFileKind.RC: "RC", DceFileKind.CCAP: "CCAP", DceFileKind.CCTP: "CCTP", DceFileKind.AE: "AE",
         DceFileKind.PRICE_SCHEDULE: "BPU-DQE"}


@dataclass(frozen=True)
class GeneratedFile:
    kind: str
    name: str
    data: bytes
    lot_number: int | None = None


def file_name(reference: str, kind: str, version: int, *, lot: int | None = None, ext: str = "docx") -> str:
    code = CODES.get(kind, kind)
    return f"{reference}_{code}{f'_lot{lot}' if lot else ''}_v{version}.{ext}"


def archive_name(reference: str, version: int) -> str:
    return f"{reference}_DCE_v{version}.zip"


def load_tender(tender: Tender) -> Tender:
    """The tender with everything its documents print, in a fixed number of queries."""
    lots = Lot.objects.prefetch_related(
        "criteria", Prefetch("price_items", queryset=PriceItem.objects.order_by("position", "pk"))
    ).order_by("number")
    return Tender.objects.select_related("programme__authority", "buyer").prefetch_related(
        Prefetch("lots", queryset=lots)
    ).get(pk=tender.pk)


def dce_contexts(tender: Tender, *, version: int, on: date | None = None) -> dict:
    """The contexts of the DCE: one per document kind, and one per lot for the acte d'engagement."""
    lots = list(tender.lots.all())
    shared = {
        "authority": authority_context(tender), "tender": tender_context(tender, lots),
        "document": document_context(version=version, on=on),
    }
    from procurement.tenders.evaluation.selectors import settings_for

    consolidation = settings_for(tender).consolidation  # one look-up for all the lots
    lot_rows = [lot_context(lot, consolidation=consolidation) for lot in lots]
    return {
        TemplateKind.RC: {**shared, "deadlines": deadlines_context(tender), "lots": lot_rows},
        TemplateKind.CCAP: {**shared, "lots": lot_rows, "terms": terms_context(tender)},
        TemplateKind.CCTP: {**shared, "lots": lot_rows},
        TemplateKind.AE: [{**shared, "lot": row, "holder": None, "offer": None} for row in lot_rows],
    }


def price_sheets(tender: Tender) -> list[PriceSheet]:
    return [
        PriceSheet(lot.number, lot.title, [PriceLine(item.number, item.label, item.unit, item.quantity)
                                           for item in lot.price_items.all()])
        for lot in tender.lots.all()
    ]


def dce_documents(tender: Tender, *, version: int, templates: dict, on: date | None = None) -> list[GeneratedFile]:
    """Renders every document of the DCE (``tender`` loaded by ``load_tender``)."""
    contexts = dce_contexts(tender, version=version, on=on)
    reference = tender.reference
    files = []
    try:
        for kind in (TemplateKind.RC, TemplateKind.CCAP, TemplateKind.CCTP):
            data = render_docx(templates[kind].data, contexts[kind])
            files.append(GeneratedFile(kind, file_name(reference, kind, version), data))
        ae_template = templates[TemplateKind.AE].data
        for context in contexts[TemplateKind.AE]:
            number = context["lot"]["number"]
            files.append(GeneratedFile(DceFileKind.AE, file_name(reference, DceFileKind.AE, version, lot=number),
                                       render_docx(ae_template, context), lot_number=number))
    except RenderError as error:
        raise ValidationError(f"Le DCE ne peut pas être généré : {error}") from error
    workbook = price_schedule_xlsx(reference=reference, sheets=price_sheets(tender), layout=price_schedule_layout)
    files.append(GeneratedFile(DceFileKind.PRICE_SCHEDULE,
                               file_name(reference, DceFileKind.PRICE_SCHEDULE, version, ext="xlsx"), workbook))
    return files


def files_placeholders(files: list[GeneratedFile]) -> list[str]:
    """« RC : [À compléter …] », for each bracketed part left in a generated document."""
    found = []
    for generated in files:
        if generated.name.endswith(".docx"):
            code = CODES.get(generated.kind, generated.kind)
            where = f"{code} lot {generated.lot_number}" if generated.lot_number else code
            found += [f"{where} : {text}" for text in placeholders(generated.data)]
    return found


def zip_files(files: list[GeneratedFile]) -> bytes:
    """The archive of the DCE. Office files are already compressed: they are stored as they are."""
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for generated in files:
            archive.writestr(generated.name, generated.data)
    return buffer.getvalue()


def _content(data: bytes, name: str) -> ContentFile:
    return ContentFile(data, name=name)


@transaction.atomic
def dce_generate(*, tender: Tender, by, on: date | None = None) -> DceGeneration:
    """Generates the DCE of ``tender`` as its next version. ``on`` is the date printed on the
    documents (today by default). Refused once the bids are closed."""
    require(can_drive(by), DRIVE_REFUSED)
    locked = Tender.objects.select_for_update().get(pk=tender.pk)
    if locked.state not in GENERATION_STATES:
        raise ValidationError(
            f"Le DCE ne se génère plus dans l'état « {locked.get_state_display()} » : seulement en brouillon, "
            "prête à publier ou publiée."
        )
    tender = load_tender(locked)
    if not tender.lots.all():
        raise ValidationError("La consultation n'a aucun lot : ajoutez-en un avant de générer le DCE.")
    version = (DceGeneration.objects.filter(tender=tender).aggregate(last=Max("version"))["last"] or 0) + 1
    templates = active_templates(DCE_KINDS)
    files = dce_documents(tender, version=version, templates=templates, on=on)
    generation = DceGeneration(
        tender=tender, version=version, generated_by=by, archive_name=archive_name(tender.reference, version),
        template_versions={str(kind): templates[kind].version for kind in DCE_KINDS},
        placeholders=files_placeholders(files),
    )
    generation.archive.save(generation.archive_name, _content(zip_files(files), generation.archive_name), save=False)
    generation.save()
    rows = []
    for position, generated in enumerate(files, start=1):
        row = DceFile(generation=generation, kind=generated.kind, lot_number=generated.lot_number,
                      name=generated.name, size=len(generated.data), position=position,
                      sha256=hashlib.sha256(generated.data).hexdigest())
        row.file.save(generated.name, _content(generated.data, generated.name), save=False)
        rows.append(row)
    DceFile.objects.bulk_create(rows)
    return generation


def dce_latest(tender: Tender) -> DceGeneration | None:
    return tender.dce_generations.order_by("-generated_at", "-version").first()


def dce_is_current(tender: Tender, latest: DceGeneration | None = None) -> bool:
    """True when a DCE exists and was generated after the last change of lots, criteria or dates."""
    latest = latest or dce_latest(tender)
    if latest is None:
        return False
    return tender.content_changed_at is None or latest.generated_at >= tender.content_changed_at
