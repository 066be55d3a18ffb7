"""The NUTS 2021 level-3 code of a French place (the département), as the EU notices write a country
subdivision (eForms BT-507, BT-5071: code list « nuts-lvl3 »), derived from what the app keeps: a postal
code, an INSEE commune code or a département code.

A postal code starts with its département's number (Corsica's 20xxx: 200–201 Corse-du-Sud, 202–206
Haute-Corse; overseas 97x); an INSEE commune code with the département's code (2A, 2B, 97x). Monaco's
980xx is not French. The NUTS codes are Eurostat's NUTS 2021 classification, in force for eForms SDK 1.15
(its rules list them).
"""

from __future__ import annotations

import re

DEPARTMENT_NUTS = {
    # Île-de-France
    "75": "FR101", "77": "FR102", "78": "FR103", "91": "FR104", "92": "FR105", "93": "FR106", "94": "FR107",
    "95": "FR108",
    # Centre-Val de Loire
    "18": "FRB01", "28": "FRB02", "36": "FRB03", "37": "FRB04", "41": "FRB05", "45": "FRB06",
    # Bourgogne-Franche-Comté
    "21": "FRC11", "58": "FRC12", "71": "FRC13", "89": "FRC14", "25": "FRC21", "39": "FRC22", "70": "FRC23",
    "90": "FRC24",
    # Normandie
    "14": "FRD11", "50": "FRD12", "61": "FRD13", "27": "FRD21", "76": "FRD22",
    # Hauts-de-France
    "59": "FRE11", "62": "FRE12", "02": "FRE21", "60": "FRE22", "80": "FRE23",
    # Grand Est
    "67": "FRF11", "68": "FRF12", "08": "FRF21", "10": "FRF22", "51": "FRF23", "52": "FRF24", "54": "FRF31",
    "55": "FRF32", "57": "FRF33", "88": "FRF34",
    # Pays de la Loire
    "44": "FRG01", "49": "FRG02", "53": "FRG03", "72": "FRG04", "85": "FRG05",
    # Bretagne
    "22": "FRH01", "29": "FRH02", "35": "FRH03", "56": "FRH04",
    # Nouvelle-Aquitaine
    "24": "FRI11", "33": "FRI12", "40": "FRI13", "47": "FRI14", "64": "FRI15", "19": "FRI21", "23": "FRI22",
    "87": "FRI23", "16": "FRI31", "17": "FRI32", "79": "FRI33", "86": "FRI34",
    # Occitanie
    "11": "FRJ11", "30": "FRJ12", "34": "FRJ13", "48": "FRJ14", "66": "FRJ15", "09": "FRJ21", "12": "FRJ22",
    "31": "FRJ23", "32": "FRJ24", "46": "FRJ25", "65": "FRJ26", "81": "FRJ27", "82": "FRJ28",
    # Auvergne-Rhône-Alpes
    "03": "FRK11", "15": "FRK12", "43": "FRK13", "63": "FRK14", "01": "FRK21", "07": "FRK22", "26": "FRK23",
    "38": "FRK24", "42": "FRK25", "69": "FRK26", "73": "FRK27", "74": "FRK28",
    # Provence-Alpes-Côte d'Azur
    "04": "FRL01", "05": "FRL02", "06": "FRL03", "13": "FRL04", "83": "FRL05", "84": "FRL06",
    # Corse
    "2A": "FRM01", "2B": "FRM02",
    # Overseas départements
    "971": "FRY10", "972": "FRY20", "973": "FRY30", "974": "FRY40", "976": "FRY50",
}

_POSTAL_CODE = re.compile(r"^\d{5}$")
_COMMUNE_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$")


def department_of_postal_code(postal_code: str) -> str:
    """``""`` when the code is not a French postal code of a département."""
    code = (postal_code or "").strip()
    if not _POSTAL_CODE.match(code):
        return ""
    if code.startswith("97"):
        return code[:3]
    if code.startswith("20"):
        return "2A" if code[2] in "01" else "2B"
    return code[:2]


def department_of_commune(commune_code: str) -> str:
    code = (commune_code or "").strip().upper()
    if not _COMMUNE_CODE.match(code):
        return ""
    return code[:3] if code.startswith("97") else code[:2]


def nuts_of_postal_code(postal_code: str) -> str:
    """The NUTS 3 code of a French postal code; ``""`` when it is none (a foreign or malformed code)."""
    return DEPARTMENT_NUTS.get(department_of_postal_code(postal_code), "")


def nuts_of_place(*, code_type: str, code: str) -> str:
    """The NUTS 3 code of a place of performance kept as (type of code, code), types as in
    ``PlaceCodeType``; ``""`` for a region or a country, wider than a NUTS 3 area."""
    code = (code or "").strip().upper()
    if code_type == "Code postal":
        return nuts_of_postal_code(code)
    if code_type == "Code commune":
        return DEPARTMENT_NUTS.get(department_of_commune(code), "")
    if code_type == "Code département":
        return DEPARTMENT_NUTS.get(code.zfill(2) if code.isdigit() else code, "")
    return ""
