"""What the contract's page shows, built from a contract loaded by ``selectors.contract_detail``
(no further query per row): its periods, its timeline, the transitions and their refusals."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from procurement.contracts.enums import ContractState, SubcontractStatus
from procurement.contracts.rules.guards import contract_refusals, standstill_of
from procurement.contracts.services.indices import revision_dates
from procurement.core.legal_calendar import short_date
from procurement.core.money import format_eur, format_percent
from procurement.core.numbers import format_number

STATE_LABELS = dict(ContractState.choices)


def candidate_transitions(contract, names) -> list[str]:
    """The transitions among ``names`` that leave the current state, whatever their guards say."""
    state = contract.state
    leaving = {t.name for t in contract.get_all_state_transitions() if t.source in (state, "*")}
    return [name for name in names if name in leaving]


def transition_items(contract, names, labels, *, today: date) -> list[dict]:
    return [{"name": name, "label": labels[name], "refusals": contract_refusals(contract, name, on=today)}
            for name in names]


def period_rows(contract, *, today: date) -> list[dict]:
    """Every period the contract may run, with what happened to it."""
    rows = []
    for period in contract.all_periods():
        if period.number <= contract.renewal_count + 1:
            status = _("en cours") if period.contains(today) else (
                _("passée") if period.end < today else _("à venir"))
            if contract.is_closed and period.end >= today:
                status = _("interrompue") if contract.state == ContractState.TERMINATED else _("passée")
        else:
            status = _("possible, si reconduit")
        label = _("Période initiale") if period.number == 1 else _("Reconduction n° %(n)s") % {
            "n": period.renewal_number}
        rows.append({"number": period.number, "label": label, "start": period.start, "end": period.end,
                     "status": status})
    return rows


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else _("automatique")


def _event(on: date, label: str, *, who: str = "", change: str = "", reason: str = "") -> dict:
    return {"on": on, "label": label, "who": who, "change": change, "reason": reason}


def _procedure_events(contract) -> list[dict]:
    events = []
    lot = contract.lot
    if lot.decided_at:
        events.append(_event(lot.decided_at.date(), _("Attribution du lot %(n)s") % {"n": lot.number}))
    if contract.rejection_letters_sent_on:
        events.append(_event(contract.rejection_letters_sent_on, _("Envoi des lettres de rejet")))
    window = standstill_of(contract)
    if window is not None and window.required:
        events.append(_event(window.end, _("Fin du délai de suspension"),
                             reason=_("signature possible à partir du %(day)s") % {
                                 "day": short_date(window.signable_from)}))
    act = contract.signature_authorisation
    if act is not None:
        events.append(_event(act.adopted_on, _("Autorisation de signer"), reason=str(act)))
    return events


def _execution_events(contract, *, today: date) -> list[dict]:
    events = [_event(contract.start_date, _("Début d'exécution"))]
    if contract.accepted_on:
        events.append(_event(contract.accepted_on, _("Réception des prestations")))
    if contract.maintenance_starts_on:
        events.append(_event(contract.maintenance_starts_on, _("Début de la maintenance"),
                             reason=_("%(amount)s HT par an") % {"amount": format_eur(contract.maintenance_yearly_ht)}))
    if not contract.is_closed and contract.period_end:
        events.append(_event(contract.period_end, _("Fin de la période en cours")))
        if contract.renewal_deadline:
            events.append(_event(contract.renewal_deadline,
                                 _("Date limite pour refuser ou décider la reconduction n° %(n)s") % {
                                     "n": contract.renewal_count + 1}))
    for decision in contract.renewal_decisions.all():
        events.append(_event(decision.decided_on, _("Reconduction n° %(n)s : %(decision)s") % {
            "n": decision.renewal_number, "decision": decision.get_decision_display().lower()},
            who=_name(decision.by), reason=decision.reason))
    for amendment in contract.amendments.all():
        change = format_eur(amendment.amount_change_ht)
        events.append(_event(amendment.signed_on, _("Avenant n° %(n)s (%(basis)s) : %(change)s HT") % {
            "n": amendment.number, "basis": amendment.basis, "change": change},
            who=_name(amendment.by), reason=amendment.object))
    for order in contract.orders.all():
        events.append(_event(order.ordered_on, _("Bon de commande n° %(n)s : %(amount)s HT") % {
            "n": order.number, "amount": format_eur(order.amount_ht)}, who=_name(order.by), reason=order.description))
    for revision in contract.revisions.all():
        events.append(_event(revision.revision_on, _("Révision des prix : coefficient %(c)s, P = %(p)s HT") % {
            "c": format_number(revision.coefficient), "p": format_eur(revision.price_ht)},
            who=_name(revision.by)))
    for sub in contract.subcontracts.all():
        events.append(_event(sub.declared_on, _("Déclaration de sous-traitance (DC4) : %(vendor)s") % {
            "vendor": sub.vendor.name}, reason=format_eur(sub.amount_ttc) + " TTC"))
        if sub.status != SubcontractStatus.DECLARED and sub.decided_on:
            events.append(_event(sub.decided_on, _("Sous-traitance %(status)s : %(vendor)s") % {
                "status": sub.get_status_display().lower(), "vendor": sub.vendor.name},
                reason=_("paiement direct") if sub.direct_payment else sub.refusal_reason))
    return events


def contract_timeline(contract, labels, *, today: date) -> list[dict]:
    """Dates, transitions (who, from, to, why), renewals, revisions, amendments and orders, in order."""
    events = _procedure_events(contract) + _execution_events(contract, today=today)
    for log in contract.transition_logs.all():
        change = f"{STATE_LABELS.get(log.source, log.source)} → {STATE_LABELS.get(log.target, log.target)}"
        events.append(_event(log.effective_on, str(labels.get(log.transition, log.transition)), who=_name(log.by),
                             change=change, reason=log.reason))
    return sorted(events, key=lambda event: event["on"])


def pending_revision_dates(contract, *, today: date) -> list[date]:
    done = {revision.revision_on for revision in contract.revisions.all()}
    return [day for day in revision_dates(contract) if day <= today and day not in done]


def amendment_rows(contract) -> list[dict]:
    return [{"amendment": a, "change_share": format_percent(a.change_share),
             "cumulated_share": format_percent(a.cumulated_share)} for a in contract.amendments.all()]


def _latest_letters(lot):
    from procurement.tenders.models import LetterDocument
    from procurement.tenders.models.documents import LetterKind

    return (LetterDocument.objects.filter(lot=lot, kind=LetterKind.AWARD, sent_on__isnull=False)
            .order_by("-version").first())


def award_start_date(lot) -> date:
    """The start proposed for a contract created from ``lot``: the first day it may be signed (the day
    after the standstill), else today."""
    from django.utils import timezone

    letters = _latest_letters(lot)
    today = timezone.localdate()
    if letters is not None and letters.signable_from is not None:
        return max(letters.signable_from, today)
    return today


def award_summary(lot) -> str:
    """One sentence on the award the contract is created from: holder, amount, VAT, duration, and the
    standstill the signature waits for (R.2182-1)."""
    winner, tender = lot.winner, lot.tender
    amount = winner.final_amount_ht
    parts = [_("Lot %(number)s de la consultation %(reference)s, attribué à %(vendor)s") % {
        "number": lot.number, "reference": tender.reference, "vendor": winner.vendor.name}]
    if tender.is_framework:
        parts.append(_("accord-cadre : maximum %(amount)s HT par période") % {
            "amount": format_eur(lot.estimated_amount_ht)})
    elif amount is not None:
        parts.append(_("%(amount)s HT") % {"amount": format_eur(amount)})
    if winner.vat_rate is not None:
        parts.append(_("TVA %(rate)s") % {"rate": format_percent(winner.vat_rate)})
    if tender.duration_months:
        parts.append(_("%(months)s mois") % {"months": tender.duration_months})
    sentence = ", ".join(str(part) for part in parts) + "."
    letters = _latest_letters(lot)
    if letters is None:
        sentence += " " + _("Aucun courrier n'est encore généré pour ce lot : la date d'envoi des lettres de rejet "
                            "reste à renseigner dans les clauses avant la signature.")
    elif letters.signable_from is not None:
        sentence += " " + _("Courriers envoyés le %(sent)s : délai de suspension jusqu'au %(end)s, signature "
                            "possible à partir du %(start)s.") % {
            "sent": short_date(letters.sent_on), "end": short_date(letters.standstill_end),
            "start": short_date(letters.signable_from)}
    else:
        sentence += " " + _("Courriers envoyés le %(sent)s : pas de délai de suspension pour cette procédure.") % {
            "sent": short_date(letters.sent_on)}
    return sentence + " " + _("Le titulaire, le montant, la durée et la TVA sont repris de l'offre retenue ; "
                              "complétez ensuite les clauses du marché.")
