"""« Mon agenda »: the page where a user creates, replaces or revokes the secret link of their calendar
feed (shown once) and sees what it holds; and the feed itself, ``/agenda/<clé>.ics``, which the key
alone opens (a calendar application has no session)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from procurement.core.selectors import agenda_token_of, agenda_user
from procurement.core.services import agenda_token_create, agenda_token_revoke
from procurement.core.views.access import AccessMixin
from procurement.dashboards.exports.ics import agenda_ics
from procurement.dashboards.selectors.agenda import agenda_events


class AgendaPageView(AccessMixin, TemplateView):
    """Never cached, like every answer to a signed-in user (``NoStoreForAuthenticatedMiddleware``)."""

    template_name = "dashboards/agenda.html"
    grant = "home"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("feed_url", None)
        user = self.request.user
        return super().get_context_data(token=agenda_token_of(user=user),
                                        events=agenda_events(user=user, today=timezone.localdate()), **kwargs)

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        if action == "create":
            _token, key = agenda_token_create(by=request.user)
            # Rendered, not redirected: the link must not wait in the session for the next page.
            feed_url = request.build_absolute_uri(reverse("agenda-feed", args=[key]))
            return self.render_to_response(self.get_context_data(feed_url=feed_url))
        if action == "revoke":
            if agenda_token_revoke(by=request.user):
                messages.success(request, _("Le lien d'agenda est révoqué : les agendas abonnés ne reçoivent "
                                            "plus vos échéances."))
            else:
                messages.error(request, _("Vous n'avez pas de lien d'agenda."))
            return redirect("agenda:page")
        return HttpResponseBadRequest(_("Action inconnue."))


class AgendaFeedView(View):
    """The key authenticates: an unknown or revoked one is a 404, like a page that does not exist."""

    def get(self, request, key: str):
        user = agenda_user(key=key)
        if user is None:
            raise Http404(_("Ce lien d'agenda n'existe pas ou a été révoqué."))
        now = timezone.now()
        events = agenda_events(user=user, today=timezone.localdate(now))
        body = agenda_ics(events, absolute_url=request.build_absolute_uri, domain=request.get_host(), now=now)
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="agenda.ics"'
        response["Cache-Control"] = "private, no-cache"
        return response
