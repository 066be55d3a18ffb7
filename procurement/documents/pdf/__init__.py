"""Building blocks of the PDF reports (reportlab): the fonts, the text cleaning, the base styles and
the tables whose columns fit their text. The reports themselves live with their apps."""
