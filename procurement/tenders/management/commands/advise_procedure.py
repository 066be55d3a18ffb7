from django.utils import timezone

from procurement.core.commands import ProcurementCommand, UsageError, iso_date, non_negative_int, positive_amount
from procurement.core.money import format_eur
from procurement.core.selectors import ReferenceValueMissing
from procurement.tenders.enums import Nature
from procurement.tenders.procedure import advise, estimated_value, rules_in_force

NATURES = {"supplies": Nature.SUPPLIES, "services": Nature.SERVICES, "works": Nature.WORKS}


class Command(ProcurementCommand):
    help = (
        "Conseille la procédure d'un besoin : valeur estimée (reconductions comprises), procédure, "
        "publicité et délai minimal de réception des offres, selon les seuils en vigueur à la date donnée."
    )

    def add_arguments(self, parser):
        parser.add_argument("--nature", required=True, choices=sorted(NATURES), help="supplies, services ou works")
        parser.add_argument(
            "--value-ht", required=True, type=positive_amount, help="valeur HT d'une période pour tout le besoin"
        )
        parser.add_argument(
            "--renewals", type=non_negative_int, default=0, help="nombre de reconductions après la première période"
        )
        parser.add_argument("--date", type=iso_date, help="date de lancement de la consultation (défaut : aujourd'hui)")
        parser.add_argument("--notice-date", type=iso_date, help="date d'envoi de l'avis de publicité")

    def run(self, *, nature, value_ht, renewals, date, notice_date, **options):
        at = date or timezone.localdate()
        if notice_date and notice_date < at:
            raise UsageError(
                "--notice-date : l'avis ne peut pas être envoyé avant le lancement de la consultation (--date)"
            )
        total = estimated_value(value_ht_per_period=value_ht, renewals=renewals)
        periods = 1 + renewals
        explanation = (
            f"Valeur estimée : {format_eur(value_ht)} HT par période × {periods} période(s) "
            f"(1 + {renewals} reconduction(s)) = {format_eur(total)} HT (CCP R.2121-1 à R.2121-9)."
        )
        try:
            rules = rules_in_force(nature=NATURES[nature], at=at)
        except ReferenceValueMissing as error:
            raise UsageError(f"--date : {error}") from None
        advice = advise(estimated_value_ht=total, rules=rules, notice_date=notice_date, value_explanation=explanation)
        text = "\n".join([f"Procédure conseillée : {advice.procedure.label}.", *(f"- {r}" for r in advice.reasons)])
        return advice.as_dict(), text
