"""Forms of the tenders pages, one module per subject: they parse and check types; the services apply the
rules."""
