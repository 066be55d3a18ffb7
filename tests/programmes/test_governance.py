"""Phases and their delay, the month convention of the plan, the council's acts and their coverage,
and the governance demo."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from procurement.demo.loaders.programmes import DEMO_GOVERNANCE_PATH, load_demo_governance, plan_date
from procurement.programmes.models import BodyDecision, CouncilAct, Phase
from procurement.programmes.models.governance import late_days
from procurement.programmes.services import phase_upsert
from tests.programmes.factories import CouncilActFactory, ProgrammeFactory


def test_a_phase_ended_after_its_planned_end_is_late_by_the_days_between():
    assert late_days(planned_end=date(2025, 5, 31), actual_end=date(2025, 6, 27), today=date(2026, 1, 1)) == 27


def test_an_open_phase_is_late_against_today_and_a_finished_early_one_is_not():
    assert late_days(planned_end=date(2025, 8, 31), actual_end=None, today=date(2025, 9, 10)) == 10
    assert late_days(planned_end=date(2025, 8, 31), actual_end=None, today=date(2025, 8, 1)) == 0
    assert late_days(planned_end=date(2024, 12, 31), actual_end=date(2024, 11, 1), today=date(2026, 1, 1)) == 0


def test_a_month_of_the_plan_starts_on_its_first_day_and_ends_on_its_last():
    assert plan_date("2024-02", end=False) == date(2024, 2, 1)
    assert plan_date("2024-02", end=True) == date(2024, 2, 29)
    assert plan_date("2025-06-27", end=True) == date(2025, 6, 27)
    with pytest.raises(ValidationError):
        plan_date("juin 2025", end=True)


@pytest.mark.django_db
def test_a_phase_ending_before_it_starts_is_refused_with_the_reason(staff_user):
    programme = ProgrammeFactory()
    with pytest.raises(ValidationError) as error:
        phase_upsert(by=staff_user, programme=programme, position=1, name="Réalisation", planned_start=date(2025, 6, 1),
                     planned_end=date(2025, 1, 31))
    assert "La fin prévue d'une phase suit son début prévu." in error.value.messages
    assert not Phase.objects.exists()


def coverage(act, *, amount="98000.00", on=date(2026, 2, 2), programme_id=None, reference="TST-2026-001"):
    return act.coverage_refusals(amount_ht=D(amount), on=on, authority_id=act.authority_id,
                                 programme_id=programme_id, tender_reference=reference)


@pytest.mark.django_db
def test_the_delegation_covers_contracts_up_to_its_amount():
    act = CouncilActFactory(delegation=True, reference="CM-2020-045")
    assert coverage(act, amount="216000.00") == []
    assert coverage(act, amount="216000.01") == [
        "Délégation du conseil à l'exécutif CM-2020-045 du 16/07/2020 est limitée à 216\u00a0000,00\u00a0€ HT : "
        "le marché (216\u00a0000,01\u00a0€ HT) la dépasse."]


@pytest.mark.django_db
def test_the_delegation_covers_signatures_within_its_dates_only():
    act = CouncilActFactory(delegation=True, reference="CM-2020-045")
    assert coverage(act, on=date(2026, 3, 31)) == []
    assert coverage(act, on=date(2026, 4, 1)) == [
        "Délégation du conseil à l'exécutif CM-2020-045 du 16/07/2020 a pris fin le 31/03/2026 : elle ne couvre "
        "pas une signature le 01/04/2026."]
    assert "n'entre en vigueur que le 16/07/2020" in coverage(act, on=date(2020, 7, 15))[0]


@pytest.mark.django_db
def test_a_deliberation_covers_only_its_programme_and_consultations():
    programme = ProgrammeFactory(reference="BNM")
    act = CouncilActFactory(reference="CM-2024-087", programme=programme, authority=programme.authority,
                            tender_references=["BNM-2024-01"])
    assert coverage(act, programme_id=programme.pk, reference="BNM-2024-01") == []
    assert coverage(act, programme_id=programme.pk, reference="BNM-2026-01") == [
        "Délibération spécifique CM-2024-087 du 15/12/2025 vise les consultations BNM-2024-01, pas BNM-2026-01."]
    assert "porte sur le programme BNM" in coverage(act, programme_id=None, reference="BNM-2024-01")[0]


@pytest.mark.django_db
def test_the_governance_demo_has_one_late_phase_and_loads_twice_the_same(demo_programme, staff_user):
    load_demo_governance(by=staff_user, path=DEMO_GOVERNANCE_PATH)
    load_demo_governance(by=staff_user, path=DEMO_GOVERNANCE_PATH)
    phases = list(Phase.objects.filter(programme=demo_programme).order_by("position"))
    assert len(phases) == 7
    assert (phases[0].planned_start, phases[0].planned_end) == (date(2023, 4, 1), date(2023, 11, 30))
    late = [(phase.name, phase.late_days(today=date(2026, 11, 26))) for phase in phases
            if phase.late_days(today=date(2026, 11, 26))]
    assert late == [("Réalisation du portail et intégration des ressources", 27)]
    assert BodyDecision.objects.filter(subject="Choix du scénario", meeting__held_on=date(2024, 4, 11)).exists()
    assert set(CouncilAct.objects.values_list("reference", "kind")) == {
        ("CM-2020-045", "delegation"), ("CM-2024-087", "deliberation")}
