"""The oversight list of a cycle's nominations (secretariat and chair):
search, filters, sort and flags, and the overview's counts linking to it."""

import re

import pytest

from nominations import services
from tests.factories import EmployeeFactory
from tests.nominations.helpers import nomination
from tests.web.test_pages import client_for


def _titles(page: str) -> list[str]:
    return re.findall(r'<a href="/nominations/\d+">([^<]+)</a>', page)


@pytest.fixture
def listed(cycle, org, supervisor, subordinate, junior, outsider, secretariat):
    """Three submitted nominations in two units and two categories, and a draft."""
    dedi = EmployeeFactory(
        name="Dedi Saputra", nip="198701012010011001", org_unit=org["set"], supervisor=outsider
    )
    items = {
        "izin": nomination(cycle, supervisor, [subordinate], title="Izin satu hari"),
        "arsip": nomination(cycle, supervisor, [junior], title="Arsip digital", category="service"),
        "antrian": nomination(cycle, outsider, [dedi], title="Antrian daring"),
    }
    for item in items.values():
        services.nomination_submit(nomination_id=item.pk, actor=item.nominator.user)
    items["draft"] = nomination(cycle, supervisor, [subordinate], title="Konsep awal")
    return items


def test_the_list_is_searched_by_title_nominee_nip_and_unit(listed, cycle, secretariat):
    client = client_for(secretariat)
    url = f"/cycles/{cycle.pk}/nominations"
    everything = client.get(url).content.decode()
    # newest submitted first; the draft last (never submitted)
    assert _titles(everything) == [
        "Antrian daring",
        "Arsip digital",
        "Izin satu hari",
        "Konsep awal",
    ]
    assert "4 nominations" in everything
    assert "198701012010011001" in everything  # the nominee's NIP is shown
    for q, found in [
        ("arsip", ["Arsip digital"]),
        ("dedi", ["Antrian daring"]),
        ("1987 0101", ["Antrian daring"]),
        ("sekretariat", ["Antrian daring"]),
        ("Junior", ["Arsip digital"]),
        ("nothing like it", []),
    ]:
        assert _titles(client.get(url, {"q": q}).content.decode()) == found, q


def test_the_list_is_filtered_and_sorted(listed, cycle, secretariat, org):
    client = client_for(secretariat)
    url = f"/cycles/{cycle.pk}/nominations"
    service = cycle.categories.get(code="service").pk
    assert _titles(client.get(url, {"category": service}).content.decode()) == ["Arsip digital"]
    assert _titles(client.get(url, {"status": "draft"}).content.decode()) == ["Konsep awal"]
    # a unit's code takes the units below it (KEM holds both DIT and SET);
    # a part of a name, the units named so
    assert _titles(client.get(url, {"unit": "SET"}).content.decode()) == ["Antrian daring"]
    assert len(_titles(client.get(url, {"unit": "KEM"}).content.decode())) == 4
    assert len(_titles(client.get(url, {"unit": "rektorat"}).content.decode())) == 3
    assert len(_titles(client.get(url, {"unit": "kementerian"}).content.decode())) == 0
    assert len(_titles(client.get(url, {"unit": "KE"}).content.decode())) == 0
    assert _titles(client.get(url, {"sort": "title", "status": "submitted"}).content.decode()) == [
        "Antrian daring",
        "Arsip digital",
        "Izin satu hari",
    ]
    by_nominee = _titles(
        client.get(url, {"sort": "nominee", "status": "submitted"}).content.decode()
    )
    assert by_nominee == ["Antrian daring", "Arsip digital", "Izin satu hari"]  # Dedi, Junior, Sub…


def test_a_filter_that_does_not_fit_is_named_and_left_out(listed, cycle, secretariat):
    response = client_for(secretariat).get(
        f"/cycles/{cycle.pk}/nominations", {"category": "x", "status": "submitted"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_category-error"' in page
    assert _titles(page) == ["Antrian daring", "Arsip digital", "Izin satu hari"]


def test_flagged_nominations_say_why(
    listed, cycle, secretariat, supervisor, subordinate, monkeypatch
):
    twin = nomination(cycle, supervisor, [subordinate], title="Izin Satu Hari")
    services.nomination_submit(nomination_id=twin.pk, actor=supervisor.user)
    client = client_for(secretariat)
    page = client.get(f"/cycles/{cycle.pk}/nominations", {"flagged": "on"}).content.decode()
    assert _titles(page) == ["Izin Satu Hari", "Izin satu hari"]
    assert page.count("Another nomination of this cycle has the same title.") == 2
    # Unfiltered, each page works out its own rows' flags, counted over the
    # whole cycle: the twin on page 1 is still a duplicate of one on page 2.
    url = f"/cycles/{cycle.pk}/nominations"
    assert client.get(url).content.decode().count("the same title.") == 2
    monkeypatch.setattr("web.views.cycles.OVERSIGHT_PAGE", 1)
    first, second = (client.get(url, {"page": n}).content.decode() for n in ("1", "2"))
    assert _titles(first) == ["Izin Satu Hari"]
    assert "Another nomination of this cycle has the same title." in first
    assert _titles(second) == ["Antrian daring"]
    assert "Another nomination of this cycle has the same title." not in second
    overview = client.get(f"/cycles/{cycle.pk}").content.decode()
    assert f'href="/cycles/{cycle.pk}/nominations?flagged=on">2 flagged</a>' in overview


def test_a_page_counts_a_units_quota_over_the_whole_cycle(listed, cycle, secretariat, monkeypatch):
    """Two of the three submitted nominations lead with someone of DIT; with
    a quota of one, each page flags its own DIT nomination, one at a time."""
    cycle.max_nominations_per_unit = 1
    cycle.save(update_fields=["max_nominations_per_unit"])
    monkeypatch.setattr("web.views.cycles.OVERSIGHT_PAGE", 1)
    client = client_for(secretariat)
    url = f"/cycles/{cycle.pk}/nominations"
    pages = [client.get(url, {"page": n}).content.decode() for n in ("1", "2", "3")]
    assert [_titles(page) for page in pages] == [
        ["Antrian daring"],
        ["Arsip digital"],
        ["Izin satu hari"],
    ]
    over = "has 2 nominations; the quota is 1."
    assert [over in page for page in pages] == [False, True, True]


def test_the_reviewers_disagreement_flags_a_nomination(reviewed, cycle, chair):
    items, _lenient = reviewed
    page = client_for(chair).get(f"/cycles/{cycle.pk}/nominations", {"flagged": "on"})
    text = page.content.decode()
    assert _titles(text) == [items[0].title]
    assert "The reviewers disagree more than chance would." in text


def test_the_overview_counts_link_to_the_list(listed, cycle, secretariat):
    page = client_for(secretariat).get(f"/cycles/{cycle.pk}").content.decode()
    assert f'<a href="/cycles/{cycle.pk}/nominations?status=submitted">3</a>' in page
    assert f'<a href="/cycles/{cycle.pk}/nominations?status=draft">1</a>' in page


def test_the_chair_sees_no_drafts_and_others_get_404(listed, cycle, chair, supervisor, reviewers):
    page = client_for(chair).get(f"/cycles/{cycle.pk}/nominations").content.decode()
    assert "Konsep awal" not in page
    assert len(_titles(page)) == 3
    for person in (supervisor, reviewers[0]):
        assert client_for(person).get(f"/cycles/{cycle.pk}/nominations").status_code == 404
