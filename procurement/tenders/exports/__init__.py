"""What a tender exports for people outside the app: the bids register (.xlsx), the questions and
answers to publish on the buyer profile (.docx) and the EU notices in eForms (.xml)."""
