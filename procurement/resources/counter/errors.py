"""The error of a COUNTER report that cannot be read, and its one French line."""

from __future__ import annotations


class CounterError(ValueError):
    """A report that cannot be read; ``row`` and ``column`` (letters) locate the fault when known."""

    def __init__(self, message: str, *, row: int | None = None, column: str | None = None):
        self.row = row
        self.column = column
        super().__init__(message)


def error_line(error: CounterError) -> str:
    """The one French line that names the row and the column."""
    where = []
    if error.row is not None:
        where.append(f"ligne {error.row}")
    if error.column:
        where.append(f"colonne {error.column}")
    return (", ".join(where) + " : " if where else "") + str(error)
