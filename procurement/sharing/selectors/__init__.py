"""Reads for the pages, exports, the API and the ``cost_sharing`` command, by subject: ``agreements`` (the
agreements, their members and populations, what they share), ``keys``, ``costs`` (what is shared costs,
read from the finance schedule), ``shares`` (each member's share under a key) and ``comparison`` (two keys
compared). Every read is a fixed number of queries, whatever the number of members."""
