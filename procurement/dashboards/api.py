"""``GET /api/agenda/``: the events of the user's calendar feed (« Mon agenda »), as JSON."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from procurement.api.permissions import Abilities
from procurement.dashboards.selectors.agenda import AgendaKind, agenda_events


class AgendaEventSerializer(serializers.Serializer):
    uid = serializers.CharField(help_text="Identifiant stable de l'échéance (le même dans le flux iCalendar).")
    kind = serializers.ChoiceField(choices=AgendaKind.choices)
    summary = serializers.CharField()
    description = serializers.CharField()
    all_day = serializers.BooleanField(help_text="Vrai pour une journée entière ; sinon « start » porte l'heure.")
    start = serializers.SerializerMethodField(help_text="Jour (AAAA-MM-JJ) ou instant ISO 8601, heure de Paris.")
    url = serializers.SerializerMethodField(help_text="La page de l'application où l'on agit.")

    def get_start(self, event) -> str:
        return event.start.isoformat() if event.all_day else timezone.localtime(event.start).isoformat()

    def get_url(self, event) -> str:
        return self.context["request"].build_absolute_uri(event.path)


class AgendaView(APIView):
    """The same events as the user's iCalendar feed, whatever their role, soonest first."""

    permission_classes = [Abilities]
    role_checks = {"read": "home"}

    @extend_schema(operation_id="agenda_list", tags=["agenda"], responses={200: AgendaEventSerializer(many=True)},
                   summary="Mes échéances (le contenu de « Mon agenda »)",
                   description="Les échéances qui concernent l'utilisateur selon son profil, du mois écoulé à "
                               "l'année à venir : dates limites de remise des offres et de réponse aux questions, "
                               "réunions de la CAO, fins de délai de suspension avant signature, décisions de "
                               "reconduction, paiements de factures, attestations qui expirent. Le flux iCalendar "
                               "de la page « Mon agenda » contient les mêmes.")
    def get(self, request):
        events = agenda_events(user=request.user, today=timezone.localdate())
        return Response(AgendaEventSerializer(events, many=True, context={"request": request}).data)
