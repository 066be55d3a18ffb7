"""What the documents print, read from a tender: plain dicts of French-formatted values whose shape is
the one documented in ``procurement.documents.catalog`` (the tests compare them)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import timezone

from procurement.core.enums import ReferenceKind
from procurement.core.legal_calendar import long_date
from procurement.core.money import amount_in_words, format_eur, format_percent
from procurement.core.numbers import format_number
from procurement.core.selectors import ReferenceValueMissing, reference_days, reference_value
from procurement.tenders.enums import (
    Ccag,
    ConsolidationMethod,
    CriterionKind,
    ExecutionMode,
    PlaceCodeType,
    PriceBasis,
    PriceFormula,
    PriceType,
    Procedure,
    Publicity,
)

OFFER_VALIDITY_DAYS = 120
REVISION_FORMULA = "P = P0 × (0,125 + 0,875 × I / I0)"
SYNTEC = "indice Syntec révisé"
CONSUMER_PRICES = "indice des prix à la consommation (ensemble des ménages, France, hors tabac)"
PROCEDURE_BASIS = {
    Procedure.OPEN: "articles L.2124-2, R.2124-1 et R.2124-2 1° du code de la commande publique",
    Procedure.MAPA: "articles L.2123-1 et R.2123-1 à R.2123-7 du code de la commande publique",
    Procedure.DISPENSE: "article R.2122-8 du code de la commande publique",
}
OTHER_BASIS = "articles applicables du code de la commande publique"


def points(value: Decimal) -> str:
    """« 40 », « 12,5 »: a weight as French tender rules write it."""
    return format_number(value)


def score(value: Decimal) -> str:
    """« 37,80 »: a note with two decimals."""
    return format_number(value, places=2)


def quantity(value: Decimal) -> str:
    return format_number(value)


def deadline_text(moment) -> str:
    local = timezone.localtime(moment)
    return f"{long_date(local.date())} à {local:%H} h {local:%M}"


def person(user) -> tuple[str, str]:
    if user is None:
        return "le service des achats", ""
    return user.get_full_name() or user.username, user.email


def authority_context(tender) -> dict:
    authority = tender.programme.authority if tender.programme_id else None
    if authority is None:
        return {"name": "L'acheteur public", "address": "", "siret": ""}
    return {"name": authority.name, "address": f"{authority.street}, {authority.postal_code} {authority.city}",
            "siret": authority.siret}


def _duration(tender) -> str:
    text = f"{tender.duration_months} mois"
    if tender.renewals:
        times = "une fois" if tender.renewals == 1 else f"{tender.renewals} fois"
        text += (f", reconductible {times} par période de {tender.renewal_months} mois, soit "
                 f"{tender.total_months} mois au plus")
    return text


def _publicity(tender) -> str:
    from procurement.tenders.services.need import tender_advice

    try:
        advice = tender_advice(tender=tender)
    except ReferenceValueMissing:
        advice = None
    if advice is None or not advice.publicity:
        return "profil d'acheteur"
    return ", ".join(str(Publicity(code).label) for code in advice.publicity)


def _labels(values, choices) -> str:
    labels = dict(choices)
    return ", ".join(str(labels.get(value, value)) for value in values) or "sans objet"


def tender_context(tender, lots) -> dict:
    name, email = person(tender.buyer)
    framework = tender.is_framework
    orders = ExecutionMode.PURCHASE_ORDERS in (tender.execution_modes or [])
    return {
        "reference": tender.reference,
        "object": tender.object,
        "nature": tender.get_nature_display(),
        "cpv_code": tender.cpv_code,
        "place": f"{tender.place_code} ({str(PlaceCodeType(tender.place_code_type).label).lower()})",
        "procedure": tender.get_procedure_display() if tender.procedure else "procédure à déterminer",
        "procedure_basis": PROCEDURE_BASIS.get(tender.procedure, OTHER_BASIS),
        "formalised": tender.procedure == Procedure.OPEN,
        "is_framework": framework,
        "contract_form": ("accord-cadre à bons de commande" if orders else "accord-cadre") if framework
        else "marché public",
        "duration": _duration(tender),
        "duration_months": tender.duration_months,
        "renewals": tender.renewals,
        "renewal_months": tender.renewal_months,
        "total_months": tender.total_months,
        "ccag": str(Ccag(tender.ccag).label) if tender.ccag in Ccag.values else tender.ccag,
        "price_form": tender.get_price_form_display(),
        "price_types": _labels(tender.price_types or [], PriceType.choices),
        "execution_modes": _labels(tender.execution_modes or [], ExecutionMode.choices),
        "publicity": _publicity(tender),
        "mapa_negotiation": tender.mapa_negotiation and tender.procedure == Procedure.MAPA,
        "estimated_value": format_eur(sum((lot.estimated_value_ht for lot in lots), Decimal("0"))),
        "lot_count": len(lots),
        "buyer_name": name,
        "buyer_email": email,
    }


# What a non-price criterion's note is given on, by kind.
NOTED_ON = {
    CriterionKind.TECHNICAL: "au vu du mémoire technique",
    CriterionKind.ENVIRONMENTAL: "au vu des engagements environnementaux du mémoire technique",
    CriterionKind.SOCIAL: "au vu des engagements sociaux du mémoire technique",
    CriterionKind.DELAY: "au vu des délais proposés dans l'offre",
}


def criterion_method(criterion, *, children=(), consolidation: str = ConsolidationMethod.MEAN) -> str:
    """How a criterion is scored, as the RC states it: the price formula with its figures, the sum of
    the sub-criteria, or the scale of a note given by the committee and how the notes are combined."""
    from procurement.tenders.evaluation.scoring import FORMULA_TEXT

    nmax = points(criterion.points)
    if children:
        total = points(sum((child.points for child in children), Decimal("0")))
        return f"Somme des notes des sous-critères ci-dessous ({total} points)."
    if criterion.kind == CriterionKind.PRICE:
        formula = FORMULA_TEXT.get(criterion.price_formula)
        if not formula:
            return f"Note de 0 à {nmax} points selon le prix de l'offre."
        basis = "TTC" if criterion.price_basis == PriceBasis.TTC else "HT"
        label = str(PriceFormula(criterion.price_formula).label).split(" :")[0].lower()
        return (f"Formule {label} : {formula} ; N est la note, Nmax = {nmax} points, P le prix {basis} de l'offre "
                "(total du détail quantitatif estimatif), Pmin le plus bas, Pmax le plus élevé et Pmoy la "
                "moyenne des offres admises. Notes arrondies au centième.")
    noted_on = NOTED_ON.get(criterion.kind, "au vu de l'offre")
    combined = "médiane" if consolidation == ConsolidationMethod.MEDIAN else "moyenne"
    return (f"Note de 0 à {nmax} points {noted_on}, donnée par chaque membre de la commission "
            f"d'évaluation ; la note retenue est la {combined} de leurs notes, arrondie au centième.")


def criteria_context(lot, *, consolidation: str | None = None) -> list[dict]:
    from procurement.tenders.evaluation.selectors import settings_for

    if consolidation is None:
        consolidation = settings_for(lot.tender).consolidation
    criteria = sorted(lot.criteria.all(), key=lambda c: (c.position, c.pk))
    formulas = dict(PriceFormula.choices)
    rows = []
    for criterion in (c for c in criteria if c.parent_id is None):
        children = [child for child in criteria if child.parent_id == criterion.pk]
        rows.append({
            "name": criterion.name, "points": points(criterion.points), "kind": criterion.get_kind_display(),
            "formula": str(formulas.get(criterion.price_formula, "")),
            "method": criterion_method(criterion, children=children, consolidation=consolidation),
            "children": [{"name": child.name, "points": points(child.points),
                          "method": criterion_method(child, consolidation=consolidation)} for child in children],
        })
    return rows


def lot_context(lot, *, consolidation: str | None = None) -> dict:
    return {
        "number": lot.number,
        "title": lot.title,
        "description": lot.description or "[À compléter : description du besoin du lot.]",
        "estimated_amount": format_eur(lot.estimated_amount_ht),
        "estimated_amount_words": amount_in_words(lot.estimated_amount_ht),
        "options_amount": format_eur(lot.options_amount_ht),
        "estimated_value": format_eur(lot.estimated_value_ht),
        "criteria": criteria_context(lot, consolidation=consolidation),
        "prices": [
            {"number": item.number, "label": item.label, "unit": item.unit, "quantity": quantity(item.quantity)}
            for item in sorted(lot.price_items.all(), key=lambda item: (item.position, item.pk))
        ],
    }


def deadlines_context(tender) -> dict:
    from procurement.tenders.services.qa import answer_limit

    answers_until = ""
    if tender.bid_deadline:
        try:
            answers_until = long_date(answer_limit(tender))
        except ReferenceValueMissing:
            answers_until = ""
    return {
        "notice_sent_on": long_date(tender.notice_sent_on) if tender.notice_sent_on else "à la date d'envoi de l'avis",
        "bid_deadline": deadline_text(tender.bid_deadline) if tender.bid_deadline else "à fixer",
        "answers_until": answers_until or "six jours avant la date limite",
        "offer_validity_days": OFFER_VALIDITY_DAYS,
    }


def terms_context(tender) -> dict:
    at = tender.consultation_start
    authority = tender.programme.authority if tender.programme_id else None
    large = authority is None or authority.large_operating_budget
    intellectual = tender.ccag in (Ccag.IT, Ccag.INTELLECTUAL) or tender.cpv_code[:2] in ("72", "79")
    try:
        sme_rate = reference_value(ReferenceKind.ADVANCE_MIN_RATE_SME if large else ReferenceKind.ADVANCE_MIN_RATE,
                                   at=at)
    except ReferenceValueMissing:
        sme_rate = reference_value(ReferenceKind.ADVANCE_MIN_RATE, at=at)
    return {
        "revisable": PriceType.REVISABLE in (tender.price_types or []),
        "revision_formula": REVISION_FORMULA,
        "revision_index": SYNTEC if intellectual else CONSUMER_PRICES,
        "payment_days": reference_days(ReferenceKind.PAYMENT_DEADLINE_DAYS, at=at),
        "late_compensation": format_eur(reference_value(ReferenceKind.LATE_PAYMENT_COMPENSATION, at=at)),
        "late_interest_margin": points(reference_value(ReferenceKind.LATE_INTEREST_MARGIN, at=at)),
        "advance_rate": format_percent(reference_value(ReferenceKind.ADVANCE_MIN_RATE, at=at)),
        "advance_rate_sme": format_percent(sme_rate),
        "advance_threshold": format_eur(reference_value(ReferenceKind.ADVANCE_MIN_AMOUNT, at=at)),
    }


def document_context(*, version: int, on: date | None = None) -> dict:
    return {"date": long_date(on or timezone.localdate()), "version": version}


def company_context(vendor) -> dict:
    address = ", ".join(part for part in (vendor.street, f"{vendor.postal_code} {vendor.city}".strip()) if part)
    return {"name": vendor.name, "siret": vendor.siret or vendor.vat_number, "address": address}
