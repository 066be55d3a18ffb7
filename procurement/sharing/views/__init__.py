"""The cost-sharing pages under a programme: the shares of a year under a key with their statements and
workbook, two keys compared (``shares``), and the pages that keep the agreement, its members and
populations, what is shared, the keys and their floors and caps (``edit``)."""
