from django.utils import timezone

from procurement.core.commands import ProcurementCommand, UsageError
from procurement.core.money import format_eur
from procurement.dashboards.selectors.programme import programme_status
from procurement.programmes.models import Programme
from procurement.programmes.selectors import programme_detail


class Command(ProcurementCommand):
    help = (
        "Situation d'un programme : phases (prévu, réalisé, jours de retard), consultations (procédure, état), "
        "budget voté et engagé TTC par section et par année."
    )

    def add_arguments(self, parser):
        parser.add_argument("--programme", required=True, metavar="REFERENCE", help="référence du programme (ex. BNM)")

    def run(self, *, programme, **options):
        try:
            found = programme_detail(programme)
        except Programme.DoesNotExist:
            raise UsageError(f"aucun programme ne porte la référence « {programme} ».") from None
        today = timezone.localdate()
        data = programme_status(found, today=today)
        lines = [f"Programme {found.reference} — {found.name}, situation au {today:%d/%m/%Y}.", "Phases :"]
        for phase in data["phases"]:
            late = f", {phase['late_days']} jour(s) de retard" if phase["late_days"] else ""
            end = f"achevée le {phase['actual_end']}" if phase["actual_end"] else "en cours ou à venir"
            lines.append(f"  {phase['name']} : prévue du {phase['planned_start']} au {phase['planned_end']}, "
                         f"{end}{late}.")
        lines.append("Consultations :")
        lines += [f"  {row['reference']} : {row['procedure'] or 'procédure à déterminer'}, état {row['state']}."
                  for row in data["procurements"]]
        lines.append("Budget (TTC) :")
        lines += [f"  {row['section']} {row['year']} : voté {format_eur(row['budget_ttc'])}, "
                  f"engagé {format_eur(row['committed_ttc'])}." for row in data["budget"]]
        return data, "\n".join(lines)
