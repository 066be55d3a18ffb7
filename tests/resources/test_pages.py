"""The pages: access by profile, constant number of queries, charts, upload, PDF."""

from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from procurement.resources.models import UsageReport
from tests.contracts.factories import ContractFactory
from tests.resources.factories import LibraryFactory, PlatformFactory, ResourceFactory, order, usage

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).parent / "samples"


def add_resources(count: int) -> None:
    for _ in range(count):
        contract = ContractFactory(framework=True, notified=True)
        order(contract, on=date(2026, 4, 1), amount_ht="1000.00")
        resource = ResourceFactory(contract=contract, platform=PlatformFactory(name=f"P{contract.pk}"))
        usage(platform=resource.platform, library=LibraryFactory(), year=2026, metric="Unique_Title_Requests",
              monthly=[10, 20])


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


@pytest.mark.parametrize("url", ["/ressources/?annee=2026", "/ressources/equite/?annee=2026", "/ressources/rapports/",
                                 "/ressources/reconductions/"])
def test_list_pages_run_a_constant_number_of_queries(url, buyer, client_for, django_assert_num_queries):
    client = client_for(buyer)
    add_resources(1)
    expected = queries(client, url)
    add_resources(3)
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200


def test_the_value_page_shows_cost_per_use_and_its_chart(buyer, client_for):
    add_resources(1)
    page = client_for(buyer).get("/ressources/?annee=2026").content.decode()
    assert "1\u00a0055,00\u00a0€" in page  # 1 000 € HT + 5,5 %
    assert "35,17\u00a0€" in page  # 1 055 / 30
    assert '<svg role="img"' in page and "Coût par usage par ressource en 2026" in page


def test_the_equity_page_lists_every_library_with_its_uses_per_thousand(finance_user, client_for):
    add_resources(1)
    LibraryFactory(commune="Sans-Usage")
    page = client_for(finance_user).get("/ressources/equite/?annee=2026").content.decode()
    assert "Sans-Usage" in page
    assert '<td class="num">3,8</td>' in page  # 30 uses for 8 000 inhabitants: 3,75 → 3,8


def test_evaluators_may_not_read_the_resources(evaluator, client_for):
    assert client_for(evaluator).get("/ressources/").status_code == 403


def test_a_buyer_uploads_a_report_and_sees_it_listed_as_unmatched(buyer, client_for):
    client = client_for(buyer)
    upload = SimpleUploadedFile("tr_b1_r51.csv", (SAMPLES / "tr_b1_r51.csv").read_bytes(), content_type="text/csv")
    response = client.post("/ressources/rapports/", {"file": upload}, follow=True)
    assert response.status_code == 200
    assert UsageReport.objects.get().report_id == "TR_B1"
    assert "non rapproché" in response.content.decode()


def test_a_malformed_upload_names_row_and_column_and_saves_nothing(buyer, client_for):
    text = (SAMPLES / "pr_p1_r5.csv").read_text(encoding="utf-8").replace(",33,20,18", ",33,vingt,18")
    upload = SimpleUploadedFile("pr.csv", text.encode(), content_type="text/csv")
    response = client_for(buyer).post("/ressources/rapports/", {"file": upload})
    assert response.status_code == 400
    assert "ligne 16, colonne E" in response.content.decode()
    assert not UsageReport.objects.exists()


def test_finance_cannot_upload(finance_user, client_for):
    upload = SimpleUploadedFile("tr.csv", (SAMPLES / "tr_b1_r51.csv").read_bytes())
    assert client_for(finance_user).post("/ressources/rapports/", {"file": upload}).status_code == 403


def test_the_pdf_report_has_its_charts(buyer, client_for):
    add_resources(2)
    response = client_for(buyer).get("/ressources/rapport.pdf?annee=2026")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert len(response.content) > 5000
