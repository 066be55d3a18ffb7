from decimal import Decimal

import pytest
from django.urls import reverse

from procurement.programmes.models import BudgetCredit, BudgetLine
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


@pytest.fixture
def admin_client_(client):
    client.force_login(UserFactory(admin=True))
    return client


@pytest.mark.parametrize("model", ["authority", "programme", "budgetline"])
def test_the_admin_lists_and_opens_each_model(admin_client_, demo_programme, model):
    assert admin_client_.get(reverse(f"admin:programmes_{model}_changelist")).status_code == 200
    obj = {
        "authority": demo_programme.authority,
        "programme": demo_programme,
        "budgetline": demo_programme.budget_lines.first(),
    }[model]
    assert admin_client_.get(reverse(f"admin:programmes_{model}_change", args=[obj.pk])).status_code == 200
    assert admin_client_.get(reverse(f"admin:programmes_{model}_history", args=[obj.pk])).status_code == 200


def line_form_data(line: BudgetLine, credits: dict[int, str], **changes) -> dict:
    existing = list(line.credits.order_by("year"))
    data = {
        "programme": line.programme_id, "section": line.section, "label": line.label,
        "chapter": line.chapter, "article": line.article, "function": line.function,
        "authorisation_reference": line.authorisation_reference,
        "authorisation_amount_ttc": str(line.authorisation_amount_ttc or ""),
        "credits-TOTAL_FORMS": str(len(credits)), "credits-INITIAL_FORMS": str(len(existing)),
        "credits-MIN_NUM_FORMS": "0", "credits-MAX_NUM_FORMS": "1000",
    }
    by_year = {credit.year: credit for credit in existing}
    for index, (year, amount) in enumerate(credits.items()):
        credit = by_year.get(year)
        data[f"credits-{index}-id"] = str(credit.pk) if credit and index < len(existing) else ""
        data[f"credits-{index}-budget_line"] = str(line.pk)
        data[f"credits-{index}-year"] = str(year)
        data[f"credits-{index}-amount_ttc"] = amount
    data.update(changes)
    return data


def test_the_admin_refuses_credits_over_the_authorisation(admin_client_, demo_programme):
    line = BudgetLine.objects.get(label="Communication")
    url = reverse("admin:programmes_budgetline_change", args=[line.pk])
    response = admin_client_.post(url, line_form_data(line, {2025: "35000.00", 2026: "35000.01"}))
    assert response.status_code == 200
    assert (
        f"Les crédits de paiement (70{NBSP}000,01{NBSP}€) dépassent l&#x27;autorisation d&#x27;engagement "
        f"AE-BNM-COM (70{NBSP}000,00{NBSP}€)." in response.content.decode()
    )
    assert dict(line.credits.values_list("year", "amount_ttc")) == {
        2025: Decimal("35000.00"), 2026: Decimal("35000.00"),
    }


def test_the_admin_checks_the_credits_and_the_authorisation_as_submitted(admin_client_, demo_programme):
    line = BudgetLine.objects.get(label="Communication")
    url = reverse("admin:programmes_budgetline_change", args=[line.pk])
    # Lower the AE and the credits together, moving money between years: accepted.
    data = line_form_data(line, {2025: "40000.00", 2026: "20000.00"}, authorisation_amount_ttc="60000.00")
    response = admin_client_.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    line.refresh_from_db()
    assert line.authorisation_amount_ttc == Decimal("60000.00")
    assert dict(line.credits.values_list("year", "amount_ttc")) == {
        2025: Decimal("40000.00"), 2026: Decimal("20000.00"),
    }
    assert BudgetCredit.history.filter(budget_line_id=line.pk).count() == 4  # 2 created, 2 changed
