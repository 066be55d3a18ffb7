"""The API's JSON parser: DRF's, with a French 400 for a body nested too deeply for Python's
parser (it raises RecursionError, which would otherwise be a 500)."""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser as DrfJSONParser


class JSONParser(DrfJSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("Le corps JSON est imbriqué trop profondément.") from None
