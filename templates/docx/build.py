"""Builds the shipped .docx templates (version 1 of each kind) with python-docx.

Run it after changing a text: ``.venv/bin/python templates/docx/build.py``; commit the .docx files it
writes beside it. Jinja tags are written as whole plain-text runs, so docxtpl reads them unbroken:
``{{ … }}`` for a value, ``{%p … %}`` alone in a paragraph for a loop or a condition over paragraphs,
``{%tr … %}`` alone in a table row for a loop over rows. The variables each kind may use are listed
in ``procurement/documents/catalog.py`` (and on the page « Modèles de documents »).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import cao_texts  # noqa: E402
import dce_texts  # noqa: E402
import letter_texts  # noqa: E402


def main(folder: Path = HERE) -> list[Path]:
    built = []
    for name, build in (*dce_texts.BUILDERS.items(), *letter_texts.BUILDERS.items(),
                        *cao_texts.BUILDERS.items()):
        built.append(build().save(name, folder))
    return built


if __name__ == "__main__":
    for path in main():
        print(path.relative_to(HERE.parent.parent))
