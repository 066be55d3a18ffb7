"""The layout of a price schedule workbook (BPU / DQE), shared by the generator (documents) and
the importer (evaluation): one sheet per lot, named « Lot N »; the same cells in both."""

SHEET_NAME = "Lot {number}"
TITLE_CELL = "A1"          # « BPU / DQE — <reference> »
LOT_CELL = "A2"            # « Lot N — <title> »
BIDDER_LABEL_CELL = "A3"   # « Candidat : »
BIDDER_CELL = "B3"         # unlocked: the bidder's name
HEADER_ROW = 5
FIRST_ITEM_ROW = 6
COLUMNS = {
    "number": "A",       # N° de prix
    "label": "B",        # Désignation
    "unit": "C",         # Unité
    "quantity": "D",     # Quantité estimée (DQE)
    "unit_price": "E",   # Prix unitaire HT — the only column a bidder fills (unlocked)
    "amount": "F",       # Montant HT = D × E (formula)
}
HEADERS = ["N° de prix", "Désignation", "Unité", "Quantité estimée", "Prix unitaire HT (€)", "Montant HT (€)"]
TOTAL_LABEL = "Total HT"   # in column E of the row after the last item; F holds =SUM(F…)
