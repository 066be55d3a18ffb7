"""Opening a COUNTER report file: the uploads' check on a workbook, the JSON syntax, and nibbler's
reader with a delimited file's encoding detected once."""

from __future__ import annotations

import io
import json
from pathlib import Path

from celus_nibbler.eat_and_poop import read_file
from celus_nibbler.reader import CsvReader
from celus_nigiri.csv_detect import detect_file_encoding

from procurement.resources.counter.errors import CounterError


def open_report(path: Path):
    """nibbler's reader for ``path``. A delimited file is decoded here (UTF-8 first, otherwise the
    encoding nibbler detects) so that the detection, slow on long files, runs at most once."""
    if path.suffix.lower() not in (".csv", ".tsv"):
        return read_file(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        with path.open("rb") as handle:
            text = raw.decode(detect_file_encoding(handle) or "latin-1", errors="replace")
    return CsvReader(io.StringIO(text))


def check_json(path: Path) -> None:
    """A JSON syntax error, located by its line and column in the file."""
    try:
        json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise CounterError("le fichier JSON n'est pas encodé en UTF-8", row=1, column="1") from None
    except json.JSONDecodeError as error:
        raise CounterError(f"JSON invalide ({error.msg})", row=error.lineno, column=str(error.colno)) from None


def check_workbook(path: Path) -> None:
    """The uploads' check (size once decompressed, safe XML, no macros) before nibbler opens the
    workbook: the command reads files that never went through a form."""
    from django.core.exceptions import ValidationError
    from django.core.files import File

    from procurement.core.uploads import validate_upload

    with path.open("rb") as handle:
        try:
            validate_upload(File(handle, name=path.name), label="Rapport COUNTER", allowed=(".xlsx",))
        except ValidationError as error:
            raise CounterError(error.messages[0]) from None
