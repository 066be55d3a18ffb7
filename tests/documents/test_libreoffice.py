"""Every kind of generated document opens in LibreOffice: samples rendered with demo-like data are
converted to PDF by a headless LibreOffice. Pure rendering, no database: the test runs in the SQLite
pass only (``make test`` installs LibreOffice with ``make system-packages``)."""

import os
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from procurement.documents import catalog
from procurement.documents.enums import TemplateKind
from procurement.documents.rendering.docx import render_docx
from procurement.documents.xlsx import PriceLine, PriceSheet, price_schedule_xlsx
from procurement.tenders.rules import price_schedule_layout

SHIPPED = Path(settings.BASE_DIR) / "templates" / "docx"
POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def samples() -> dict[str, bytes]:
    """Each template with the catalog's examples, plus the other branches: the DCE's blank acte
    d'engagement, a letter to a bid rejected before the ranking without standstill, and the workbook."""
    files = {f"{kind}.docx": render_docx((SHIPPED / f"{kind}.docx").read_bytes(), catalog.example_context(kind))
             for kind in TemplateKind.values}
    blank_ae = {**catalog.example_context(TemplateKind.AE), "holder": None, "offer": None}
    files["ae_dce.docx"] = render_docx((SHIPPED / "ae.docx").read_bytes(), blank_ae)
    letter = catalog.example_context(TemplateKind.REJECTION_LETTER)
    letter["result"] = {**letter["result"], "ranked": False, "reason": "Irrégulière — pièce manquante", "scores": []}
    letter["standstill"] = {**letter["standstill"], "required": False}
    files["rejection_unranked.docx"] = render_docx((SHIPPED / "rejection_letter.docx").read_bytes(), letter)
    sheets = [PriceSheet(1, "Livres numériques", [PriceLine("1.1", "Licence de prêt", "licence", 1200)]),
              PriceSheet(2, "Presse en ligne", [])]
    files["bpu_dqe.xlsx"] = price_schedule_xlsx(reference="BNM-2024-02", sheets=sheets, layout=price_schedule_layout)
    return files


@pytest.mark.slow
@pytest.mark.skipif(POSTGRES, reason="ne dépend pas de la base : s'exécute dans la passe SQLite seulement")
def test_every_generated_document_converts_to_pdf_in_libreoffice(tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice absent : `make system-packages` l'installe (make test le fait)")
    sources = []
    for name, data in samples().items():
        path = tmp_path / name
        path.write_bytes(data)
        sources.append(str(path))
    profile = Path("/tmp") / f"lo-profile-{uuid.uuid4().hex}"
    started = time.monotonic()
    try:
        result = subprocess.run(
            [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
             "--outdir", str(tmp_path / "pdf"), *sources],
            capture_output=True, text=True, timeout=300, check=False,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    assert result.returncode == 0, result.stderr
    for source in sources:
        pdf = tmp_path / "pdf" / (Path(source).stem + ".pdf")
        assert pdf.exists(), f"{Path(source).name} n'a pas été converti : {result.stdout} {result.stderr}"
        assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 5000
    assert time.monotonic() - started < 300
