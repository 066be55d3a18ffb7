"""COUNTER R5 and R5.1 reports, tabular and JSON, read with celus-nibbler and imported."""

from datetime import date
from pathlib import Path

import pytest

from procurement.resources.counter.errors import CounterError, error_line
from procurement.resources.counter.reader import read_report
from procurement.resources.models import UsageCount, UsageReport
from procurement.resources.services import usage_report_import
from tests.resources.factories import LibraryFactory, PlatformFactory

SAMPLES = Path(__file__).parent / "samples"

# file, report, release, platform, institution, totals of the resource's metric over the quarter
CASES = [
    ("tr_b1_r5.tsv", "TR_B1", "5", "Numilib", "ISIL:FR-692649901; Proprietary:numilib:VALBRUNE",
     "Unique_Title_Requests", 18),
    ("tr_b1_r5.json", "TR_B1", "5", "Numilib", "ISIL:FR-692649901; Proprietary:numilib:VALBRUNE",
     "Unique_Title_Requests", 18),
    ("tr_b1_r51.csv", "TR_B1", "5.1", "Numilib", "ISIL:FR-692649901; Proprietary:numilib:VALBRUNE",
     "Unique_Title_Requests", 18),
    ("tr_b1_r51.json", "TR_B1", "5.1", "Numilib", "ISIL:FR-692649901; Proprietary:numilib:VALBRUNE",
     "Unique_Title_Requests", 18),
    ("dr_d1_r5.json", "DR_D1", "5", "Kiosque", "ISIL:FR-692649901; Proprietary:kiosque:VALBRUNE",
     "Unique_Item_Requests", 99),
    ("dr_d1_r5.xlsx", "DR_D1", "5", "Kiosque", "ISIL:FR-692649901; Proprietary:kiosque:VALBRUNE",
     "Unique_Item_Requests", 99),
    ("dr_d1_r51.tsv", "DR_D1", "5.1", "Kiosque", "ISIL:FR-692649901; Proprietary:kiosque:VALBRUNE",
     "Unique_Item_Requests", 99),
    ("pr_p1_r5.csv", "PR_P1", "5", "Apprendre", "Proprietary:apprendre:VALBRUNE", "Unique_Item_Requests", 46),
    ("pr_p1_r51.json", "PR_P1", "5.1", "Apprendre", "Proprietary:apprendre:VALBRUNE", "Unique_Item_Requests", 46),
    ("pr_p1_r51.xlsx", "PR_P1", "5.1", "Apprendre", "Proprietary:apprendre:VALBRUNE", "Unique_Item_Requests", 46),
]


@pytest.mark.parametrize(("name", "report_id", "release", "platform", "institution", "metric", "total"), CASES)
def test_each_sample_report_is_read_with_its_header_period_and_counts(name, report_id, release, platform,
                                                                       institution, metric, total):
    parsed = read_report(SAMPLES / name)
    assert (parsed.report_id, parsed.release, parsed.platform) == (report_id, release, platform)
    assert parsed.institution == institution
    assert (parsed.begin, parsed.end) == (date(2025, 1, 1), date(2025, 3, 31))
    assert parsed.rows == 4
    assert parsed.total(metric) == total
    assert parsed.counts[(date(2025, 2, 1), metric)] > 0


def test_the_books_report_counts_each_month_of_each_metric():
    parsed = read_report(SAMPLES / "tr_b1_r51.json")
    assert parsed.counts[(date(2025, 1, 1), "Unique_Title_Requests")] == 4 + 1
    assert parsed.counts[(date(2025, 3, 1), "Total_Item_Requests")] == 8 + 4


def _broken(tmp_path, name: str, old: str, new: str) -> Path:
    text = (SAMPLES / name).read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _error(path) -> CounterError:
    with pytest.raises(CounterError) as caught:
        read_report(path)
    return caught.value


def test_a_count_that_is_not_a_number_is_named_by_its_row_and_column(tmp_path):
    path = _broken(tmp_path, "tr_b1_r5.tsv", "Unique_Title_Requests\t12\t4\t5\t3",
                   "Unique_Title_Requests\t12\t4\tcinq\t3")
    error = _error(path)
    assert (error.row, error.column) == (16, "O")
    assert error_line(error).startswith("ligne 16, colonne O : valeur « cinq » refusée")


def test_a_missing_header_field_is_named_by_its_row_and_column(tmp_path):
    error = _error(_broken(tmp_path, "pr_p1_r5.csv", "Report_ID,PR_P1", "Identifiant,PR_P1"))
    assert (error.row, error.column) == (2, "A")


def test_an_unknown_release_is_refused_on_its_cell(tmp_path):
    error = _error(_broken(tmp_path, "dr_d1_r51.tsv", "Release\t5.1", "Release\t4"))
    assert (error.row, error.column) == (3, "B")
    assert "Release « 4 »" in str(error)


def test_a_wrong_reporting_period_is_named_by_its_row(tmp_path):
    error = _error(_broken(tmp_path, "tr_b1_r51.csv", "Begin_Date=2025-01-01", "Begin_Date=2025-13-01"))
    assert (error.row, error.column) == (10, "B")


def test_a_json_syntax_error_gives_its_line_and_column(tmp_path):
    error = _error(_broken(tmp_path, "pr_p1_r51.json", '"Release": "5.1",', '"Release": "5.1"'))
    assert (error.row, error.column) == (4, "3")  # the missing comma is noticed at the next key
    assert error_line(error).startswith("ligne 4, colonne 3 : JSON invalide")


def test_a_malformed_file_saves_nothing(tmp_path, db, buyer):
    path = _broken(tmp_path, "tr_b1_r5.tsv", "\t10\t12\t8", "\t10\t-\t8")
    with pytest.raises(CounterError):
        usage_report_import(by=buyer, path=path)
    assert UsageReport.objects.count() == 0
    assert UsageCount.objects.count() == 0


def test_importing_the_same_report_twice_replaces_it(db, buyer):
    first, _ = usage_report_import(by=buyer, path=SAMPLES / "tr_b1_r5.tsv")
    second, _ = usage_report_import(by=buyer, path=SAMPLES / "tr_b1_r5.json")  # same platform, institution and period
    assert UsageReport.objects.count() == 1
    assert not UsageReport.objects.filter(pk=first.pk).exists()
    assert UsageCount.objects.filter(report=second, metric="Unique_Title_Requests").count() == 3
    assert sum(UsageCount.objects.filter(metric="Unique_Title_Requests").values_list("value", flat=True)) == 18


def test_an_unknown_platform_and_institution_are_imported_as_unmatched(db, buyer):
    report, _ = usage_report_import(by=buyer, path=SAMPLES / "dr_d1_r51.tsv")
    assert report.platform is None and report.library is None
    assert not report.is_matched


def test_a_known_platform_and_institution_are_matched_by_any_identifier(db, buyer):
    platform = PlatformFactory(name="Kiosque")
    library = LibraryFactory(isil="FR-692649901")
    report, _ = usage_report_import(by=buyer, path=SAMPLES / "dr_d1_r5.json")
    assert (report.platform, report.library) == (platform, library)
