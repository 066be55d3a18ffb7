"""JSON Schema checks of the open-data files (DECP, OCDS), written once.

A document is checked by jsonschema-rs, compiled once per schema: on the files of a large authority it
is a hundred times faster than the pure-Python jsonschema (whose ``uniqueItems`` compares the OCDS
package's releases pair by pair). Only when it finds the document invalid does jsonschema name the
errors, one per line, ``path : message``, as the exports always wrote them (and jsonschema-rs's own, should
jsonschema find none). Neither asserts ``format`` (an annotation in these drafts), and no schema is fetched
from the network: the ones a schema refers to by URL are given as ``resources``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property


@dataclass(frozen=True)
class SchemaError:
    path: tuple
    message: str

    def line(self) -> str:
        return f"{'/'.join(str(part) for part in self.path) or '(racine)'} : {self.message}"


class JsonSchema:
    """``errors(document)``: where ``document`` breaks ``schema`` (JSON Schema draft ``draft``: 4 or 7),
    by path; empty when it is valid."""

    def __init__(self, schema: dict, *, draft: int, resources: dict[str, dict] | None = None):
        self.schema, self.draft, self.resources = schema, draft, resources or {}

    @cached_property
    def _fast(self):
        import jsonschema_rs

        validator = {4: jsonschema_rs.Draft4Validator, 7: jsonschema_rs.Draft7Validator}[self.draft]
        registry = jsonschema_rs.Registry(list(self.resources.items())) if self.resources else None
        return validator(self.schema, registry=registry, validate_formats=False, offline=True)

    @cached_property
    def _named(self):
        import jsonschema
        from referencing import Registry, Resource

        validator = {4: jsonschema.Draft4Validator, 7: jsonschema.Draft7Validator}[self.draft]
        registry = Registry().with_resources(
            (uri, Resource.from_contents(contents)) for uri, contents in self.resources.items())
        return validator(self.schema, registry=registry)

    def errors(self, document) -> Sequence[SchemaError]:
        if self._fast.is_valid(document):
            return []
        named = sorted(self._named.iter_errors(document), key=lambda error: list(error.absolute_path))
        if named:
            return [SchemaError(tuple(error.absolute_path), error.message) for error in named]
        return [SchemaError(tuple(error.instance_path), error.message) for error in self._fast.iter_errors(document)]
