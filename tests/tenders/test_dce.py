"""The DCE: generated from the templates in force, versioned with its zip, and required (current) to
mark the tender ready."""

import zipfile
from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl import load_workbook

from procurement.documents import catalog
from procurement.documents.enums import TemplateKind
from procurement.documents.services import template_upload
from procurement.tenders.enums import TenderState
from procurement.tenders.models import DceGeneration, Tender
from procurement.tenders.services import need, qa
from procurement.tenders.services.dce import dce_contexts, dce_generate, dce_is_current, load_tender
from procurement.tenders.services.transitions import TransitionRefused, tender_transition
from tests.documents.test_services import docx_upload
from tests.documents.utils import NBSP, docx_text, framework_tender
from tests.tenders.factories import LotFactory, paris

pytestmark = pytest.mark.django_db


def read(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def generated(media, buyer):
    tender = framework_tender(lots=2, buyer=buyer, dce=False)
    return dce_generate(tender=tender, by=buyer)


def test_the_dce_holds_every_document_named_by_the_convention(generated):
    names = list(generated.files.values_list("name", flat=True))
    assert names == ["BNM-2024-02_RC_v1.docx", "BNM-2024-02_CCAP_v1.docx", "BNM-2024-02_CCTP_v1.docx",
                     "BNM-2024-02_AE_lot1_v1.docx", "BNM-2024-02_AE_lot2_v1.docx", "BNM-2024-02_BPU-DQE_v1.xlsx"]
    assert generated.archive_name == "BNM-2024-02_DCE_v1.zip"
    with zipfile.ZipFile(BytesIO(read(generated.archive))) as archive:
        assert archive.namelist() == names


def test_the_generation_records_who_when_and_which_template_versions(generated, buyer):
    assert (generated.version, generated.generated_by) == (1, buyer)
    assert generated.template_versions == {"rc": 1, "ccap": 1, "cctp": 1, "ae": 1}


def test_the_rc_prints_the_lots_the_criteria_and_their_weights(generated):
    text = docx_text(read(generated.files.get(kind="rc").file))
    assert "Règlement de la consultation" in text
    assert "Lot 2 — Presse en ligne" in text
    assert "Valeur technique\n45\n" in text
    assert "dont Catalogue et nouveautés\n30\n" in text
    assert "Sobriété numérique et hébergement\n15\n" in text
    assert "Formule proportionnelle au prix le plus bas : N = Nmax × Pmin / P ; N est la note, Nmax = 40 points" in text
    assert "vendredi 8 janvier 2027 à 12 h 00" in text
    assert f"lot 1 : 120{NBSP}000,00{NBSP}€ HT (cent vingt mille euros hors taxes)" in text
    assert "{{" not in text and "{%" not in text


def test_the_ccap_prints_the_duration_the_revision_formula_and_the_payment_deadline(generated):
    text = docx_text(read(generated.files.get(kind="ccap").file))
    assert "12 mois, reconductible 3 fois par période de 12 mois, soit 48 mois au plus" in text
    assert "P = P0 × (0,125 + 0,875 × I / I0)" in text
    assert "délai global de paiement est de 30 jours" in text
    assert f"indemnité forfaitaire pour frais de recouvrement de 40,00{NBSP}€" in text
    assert "P = V × R / 1 000" in text


def test_the_dce_acte_d_engagement_leaves_the_amount_to_the_bidder_and_states_the_maximum(generated):
    text = docx_text(read(generated.files.get(kind="ae", lot_number=2).file))
    assert "Acte d'engagement" in text and "lot 2 : Presse en ligne" in text
    assert "Montant HT de l'offre (détail quantitatif estimatif) : ……" in text
    assert f"60{NBSP}000,00{NBSP}€ HT (soixante mille euros hors taxes)" in text


def test_the_price_schedule_has_the_lots_price_lines(generated):
    book = load_workbook(BytesIO(read(generated.files.get(kind="bpu_dqe").file)))
    assert book.sheetnames == ["Lot 1", "Lot 2"]
    assert book["Lot 2"]["B7"].value == "Licence de prêt à l'unité"
    assert book["Lot 2"]["F8"].value == "=SUM(F6:F7)"


def test_the_contexts_have_the_shape_the_catalog_documents(media):
    tender = load_tender(framework_tender(lots=2))
    contexts = dce_contexts(tender, version=1)
    for kind in (TemplateKind.RC, TemplateKind.CCAP, TemplateKind.CCTP):
        assert catalog.mismatches(contexts[kind], catalog.example_context(kind)) == []
    ae = contexts[TemplateKind.AE][0]
    assert catalog.mismatches(ae, catalog.example_context(TemplateKind.AE)) == []
    assert ae["holder"] is None and ae["offer"] is None


def test_each_generation_is_a_new_version_and_the_earlier_ones_stay(generated, buyer, staff_user):
    template_upload(kind=TemplateKind.CCTP, file=docx_upload("CCTP {{ tender.reference }}"), by=staff_user)
    second = dce_generate(tender=generated.tender, by=buyer)
    assert second.version == 2
    assert second.template_versions["cctp"] == 2
    assert "BNM-2024-02_RC_v2.docx" in second.files.values_list("name", flat=True)
    assert docx_text(read(second.files.get(kind="cctp").file)).strip() == "CCTP BNM-2024-02"
    first = DceGeneration.objects.get(tender=generated.tender, version=1)
    assert read(first.archive)[:2] == b"PK"
    assert first.files.count() == 6


def test_a_tender_without_lots_has_no_dce(media, buyer):
    tender = framework_tender(lots=0, dce=False)
    with pytest.raises(ValidationError, match="aucun lot"):
        dce_generate(tender=tender, by=buyer)


def test_the_dce_is_no_longer_generated_once_the_bids_are_closed(media, buyer):
    tender = framework_tender(lots=1, closed=True)
    with pytest.raises(ValidationError, match="ne se génère plus"):
        dce_generate(tender=tender, by=buyer)


# The ready guard reads the real DCE --------------------------------------------------------------


def test_ready_needs_a_generated_dce(media, buyer):
    tender = framework_tender(lots=1, dce=False)
    with pytest.raises(TransitionRefused) as refused:
        tender_transition(tender=tender, name="mark_ready", by=buyer)
    assert refused.value.reasons == [
        "Le dossier de consultation (DCE : RC, CCAP, CCTP, AE, BPU / DQE) n'a pas été généré."]
    dce_generate(tender=tender, by=buyer)
    assert tender_transition(tender=tender, name="mark_ready", by=buyer).state == TenderState.READY


def test_a_change_of_the_criteria_after_the_dce_asks_for_a_new_generation(generated, buyer):
    tender = generated.tender
    lot = tender.lots.get(number=1)
    rows = [{"name": "Prix", "kind": "price", "points": "50", "price_formula": "proportional"},
            {"name": "Valeur technique", "kind": "technical", "points": "35"},
            {"name": "Performance environnementale", "kind": "environmental", "points": "15"}]
    need.criteria_replace(lot=lot, by=buyer, rows=rows)
    tender.refresh_from_db()
    assert not dce_is_current(tender)
    with pytest.raises(TransitionRefused) as refused:
        tender_transition(tender=tender, name="mark_ready", by=buyer)
    assert refused.value.reasons[0].startswith("Le DCE (version 1) est antérieur à la dernière modification")
    dce_generate(tender=tender, by=buyer)
    assert tender_transition(tender=tender, name="mark_ready", by=buyer).state == TenderState.READY


@pytest.mark.parametrize("change", ["tender_update", "lot_save", "lot_delete"])
def test_the_services_that_change_the_need_date_the_change(buyer, change):
    lot = LotFactory(criteria=True)
    tender = lot.tender
    before = timezone.now()
    if change == "tender_update":
        need.tender_update(tender=tender, by=buyer, bid_deadline=paris(2027, 1, 11, 12, 0))
    elif change == "lot_save":
        need.lot_save(tender=tender, by=buyer, lot=lot, estimated_amount_ht=Decimal("130000.00"))
    else:
        need.lot_delete(lot=lot, by=buyer)
    assert Tender.objects.get(pk=tender.pk).content_changed_at >= before


def test_pushing_back_the_deadline_makes_the_published_dce_stale(buyer):
    tender = LotFactory(criteria=True, tender__published=True).tender
    assert dce_is_current(tender)
    tender = qa.tender_push_back_deadline(tender=tender, new_deadline=tender.bid_deadline + timedelta(days=3),
                                          by=buyer, reason="Réponse tardive à une question")
    assert not dce_is_current(Tender.objects.get(pk=tender.pk))
