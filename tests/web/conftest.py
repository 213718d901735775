"""Browser tests: Playwright's Python package driving Debian's Chromium
against pytest-django's live server on PostgreSQL."""

import os
from pathlib import Path

import pytest

from tests.nominations.helpers import move_to

# An agency cycle whose winners can be put forward to the national one.
from tests.nominations.test_promotion import agency, national, winners  # noqa: F401 - fixtures

# A reviewed cycle with a lenient reviewer and a split decision.
from tests.nominations.test_ranking_adjusted import reviewed  # noqa: F401 - a fixture

# A nomination in review with three assigned reviewers.
from tests.nominations.test_review import in_review  # noqa: F401 - a fixture

# The published cycle of the rewards tests, for pages that show its results.
from tests.rewards.conftest import policy, published  # noqa: F401 - fixtures

# Playwright's sync API keeps an event loop on the test's thread; the test's
# own ORM calls on that thread are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts" / "screenshots"
PASSWORD = "demo12345"


@pytest.fixture(scope="session")
def browser(live_server):
    """Headless Chromium; closed before the live server stops (so no request
    thread is left holding a kept-alive connection)."""
    from django.db import connections
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        yield browser
        browser.close()
        # While Playwright's event loop runs, Django hands this thread another
        # set of database connections (asgiref's context-local storage);
        # close them here, or the test database cannot be dropped at the end.
        connections.close_all()


@pytest.fixture
def demo(transactional_db):
    from django.core.management import call_command

    call_command("seed_demo", verbosity=0)


@pytest.fixture
def login(browser, live_server):
    """``login("supervisor")`` → a page logged in as that demo user (Indonesian;
    ``password=`` for the users of the test factories)."""
    contexts = []

    def as_(username, *, locale="id-ID", password=PASSWORD, width=1280, height=900):
        context = browser.new_context(
            locale=locale, accept_downloads=True, viewport={"width": width, "height": height}
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.goto(f"{live_server.url}/login")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("main form button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        return page

    yield as_
    for context in contexts:
        context.close()


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def published_many(policy, supervisor, subordinate, junior, secretariat, cycle):  # noqa: F811
    """Like ``published``, with eight more awarded nominations (query budgets
    must not grow with the rows a page lists)."""
    from rewards import services
    from tests.factories import EmployeeFactory
    from tests.nominations.helpers import publish_results
    from tests.rewards.conftest import decide

    decide(cycle, supervisor, [subordinate])
    decide(cycle, supervisor, [junior, subordinate], level="silver", title="Antrian daring")
    for i in range(8):
        person = EmployeeFactory(org_unit=subordinate.org_unit, supervisor=supervisor)
        decide(cycle, supervisor, [person], level="bronze", title=f"Inovasi {i}")
    move_to(cycle, "deciding")
    publish_results(cycle, secretariat)
    services.publication_process(cycle_id=cycle.pk)
    return {"cycle": cycle}


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """pytest-django's live server, stopped before the test database is
    dropped (its thread holds a connection to it)."""
    return live_server
