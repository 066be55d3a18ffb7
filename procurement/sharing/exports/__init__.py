"""What the cost-sharing pages hand out as files: a member's yearly statement (PDF) and the whole table
of shares (.xlsx)."""
