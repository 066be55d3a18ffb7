from decimal import Decimal

import pytest

from procurement.programmes.enums import BudgetSection
from procurement.programmes.selectors import (
    budget_by_section_year,
    budget_table,
    programme_detail,
    programme_list,
)
from tests.programmes.factories import BudgetCreditFactory, BudgetLineFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

D = Decimal
# The demo budget, by hand (TTC):
# investment: Études AMO 16 000 (2023) + 64 000 (2024); Construction du portail 350 000 (2025) → 430 000
# operating: Ressources en ligne 4 × 300 000 (2025-2028) = 1 200 000; Formation 50 000 (2025);
#            Communication 2 × 35 000 (2025-2026) = 70 000; Maintenance 3 × 52 500 (2026-2028) = 157 500
#            → 1 477 500
# whole programme: 430 000 + 1 477 500 = 1 907 500
INVESTMENT_TOTAL = D("430000.00")
OPERATING_TOTAL = D("1477500.00")
GRAND_TOTAL = D("1907500.00")


def test_budget_table_of_the_demo_programme(demo_programme):
    table = budget_table(programme=demo_programme)
    assert table.years == [2023, 2024, 2025, 2026, 2027, 2028]
    assert [block.section for block in table.sections] == ["investment", "operating"]

    assert table.section_total(BudgetSection.INVESTMENT, 2025) == D("350000.00")
    assert table.section_total(BudgetSection.OPERATING, 2025) == D("385000.00")  # 300 000 + 50 000 + 35 000
    assert table.section(BudgetSection.OPERATING).totals == {
        2023: D("0.00"), 2024: D("0.00"), 2025: D("385000.00"),
        2026: D("387500.00"),  # 300 000 + 35 000 + 52 500
        2027: D("352500.00"), 2028: D("352500.00"),
    }
    assert table.section(BudgetSection.INVESTMENT).totals == {
        2023: D("16000.00"), 2024: D("64000.00"), 2025: D("350000.00"),
        2026: D("0.00"), 2027: D("0.00"), 2028: D("0.00"),
    }
    assert table.section_total(BudgetSection.INVESTMENT) == INVESTMENT_TOTAL
    assert table.section_total(BudgetSection.OPERATING) == OPERATING_TOTAL
    assert table.totals == {
        2023: D("16000.00"), 2024: D("64000.00"), 2025: D("735000.00"),
        2026: D("387500.00"), 2027: D("352500.00"), 2028: D("352500.00"),
    }
    assert table.total == GRAND_TOTAL == sum(table.totals.values())
    assert table.envelope_remaining == D("70000.00")  # 500 000 PPI - 430 000 invested


def test_budget_table_rows_have_every_year_with_zero_where_nothing_is_voted(demo_programme):
    table = budget_table(programme=demo_programme)
    rows = {row.line.label: row for block in table.sections for row in block.rows}
    assert [row.line.label for row in table.section("investment").rows] == [
        "Études AMO", "Construction du portail",
    ]
    assert [row.line.label for row in table.section("operating").rows] == [
        "Ressources en ligne", "Maintenance du portail", "Formation des bibliothécaires", "Communication",
    ]  # by M57 article: 6065, 6156, 6184, 6231
    amo = rows["Études AMO"]
    assert amo.cells == [D("16000.00"), D("64000.00"), D("0.00"), D("0.00"), D("0.00"), D("0.00")]
    assert amo.total == D("80000.00")
    assert rows["Maintenance du portail"].amounts[2025] == D("0.00")
    assert rows["Maintenance du portail"].total == D("157500.00")
    assert all(isinstance(value, Decimal) for row in rows.values() for value in row.cells)


def test_budget_table_takes_two_queries_whatever_the_size(django_assert_num_queries):
    programme = ProgrammeFactory()
    for index in range(8):
        line = BudgetLineFactory(programme=programme, operating=index % 2 == 0)
        for year in (2025, 2026, 2027):
            BudgetCreditFactory(budget_line=line, year=year)
    with django_assert_num_queries(2):
        table = budget_table(programme=programme)
        assert table.line_count == 8
        assert table.total == D("240000.00")


def test_budget_table_of_an_empty_programme():
    table = budget_table(programme=ProgrammeFactory(with_envelope=True))
    assert table.years == [] and table.sections == [] and table.total == D("0.00")
    assert table.section_total(BudgetSection.OPERATING, 2025) == D("0.00")
    assert table.envelope_remaining == D("500000.00")


def test_the_years_of_the_table_have_no_gap():
    line = BudgetLineFactory()
    BudgetCreditFactory(budget_line=line, year=2024)
    BudgetCreditFactory(budget_line=line, year=2027)
    table = budget_table(programme=line.programme)
    assert table.years == [2024, 2025, 2026, 2027]
    assert table.column_count == 3 + 4 + 1


def test_budget_by_section_year(demo_programme):
    assert budget_by_section_year(programme=demo_programme) == [
        {"section": "investment", "year": 2023, "budget_ttc": D("16000.00")},
        {"section": "investment", "year": 2024, "budget_ttc": D("64000.00")},
        {"section": "investment", "year": 2025, "budget_ttc": D("350000.00")},
        {"section": "operating", "year": 2025, "budget_ttc": D("385000.00")},
        {"section": "operating", "year": 2026, "budget_ttc": D("387500.00")},
        {"section": "operating", "year": 2027, "budget_ttc": D("352500.00")},
        {"section": "operating", "year": 2028, "budget_ttc": D("352500.00")},
    ]


def test_programme_list_counts_lines_and_sums_credits_in_one_query(demo_programme, django_assert_num_queries):
    other = ProgrammeFactory(reference="AAA")
    BudgetLineFactory(programme=other)  # a line without credits
    with django_assert_num_queries(1):
        programmes = list(programme_list())
        assert [p.reference for p in programmes] == ["AAA", "BNM"]
        assert [(p.line_count, p.total_ttc) for p in programmes] == [(1, D("0.00")), (6, GRAND_TOTAL)]
        assert programmes[1].authority.name == "Métropole de Rivemont"


def test_programme_detail(demo_programme):
    assert programme_detail("BNM") == demo_programme
    with pytest.raises(type(demo_programme).DoesNotExist):
        programme_detail("XYZ")
