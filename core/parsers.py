"""The API's JSON parser: DRF's, refusing documents nested deeper than
``MAX_JSON_DEPTH`` (400) before the standard library recurses into them
(about a thousand levels make it raise ``RecursionError``, a 500).
NUL in text is refused by the serializers' text fields (DRF's own validator)
and, for free-form JSON values, by the services."""

from __future__ import annotations

import codecs

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser as BaseJSONParser
from rest_framework.settings import api_settings
from rest_framework.utils import json

MAX_JSON_DEPTH = 64


def nesting_depth(text: str) -> int:
    """The deepest nesting of arrays and objects in JSON ``text`` (strings skipped)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


class JSONParser(BaseJSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.getreader(encoding)(stream).read()
        except UnicodeDecodeError as error:
            raise ParseError(_("JSON parse error - %(error)s") % {"error": error}) from None
        # Counting brackets is C-fast; the character walk runs only when there
        # are enough of them to nest too deep (rarely: bodies are small).
        brackets = text.count("[") + text.count("{")
        if brackets > MAX_JSON_DEPTH and nesting_depth(text) > MAX_JSON_DEPTH:
            raise ParseError(
                _("JSON nested deeper than %(max)d levels is not accepted.")
                % {"max": MAX_JSON_DEPTH}
            )
        try:
            parse_constant = json.strict_constant if api_settings.STRICT_JSON else None
            data = json.loads(text, parse_constant=parse_constant)
        except ValueError as error:
            raise ParseError(_("JSON parse error - %(error)s") % {"error": error}) from None
        return data
