"""Business rules for programmes and budgets: every write goes through here (the admin aside).

Each function validates with ``full_clean()`` before saving and runs in a transaction, so a refusal
leaves the stored data unchanged. Refusals are ``ValidationError`` with French messages.
"""

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from stdnum.fr import siret as stdnum_siret

from procurement.core.money import MoneyError, round_money
from procurement.core.permissions import may, require
from procurement.programmes.abilities import list_abilities
from procurement.programmes.enums import AuthorityKind, BudgetSection
from procurement.programmes.models import Authority, BudgetCredit, BudgetLine, Programme, governance

AmountInput = Decimal | int | str
REFUSED = "Seuls les administrateurs modifient les programmes, leur budget et leur gouvernance."


def _money(value: AmountInput, *, field: str) -> Decimal:
    try:
        return round_money(value)
    except MoneyError as exc:
        raise ValidationError({field: str(exc)}) from exc


def _optional_money(value: AmountInput | None, *, field: str) -> Decimal | None:
    return None if value is None or value == "" else _money(value, field=field)


@transaction.atomic
def authority_upsert(
    *,
    siret: str,
    name: str,
    street: str,
    postal_code: str,
    city: str,
    kind: AuthorityKind | str,
    large_operating_budget: bool = False,
    phone: str = "",
    review_body_name: str = "",
    review_body_postal_code: str = "",
    review_body_city: str = "",
    by,
) -> Authority:
    """Creates the buyer with this SIRET, or updates it."""
    require(list_abilities(by)["change"], REFUSED)
    siret = stdnum_siret.compact(siret or "")
    authority = Authority.objects.select_for_update().filter(siret=siret).first() or Authority(siret=siret)
    authority.name = name
    authority.street = street
    authority.postal_code = postal_code
    authority.city = city
    authority.phone = phone
    authority.kind = kind
    authority.large_operating_budget = large_operating_budget
    authority.review_body_name = review_body_name
    authority.review_body_postal_code = review_body_postal_code
    authority.review_body_city = review_body_city
    authority.full_clean()
    authority.save()
    return authority


@transaction.atomic
def programme_upsert(
    *,
    reference: str,
    name: str,
    authority: Authority,
    description: str = "",
    envelope_ttc: AmountInput | None = None,
    start_year: int | None = None,
    end_year: int | None = None,
    by,
) -> Programme:
    """Creates the programme with this reference, or updates it."""
    require(list_abilities(by)["change"], REFUSED)
    programme = Programme.objects.select_for_update().filter(reference=reference).first()
    programme = programme or Programme(reference=reference)
    programme.name = name
    programme.authority = authority
    programme.description = description
    programme.envelope_ttc = _optional_money(envelope_ttc, field="envelope_ttc")
    programme.start_year = start_year
    programme.end_year = end_year
    programme.full_clean()
    programme.save()
    return programme


@transaction.atomic
def budget_line_upsert(
    *,
    programme: Programme,
    label: str,
    section: BudgetSection | str,
    chapter: str,
    article: str,
    function: str = "",
    authorisation_reference: str = "",
    authorisation_amount_ttc: AmountInput | None = None,
    by,
) -> BudgetLine:
    """Creates the line of this label in the programme, or updates it.

    Lowering an authorisation below the credits already voted on the line is refused.
    """
    require(programme.get_abilities(by)["change"], REFUSED)
    line = BudgetLine.objects.select_for_update().filter(programme=programme, label=label).first()
    line = line or BudgetLine(programme=programme, label=label)
    line.section = section
    line.chapter = chapter
    line.article = article
    line.function = function
    line.authorisation_reference = authorisation_reference
    line.authorisation_amount_ttc = _optional_money(
        authorisation_amount_ttc, field="authorisation_amount_ttc"
    )
    line.full_clean()
    line.save()
    return line


@transaction.atomic
def budget_credits_set(
    *,
    budget_line: BudgetLine,
    amounts: Mapping[int, AmountInput],
    replace: bool = False,
    by,
) -> list[BudgetCredit]:
    """Sets the payment credits of several years of a line at once (TTC), in year order.

    Years not in ``amounts`` keep their credits, or are deleted with ``replace=True``. The total
    after the change must stay within the line's authorisation (AP or AE), otherwise nothing is
    saved. The line is locked meanwhile, so two concurrent changes cannot together exceed it.
    """
    require(budget_line.get_abilities(by)["change"], REFUSED)
    line = BudgetLine.objects.select_for_update().get(pk=budget_line.pk)
    wanted = {int(year): _money(amount, field="amount_ttc") for year, amount in sorted(amounts.items())}
    existing = {credit.year: credit for credit in line.credits.all()}

    final = {year: credit.amount_ttc for year, credit in existing.items() if not replace or year in wanted}
    final.update(wanted)
    message = line.authorisation_error(sum(final.values(), Decimal("0")))
    if message:
        raise ValidationError({"amount_ttc": message})

    credits = []
    for year, amount in wanted.items():
        credit = existing.get(year) or BudgetCredit(budget_line=line, year=year)
        credit.amount_ttc = amount
        credit.defer_authorisation_check = True  # checked above, on the final figures
        credit.full_clean()
        credits.append(credit)
    for credit in credits:
        credit.save()
    if replace:
        for year, credit in existing.items():
            if year not in wanted:
                credit.delete()
    return credits


def budget_credit_set(*, budget_line: BudgetLine, year: int, amount_ttc: AmountInput, by) -> BudgetCredit:
    """Sets the payment credits of one year of a line (TTC); see ``budget_credits_set``."""
    return budget_credits_set(budget_line=budget_line, amounts={year: amount_ttc}, by=by)[0]


# Governance: phases, milestones, bodies, meetings, decisions, council acts ------------------------


def _save(instance):
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def phase_upsert(*, programme: Programme, position: int, name: str, planned_start: date, planned_end: date,
                 actual_start: date | None = None, actual_end: date | None = None, description: str = "",
                 by) -> governance.Phase:
    """Creates the phase at ``position`` of the programme, or updates it."""
    require(programme.get_abilities(by)["change"], REFUSED)
    phase = governance.Phase.objects.select_for_update().filter(programme=programme, position=position).first()
    phase = phase or governance.Phase(programme=programme, position=position)
    phase.name, phase.description = name, description
    phase.planned_start, phase.planned_end = planned_start, planned_end
    phase.actual_start, phase.actual_end = actual_start, actual_end
    return _save(phase)


@transaction.atomic
def phase_record_actual(*, phase: governance.Phase, actual_start: date | None = None, actual_end: date | None = None,
                        by) -> governance.Phase:
    """Records when a phase really started and ended (the end may stay open)."""
    require(phase.programme.get_abilities(by)["change"], REFUSED)
    locked = governance.Phase.objects.select_for_update().get(pk=phase.pk)
    if actual_start is not None:
        locked.actual_start = actual_start
    locked.actual_end = actual_end
    return _save(locked)


@transaction.atomic
def milestone_upsert(*, programme: Programme, name: str, planned_on: date, actual_on: date | None = None,
                     phase: governance.Phase | None = None, by) -> governance.Milestone:
    require(programme.get_abilities(by)["change"], REFUSED)
    milestone = governance.Milestone.objects.select_for_update().filter(programme=programme, name=name).first()
    milestone = milestone or governance.Milestone(programme=programme, name=name)
    milestone.planned_on, milestone.actual_on, milestone.phase = planned_on, actual_on, phase
    return _save(milestone)


@transaction.atomic
def body_upsert(*, programme: Programme, kind: str, name: str, composition: str = "", by) -> governance.GovernanceBody:
    require(programme.get_abilities(by)["change"], REFUSED)
    body = governance.GovernanceBody.objects.select_for_update().filter(programme=programme, name=name).first()
    body = body or governance.GovernanceBody(programme=programme, name=name)
    body.kind, body.composition = kind, composition
    return _save(body)


@transaction.atomic
def body_meeting_record(*, body: governance.GovernanceBody, held_on: date, agenda: str = "", attendees: str = "",
                        decisions: list[tuple[str, str]] = (), by) -> governance.BodyMeeting:
    """Records a meeting of a body and its decisions ``[(subject, decision), …]`` (re-recording the same
    day updates it; decisions of the same subject are updated)."""
    require(body.programme.get_abilities(by)["change"], REFUSED)
    meeting = governance.BodyMeeting.objects.select_for_update().filter(body=body, held_on=held_on).first()
    meeting = meeting or governance.BodyMeeting(body=body, held_on=held_on)
    meeting.agenda, meeting.attendees = agenda, attendees
    _save(meeting)
    for subject, text in decisions:
        decision = governance.BodyDecision.objects.filter(meeting=meeting, subject=subject).first()
        decision = decision or governance.BodyDecision(meeting=meeting, subject=subject)
        decision.decision = text
        _save(decision)
    return meeting


@transaction.atomic
def council_act_upsert(*, authority: Authority, kind: str, reference: str, adopted_on: date, object: str,
                       valid_from: date | None = None, valid_to: date | None = None,
                       amount_limit_ht: AmountInput | None = None, programme: Programme | None = None,
                       tender_references: list[str] = (), by) -> governance.CouncilAct:
    """Creates or updates the council's delegation or deliberation ``reference`` of the buyer."""
    require(may(by, "council_acts.edit"), "Seuls les acheteurs enregistrent les délégations et délibérations.")
    if programme is not None and programme.authority_id != authority.pk:
        raise ValidationError(
            {"programme": f"Le programme {programme.reference} est celui d'un autre acheteur public."})
    act = governance.CouncilAct.objects.select_for_update().filter(authority=authority, reference=reference).first()
    act = act or governance.CouncilAct(authority=authority, reference=reference)
    act.kind, act.adopted_on, act.object = kind, adopted_on, object.strip()
    act.valid_from, act.valid_to = valid_from or adopted_on, valid_to
    act.amount_limit_ht = _optional_money(amount_limit_ht, field="amount_limit_ht")
    act.programme = programme
    act.tender_references = [ref.strip() for ref in tender_references if ref.strip()]
    return _save(act)
