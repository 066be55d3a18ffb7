"""PDF report tables: header labels are Paragraphs that wrap between words, never inside one
(« Candidatur/e » in the award report), and columns are computed wide enough for their longest word
(the resources report's headers printed over one another)."""

from datetime import date

import pytest
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, Table

from procurement.documents.pdf.fonts import BOLD, FONT, register_fonts
from procurement.documents.pdf.tables import CELL_PADDING, column_widths, fitted_table
from procurement.tenders.evaluation.report_pdf import build_report_pdf
from procurement.tenders.evaluation.selectors import lot_evaluation
from tests.contracts.factories import ContractFactory
from tests.resources.factories import LibraryFactory, PlatformFactory, ResourceFactory, order, usage
from tests.tenders.evaluation.factories import worked_example


@pytest.fixture
def laid_out(monkeypatch):
    """Every table reportlab lays out while a document is built."""
    tables: list[Table] = []
    wrap = Table.wrap

    def recording(self, available_width, available_height):
        tables.append(self)
        return wrap(self, available_width, available_height)

    monkeypatch.setattr(Table, "wrap", recording)
    return tables


def assert_headers_wrap_between_words(tables: list[Table]) -> None:
    assert tables
    for table in tables:
        for index, cell in enumerate(table._cellvalues[0]):
            if isinstance(cell, tuple | list):  # reportlab holds a laid-out flowable cell in a tuple
                [cell] = cell
            assert isinstance(cell, Paragraph), f"en-tête en texte brut, qui ne passe pas à la ligne : {cell!r}"
            assert cell.style.splitLongWords == 0  # never « Candidatur » / « e »
            room = table._colWidths[index] - 2 * CELL_PADDING
            for word in cell.getPlainText().split(" "):
                width = stringWidth(word, cell.style.fontName, cell.style.fontSize)
                assert width <= room, f"« {word} » ({width:.1f} pt) dépasse sa colonne ({room:.1f} pt)"


def test_the_longest_word_of_each_column_fits_and_the_text_shares_the_rest():
    register_fonts()
    style = ParagraphStyle("cell", fontName=FONT, fontSize=7.5, leading=9.5)
    header = ["Candidat", "SIRET", "Candidature", "Offre", "Montant HT", "TVA", "Montant TTC", "Bordereau (DQE)"]
    body = [
        [
            Paragraph(text, style)
            for text in [
                "Médiaflux Solutions SAS",
                "99767172200046",
                "recevable",
                "Conforme",
                "268 400,00 €",
                "20,00\u00a0%",
                "322 080,00 €",
                "—",
            ]
        ]
    ]
    table = fitted_table(header, body, available=460, style=style, bold=BOLD, font=FONT, size=7.5)
    assert sum(table._colWidths) == pytest.approx(460)
    assert_headers_wrap_between_words([table])
    siret = table._colWidths[1] - 2 * CELL_PADDING
    assert siret >= stringWidth("99767172200046", FONT, 7.5)  # a number is one word: not cut either


def test_a_table_narrower_than_the_page_keeps_its_natural_widths():
    register_fonts()
    widths = column_widths([["Rang", "Total"], ["1", "87,50"]], available=500, font=FONT, size=8)
    assert widths == [
        pytest.approx(stringWidth("Rang", FONT, 8) + 2 * CELL_PADDING + 1),
        pytest.approx(stringWidth("87,50", FONT, 8) + 2 * CELL_PADDING + 1),
    ]


@pytest.mark.django_db
def test_the_award_report_headers_wrap_between_words(laid_out):
    example = worked_example()
    assert build_report_pdf(lot_evaluation(example.lot)).startswith(b"%PDF")
    assert_headers_wrap_between_words(laid_out)
    headers = [" ".join(cell[0].getPlainText() for cell in table._cellvalues[0]) for table in laid_out]
    assert any("Candidature" in header for header in headers)


@pytest.mark.django_db
def test_the_resources_report_headers_wrap_between_words(laid_out, buyer, client_for):
    for name in (
        "Numilib — livres numériques et audio",
        "Kiosque Média — presse en ligne",
        "Apprendre+ — autoformation",
        "CinéBib — vidéo à la demande",
    ):
        contract = ContractFactory(framework=True, notified=True)
        order(contract, on=date(2026, 4, 1), amount_ht="1000.00")
        resource = ResourceFactory(contract=contract, name=name, platform=PlatformFactory(name=f"P{contract.pk}"))
        usage(
            platform=resource.platform,
            library=LibraryFactory(),
            year=2026,
            metric="Unique_Title_Requests",
            monthly=[10, 20],
        )
    response = client_for(buyer).get("/ressources/rapport.pdf?annee=2026")
    assert response.content.startswith(b"%PDF-")
    assert_headers_wrap_between_words(laid_out)
