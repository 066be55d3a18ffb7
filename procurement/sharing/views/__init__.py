"""The cost-sharing pages, under a programme: the shares of a year under a key with their statements and
workbook, two keys compared (``shares``), and the pages that keep the agreement (``agreements``), its
members (``members``) and their populations (``populations``), what is shared (``items``), the keys and
their floors and caps (``keys``), on the bases of ``common``."""
