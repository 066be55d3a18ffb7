"""Document pages: generate the DCE, the letters and the rapport de présentation; download them.

Files are served by these authenticated views only (buyers, and finance to read), never by a media
URL."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from procurement.core.views.service_forms import error_messages
from procurement.tenders import selectors
from procurement.tenders.evaluation.selectors import lot_ranking
from procurement.tenders.exports.eforms import NoticeRefused, eforms_notice, notice_filename
from procurement.tenders.models import DceFile, DceGeneration, LetterDocument
from procurement.tenders.rules.eforms import SUBTYPES
from procurement.tenders.services.dce import dce_generate
from procurement.tenders.services.letters import (
    letters_generate,
    rapport_presentation_generate,
)
from procurement.tenders.views.common import (
    LotMixin,
    TenderAccessMixin,
)

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
}


def attachment(field, name: str) -> FileResponse:
    try:
        handle = field.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404(_("Ce fichier est introuvable.")) from None
    content_type = CONTENT_TYPES.get(name.rsplit(".", 1)[-1], "application/octet-stream")
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response


class DceGenerateView(TenderAccessMixin, View):
    http_method_names = ["post"]
    grant = "tenders.drive"
    required_ability = "drive"

    def post(self, request, *args, **kwargs):
        try:
            generation = dce_generate(tender=self.tender, by=request.user)
        except ValidationError as error:
            error_messages(request, error.messages)
        else:
            messages.success(request, _("Le DCE version %(version)s est généré : %(count)s pièces et leur archive.")
                             % {"version": generation.version, "count": generation.files.count()})
        return redirect(reverse("tenders:detail", args=[self.tender.reference]) + "#dce")


class DceArchiveView(TenderAccessMixin, View):
    grant = "tenders.documents"

    def get(self, request, *args, **kwargs):
        generation = get_object_or_404(DceGeneration, tender=self.tender, version=kwargs["version"])
        if not generation.archive:
            raise Http404(_("Cette version du DCE n'a pas d'archive."))
        return attachment(generation.archive, generation.archive_name)


class DceFileView(TenderAccessMixin, View):
    grant = "tenders.documents"

    def get(self, request, *args, **kwargs):
        item = get_object_or_404(DceFile, pk=kwargs["pk"], generation__tender=self.tender)
        return attachment(item.file, item.name)


def _sent_on(value: str) -> date:
    if not value:
        return timezone.localdate()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError(_("« Date d'envoi » : « %(value)s » n'est pas une date.") % {"value": value}) from None


def _bid_ids(values: list[str]) -> list[int]:
    try:
        return [int(value) for value in values]
    except ValueError:
        raise ValidationError(_("« Envoi autrement que par voie électronique » : choix invalide.")) from None


class LettersGenerateView(LotMixin, View):
    http_method_names = ["post"]
    grant = "tenders.drive"
    required_ability = "drive"

    def post(self, request, *args, **kwargs):
        try:
            documents = letters_generate(lot=self.lot, ranking=lot_ranking(self.lot),
                                         sent_on=_sent_on(request.POST.get("sent_on", "")), by=request.user,
                                         not_electronic=_bid_ids(request.POST.getlist("not_electronic")))
        except ValidationError as error:
            error_messages(request, error.messages)
        else:
            messages.success(request, _("%(count)s courrier(s) généré(s) pour le lot %(number)s.")
                             % {"count": len(documents), "number": self.lot.number})
        return redirect(self.lot_url() + "#courriers")


class RapportGenerateView(LotMixin, View):
    http_method_names = ["post"]
    grant = "tenders.drive"
    required_ability = "drive"

    def post(self, request, *args, **kwargs):
        try:
            document = rapport_presentation_generate(lot=self.lot, ranking=lot_ranking(self.lot),
                                                     by=request.user)
        except ValidationError as error:
            error_messages(request, error.messages)
        else:
            messages.success(request, _("Le rapport de présentation est généré : %(name)s.") % {"name": document.name})
        return redirect(self.lot_url() + "#courriers")


class LetterFileView(LotMixin, View):
    grant = "tenders.documents"

    def get(self, request, *args, **kwargs):
        letter = get_object_or_404(LetterDocument, pk=kwargs["pk"], lot=self.lot)
        return attachment(letter.file, letter.name)


class EformsNoticeView(TenderAccessMixin, View):
    """The tender's eForms notice (``cn`` or ``can``) as an XML download; a refusal (state, missing
    mandatory field) comes back on the tender page, in French."""

    required_ability = "drive"

    def get(self, request, *args, **kwargs):
        notice = kwargs["notice"]
        if notice not in SUBTYPES:
            raise Http404
        try:
            xml = eforms_notice(tender=selectors.tender_for_notice(reference=self.tender.reference), notice=notice)
        except NoticeRefused as refusal:
            messages.error(request, str(refusal))
            return redirect(self.detail_url("avis-europeens"))
        response = HttpResponse(xml, content_type="application/xml")
        response["Content-Disposition"] = f'attachment; filename="{notice_filename(self.tender, notice)}"'
        return response
