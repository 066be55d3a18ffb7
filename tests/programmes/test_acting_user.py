"""The programmes' services check the acting user's ability before writing: the budget and the
governance are the administrators' (a buyer is refused), the council's acts the buyers' (finance is
refused); nothing changes."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from procurement.programmes import models, services
from procurement.programmes.enums import CouncilActKind
from tests.factories import UserFactory
from tests.programmes.factories import BudgetLineFactory

pytestmark = pytest.mark.django_db

MODELS = (models.Authority, models.Programme, models.BudgetLine, models.BudgetCredit, models.Phase, models.Milestone,
          models.GovernanceBody, models.CouncilAct)


def _writes(line: models.BudgetLine) -> dict:
    programme = line.programme
    return {
        "authority_upsert": lambda by: services.authority_upsert(
            siret="24999999600013", name="Métropole de Rivemont", street="1 place de la Métropole",
            postal_code="37000", city="Rivemont", kind=programme.authority.kind, by=by),
        "programme_upsert": lambda by: services.programme_upsert(reference="BNM2", name="Autre",
                                                                 authority=programme.authority, by=by),
        "budget_line_upsert": lambda by: services.budget_line_upsert(programme=programme, label="Nouvelle",
                                                                     section=line.section, chapter="20",
                                                                     article="2031", by=by),
        "budget_credit_set": lambda by: services.budget_credit_set(budget_line=line, year=2027, amount_ttc="10",
                                                                   by=by),
        "phase_upsert": lambda by: services.phase_upsert(programme=programme, position=1, name="Études",
                                                         planned_start=date(2026, 1, 1),
                                                         planned_end=date(2026, 6, 30), by=by),
        "milestone_upsert": lambda by: services.milestone_upsert(programme=programme, name="Lancement",
                                                                 planned_on=date(2026, 1, 15), by=by),
        "body_upsert": lambda by: services.body_upsert(programme=programme, kind="copil", name="Comité", by=by),
        "council_act_upsert": lambda by: services.council_act_upsert(
            authority=programme.authority, kind=CouncilActKind.values[0], reference="DEL-2026-01",
            adopted_on=date(2026, 1, 20), object="Délégation au président", by=by),
    }


CASES = [(name, role) for name in ("authority_upsert", "programme_upsert", "budget_line_upsert", "budget_credit_set",
                                   "phase_upsert", "milestone_upsert", "body_upsert") for role in ("buyer", "finance")]
CASES += [("council_act_upsert", "finance"), ("council_act_upsert", "evaluator")]


@pytest.mark.parametrize(("write", "role"), CASES)
def test_a_role_without_the_ability_is_refused_and_nothing_is_written(write, role):
    writes = _writes(BudgetLineFactory())
    before = [list(row.objects.order_by("pk").values()) for row in MODELS]
    with pytest.raises(PermissionDenied) as refused:
        writes[write](UserFactory(**{role: True}))
    assert str(refused.value).startswith("Seuls les ")
    assert [list(row.objects.order_by("pk").values()) for row in MODELS] == before
