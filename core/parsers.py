"""The API's JSON parser: DRF's, refusing documents nested deeper than
``MAX_JSON_DEPTH`` (400) before the standard library recurses into them
(about a thousand levels make it raise ``RecursionError``, a 500), and text
holding NUL characters, which no text column stores."""

from __future__ import annotations

import codecs

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import JSONParser as BaseJSONParser
from rest_framework.settings import api_settings
from rest_framework.utils import json

MAX_JSON_DEPTH = 64
NUL_MESSAGE = _("Text may not contain NUL characters.")


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
        if nesting_depth(text) > MAX_JSON_DEPTH:
            raise ParseError(
                _("JSON nested deeper than %(max)d levels is not accepted.")
                % {"max": MAX_JSON_DEPTH}
            )
        try:
            parse_constant = json.strict_constant if api_settings.STRICT_JSON else None
            data = json.loads(text, parse_constant=parse_constant)
        except ValueError as error:
            raise ParseError(_("JSON parse error - %(error)s") % {"error": error}) from None
        if "\\u0000" in text.lower():
            where = _nul_at(data)
            if where is not None:
                raise ValidationError({where or "non_field_errors": [NUL_MESSAGE]})
        return data


def _nul_at(value, path: str = "") -> str | None:
    """Where in ``value`` a string holds NUL (``field.key`` path), or None."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for key, item in items:
        if isinstance(key, str) and "\x00" in key:
            return path or "non_field_errors"
        found = _nul_at(item, f"{path}.{key}" if path else str(key))
        if found is not None:
            return found
    return None
