import json
from datetime import date
from decimal import Decimal

import pytest

from procurement.core.money import format_eur
from procurement.tenders.enums import Nature, Procedure
from procurement.tenders.management.commands.advise_procedure import Command
from procurement.tenders.rules.procedure import LotValue, Period, advise, estimated_value, need_periods, rules_in_force

pytestmark = pytest.mark.django_db

CENT = Decimal("0.01")
TODAY = date(2026, 11, 25)


def advice_for(value: str, *, nature=Nature.SERVICES, at=TODAY, **kwargs):
    return advise(estimated_value_ht=Decimal(value), rules=rules_in_force(nature=nature, at=at), **kwargs)


@pytest.mark.parametrize(
    ("value", "procedure"),
    [
        ("59999.99", Procedure.DISPENSE),
        ("60000.00", Procedure.MAPA),
        ("60000.01", Procedure.MAPA),
        ("215999.99", Procedure.MAPA),
        ("216000.00", Procedure.OPEN),
        ("216000.01", Procedure.OPEN),
    ],
)
def test_services_in_november_2026_at_each_threshold_edge(value, procedure):
    assert advice_for(value).procedure == procedure


@pytest.mark.parametrize(
    ("value", "publicity"),
    [
        ("89999.99", ["profil_acheteur"]),
        ("90000.00", ["profil_acheteur", "boamp"]),
        ("90000.01", ["profil_acheteur", "boamp"]),
    ],
)
def test_mapa_publicity_changes_at_90000(value, publicity):
    assert advice_for(value).publicity == publicity


@pytest.mark.parametrize(
    ("at", "value", "procedure"),
    [
        (date(2026, 3, 31), "40000.00", Procedure.MAPA),  # dispense threshold was 40 000 €
        (date(2026, 4, 1), "40000.00", Procedure.DISPENSE),  # 60 000 € from 1 April 2026
        (date(2025, 12, 31), "216000.00", Procedure.MAPA),  # EU threshold 221 000 € in 2024-2025
        (date(2025, 12, 31), "221000.00", Procedure.OPEN),
        (date(2026, 1, 1), "216000.00", Procedure.OPEN),  # 216 000 € from 2026
        (date(2023, 12, 31), "215000.00", Procedure.OPEN),  # 215 000 € in 2022-2023
        (date(2024, 1, 1), "215000.00", Procedure.MAPA),
    ],
)
def test_the_thresholds_of_the_day_the_consultation_starts_apply(at, value, procedure):
    assert advice_for(value, at=at).procedure == procedure


def test_works_use_their_own_thresholds():
    assert advice_for("99999.99", nature=Nature.WORKS).procedure == Procedure.DISPENSE
    assert advice_for("5403999.99", nature=Nature.WORKS).procedure == Procedure.MAPA
    advice = advice_for("5404000.00", nature=Nature.WORKS)
    assert (advice.procedure, advice.eu_threshold_ht) == (Procedure.OPEN, Decimal("5404000"))


def same_amount(amount: str, renewals: int) -> list[Period]:
    return need_periods(initial_months=12, initial_ht=Decimal(amount), renewals=renewals, renewal_months=12)


def test_renewals_count_in_the_estimated_value():
    assert estimated_value(periods=same_amount("300000", 3)) == Decimal("1200000.00")
    # 60 000 € a year looks like a MAPA, but renewed three times it is a formalised procedure.
    total = estimated_value(periods=same_amount("60000", 3))
    assert advice_for(str(total)).procedure == Procedure.OPEN


def test_each_period_has_its_own_duration_and_amount():
    # 36 months at 150 k€ + one 12-month renewal at 50 k€: 200 k€, a MAPA under the 216 k€ threshold.
    periods = need_periods(initial_months=36, initial_ht=Decimal("150000"), renewals=1, renewal_months=12,
                           renewal_amounts_ht=["50000.00"])
    assert periods == [Period(36, Decimal("150000")), Period(12, Decimal("50000.00"))]
    assert estimated_value(periods=periods) == Decimal("200000.00")
    assert advice_for("200000.00").procedure == Procedure.MAPA
    # a renewal without its own amount takes the initial period's; options are added
    periods = need_periods(initial_months=12, initial_ht=Decimal("100"), renewals=3, renewal_months=12,
                           renewal_amounts_ht=["50", None])
    assert [period.amount_ht for period in periods] == [Decimal("100"), Decimal("50"), Decimal("100"), Decimal("100")]
    assert estimated_value(periods=periods, options_ht=Decimal("10")) == Decimal("360.00")


def test_the_open_procedure_gives_30_days_and_the_earliest_bid_deadline():
    advice = advice_for("1200000", notice_date=date(2026, 12, 1))
    assert advice.min_tender_days == 30
    assert advice.earliest_bid_deadline == date(2026, 12, 31)
    assert advice.publicity == ["profil_acheteur", "boamp", "joue"]


def test_an_earliest_bid_deadline_on_a_holiday_moves_to_the_next_working_day():
    # 2026-12-25 + 30 days = 2027-01-24, a Sunday → Monday 25 January.
    advice = advice_for("1200000", notice_date=date(2026, 12, 25))
    assert advice.earliest_bid_deadline == date(2027, 1, 25)
    # 2027-04-14 + 30 = 2027-05-14... a Friday; 2027-04-06 + 30 = 2027-05-06, Ascension → 7 May.
    assert advice_for("1200000", notice_date=date(2027, 4, 6)).earliest_bid_deadline == date(2027, 5, 7)


def test_a_mapa_has_no_legal_minimum_but_a_suggested_one():
    advice = advice_for("80000", notice_date=date(2026, 12, 1))
    assert (advice.min_tender_days, advice.earliest_bid_deadline) == (None, None)
    assert advice.suggested_bid_deadline == date(2026, 12, 16)


def test_small_lots_may_use_a_mapa_within_20_percent_of_the_total():
    lots = [
        LotValue("Portail", Decimal("400000")),
        LotValue("Formation", Decimal("60000")),
        LotValue("Signalétique", Decimal("40000")),
        LotValue("Hébergement", Decimal("79999.99")),
    ]
    advice = advice_for("579999.99", lots=lots)
    # 20 % of 579 999,99 € is 115 999,99 €: 40 000 + 60 000 fit, adding 79 999,99 would not.
    assert advice.small_lots == ["Signalétique", "Formation"]


def test_each_reason_cites_its_source():
    advice = advice_for("1200000", notice_date=date(2026, 12, 1))
    assert all("CCP" in reason or "CEE" in reason or "Règlements" in reason for reason in advice.reasons)


def run_cli(capsys, *args):
    status = 0
    try:
        Command().run_from_argv(["manage.py", "advise_procedure", *args])
    except SystemExit as exit_:
        status = exit_.code
    out, err = capsys.readouterr()
    return status, out, err


def test_the_command_follows_its_contract(capsys):
    status, out, _ = run_cli(
        capsys, "--nature", "services", "--value-ht", "300000", "--renewals", "3", "--date", "2026-11-25",
        "--notice-date", "2026-12-01", "--format", "json",
    )
    data = json.loads(out)
    assert status == 0
    assert {k: data[k] for k in ("estimated_value_ht", "procedure", "eu_threshold_ht", "publicity",
                                 "min_tender_days", "earliest_bid_deadline")} == {
        "estimated_value_ht": "1200000.00",
        "procedure": "appel_offres_ouvert",
        "eu_threshold_ht": "216000.00",
        "publicity": ["profil_acheteur", "boamp", "joue"],
        "min_tender_days": 30,
        "earliest_bid_deadline": "2026-12-31",
    }
    assert len(data["reasons"]) >= 4


def test_the_command_takes_each_period_with_its_own_amount(capsys):
    status, out, _ = run_cli(capsys, "--nature", "services", "--period", "36:150000", "--period", "12:50000",
                             "--date", "2026-11-25", "--format", "json")
    data = json.loads(out)
    assert status == 0
    assert (data["estimated_value_ht"], data["procedure"], data["eu_threshold_ht"]) == (
        "200000.00", "mapa", "216000.00")
    assert data["reasons"][0] == (
        f"Valeur estimée : période initiale de 36 mois à {format_eur(150000)} HT + reconduction 1 de 12 mois à "
        f"{format_eur(50000)} HT = {format_eur(200000)} HT (CCP R.2121-1 à R.2121-9).")


def test_the_command_without_notice_date_gives_no_deadline(capsys):
    _, out, _ = run_cli(capsys, "--nature", "supplies", "--value-ht", "30000", "--date", "2026-11-25",
                        "--format", "json")
    data = json.loads(out)
    assert (data["procedure"], data["publicity"], data["earliest_bid_deadline"]) == ("dispense", [], None)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--nature", "cakes", "--value-ht", "1000"], "--nature : valeur 'cakes' inconnue"),
        (["--nature", "services", "--value-ht", "-5"], "« -5 » doit être un montant strictement positif"),
        (["--nature", "services", "--value-ht", "12,345"], "plus de deux décimales"),
        (["--nature", "services", "--value-ht", "beaucoup"], "n'est pas un montant"),
        (["--nature", "services", "--value-ht", "1000", "--date", "2019-06-01"], "Aucune valeur"),
        (["--nature", "services", "--value-ht", "1000", "--date", "2026-12-01", "--notice-date", "2026-11-01"],
         "avant le lancement"),
        (["--nature", "services", "--period", "36"], "attendu DURÉE_EN_MOIS:MONTANT_HT"),
        (["--nature", "services", "--period", "0:1000"], "au moins un mois"),
        (["--nature", "services", "--period", "trois:1000"], "n'est pas un nombre de mois"),
        (["--nature", "services", "--period", "12:-5"], "« -5 » doit être un montant strictement positif"),
        (["--nature", "services", "--period", "12:1000", "--value-ht", "1000"], "soit les périodes"),
        (["--nature", "services"], "--value-ht (ou --period)"),
    ],
)
def test_bad_arguments_exit_2_with_one_french_line(capsys, args, message):
    status, out, err = run_cli(capsys, *args, "--format", "json")
    assert status == 2 and out == ""
    assert message in err
    assert len(err.strip().splitlines()) == 1
