"""Writes COUNTER Release 5 and 5.1 reports (tabular TSV/CSV/xlsx and JSON) following the Code of
Practice layout: the header block (Report_Name ... Created_By, Registry_Record in 5.1), a blank row,
then the column headings and one row per item and metric. Used for the demo files and the test
samples; the app reads reports with celus-nibbler, never with this module."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import date

from dateutil.relativedelta import relativedelta

from procurement.core.exports import csv_row

REPORT_NAMES = {
    ("TR_B1", "5"): "Book Requests (Excluding OA_Gold)",
    ("TR_B1", "5.1"): "Book Requests (Controlled)",
    ("DR_D1", "5"): "Database Search and Item Usage",
    ("DR_D1", "5.1"): "Database Search and Item Usage",
    ("PR_P1", "5"): "Platform Usage",
    ("PR_P1", "5.1"): "Platform Usage",
}
FILTERS = {
    ("TR_B1", "5"): "Data_Type=Book; Access_Type=Controlled; Access_Method=Regular",
    ("TR_B1", "5.1"): "Data_Type=Book; Access_Type=Controlled; Access_Method=Regular",
    ("DR_D1", "5"): "Access_Method=Regular",
    ("DR_D1", "5.1"): "Access_Method=Regular",
    ("PR_P1", "5"): "Access_Method=Regular",
    ("PR_P1", "5.1"): "Access_Method=Regular",
}
COLUMNS = {
    "TR_B1": ["Title", "Publisher", "Publisher_ID", "Platform", "DOI", "Proprietary_ID", "ISBN", "Print_ISSN",
              "Online_ISSN", "URI", "YOP"],
    "DR_D1": ["Database", "Publisher", "Publisher_ID", "Platform", "Proprietary_ID"],
    "PR_P1": ["Platform"],
}


@dataclass
class Item:
    """One title, database or platform with its counts: {metric: [count per month]}."""

    name: str
    counts: dict[str, list[int]]
    publisher: str = ""
    proprietary_id: str = ""
    isbn: str = ""
    yop: str = ""


@dataclass
class Report:
    report_id: str
    release: str
    platform: str
    institution_name: str
    institution_id: dict[str, str]  # namespace -> value, e.g. {"ISIL": "FR-...", "Proprietary": "numilib:X"}
    begin: date
    end: date
    items: list[Item] = field(default_factory=list)
    created: str = "2026-01-05T08:00:00Z"

    @property
    def months(self) -> list[date]:
        result, day = [], self.begin.replace(day=1)
        while day <= self.end:
            result.append(day)
            day += relativedelta(months=1)
        return result

    @property
    def metrics(self) -> list[str]:
        return sorted({metric for item in self.items for metric in item.counts})


def _header_rows(report: Report) -> list[list[str]]:
    institution = "; ".join(f"{key}:{value}" for key, value in report.institution_id.items())
    rows = [
        ["Report_Name", REPORT_NAMES[(report.report_id, report.release)]],
        ["Report_ID", report.report_id],
        ["Release", report.release],
        ["Institution_Name", report.institution_name],
        ["Institution_ID", institution],
        ["Metric_Types", "; ".join(report.metrics)],
        ["Report_Filters", FILTERS[(report.report_id, report.release)]],
        ["Report_Attributes", ""],
        ["Exceptions", ""],
        ["Reporting_Period", f"Begin_Date={report.begin.isoformat()}; End_Date={report.end.isoformat()}"],
        ["Created", report.created],
        ["Created_By", report.platform],
    ]
    if report.release == "5.1":
        rows.append(["Registry_Record", f"https://registry.countermetrics.org/platform/{report.platform.lower()}"])
    rows.append([])
    return rows


def _item_cells(report: Report, item: Item) -> list[str]:
    if report.report_id == "TR_B1":
        return [item.name, item.publisher, "", report.platform, "", item.proprietary_id, item.isbn, "", "", "",
                item.yop]
    if report.report_id == "DR_D1":
        return [item.name, item.publisher, "", report.platform, item.proprietary_id]
    return [report.platform]


def table_rows(report: Report) -> list[list[str]]:
    months = report.months
    rows = _header_rows(report)
    rows.append(COLUMNS[report.report_id] + ["Metric_Type", "Reporting_Period_Total"]
                + [month.strftime("%b-%Y") for month in months])
    for item in report.items:
        for metric, counts in sorted(item.counts.items()):
            rows.append(_item_cells(report, item) + [metric, str(sum(counts))] + [str(count) for count in counts])
    return rows


def to_delimited(report: Report, *, delimiter: str = "\t") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerows(csv_row(row) for row in table_rows(report))
    return out.getvalue()


def to_xlsx(report: Report, path) -> None:
    from openpyxl import Workbook

    from procurement.core.exports import xlsx_append

    book = Workbook()
    sheet = book.active
    sheet.title = report.report_id
    for row in table_rows(report):
        xlsx_append(sheet, [int(cell) if cell.isdigit() and len(cell) < 9 and index > 0 else cell
                            for index, cell in enumerate(row)])
    book.save(path)


def _json_r5(report: Report) -> dict:
    months = report.months
    header = {
        "Created": report.created, "Created_By": report.platform, "Customer_ID": report.institution_id.get(
            "Proprietary", ""), "Report_ID": report.report_id, "Release": "5",
        "Report_Name": REPORT_NAMES[(report.report_id, "5")], "Institution_Name": report.institution_name,
        "Institution_ID": [{"Type": key, "Value": value} for key, value in report.institution_id.items()],
        "Report_Filters": [{"Name": "Begin_Date", "Value": report.begin.isoformat()},
                           {"Name": "End_Date", "Value": report.end.isoformat()}]
        + [{"Name": pair.split("=")[0], "Value": pair.split("=")[1]}
           for pair in FILTERS[(report.report_id, "5")].split("; ")],
        "Report_Attributes": [], "Exceptions": [],
    }
    items = []
    for item in report.items:
        performance = []
        for index, month in enumerate(months):
            end = month + relativedelta(months=1, days=-1)
            instances = [{"Metric_Type": metric, "Count": counts[index]}
                         for metric, counts in sorted(item.counts.items()) if counts[index]]
            if instances:
                performance.append({"Period": {"Begin_Date": month.isoformat(), "End_Date": end.isoformat()},
                                    "Instance": instances})
        entry = {"Platform": report.platform, "Access_Method": "Regular", "Performance": performance}
        if report.report_id == "TR_B1":
            entry.update({"Title": item.name, "Publisher": item.publisher, "Data_Type": "Book", "YOP": item.yop,
                          "Access_Type": "Controlled", "Item_ID": [{"Type": "ISBN", "Value": item.isbn},
                                                                   {"Type": "Proprietary",
                                                                    "Value": item.proprietary_id}]})
        elif report.report_id == "DR_D1":
            entry.update({"Database": item.name, "Publisher": item.publisher, "Data_Type": "Database",
                          "Item_ID": [{"Type": "Proprietary", "Value": item.proprietary_id}]})
        else:
            entry.update({"Data_Type": "Platform"})
        items.append(entry)
    return {"Report_Header": header, "Report_Items": items}


def _json_r51(report: Report) -> dict:
    months = report.months
    filters = {pair.split("=")[0]: pair.split("=")[1].split("|")
               for pair in FILTERS[(report.report_id, "5.1")].split("; ")}
    filters.update({"Begin_Date": report.begin.isoformat(), "End_Date": report.end.isoformat()})
    header = {
        "Release": "5.1", "Report_ID": report.report_id,
        "Report_Name": REPORT_NAMES[(report.report_id, "5.1")], "Institution_Name": report.institution_name,
        "Institution_ID": {key: [value] for key, value in report.institution_id.items()},
        "Report_Filters": filters, "Created": report.created, "Created_By": report.platform,
        "Registry_Record": f"https://registry.countermetrics.org/platform/{report.platform.lower()}",
    }
    items = []
    for item in report.items:
        performance = {metric: {month.strftime("%Y-%m"): counts[index] for index, month in enumerate(months)
                                if counts[index]}
                       for metric, counts in sorted(item.counts.items())}
        if report.report_id == "TR_B1":
            items.append({"Title": item.name, "Item_ID": {"ISBN": item.isbn, "Proprietary": item.proprietary_id},
                          "Platform": report.platform, "Publisher": item.publisher, "Publisher_ID": {},
                          "Attribute_Performance": [{"Data_Type": "Book", "Access_Type": "Controlled",
                                                     "Access_Method": "Regular", "YOP": item.yop,
                                                     "Performance": performance}]})
        elif report.report_id == "DR_D1":
            items.append({"Database": item.name, "Item_ID": {"Proprietary": item.proprietary_id},
                          "Platform": report.platform, "Publisher": item.publisher, "Publisher_ID": {},
                          "Attribute_Performance": [{"Data_Type": "Database", "Access_Method": "Regular",
                                                     "Performance": performance}]})
        else:
            items.append({"Platform": report.platform,
                          "Attribute_Performance": [{"Data_Type": "Platform", "Access_Method": "Regular",
                                                     "Performance": performance}]})
    return {"Report_Header": header, "Report_Items": items}


def to_json(report: Report, *, compact: bool = False) -> str:
    data = _json_r51(report) if report.release == "5.1" else _json_r5(report)
    return json.dumps(data, ensure_ascii=False, indent=1 if compact is False else None)
