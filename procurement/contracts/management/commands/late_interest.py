from django.core.exceptions import ValidationError

from procurement.contracts.services.invoices import late_interest_simulation
from procurement.core.commands import ProcurementCommand, UsageError, iso_date, positive_amount
from procurement.core.legal_calendar import short_date
from procurement.core.money import format_eur, format_percent

OPTIONS = {"amount_ttc": "--amount-ttc", "paid_on": "--paid", "suspended_from": "--suspended-from",
           "resumed_on": "--resumed-on"}


class Command(ProcurementCommand):
    help = (
        "Calcule la date limite de paiement d'une facture, les jours de retard, le taux, les intérêts "
        "moratoires et l'indemnité forfaitaire, par les mêmes règles et données de référence que les factures."
    )

    def add_arguments(self, parser):
        parser.add_argument("--amount-ttc", required=True, type=positive_amount, help="montant TTC de la facture")
        parser.add_argument("--received", required=True, type=iso_date, help="date de réception (AAAA-MM-JJ)")
        parser.add_argument("--service-done", type=iso_date, help="date du service fait, si postérieure")
        parser.add_argument("--suspended-from", type=iso_date, help="début de la suspension du délai")
        parser.add_argument("--resumed-on", type=iso_date, help="reprise du délai (pièces complètes reçues)")
        parser.add_argument("--paid", required=True, type=iso_date, help="date du paiement")

    def run(self, *, amount_ttc, received, service_done, suspended_from, resumed_on, paid, **options):
        try:
            result = late_interest_simulation(amount_ttc=amount_ttc, received_on=received, paid_on=paid,
                                              service_done_on=service_done, suspended_from=suspended_from,
                                              resumed_on=resumed_on)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                name, errors = next(iter(error.error_dict.items()))
                raise UsageError(f"{OPTIONS.get(name, '--received')} : {errors[0].messages[0]}") from None
            raise UsageError(error.messages[0]) from None
        lines = [f"Date limite de paiement : {short_date(result.deadline)}.",
                 f"Retard : {result.days_late} jour(s)."]
        if result.days_late:
            unconfirmed = "" if result.rate_confirmed else ", taux à confirmer"
            lines += [f"Taux : {format_percent(result.rate)} (taux de la BCE au {short_date(result.rate_date)} "
                      f"+ {result.margin.normalize()} points){unconfirmed}.",
                      f"Intérêts moratoires : {format_eur(result.interest)} ; indemnité forfaitaire : "
                      f"{format_eur(result.indemnity)} ; total dû : {format_eur(result.total)}."]
        lines += [f"Source : {source}" for source in result.sources]
        return result.as_dict(), "\n".join(lines)
