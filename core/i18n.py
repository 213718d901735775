"""Texts that users enter or the demo seeds, kept in both languages (DESIGN
§7.2: ``name`` in the viewer's language, ``names: {id, en}`` beside it).
Interface strings are gettext's; these are data."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import get_language

LANGUAGES = ("id", "en")


def active() -> str:
    """``en`` or ``id``: the language the current request is answered in."""
    return "en" if (get_language() or "").startswith("en") else "id"


def pick(texts: Mapping[str, str] | None, language: str | None = None) -> str:
    """The text in ``language`` (the active one by default), else the other."""
    texts = texts or {}
    first = language or active()
    return texts.get(first) or next((texts[c] for c in LANGUAGES if texts.get(c)), "")
