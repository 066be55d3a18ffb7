from procurement.core.commands import ProcurementCommand, UsageError, iso_date, non_negative_int
from procurement.core.legal_calendar import legal_deadline


class Command(ProcurementCommand):
    help = (
        "Calcule l'échéance d'un délai de procédure : N jours après l'événement, reportée au "
        "premier jour ouvré suivant si elle tombe un samedi, un dimanche ou un jour férié."
    )

    def add_arguments(self, parser):
        parser.add_argument("--start", required=True, type=iso_date, help="date de l'événement (AAAA-MM-JJ)")
        parser.add_argument("--days", required=True, type=non_negative_int, help="durée du délai en jours")

    def run(self, *, start, days, **options):
        try:
            deadline = legal_deadline(start, days)
        except (ValueError, OverflowError):
            raise UsageError(f"--days : {days} jours mène au-delà du calendrier (après l'an 9999)") from None
        return deadline.as_dict(), deadline.reason
