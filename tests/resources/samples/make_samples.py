"""Writes the COUNTER sample reports of the tests (run from the project root:
``.venv/bin/python tests/resources/samples/make_samples.py``); the files are committed."""

from datetime import date
from pathlib import Path

from procurement.resources.counter.writer import Item, Report, to_delimited, to_json, to_xlsx

HERE = Path(__file__).resolve().parent
VALBRUNE = {"ISIL": "FR-692649901", "Proprietary": "numilib:VALBRUNE"}
Q1 = {"begin": date(2025, 1, 1), "end": date(2025, 3, 31)}


def books(release):
    return Report("TR_B1", release, "Numilib", "Médiathèque de Valbrune", VALBRUNE, **Q1, items=[
        Item("Les Vagues du soir", {"Total_Item_Requests": [10, 12, 8], "Unique_Title_Requests": [4, 5, 3]},
             publisher="Éditions du Parc", proprietary_id="numilib:9782070001", isbn="9782070001234", yop="2021"),
        Item("Carnets de la Loire", {"Total_Item_Requests": [2, 3, 4], "Unique_Title_Requests": [1, 2, 3]},
             publisher="Lettres vives", proprietary_id="numilib:9782070002", isbn="9782070002345", yop="2019"),
    ])


def press(release):
    institution = {"ISIL": "FR-692649901", "Proprietary": "kiosque:VALBRUNE"}
    return Report("DR_D1", release, "Kiosque", "Médiathèque de Valbrune", institution, **Q1, items=[
        Item("Kiosque presse quotidienne", {"Searches_Regular": [40, 35, 50], "Total_Item_Investigations": [90, 80,
             100], "Total_Item_Requests": [60, 55, 70], "Unique_Item_Requests": [30, 28, 41]},
             publisher="Kiosque SAS", proprietary_id="kiosque:QUOT"),
    ])


def platform(release):
    institution = {"Proprietary": "apprendre:VALBRUNE"}
    return Report("PR_P1", release, "Apprendre", "Médiathèque de Valbrune", institution, **Q1, items=[
        Item("Apprendre", {"Searches_Platform": [15, 9, 11], "Total_Item_Requests": [33, 20, 18],
                           "Unique_Item_Requests": [21, 13, 12], "Unique_Title_Requests": [8, 6, 5]}),
    ])


def main():
    (HERE / "tr_b1_r5.tsv").write_text(to_delimited(books("5")), encoding="utf-8")
    (HERE / "tr_b1_r51.csv").write_text(to_delimited(books("5.1"), delimiter=","), encoding="utf-8")
    (HERE / "tr_b1_r5.json").write_text(to_json(books("5")), encoding="utf-8")
    (HERE / "tr_b1_r51.json").write_text(to_json(books("5.1")), encoding="utf-8")
    (HERE / "dr_d1_r5.json").write_text(to_json(press("5")), encoding="utf-8")
    (HERE / "dr_d1_r51.tsv").write_text(to_delimited(press("5.1")), encoding="utf-8")
    to_xlsx(press("5"), HERE / "dr_d1_r5.xlsx")
    (HERE / "pr_p1_r5.csv").write_text(to_delimited(platform("5"), delimiter=","), encoding="utf-8")
    (HERE / "pr_p1_r51.json").write_text(to_json(platform("5.1")), encoding="utf-8")
    to_xlsx(platform("5.1"), HERE / "pr_p1_r51.xlsx")


if __name__ == "__main__":
    main()
