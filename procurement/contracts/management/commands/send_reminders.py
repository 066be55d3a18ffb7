from django.utils import timezone

from procurement.contracts.services.reminders import send_reminders
from procurement.core.commands import ProcurementCommand, UsageError, iso_date, non_negative_int

PROGRESS_FROM = 10


class Command(ProcurementCommand):
    help = ("Envoie par courriel les rappels dont l'échéance tombe dans les N jours : décisions de reconduction, "
            "justificatifs de fournisseurs qui expirent, factures proches de leur date limite de paiement. "
            "Un rappel déjà envoyé ne l'est pas une seconde fois.")

    def add_arguments(self, parser):
        parser.add_argument("--days", type=non_negative_int, default=15, help="horizon en jours (15 par défaut)")
        parser.add_argument("--date", type=iso_date, default=None, help="date du jour (AAAA-MM-JJ), aujourd'hui par "
                                                                         "défaut")

    def run(self, *, days, date, **options):
        if days > 366:
            raise UsageError("--days ne peut pas dépasser 366 jours")
        today = date or timezone.localdate()

        def progress(number: int, total: int) -> None:
            if total >= PROGRESS_FROM and (number % max(total // 10, 1) == 0 or number == total):
                self.stderr.write(f"Rappels : {number}/{total}")

        run = send_reminders(today=today, days=days, progress=progress)
        data = {"date": today.isoformat(), "days": days, "due": run.due, "already_sent": run.already_sent,
                "sent": [{"kind": r.kind, "object": r.object_key, "deadline": r.deadline.isoformat(),
                          "subject": r.subject} for r in run.sent]}
        text = (f"{len(run.sent)} rappel(s) envoyé(s), {run.already_sent} déjà envoyé(s) auparavant, sur {run.due} "
                f"échéance(s) dans les {days} jours à partir du {today:%d/%m/%Y}.")
        return data, text
