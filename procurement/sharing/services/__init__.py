"""The writes of the cost-sharing agreements, by subject: ``agreements`` (the agreement and its
convention), ``members`` (the members and their libraries), ``populations`` (their population of each
year), ``items`` (what is shared), ``keys`` (the keys with their components, and the key applied) and
``bounds`` (the floors and caps of a key). Every function takes the acting user as ``by``, checks the
ability the pages show, validates with ``full_clean()`` and runs in a transaction: a refusal
(``ValidationError`` naming the field, in French) leaves the stored data unchanged."""
