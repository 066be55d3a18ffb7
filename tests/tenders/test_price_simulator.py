"""The price-note simulator: the command's JSON with a worked example, its refusals (exit 2, one
French line), and the page under the lot, reached from the criteria page."""

import html
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from procurement.tenders.evaluation.simulator import simulate_price_notes
from procurement.tenders.management.commands.simulate_price_notes import Command
from tests.tenders.factories import LotFactory

PRICES = ["100000", "110000", "125000", "160000"]


def run_cli(capsys, *args):
    status = 0
    try:
        Command().run_from_argv(["manage.py", "simulate_price_notes", *args])
    except SystemExit as exit_:
        status = exit_.code
    out, err = capsys.readouterr()
    return status, out, err


def by_formula(out: str) -> dict:
    return {item["formula"]: item for item in json.loads(out)["formulas"]}


def test_the_command_prints_each_formulas_notes_and_ranking(capsys):
    status, out, _ = run_cli(capsys, "--prices", *PRICES, "--points", "40", "--format", "json")
    formulas = by_formula(out)
    assert status == 0
    assert formulas["proportional"] == {
        "formula": "proportional", "label": formulas["proportional"]["label"],
        "notes": ["40.00", "36.36", "32.00", "25.00"], "totals": None, "ranking": [1, 2, 3, 4], "warnings": []}
    assert formulas["linear"]["notes"] == ["40.00", "33.33", "23.33", "0.00"]  # 40 × (1 − 10 000 / 60 000)


def test_the_mean_formula_capped_at_the_top_note_is_refused_with_its_reason(capsys):
    _, out, _ = run_cli(capsys, "--prices", *PRICES, "--points", "40", "--format", "json")
    mean = by_formula(out)["mean"]
    assert "notes" not in mean
    assert "les prix de 100\u202f000,00 € et de 110\u202f000,00 € obtiennent 40,00 et 40,00 points" in mean["refused"]
    assert "373362" in mean["refused"]


def test_technical_notes_give_totals_and_show_a_losing_bid_that_changes_the_order(capsys):
    status, out, _ = run_cli(capsys, "--prices", *PRICES, "--points", "40", "--technical", "42", "49", "50", "58",
                             "--technical-points", "60", "--format", "json")
    formulas = by_formula(out)
    assert status == 0
    assert formulas["proportional"]["totals"] == ["82.00", "85.36", "82.00", "83.00"]
    assert formulas["proportional"]["ranking"] == [3, 1, 4, 2]  # 1 and 3 tie at 82: the lower price first
    assert formulas["proportional"]["warnings"] == []
    linear = formulas["linear"]
    assert (linear["totals"], linear["ranking"]) == (["82.00", "82.33", "73.33", "58.00"], [2, 1, 3, 4])
    # Without the 160 000 € bid (last, it cannot win), Pmax becomes 125 000 and bid 1 overtakes bid 2.
    assert len(linear["warnings"]) == 1
    assert "sans l'offre de n° 4 (160\u202f000,00 €), qui ne peut pas gagner" in linear["warnings"][0]


@pytest.mark.parametrize(("args", "message"), [
    (["--points", "40"], "Aucun prix"),
    (["--prices", "0", "100", "--points", "40"], "Prix n° 1 : 0,00 € n'est pas un prix strictement positif"),
    (["--prices", "100", "-5", "--points", "40"], "Prix n° 2"),
    (["--prices", "100", "200", "--points", "40", "--technical", "50"], "1 note(s) technique(s) pour 2 prix"),
    (["--prices", "abc", "--points", "40"], "« abc » n'est pas un nombre"),
    (["--prices", "100", "--points", "140"], "entre 0 (exclu) et 100"),
])
def test_bad_input_exits_2_with_one_french_line(capsys, args, message):
    status, out, err = run_cli(capsys, *args, "--format", "json")
    assert status == 2
    assert out == ""
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_the_page_is_reached_from_the_criteria_page_and_shows_the_notes(client_for, buyer):
    lot = LotFactory(criteria=True)
    criteria = client_for(buyer).get(reverse("tenders:lot-criteria", args=[lot.tender.reference, lot.number]))
    url = reverse("tenders:lot-price-simulation", args=[lot.tender.reference, lot.number])
    assert f'href="{url}"' in criteria.content.decode()
    page = client_for(buyer).get(url, {"prices": "100 000\n110000\n125 000,00\n160000", "points": "40",
                                       "technical": "42\n49\n50\n58", "technical_points": "60"})
    text = html.unescape(page.content.decode())
    assert page.status_code == 200
    assert "100\u00a0000,00\u00a0€" in text and "36,36" in text and "85,36" in text
    assert "qui ne peut pas gagner" in text and "373362" in text


def test_the_page_starts_with_the_lots_price_points(client_for, buyer):
    lot = LotFactory(criteria=True)  # price 40
    page = client_for(buyer).get(reverse("tenders:lot-price-simulation", args=[lot.tender.reference, lot.number]))
    assert page.context["form"]["points"].value() == Decimal("40")


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"prices": "100\nabc", "points": "40"}, "prices", "Ligne 2 : « abc » n'est pas un prix."),
    ({"prices": "100\n0", "points": "40"}, "prices", "Prix n° 2 : 0,00 € n'est pas un prix strictement positif."),
    ({"prices": "", "points": "40"}, "prices", "Ce champ est obligatoire."),
    ({"prices": "100\n200", "points": "40", "technical": "50"}, "technical", "1 note(s) technique(s) pour 2 prix"),
    ({"prices": "100", "points": "1e999"}, "points", ""),
    ({"prices": "100\n200", "points": "40", "technical": "50\n70", "technical_points": "60"}, "technical",
     "Note technique n° 2 : 70,00 n'est pas comprise entre 0 et 60,00."),
])
def test_hostile_input_gives_french_form_errors(client_for, buyer, data, field, message):
    lot = LotFactory(criteria=True)
    page = client_for(buyer).get(reverse("tenders:lot-price-simulation", args=[lot.tender.reference, lot.number]),
                                 data)
    assert page.status_code == 200
    errors = " ".join(page.context["form"].errors.get(field, []))
    assert errors and message in errors
    assert "Le formulaire contient des erreurs" in html.unescape(page.content.decode())


def test_the_simulator_ranks_in_the_order_the_prices_were_given():
    results = {r.formula: r for r in simulate_price_notes(prices=[Decimal("125000"), Decimal("100000")],
                                                          points=Decimal("40"))}
    assert results["proportional"].ranking == [2, 1]
    assert results["proportional"].notes == [Decimal("32.00"), Decimal("40.00")]
