import argparse

from django.utils import timezone

from procurement.core.commands import ProcurementCommand, UsageError, iso_date, non_negative_int, positive_amount
from procurement.core.money import format_eur
from procurement.core.selectors import ReferenceValueMissing
from procurement.tenders.enums import Nature
from procurement.tenders.rules.procedure import Period, advise, estimated_value, periods_text, rules_in_force

NATURES = {"supplies": Nature.SUPPLIES, "services": Nature.SERVICES, "works": Nature.WORKS}


def period(value: str) -> Period:
    """argparse type: ``MONTHS:AMOUNT_HT``, e.g. ``36:150000``."""
    months, separator, amount = value.partition(":")
    if not separator:
        raise argparse.ArgumentTypeError(f"« {value} » : attendu DURÉE_EN_MOIS:MONTANT_HT, par exemple 36:150000")
    try:
        count = int(months)
    except ValueError:
        raise argparse.ArgumentTypeError(f"« {value} » : la durée « {months} » n'est pas un nombre de mois") from None
    if count < 1:
        raise argparse.ArgumentTypeError(f"« {value} » : la durée d'une période est d'au moins un mois")
    return Period(months=count, amount_ht=positive_amount(amount))


class Command(ProcurementCommand):
    help = (
        "Conseille la procédure d'un besoin : valeur estimée (reconductions comprises), procédure, "
        "publicité et délai minimal de réception des offres, selon les seuils en vigueur à la date donnée."
    )

    def add_arguments(self, parser):
        parser.add_argument("--nature", required=True, choices=sorted(NATURES), help="supplies, services ou works")
        parser.add_argument(
            "--value-ht", type=positive_amount, help="valeur HT d'une période pour tout le besoin (même montant à "
                                                     "chaque période)"
        )
        parser.add_argument(
            "--renewals", type=non_negative_int, default=None,
            help="nombre de reconductions après la première période (avec --value-ht)",
        )
        parser.add_argument(
            "--period", type=period, action="append", default=[], metavar="MOIS:MONTANT_HT",
            help="une période et son montant HT, répétée : la période initiale d'abord, puis chaque reconduction "
                 "(remplace --value-ht et --renewals)",
        )
        parser.add_argument("--date", type=iso_date, help="date de lancement de la consultation (défaut : aujourd'hui)")
        parser.add_argument("--notice-date", type=iso_date, help="date d'envoi de l'avis de publicité")

    def run(self, *, nature, value_ht, renewals, period, date, notice_date, **options):
        at = date or timezone.localdate()
        if notice_date and notice_date < at:
            raise UsageError(
                "--notice-date : l'avis ne peut pas être envoyé avant le lancement de la consultation (--date)"
            )
        if period:
            if value_ht is not None or renewals is not None:
                raise UsageError("--period : donnez soit les périodes (--period), soit --value-ht et --renewals")
            periods = list(period)
            total = estimated_value(periods=periods)
            explanation = (f"Valeur estimée : {periods_text(periods)} = {format_eur(total)} HT "
                           "(CCP R.2121-1 à R.2121-9).")
        else:
            if value_ht is None:
                raise UsageError("argument(s) obligatoire(s) manquant(s) : --value-ht (ou --period)")
            renewals = renewals or 0
            total = estimated_value(periods=[Period(months=0, amount_ht=value_ht)] * (1 + renewals))
            explanation = (
                f"Valeur estimée : {format_eur(value_ht)} HT par période × {1 + renewals} période(s) "
                f"(1 + {renewals} reconduction(s)) = {format_eur(total)} HT (CCP R.2121-1 à R.2121-9)."
            )
        try:
            rules = rules_in_force(nature=NATURES[nature], at=at)
        except ReferenceValueMissing as error:
            raise UsageError(f"--date : {error}") from None
        advice = advise(estimated_value_ht=total, rules=rules, notice_date=notice_date, value_explanation=explanation)
        text = "\n".join([f"Procédure conseillée : {advice.procedure.label}.", *(f"- {r}" for r in advice.reasons)])
        return advice.as_dict(), text
