"""The CAO's pages: its members, its meetings (attendance and quorum, the second convocation) and the
minutes (procès-verbal) as .docx; its decisions and opinions are in ``cao_decisions``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from procurement.core.views.access import AccessMixin
from procurement.core.views.service_forms import add_service_errors
from procurement.programmes.models import Authority
from procurement.programmes.selectors import authority_list
from procurement.tenders import selectors
from procurement.tenders.enums import CaoRole
from procurement.tenders.forms.cao import CaoMeetingForm, CaoMemberForm
from procurement.tenders.forms.common import now_minute
from procurement.tenders.models import CaoMeeting, CaoMember
from procurement.tenders.services.cao import (
    Quorum,
    cao_meeting_record,
    cao_member_upsert,
    cao_minutes_render,
    quorum,
)
from procurement.tenders.views.common import (
    ServiceFormView,
    TenderAccessMixin,
)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class CaoMinutesView(AccessMixin, View):
    grant = "tenders.documents"

    def get(self, request, pk: int):
        meeting = selectors.cao_meeting_find(pk=pk)
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


# Access ------------------------------------------------------------------------------------------


class CaoAccessMixin(TenderAccessMixin):
    """The CAO's pages are the buyers' (``tenders.drive``): others get a 403, anonymous users the login.
    The authority comes from the URL (``authority``) or from the meeting (``pk``)."""

    grant = "tenders.drive"
    authority = None
    meeting = None

    def get_object(self):
        # Called once the user's role is checked: an anonymous user is sent to the login first.
        if "pk" in self.kwargs:
            self.meeting = selectors.cao_meeting_of_page(pk=self.kwargs["pk"])
            self.authority = self.meeting.authority
        elif "authority" in self.kwargs:
            self.authority = get_object_or_404(Authority, pk=self.kwargs["authority"])
        self.load()
        return super().get_object()

    def load(self) -> None:
        """What the page loads once the meeting or the authority is known."""

    def meetings_url(self) -> str:
        return reverse("tenders:cao-meetings", args=[self.authority.pk])

    def meeting_url(self, meeting=None) -> str:
        return reverse("tenders:cao-meeting", args=[(meeting or self.meeting).pk])

    def get_context_data(self, **kwargs):
        kwargs.setdefault("meeting", self.meeting)
        kwargs["authority"] = self.authority  # the URL's ``authority`` is its primary key
        return super().get_context_data(**kwargs)


def quorum_facts(count) -> dict:
    """The quorum as the pages say it: present / seats, how many are needed, reached or not."""
    return {"present": count.present, "seats": count.seats, "needed": count.needed, "reached": count.reached}


# Home, members -----------------------------------------------------------------------------------


class CaoIndexView(CaoAccessMixin, TemplateView):
    """The CAO of the only public buyer, or the choice among several."""

    template_name = "tenders/cao/index.html"

    def get(self, request, *args, **kwargs):
        authorities = list(authority_list())
        if len(authorities) == 1:
            return redirect("tenders:cao-meetings", authority=authorities[0].pk)
        return self.render_to_response(self.get_context_data(authorities=authorities))


class CaoMembersView(CaoAccessMixin, TemplateView):
    """The members (titulaires, suppléants, voix consultatives), the form to add one, and the button
    that ends a member's term (they stay in the past meetings' attendance)."""

    template_name = "tenders/cao/members.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", CaoMemberForm())
        return super().get_context_data(members=list(selectors.cao_member_list(authority=self.authority)),
                                        **kwargs)

    def post(self, request, *args, **kwargs):
        form = CaoMemberForm(request.POST)
        if form.is_valid():
            try:
                member = cao_member_upsert(authority=self.authority, **form.cleaned_data, by=request.user)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("%(member)s siège à la CAO.") % {"member": member})
                return redirect("tenders:cao-members", authority=self.authority.pk)
        return self.render_to_response(self.get_context_data(form=form))


class CaoMemberEndView(CaoAccessMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        member = get_object_or_404(CaoMember, pk=kwargs["member"], authority=self.authority)
        try:
            cao_member_upsert(authority=self.authority, name=member.name, role=member.role, title=member.title,
                              active=False, user=member.user, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(member)s ne siège plus à la CAO.") % {"member": member})
        return redirect("tenders:cao-members", authority=self.authority.pk)


# Meetings ----------------------------------------------------------------------------------------


class CaoMeetingListView(CaoAccessMixin, TemplateView):
    template_name = "tenders/cao/meeting_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(meetings=list(selectors.cao_meeting_list(authority=self.authority)),
                                        **kwargs)


class CaoMeetingCreateView(CaoAccessMixin, ServiceFormView):
    """Records a meeting. ``?apres=<pk>``: the meeting convened again after that one, without quorum;
    ``?consultation=<reference>``: that consultation on the agenda. The « Calculer le quorum » button
    shows the quorum of the boxes ticked without saving anything."""

    template_name = "tenders/cao/meeting_form.html"
    form_class = CaoMeetingForm

    previous = None

    def load(self) -> None:
        pk = self.request.GET.get("apres", "")
        if pk.isdigit():
            self.previous = selectors.cao_meeting_find(pk=pk, authority=self.authority)

    @property
    def title(self):
        if self.previous:
            return _("Nouvelle convocation après la %(meeting)s") % {"meeting": self.previous}
        return _("Enregistrer une réunion de la CAO")

    @property
    def intro(self):
        if self.previous:
            return _("La réunion sans quorum a conduit à convoquer à nouveau la commission : elle siège alors "
                     "valablement quel que soit le nombre de présents (CGCT L.1411-5).")
        return ""

    def members(self):
        return selectors.cao_member_list(authority=self.authority).filter(active=True)

    def get_form(self, data=None, files=None):
        initial = {"held_at": now_minute(), "convened_on": timezone.localdate()}
        reference = self.request.GET.get("consultation", "")
        tenders = selectors.cao_tenders_of(authority=self.authority)
        if reference:
            initial["tenders"] = list(tenders.filter(reference=reference))
        elif self.previous is not None:
            initial["tenders"] = list(self.previous.tenders.all())
        return CaoMeetingForm(data=data, members=self.members(), tenders=tenders, initial=initial)

    def quorum_of(self, form):
        attendees = form.cleaned_data.get("attendees", []) if form.is_bound and hasattr(form, "cleaned_data") else []
        return quorum_facts(quorum(members=list(self.members()), attendees=attendees))

    def get_context_data(self, **kwargs):
        form = kwargs.get("form")
        return super().get_context_data(previous=self.previous, quorum=self.quorum_of(form) if form else None,
                                        **kwargs)

    def post(self, request, *args, **kwargs):
        if "calculer" in request.POST:
            form = self.get_form(request.POST)
            form.is_valid()
            return self.render_to_response(self.get_context_data(form=form, previewed=True))
        return super().post(request, *args, **kwargs)

    def perform(self, form):
        data = form.cleaned_data
        return cao_meeting_record(authority=self.authority, convened_on=data["convened_on"], held_at=data["held_at"],
                                  attendees=data["attendees"], tenders=data["tenders"],
                                  reconvened_from=self.previous, notes=data["notes"], by=self.request.user)

    def after_success(self, result):
        if result.quorum_reached:
            messages.success(self.request, _("Réunion enregistrée : quorum atteint (%(present)s présents sur "
                                             "%(seats)s).") % {"present": result.voting_present,
                                                               "seats": result.voting_seats})
        elif result.sits_validly and not result.can_decide:
            messages.warning(self.request, _("Réunion enregistrée sur nouvelle convocation, mais aucun membre à voix "
                                             "délibérative n'est présent : elle ne peut pas décider."))
        elif result.sits_validly:
            messages.success(self.request, _("Réunion enregistrée : sur nouvelle convocation, elle siège "
                                             "valablement sans condition de quorum."))
        else:
            messages.warning(self.request, _("Réunion enregistrée : quorum non atteint, elle ne peut pas décider. "
                                             "Convoquez la commission à nouveau."))

    def get_success_url(self, result):
        return self.meeting_url(result)

    def get_cancel_url(self):
        return self.meeting_url(self.previous) if self.previous else self.meetings_url()


class CaoMeetingDetailView(CaoAccessMixin, TemplateView):
    template_name = "tenders/cao/meeting_detail.html"

    def get_context_data(self, **kwargs):
        meeting = selectors.cao_meeting_detail(pk=self.meeting.pk)
        decided = {decision.lot_id: decision for decision in meeting.decisions.all()}
        agenda = []
        for tender in meeting.tenders.all():
            for lot in tender.lots.all():
                agenda.append({"tender": tender, "lot": lot, "decision": decided.pop(lot.pk, None)})
        # Decisions on lots of consultations no longer on the agenda stay listed.
        agenda += [{"tender": d.lot.tender, "lot": d.lot, "decision": d} for d in decided.values()]
        present = sorted(meeting.attendees.all(), key=lambda member: (CaoRole.values.index(member.role), member.name))
        try:
            reconvened_as = meeting.reconvened_as
        except CaoMeeting.reconvened_as.RelatedObjectDoesNotExist:
            reconvened_as = None
        return super().get_context_data(
            meeting=meeting, agenda=agenda, present=present, reconvened_as=reconvened_as,
            needed=Quorum(seats=meeting.voting_seats, present=meeting.voting_present).needed,
            opinions=list(meeting.opinions.all()),
            can_reconvene=not meeting.sits_validly and reconvened_as is None, **kwargs)
