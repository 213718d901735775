"""The nominee picker of a new nomination: a search over the supervisor's
reporting line (name, NIP, position, unit) that scales to hundreds of
people, people told apart by NIP and position, a lead only for a team
category, and errors listed at the top of the form as well."""

import re

import pytest

from nominations.models import Nomination
from tests.factories import EmployeeFactory
from tests.web.test_pages import client_for


def _results(page: str) -> list[str]:
    block = page.split('id="results"', 1)[1].split("</div>", 1)[0]
    return re.findall(r"<strong>([^<]+)</strong>", block)


def _chosen(page: str) -> list[str]:
    return re.findall(r'<input type="hidden" name="nominees" value="(\d+)">', page)


@pytest.fixture
def category(cycle):
    return cycle.categories.get(code="technology")


@pytest.fixture
def twins(org, supervisor):
    """Two people named Dedi Saputra in the line, told apart by NIP and position."""
    return [
        EmployeeFactory(
            name="Dedi Saputra",
            nip=nip,
            position=position,
            org_unit=org["dit"],
            supervisor=supervisor,
        )
        for nip, position in [
            ("198801012010011001", "Analis Data"),
            ("199002022015021002", "Pranata Komputer"),
        ]
    ]


def test_the_search_finds_the_reporting_line_by_name_nip_position_or_unit(
    cycle, supervisor, subordinate, junior, outsider, twins
):
    client = client_for(supervisor)
    for q, found in [
        ("dedi", ["Dedi Saputra", "Dedi Saputra"]),
        ("1990 0202", ["Dedi Saputra"]),
        ("pranata", ["Dedi Saputra"]),
        ("junior", ["Junior"]),  # reports to subordinate: in the line indirectly
        ("outsider", []),  # not in the line
    ]:
        page = client.post("/nominations/new", {"q": q, "action": "search"}).content.decode()
        assert _results(page) == found, q
    page = client.post("/nominations/new", {"q": "Direktorat", "action": "search"}).content.decode()
    assert set(_results(page)) == {"Subordinate", "Junior", "Dedi Saputra"}
    page = client.post("/nominations/new", {"q": "dedi", "action": "search"}).content.decode()
    assert "NIP 198801012010011001 · Analis Data" in page
    assert "NIP 199002022015021002 · Pranata Komputer" in page
    assert not Nomination.objects.exists()  # searching saves nothing


def test_hundreds_in_the_line_are_searched_twenty_at_a_time(org, cycle, supervisor):
    EmployeeFactory.create_batch(260, org_unit=org["dit"], supervisor=supervisor)
    client = client_for(supervisor)
    page = client.get("/nominations/new").content.decode()
    assert "Pegawai" not in page  # nobody listed before a search
    page = client.post("/nominations/new", {"q": "pegawai", "action": "search"}).content.decode()
    assert len(_results(page)) == 20
    assert "More people match" in page


def test_people_are_added_and_removed_and_then_saved(cycle, category, supervisor, twins):
    client = client_for(supervisor)
    first, second = twins
    page = client.post(
        "/nominations/new", {"category": category.pk, "add": first.pk, "q": "dedi"}
    ).content.decode()
    assert _chosen(page) == [str(first.pk)]
    assert 'name="lead"' not in page  # not a team category
    page = client.post(
        "/nominations/new",
        {"category": category.pk, "nominees": [first.pk], "add": second.pk},
    ).content.decode()
    assert _chosen(page) == [str(first.pk), str(second.pk)]
    page = client.post(
        "/nominations/new",
        {"category": category.pk, "nominees": [first.pk, second.pk], "remove": first.pk},
    ).content.decode()
    assert _chosen(page) == [str(second.pk)]
    assert not Nomination.objects.exists()
    response = client.post(
        "/nominations/new", {"category": category.pk, "nominees": [second.pk], "action": "save"}
    )
    item = Nomination.objects.get()
    assert response.headers["Location"] == f"/nominations/{item.pk}/edit/innovation"
    assert [n.employee_id for n in item.nominees.all()] == [second.pk]


def test_a_lead_is_offered_only_for_a_team_category_and_saved(cycle, supervisor, twins):
    team = cycle.categories.get(code="technology-team")
    client = client_for(supervisor)
    ids = [e.pk for e in twins]
    page = client.post(
        "/nominations/new", {"category": team.pk, "nominees": ids, "action": "refresh"}
    ).content.decode()
    assert page.count('name="lead"') == 2
    assert f'name="lead" value="{ids[0]}" checked' in page  # the first one chosen
    client.post(
        "/nominations/new",
        {"category": team.pk, "nominees": ids, "lead": ids[1], "action": "save"},
    )
    lead = Nomination.objects.get().nominees.get(is_lead=True)
    assert lead.employee_id == ids[1]


def test_someone_outside_the_line_is_refused_with_the_error_at_the_top(
    cycle, category, supervisor, outsider
):
    response = client_for(supervisor).post(
        "/nominations/new", {"category": category.pk, "nominees": [outsider.pk], "action": "save"}
    )
    page = response.content.decode()
    summary = page.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert "Nominees: Choose people of your own reporting line." in summary
    assert 'href="#id_q"' in summary
    assert 'id="id_nominees-error"' in page  # and by the field
    assert 'aria-invalid="true"' in page.split('id="id_q"', 1)[1].split(">", 1)[0]
    assert not Nomination.objects.exists()


def test_the_picker_answers_its_fragment_over_htmx(cycle, supervisor, subordinate):
    page = (
        client_for(supervisor)
        .post("/nominations/new", {"q": "sub", "action": "search"}, HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert page.startswith('<fieldset id="picker"')
    assert _results(page) == ["Subordinate"]
