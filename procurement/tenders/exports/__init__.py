"""What a tender exports for people outside the app: the bids register (.xlsx) and the questions and
answers to publish on the buyer profile (.docx)."""
