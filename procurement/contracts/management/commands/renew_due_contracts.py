from django.utils import timezone

from procurement.contracts.services.transitions import renew_due_contracts
from procurement.core.commands import ProcurementCommand, iso_date


class Command(ProcurementCommand):
    help = (
        "L'horloge des marchés : reconduit tacitement (ou comme décidé) chaque marché dont la période s'est "
        "achevée, ou constate son échéance quand aucune reconduction ne suit. Peut être relancée sans effet "
        "de bord."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", type=iso_date, default=None,
                            help="jour de référence AAAA-MM-JJ (aujourd'hui par défaut)")

    def run(self, *, date=None, **options):
        today = date or timezone.localdate()
        changes = renew_due_contracts(today=today)
        data = {"date": today.isoformat(),
                "changes": [{"contract": contract.reference, "transition": name, "state": contract.state,
                             "period_end": contract.period_end.isoformat() if contract.period_end else None}
                            for contract, name in changes]}
        if not changes:
            return data, f"Aucun marché à reconduire ni à clore au {today:%d/%m/%Y}."
        lines = [f"{len(changes)} changement(s) au {today:%d/%m/%Y} :"]
        for contract, name in changes:
            action = "reconduit jusqu'au" if name == "renew" else "échu le"
            day = contract.period_end if name == "renew" else contract.ended_on
            lines.append(f"  {contract.reference} {action} {day:%d/%m/%Y}")
        return data, "\n".join(lines)
