"""The CAO's minutes (procès-verbal), generated as .docx from the template in force."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views import View

from procurement.core.roles import RoleRequiredMixin
from procurement.tenders.models import CaoMeeting
from procurement.tenders.services.cao import cao_minutes_render

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class CaoMinutesView(RoleRequiredMixin, View):
    grant = "tenders.documents"

    def get(self, request, pk: int):
        meeting = CaoMeeting.objects.filter(pk=pk).first()
        if meeting is None:
            raise Http404("Aucune réunion de la CAO ne porte ce numéro.")
        try:
            name, data = cao_minutes_render(meeting)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(request.META.get("HTTP_REFERER") or "/")
        response = HttpResponse(data, content_type=DOCX)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
