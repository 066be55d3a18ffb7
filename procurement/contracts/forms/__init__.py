"""Forms of the contracts pages: the contracts and what happens to them (``contracts``), the invoices
(``invoices``)."""
