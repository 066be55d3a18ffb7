"""The legal checks of a contract's terms (``Contract.clean``, so the services, forms and admin share
them): a framework's maximum and its four years, the mandatory advance and its minimum rate, the
retention money's maximum. The figures are those in force when the consultation started."""

from __future__ import annotations

from datetime import date

from procurement.contracts.enums import GuaranteeKind
from procurement.contracts.rules.figures import (
    advance_figures,
    advance_rule_at,
    framework_max_months,
    order_advance_principle_at,
    retention_max_rate,
)
from procurement.core.money import format_eur, format_percent
from procurement.core.selectors import ReferenceValueMissing


def terms_date(contract) -> date:
    """The rules in force when the consultation started govern the contract's clauses."""
    if contract.lot_id:
        return contract.lot.tender.consultation_start
    return contract.start_date


def authority_of(contract):
    if not contract.lot_id:
        return None
    programme = contract.lot.tender.programme
    return programme.authority if programme else None


def _sme(contract) -> bool:
    return bool(contract.holder_id and contract.holder.is_sme)


def _amount_errors(contract) -> dict[str, str]:
    errors = {}
    if contract.budget_line_id and contract.lot_id:
        programme_id = contract.lot.tender.programme_id
        if programme_id and contract.budget_line.programme_id != programme_id:
            errors["budget_line"] = "Cette ligne budgétaire appartient à un autre programme que la consultation."
    if contract.is_framework and contract.maximum_ht is None:
        errors["maximum_ht"] = "Un accord-cadre a obligatoirement un maximum, en valeur ou en quantité (R.2162-4)."
    if not contract.is_framework and contract.amount_ht is None:
        errors["amount_ht"] = "Le montant du marché est obligatoire."
    return errors


def _duration_errors(contract, at: date) -> dict[str, str]:
    if not (contract.is_framework and contract.duration_months and contract.renewal_months is not None):
        return {}
    limit = framework_max_months(at=at)
    if contract.total_months > limit:
        return {"max_renewals": (
            f"Un accord-cadre dure {limit // 12} ans au plus (R.2162-4) : {contract.duration_months} mois, plus "
            f"{contract.max_renewals} reconduction(s) de {contract.renewal_months} mois, font "
            f"{contract.total_months} mois."
        )}
    return {}


def _advance_errors(contract, at: date) -> dict[str, str]:
    if contract.is_framework or not contract.duration_months:
        return {}  # a framework's advance is assessed order by order
    rule = advance_rule_at(amount_ht=contract.initial_amount_ht, duration_months=contract.duration_months,
                                 sme=_sme(contract), authority=authority_of(contract), at=at)
    if rule.required and not contract.advance_granted and not contract.advance_declined:
        return {"advance_granted": f"{rule.reason} Accordez-la, ou indiquez que le titulaire y renonce."}
    if contract.advance_granted and contract.advance_rate is not None and contract.advance_rate < rule.min_rate:
        return {"advance_rate": (
            f"Le taux de l'avance ({format_percent(contract.advance_rate)}) est inférieur au minimum de "
            f"{format_percent(rule.min_rate)} pour ce titulaire (R.2191-7)."
        )}
    return {}


def _retention_errors(contract, at: date) -> dict[str, str]:
    if contract.guarantee_kind != GuaranteeKind.RETENTION or contract.retention_rate is None:
        return {}
    maximum = retention_max_rate(sme=_sme(contract), authority=authority_of(contract), at=at)
    if contract.retention_rate > maximum:
        return {"retention_rate": (
            f"La retenue de garantie ({format_percent(contract.retention_rate)}) dépasse le maximum de "
            f"{format_percent(maximum)} pour ce titulaire (R.2191-32 à R.2191-35)."
        )}
    return {}


def contract_term_errors(contract) -> dict[str, str]:
    errors = _amount_errors(contract)
    if not contract.start_date:
        return errors
    at = terms_date(contract)
    try:
        for check in (_duration_errors, _advance_errors, _retention_errors):
            for field, message in check(contract, at).items():
                errors.setdefault(field, message)
    except ReferenceValueMissing as missing:
        errors.setdefault("start_date", str(missing))
    return errors


def order_advance(order, figures: dict | None = None) -> dict:
    """The advance of one purchase order of a framework (R.2191-3): due above the threshold HT when the
    order runs over two months, at least the minimum rate of the order's amount TTC (R.2191-7).
    ``figures`` are the contract's ``advance_figures``, read once for a list of orders."""
    from procurement.contracts.rules.advances import advance_amount, order_advance_rule

    contract = order.contract
    try:
        if figures is None:
            figures = advance_figures(sme=_sme(contract), authority=authority_of(contract),
                                            at=terms_date(contract))
    except ReferenceValueMissing as missing:
        return {"order": order, "required": False, "reason": str(missing), "amount": None, "amount_display": ""}
    rule = order_advance_rule(amount_ht=order.amount_ht, **figures)
    amount = (advance_amount(amount_ht=order.amount_ht, vat_rate=order.vat_rate, rate=rule.min_rate,
                             duration_months=12) if rule.required else None)
    return {"order": order, "required": rule.required, "reason": rule.reason, "amount": amount,
            "amount_display": format_eur(amount) if amount is not None else ""}


def advance_summary(contract) -> dict:
    """For the page: whether the advance is mandatory, its minimum rate and its amount (on the initial
    amount TTC); for a framework, order by order."""
    from procurement.contracts.rules.advances import advance_amount

    if contract.is_framework:
        try:
            principle = order_advance_principle_at(at=terms_date(contract))
            figures = advance_figures(sme=_sme(contract), authority=authority_of(contract),
                                            at=terms_date(contract))
        except ReferenceValueMissing as missing:
            principle, figures = str(missing), None
        return {"required": False, "amount": None, "amount_display": "", "reason": principle,
                "orders": [order_advance(order, figures) for order in contract.orders.all()]}
    try:
        rule = advance_rule_at(amount_ht=contract.initial_amount_ht, duration_months=contract.duration_months,
                                     sme=_sme(contract), authority=authority_of(contract), at=terms_date(contract))
    except ReferenceValueMissing as missing:
        return {"required": False, "reason": str(missing), "amount": None, "amount_display": ""}
    amount = None
    if contract.advance_granted and contract.advance_rate:
        amount = advance_amount(amount_ht=contract.initial_amount_ht, vat_rate=contract.vat_rate,
                                rate=contract.advance_rate, duration_months=contract.duration_months)
    return {"required": rule.required, "reason": rule.reason, "amount": amount,
            "amount_display": format_eur(amount) if amount is not None else ""}
