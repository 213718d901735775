"""Nothing but ``core.lifecycle`` assigns a state field.

The scan reads the source of every app and flags each place that writes the
field of a model with a lifecycle (``status``, ``phase``): an attribute
assignment, ``setattr``, a keyword of ``update``/``create``/… or of the
model's constructor. Reads (``filter(status=…)``) are fine.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

from core.lifecycle import Lifecycle

ROOT = Path(__file__).resolve().parents[2]
APPS = ["core", "people", "nominations", "rewards", "certificates", "web"]
ALLOWED = {ROOT / "core" / "lifecycle.py"}
WRITE_METHODS = {"update", "create", "get_or_create", "update_or_create", "bulk_update"}


def lifecycles() -> list[Lifecycle]:
    found = []
    for app in APPS:
        try:
            module = importlib.import_module(f"{app}.workflow")
        except ModuleNotFoundError:
            continue
        found += [value for value in vars(module).values() if isinstance(value, Lifecycle)]
    return found


def violations(source: str, fields: set[str], models: set[str]) -> list[int]:
    """Line numbers of the state writes in ``source``."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        if any(isinstance(t, ast.Attribute) and t.attr in fields for t in targets):
            lines.append(node.lineno)
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if (
            name == "setattr"
            and len(node.args) > 1
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value in fields
        ):
            lines.append(node.lineno)
        if name in WRITE_METHODS or name in models:
            if any(k.arg in fields for k in node.keywords):
                lines.append(node.lineno)
            for k in node.keywords:  # get_or_create(defaults={"status": …})
                if k.arg == "defaults" and isinstance(k.value, ast.Dict):
                    keys = {getattr(key, "value", None) for key in k.value.keys}
                    if keys & fields:
                        lines.append(node.lineno)
    return sorted(lines)


def scan() -> dict[str, list[int]]:
    found = lifecycles()
    fields = {lc.field for lc in found}
    models = {lc.model.__name__ for lc in found}
    out = {}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts or path in ALLOWED:
                continue
            lines = violations(path.read_text(), fields, models)
            if lines:
                out[str(path.relative_to(ROOT))] = lines
    return out


def test_every_model_with_a_state_field_has_a_lifecycle():
    from django.apps import apps

    # status and phase, and the other fields lifecycles move (a round's
    # shortlist_post): wherever a model has one, a lifecycle moves it.
    state_fields = {"status", "phase"} | {lc.field for lc in lifecycles()}
    with_state = {
        (model.__name__, field.name)
        for app in APPS
        for model in apps.get_app_config(app).get_models()
        for field in model._meta.concrete_fields
        if field.name in state_fields
    }
    assert {(lc.model.__name__, lc.field) for lc in lifecycles()} == with_state
    assert ("Certificate", "status") in with_state  # the search finds them at all


def test_only_the_lifecycle_assigns_a_state():
    assert scan() == {}


def test_the_scan_finds_each_kind_of_state_write():
    source = """
item.status = "issued"
setattr(item, "phase", "closed")
Certificate.objects.filter(pk=1).update(status="issued")
Certificate.objects.create(recipient=r, status="issued")
Certificate(recipient=r, status="issued")
Review.objects.get_or_create(pk=1, defaults={"status": "x"})
Certificate.objects.filter(status="issued").count()
Response(body, status=409)
"""
    fields = {"status", "phase"}
    assert violations(source, fields, {"Certificate"}) == [2, 3, 4, 5, 6, 7]
