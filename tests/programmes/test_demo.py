import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from stdnum.fr import siret

from procurement.demo.loaders.programmes import DEMO_PROGRAMME_PATH, load_demo_programme
from procurement.programmes.models import Authority, BudgetCredit, BudgetLine, Programme

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count() for model in (Authority, Programme, BudgetLine, BudgetCredit)
    }


def test_loading_the_demo_twice_gives_the_same_rows(staff_user):
    first = load_demo_programme(by=staff_user, path=DEMO_PROGRAMME_PATH)
    after_first = counts()
    second = load_demo_programme(by=staff_user, path=DEMO_PROGRAMME_PATH)
    assert second.pk == first.pk
    assert counts() == after_first == {"Authority": 1, "Programme": 1, "BudgetLine": 6, "BudgetCredit": 13}


def test_the_demo_programme(demo_programme):
    authority = demo_programme.authority
    assert (demo_programme.reference, demo_programme.name) == ("BNM", "Bibliothèque numérique métropolitaine")
    assert "58 communes" in demo_programme.description
    assert demo_programme.envelope_ttc == Decimal("500000.00")
    assert authority.name == "Métropole de Rivemont" and authority.kind == "metropole"
    assert authority.large_operating_budget is True
    assert siret.is_valid(authority.siret)
    lines = {line.label: line for line in demo_programme.budget_lines.all()}
    resources = lines["Ressources en ligne"]
    assert resources.authorisation_display == "AE AE-BNM-RES : 1\u00a0200\u00a0000,00\u00a0€"
    assert lines["Études AMO"].authorisation_display == "AP AP-BNM-AMO : 80\u00a0000,00\u00a0€"
    assert lines["Maintenance du portail"].imputation == "chap. 011 / art. 6156 / fonct. 313"
    assert lines["Construction du portail"].has_authorisation is False


def test_reloading_an_edited_file_updates_the_credits(tmp_path, demo_programme, staff_user):
    data = json.loads(DEMO_PROGRAMME_PATH.read_text(encoding="utf-8"))
    communication = next(line for line in data["budget_lines"] if line["label"] == "Communication")
    communication["credits"] = [{"year": 2025, "amount_ttc": "70000.00"}]
    path = tmp_path / "programme.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    load_demo_programme(by=staff_user, path=path)
    line = BudgetLine.objects.get(label="Communication")
    assert dict(line.credits.values_list("year", "amount_ttc")) == {2025: Decimal("70000.00")}


def test_a_bad_file_names_the_place_and_saves_nothing(tmp_path, staff_user):
    data = json.loads(DEMO_PROGRAMME_PATH.read_text(encoding="utf-8"))
    data["budget_lines"][2]["credits"].append({"year": 2029, "amount_ttc": "300000.00"})
    path = tmp_path / "programme.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        load_demo_programme(by=staff_user, path=path)
    assert caught.value.messages == [
        "budget_lines[2].credits : amount_ttc : Les crédits de paiement (1\u00a0500\u00a0000,00\u00a0€) "
        "dépassent l'autorisation d'engagement AE-BNM-RES (1\u00a0200\u00a0000,00\u00a0€)."
    ]
    assert counts() == {"Authority": 0, "Programme": 0, "BudgetLine": 0, "BudgetCredit": 0}


def test_a_missing_field_is_named(tmp_path, staff_user):
    data = json.loads(DEMO_PROGRAMME_PATH.read_text(encoding="utf-8"))
    del data["budget_lines"][0]["chapter"]
    path = tmp_path / "programme.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValidationError, match=r"budget_lines\[0\] : champ\(s\) manquant\(s\) : chapter\."):
        load_demo_programme(by=staff_user, path=path)
