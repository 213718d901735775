"""The layers of docs/architecture.md, checked on the source
(``scripts/import_graph.py`` prints the same graph)."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("import_graph", ROOT / "scripts" / "import_graph.py")
import_graph = importlib.util.module_from_spec(spec)
spec.loader.exec_module(import_graph)

# Which apps each app may import. ``core`` is the bottom and imports none;
# ``config`` (URLs, the event registry) and ``demo`` sit on top; ``web`` is
# the HTML interface over every domain app; nothing imports ``web``.
ALLOWED = {
    "core": set(),
    "people": {"core"},
    "nominations": {"core", "people"},
    "certificates": {"core", "people", "nominations"},
    "rewards": {"core", "people", "nominations", "certificates"},
    "web": {"core", "people", "nominations", "certificates", "rewards"},
    "demo": {"core", "people", "nominations", "rewards"},
    "config": {"core", "people", "nominations", "certificates", "rewards", "web"},
}


def test_each_app_imports_only_the_layers_below_it():
    found = {
        app: {module.split(".")[0] for module in modules}
        for app, modules in import_graph.graph().items()
    }
    assert {app: apps - ALLOWED[app] for app, apps in found.items() if apps - ALLOWED[app]} == {}


def test_other_apps_are_reached_through_services_selectors_and_events_not_their_api():
    graph = import_graph.graph()
    through_api = {
        app: sorted(m for m in modules if ".api" in m and not m.startswith("core."))
        for app, modules in graph.items()
        if app != "config"
    }
    assert {app: mods for app, mods in through_api.items() if mods} == {}


def test_the_domain_apps_read_each_other_through_selectors_and_events():
    graph = import_graph.graph()
    allowed = {"selectors", "services", "events", "rules", "models", "listing", "assignment"}
    sideways = {
        app: sorted(
            m for m in modules if m.split(".")[0] != "core" and m.split(".")[1] not in allowed
        )
        for app, modules in graph.items()
        if app in {"people", "nominations", "certificates", "rewards"}
    }
    assert {app: mods for app, mods in sideways.items() if mods} == {}
