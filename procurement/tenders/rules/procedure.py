"""Procedure advice: from the estimated value, the nature and the date, which procedure, which
publicity and which minimum bid period the code de la commande publique asks for.

``rules_in_force`` reads the dated reference data once; ``advise`` is a pure function of those
rules, so the thresholds' edges are easy to test.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from procurement.core.enums import ReferenceKind
from procurement.core.legal_calendar import LegalDeadline, legal_deadline, short_date
from procurement.core.money import format_eur, format_percent, round_money
from procurement.core.selectors import reference_known_until, reference_row
from procurement.tenders.enums import Nature, Procedure, Publicity


@dataclass(frozen=True)
class Figure:
    value: Decimal
    source: str


@dataclass(frozen=True)
class ProcedureRules:
    """The figures in force on the day the consultation starts."""

    at: date
    nature: str
    eu_threshold: Figure
    dispense_threshold: Figure
    mapa_publicity_threshold: Figure
    open_min_days: Figure
    mapa_suggested_days: Figure
    small_lot_threshold: Figure
    small_lots_max_share: Figure


PROCEDURE_RULE_KINDS = (
    ReferenceKind.EU_THRESHOLD_WORKS, ReferenceKind.EU_THRESHOLD_SUPPLIES_SERVICES_SUBCENTRAL,
    ReferenceKind.DISPENSE_THRESHOLD_WORKS, ReferenceKind.DISPENSE_THRESHOLD_SUPPLIES_SERVICES,
    ReferenceKind.MAPA_PUBLICITY_THRESHOLD, ReferenceKind.OPEN_MIN_DAYS_ELECTRONIC,
    ReferenceKind.MAPA_SUGGESTED_MIN_DAYS, ReferenceKind.SMALL_LOT_WORKS, ReferenceKind.SMALL_LOT_SUPPLIES_SERVICES,
    ReferenceKind.SMALL_LOTS_MAX_SHARE,
)


def procedure_rules_known_until() -> date | None:
    """The last day for which the stored figures let ``rules_in_force`` answer (None: no end)."""
    return reference_known_until(PROCEDURE_RULE_KINDS)


def eu_threshold_kind(nature: str) -> ReferenceKind:
    """The European threshold a need of this nature is measured against (R.2124-1, avis annexé au
    CCP): the works threshold, or the supplies and services one for local authorities (sub-central
    buyers)."""
    if nature == Nature.WORKS:
        return ReferenceKind.EU_THRESHOLD_WORKS
    return ReferenceKind.EU_THRESHOLD_SUPPLIES_SERVICES_SUBCENTRAL


def notice_date_at_publication(*, planned: date | None, today: date) -> date:
    """The day the notice is taken as sent when the tender is published on ``today``: the planned day,
    or today when that day has passed or was never set (a notice cannot be sent in the past)."""
    return max(today, planned or today)


def earliest_bid_deadline(*, notice: date, min_days: int) -> LegalDeadline:
    """The first day the bid deadline may fall on: ``min_days`` days from the notice's sending
    (R.2161-3 for an open procedure), counted by the legal calendar."""
    return legal_deadline(notice, min_days)


def rules_in_force(*, nature: str, at: date) -> ProcedureRules:
    works = nature == Nature.WORKS

    def figure(kind: str) -> Figure:
        row = reference_row(kind, at=at)
        return Figure(row.value, row.source)

    return ProcedureRules(
        at=at,
        nature=nature,
        eu_threshold=figure(eu_threshold_kind(nature)),
        dispense_threshold=figure(
            ReferenceKind.DISPENSE_THRESHOLD_WORKS if works else ReferenceKind.DISPENSE_THRESHOLD_SUPPLIES_SERVICES
        ),
        mapa_publicity_threshold=figure(ReferenceKind.MAPA_PUBLICITY_THRESHOLD),
        open_min_days=figure(ReferenceKind.OPEN_MIN_DAYS_ELECTRONIC),
        mapa_suggested_days=figure(ReferenceKind.MAPA_SUGGESTED_MIN_DAYS),
        small_lot_threshold=figure(
            ReferenceKind.SMALL_LOT_WORKS if works else ReferenceKind.SMALL_LOT_SUPPLIES_SERVICES
        ),
        small_lots_max_share=figure(ReferenceKind.SMALL_LOTS_MAX_SHARE),
    )


@dataclass(frozen=True)
class LotValue:
    name: str
    value_ht: Decimal


@dataclass(frozen=True)
class ProcedureAdvice:
    estimated_value_ht: Decimal
    procedure: Procedure
    eu_threshold_ht: Decimal
    publicity: list[Publicity]
    min_tender_days: int | None
    earliest_bid_deadline: date | None
    suggested_min_tender_days: int | None
    suggested_bid_deadline: date | None
    reasons: list[str]
    small_lots: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "estimated_value_ht": f"{self.estimated_value_ht:.2f}",
            "procedure": str(self.procedure),
            "eu_threshold_ht": f"{self.eu_threshold_ht:.2f}",
            "publicity": [str(code) for code in self.publicity],
            "min_tender_days": self.min_tender_days,
            "earliest_bid_deadline": self.earliest_bid_deadline.isoformat() if self.earliest_bid_deadline else None,
            "reasons": self.reasons,
            # Beyond the command's published contract (other tools read the keys above):
            "procedure_label": str(self.procedure.label),
            "suggested_min_tender_days": self.suggested_min_tender_days,
            "suggested_bid_deadline": (
                self.suggested_bid_deadline.isoformat() if self.suggested_bid_deadline else None
            ),
            "small_lots": self.small_lots,
        }


@dataclass(frozen=True)
class Period:
    """A period of the contract: the initial one, then each renewal, with its own length and amount HT
    (for a framework agreement, its maximum over the period)."""

    months: int
    amount_ht: Decimal


def need_periods(*, initial_months: int, initial_ht: Decimal, renewals: int, renewal_months: int,
                 renewal_amounts_ht: list | tuple = ()) -> list[Period]:
    """The periods of a need: the initial one, then ``renewals`` renewals of ``renewal_months`` months,
    each at its own amount in ``renewal_amounts_ht`` when given (None or missing: the initial amount)."""
    periods = [Period(initial_months, Decimal(initial_ht))]
    for index in range(renewals):
        amount = renewal_amounts_ht[index] if index < len(renewal_amounts_ht) else None
        periods.append(Period(renewal_months, Decimal(amount) if amount not in (None, "") else Decimal(initial_ht)))
    return periods


def estimated_value(*, periods: list[Period], options_ht: Decimal = Decimal("0")) -> Decimal:
    """R.2121-1: the whole need, every period (the initial one and each renewal, at its own amount) and
    the options included. 36 months at 150 k€ + one 12-month renewal at 50 k€ = 200 k€."""
    return round_money(sum((period.amount_ht for period in periods), Decimal("0")) + options_ht)


def periods_text(periods: list[Period]) -> str:
    """``36 mois à 150 000,00 € HT + reconduction 1 : 12 mois à 50 000,00 € HT``, for the explanation."""
    parts = [f"période initiale de {periods[0].months} mois à {format_eur(periods[0].amount_ht)} HT"]
    parts += [f"reconduction {number} de {period.months} mois à {format_eur(period.amount_ht)} HT"
              for number, period in enumerate(periods[1:], start=1)]
    return " + ".join(parts)


def small_lots(*, lots: list[LotValue], total_ht: Decimal, rules: ProcedureRules) -> list[LotValue]:
    """R.2123-1 2°: the smallest lots under the small-lot threshold, while together they stay
    within the allowed share of the total value, may each be awarded through a MAPA."""
    allowed = total_ht * rules.small_lots_max_share.value / 100
    chosen, cumulated = [], Decimal(0)
    for lot in sorted(lots, key=lambda lot: lot.value_ht):
        if lot.value_ht >= rules.small_lot_threshold.value or cumulated + lot.value_ht > allowed:
            break
        chosen.append(lot)
        cumulated += lot.value_ht
    return chosen


def advise(
    *,
    estimated_value_ht: Decimal,
    rules: ProcedureRules,
    notice_date: date | None = None,
    lots: list[LotValue] | None = None,
    value_explanation: str = "",
) -> ProcedureAdvice:
    value = round_money(estimated_value_ht)
    at = short_date(rules.at)
    eu = rules.eu_threshold
    reasons = [value_explanation or f"Valeur estimée du besoin : {format_eur(value)} HT (CCP R.2121-1 à R.2121-9)."]
    min_days = suggested_days = None
    earliest = suggested = None
    chosen_small_lots: list[str] = []

    if value < rules.dispense_threshold.value:
        procedure, publicity = Procedure.DISPENSE, []
        reasons.append(
            f"{format_eur(value)} HT est inférieur au seuil de dispense de "
            f"{format_eur(rules.dispense_threshold.value)} HT en vigueur au {at} : le marché peut être passé "
            "sans publicité ni mise en concurrence préalables, en choisissant une offre pertinente et en ne "
            f"contractant pas systématiquement avec le même opérateur ({rules.dispense_threshold.source})."
        )
    elif value < eu.value:
        procedure = Procedure.MAPA
        reasons.append(
            f"{format_eur(value)} HT est au moins égal au seuil de dispense de "
            f"{format_eur(rules.dispense_threshold.value)} HT et inférieur au seuil européen de "
            f"{format_eur(eu.value)} HT en vigueur au {at} ({eu.source}) : procédure adaptée (CCP R.2123-1 1°)."
        )
        if value < rules.mapa_publicity_threshold.value:
            publicity = [Publicity.BUYER_PROFILE]
            reasons.append(
                f"En dessous de {format_eur(rules.mapa_publicity_threshold.value)} HT, la publicité est libre et "
                f"adaptée au montant et à l'objet ; les documents de la consultation sont mis à disposition sur "
                f"le profil d'acheteur ({rules.mapa_publicity_threshold.source}, R.2132-2)."
            )
        else:
            publicity = [Publicity.BUYER_PROFILE, Publicity.BOAMP]
            reasons.append(
                f"À partir de {format_eur(rules.mapa_publicity_threshold.value)} HT : avis au BOAMP ou dans un journal "
                f"d'annonces légales (JAL), et si nécessaire dans la presse spécialisée ; documents sur le profil "
                f"d'acheteur ({rules.mapa_publicity_threshold.source}, R.2132-2)."
            )
        suggested_days = int(rules.mapa_suggested_days.value)
        reasons.append(
            f"Pas de délai minimal légal en procédure adaptée : l'acheteur fixe un délai raisonnable, "
            f"au moins {suggested_days} jours conseillés ({rules.mapa_suggested_days.source})."
        )
    else:
        procedure = Procedure.OPEN
        publicity = [Publicity.BUYER_PROFILE, Publicity.BOAMP, Publicity.JOUE]
        reasons.append(
            f"{format_eur(value)} HT atteint le seuil européen de {format_eur(eu.value)} HT en vigueur au {at} "
            f"({eu.source}) : procédure formalisée, appel d'offres ouvert (CCP R.2124-1, R.2124-2 1°)."
        )
        reasons.append(
            "Publicité : avis au BOAMP et au Journal officiel de l'Union européenne, documents de la "
            "consultation gratuits sur le profil d'acheteur (CCP R.2131-16, R.2132-2)."
        )
        min_days = int(rules.open_min_days.value)
        reasons.append(
            f"Délai minimal de réception des offres : {min_days} jours à compter de l'envoi de l'avis, les offres "
            f"étant transmises par voie électronique ({rules.open_min_days.source})."
        )
        if lots:
            chosen = small_lots(lots=lots, total_ht=value, rules=rules)
            chosen_small_lots = [lot.name for lot in chosen]
            if chosen:
                reasons.append(
                    f"Petits lots : {', '.join(chosen_small_lots)} (chacun sous "
                    f"{format_eur(rules.small_lot_threshold.value)} HT, ensemble au plus "
                    f"{format_percent(rules.small_lots_max_share.value)} de la valeur totale) peuvent être passés "
                    f"en procédure adaptée ({rules.small_lot_threshold.source})."
                )

    if notice_date is not None:
        if min_days is not None:
            deadline = earliest_bid_deadline(notice=notice_date, min_days=min_days)
            earliest = deadline.end
            reasons.append(
                f"Avis envoyé le {short_date(notice_date)} : {deadline.reason[0].lower()}{deadline.reason[1:]}"
            )
        elif suggested_days is not None:
            suggested = legal_deadline(notice_date, suggested_days).end
            reasons.append(
                f"Avis envoyé le {short_date(notice_date)} : date limite conseillée au plus tôt le "
                f"{short_date(suggested)}."
            )

    return ProcedureAdvice(
        estimated_value_ht=value,
        procedure=procedure,
        eu_threshold_ht=eu.value,
        publicity=publicity,
        min_tender_days=min_days,
        earliest_bid_deadline=earliest,
        suggested_min_tender_days=suggested_days,
        suggested_bid_deadline=suggested,
        reasons=reasons,
        small_lots=chosen_small_lots,
    )
