from procurement.core.commands import ProcurementCommand
from procurement.tenders.services.transitions import close_due_tenders


class Command(ProcurementCommand):
    help = (
        "Clôture toutes les consultations publiées dont la date limite de réception des offres est "
        "passée (à lancer par cron, par exemple toutes les 5 minutes) : les offres sont alors scellées "
        "jusqu'à l'ouverture des plis."
    )

    def run(self, **options):
        closed = close_due_tenders()
        references = [tender.reference for tender in closed]
        text = (
            f"{len(closed)} consultation(s) clôturée(s) : {', '.join(references)}."
            if closed else "Aucune consultation à clôturer."
        )
        return {"closed": references}, text
