"""Office uploads that would hurt the server or the reader are refused with a French sentence, by
the one check every upload path calls (core/uploads): a zip bomb (too big once decompressed, or too
compressed), a DTD or an entity in the XML (billion laughs, external entity), malformed XML and
macros. Each path is exercised through its page, service or command; nothing is stored."""

import io
import zipfile
from decimal import Decimal
from io import StringIO

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from docx import Document
from openpyxl import Workbook

from procurement.contracts.models import IndexValue
from procurement.documents.models import TemplateVersion
from procurement.resources.models import UsageReport
from procurement.tenders.evaluation.services import price_schedule_import
from procurement.tenders.models import Bid, PriceItem
from tests.clock import DEMO_NOW
from tests.contracts.factories import IndexSeriesFactory
from tests.tenders.factories import BidFactory, LotFactory, TenderFactory
from tests.vendors.factories import VendorFactory

BILLION_LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + "".join(f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">'
                            for n in range(1, 10))
                  + ']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
                    'uniqueCount="1"><si><t>&lol9;</t></si></sst>')
EXTERNAL_ENTITY = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
                   '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&secret;</t></si>'
                   '</sst>')
MACRO_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
HUGE_SHEET = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
              f'<c r="A1" t="inlineStr"><is><t>{"A" * 3_000_000}</t></is></c></row></sheetData></worksheet>')


def _workbook(cell="Prix") -> bytes:
    book = Workbook()
    book.active.title = "Lot 1"
    book.active["A1"] = cell
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rewrite(content: bytes, *, replace: dict[str, str | bytes] = (), add: dict[str, str | bytes] = ()) -> bytes:
    """``content`` (a zip) with some members replaced or added."""
    replace, add = dict(replace), dict(add)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            target.writestr(member.filename, replace.get(member.filename, source.read(member)))
        for name, data in add.items():
            target.writestr(name, data)
    return out.getvalue()


def hostile_workbooks() -> dict[str, tuple[bytes, str]]:
    """name → (an .xlsx, the words its refusal must hold)."""
    plain = _workbook()
    types = zipfile.ZipFile(io.BytesIO(plain)).read("[Content_Types].xml").decode()
    return {
        # One 3 MB cell in a file of a few kilobytes (the limits are lowered to 2 MB and × 100 below).
        "bomb": (_rewrite(plain, replace={"xl/worksheets/sheet1.xml": HUGE_SHEET}), "une fois décompressé"),
        "ratio": (_rewrite(plain, add={"xl/media/blank.bin": b"\0" * 1_500_000}), "bombe de décompression"),
        "billion laughs": (_rewrite(plain, add={"xl/sharedStrings.xml": BILLION_LAUGHS}),
                           "déclaration XML interdite (DTD ou entité) dans « xl/sharedStrings.xml »"),
        "external entity": (_rewrite(plain, add={"xl/sharedStrings.xml": EXTERNAL_ENTITY}),
                            "déclaration XML interdite (DTD ou entité)"),
        "malformed xml": (_rewrite(plain, replace={"xl/worksheets/sheet1.xml": "<worksheet><sheetData>"}),
                          "XML illisible dans « xl/worksheets/sheet1.xml »"),
        "macros": (_rewrite(plain, replace={"[Content_Types].xml": types.replace(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", MACRO_TYPE)},
            add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 VBA"}), "contient des macros"),
    }


HOSTILE = hostile_workbooks()


@pytest.fixture(autouse=True)
def limits(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.MAX_UNCOMPRESSED_BYTES = 2 * 1024 * 1024
    settings.MAX_COMPRESSION_RATIO = 100


def test_openpyxl_parses_workbooks_with_defusedxml():
    assert openpyxl.DEFUSEDXML is True


@pytest.mark.freeze_time(DEMO_NOW)  # an electronic deposit is stamped now: before the deadline
def test_a_sound_workbook_within_the_limits_is_still_accepted(db, buyer, client_for):
    tender = TenderFactory(published=True)
    lot = LotFactory(tender=tender, number=1)
    response = client_for(buyer).post(reverse("tenders:bid-receive", args=[tender.reference]), {
        "lot": lot.pk, "vendor": VendorFactory().pk, "channel": "electronic", "candidature_form": "dume",
        "files": [SimpleUploadedFile("offre.xlsx", _workbook("Prix " * 2000))]}, follow=True)
    assert response.status_code == 200 and Bid.objects.get().files.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("case", HOSTILE)
@pytest.mark.freeze_time(DEMO_NOW)
def test_the_bid_page_refuses_the_file(case, buyer, client_for):
    content, words = HOSTILE[case]
    tender = TenderFactory(published=True)
    lot = LotFactory(tender=tender, number=1)
    response = client_for(buyer).post(reverse("tenders:bid-receive", args=[tender.reference]), {
        "lot": lot.pk, "vendor": VendorFactory().pk, "channel": "electronic", "candidature_form": "dume",
        "files": [SimpleUploadedFile("offre.xlsx", content)]})
    [error] = response.context["form"].errors["files"]
    assert error.startswith("« Fichiers de l'offre » : ") and "« offre.xlsx »" in error and words in error
    assert not Bid.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("case", HOSTILE)
def test_the_price_schedule_import_refuses_the_file(case, buyer):
    content, words = HOSTILE[case]
    lot = LotFactory(tender=TenderFactory(opened=True), number=1)
    PriceItem.objects.create(lot=lot, number="1", label="Ligne", unit="u", quantity=Decimal("1"), position=1)
    bid = BidFactory(lot=lot, compliant=True)
    with pytest.raises(ValidationError) as caught:
        price_schedule_import(bid=bid, file=SimpleUploadedFile("bpu.xlsx", content), by=buyer)
    assert caught.value.messages[0].startswith("« Bordereau des prix » : ") and words in caught.value.messages[0]
    assert not bid.price_lines.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("case", HOSTILE)
def test_the_index_import_page_refuses_the_file(case, buyer, client_for):
    content, words = HOSTILE[case]
    series = IndexSeriesFactory()
    response = client_for(buyer).post(reverse("contracts:index-import", args=[series.code]),
                                      {"file": SimpleUploadedFile("indices.xlsx", content)})
    assert words in response.context["form"].errors["file"][0]
    assert not IndexValue.objects.filter(series=series).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("case", HOSTILE)
def test_the_counter_page_and_command_refuse_the_file(case, buyer, client_for, tmp_path):
    content, words = HOSTILE[case]
    response = client_for(buyer).post("/ressources/rapports/", {"file": SimpleUploadedFile("rapport.xlsx", content)})
    assert response.status_code == 400 and words in response.context["form"].errors["file"][0]
    path = tmp_path / "rapport.xlsx"
    path.write_bytes(content)
    with pytest.raises(CommandError) as caught:
        call_command("import_counter", "--user", buyer.username, str(path), stdout=StringIO())
    assert caught.value.returncode == 2 and words in str(caught.value)
    assert not UsageReport.objects.exists()


def _docx(*, replace=(), add=()) -> bytes:
    document = Document()
    document.add_paragraph("Règlement de la consultation {{ tender.reference }}")
    buffer = io.BytesIO()
    document.save(buffer)
    return _rewrite(buffer.getvalue(), replace=replace, add=add)


DOCX_CASES = {
    "billion laughs": (lambda: _docx(replace={"word/styles.xml": BILLION_LAUGHS}), "déclaration XML interdite"),
    "macros": (lambda: _docx(add={"word/vbaProject.bin": b"VBA"}), "contient des macros"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", DOCX_CASES)
def test_the_template_page_refuses_the_document(case, staff_user, client_for):
    build, words = DOCX_CASES[case]
    versions = list(TemplateVersion.objects.values_list("pk", "kind", "version", "active"))
    response = client_for(staff_user).post(reverse("documents:upload"),
                                           {"kind": "rc", "file": SimpleUploadedFile("modele-rc.docx", build())})
    assert words in " ".join(response.context["form"].errors["file"])
    assert list(TemplateVersion.objects.values_list("pk", "kind", "version", "active")) == versions
