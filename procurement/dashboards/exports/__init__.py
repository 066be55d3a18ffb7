"""The dashboards' exports: the finance follow-up as a workbook and a PDF (``finance``)."""
