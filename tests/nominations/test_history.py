"""Who moved a cycle, a nomination or a review, and when: ``GET …/{id}/history``."""

import pytest

from nominations import services
from nominations.models import Assignment

from .helpers import ALL_FIVE, advance, nomination


def moves(response) -> list[tuple[str, str, str | None]]:
    assert response.status_code == 200, response.json()
    return [
        (row["from_state"], row["to_state"], row["actor"] and row["actor"]["username"])
        for row in response.json()["results"]
    ]


def test_the_cycle_history_names_who_moved_each_phase(api, secretariat, chair, cycle):
    response = api.as_(secretariat).post(f"/api/v1/cycles/{cycle.pk}/phase", {"phase": "reviewing"})
    assert response.status_code == 200
    expected = [("draft", "nominating", None), ("nominating", "reviewing", "secretariat")]
    assert moves(api.as_(secretariat).get(f"/api/v1/cycles/{cycle.pk}/history")) == expected
    assert moves(api.as_(chair).get(f"/api/v1/cycles/{cycle.pk}/history")) == expected


def test_the_cycle_history_is_not_for_everyone(api, supervisor, outsider, cycle):
    for person in (supervisor, outsider):
        assert api.as_(person).get(f"/api/v1/cycles/{cycle.pk}/history").status_code == 404


@pytest.fixture
def submitted(supervisor, subordinate, cycle):
    item = nomination(cycle, supervisor, [subordinate])
    services.nomination_submit(nomination_id=item.pk, actor=supervisor.user)
    return item


def test_the_nomination_history_keeps_the_reasons(api, secretariat, chair, submitted):
    services.nomination_screen(
        nomination_id=submitted.pk, actor=secretariat.user, eligible=False, reason="Too new"
    )
    response = api.as_(chair).get(f"/api/v1/nominations/{submitted.pk}/history")
    assert moves(response) == [
        ("draft", "submitted", "supervisor"),
        ("submitted", "ineligible", "secretariat"),
    ]
    assert response.json()["results"][1]["reason"] == "Too new"


def test_the_nomination_history_is_for_who_runs_the_cycle(
    api, supervisor, subordinate, outsider, submitted
):
    # The nominator and the nominee see the nomination, not its audit trail
    # (it carries decision rationales before publication).
    for person in (supervisor, subordinate, outsider):
        url = f"/api/v1/nominations/{submitted.pk}/history"
        assert api.as_(person).get(url).status_code == 404


def test_the_review_history_shows_the_reopen_by_the_chair(
    api, secretariat, reviewers, chair, outsider, submitted, cycle
):
    services.nomination_screen(nomination_id=submitted.pk, actor=secretariat.user, eligible=True)
    advance(cycle, "reviewing")
    from nominations.assignment import reviewers_assign

    assert reviewers_assign(cycle_id=cycle.pk).ok
    own = Assignment.objects.get(nomination=submitted, member__employee=reviewers[0])
    client = api.as_(reviewers[0])
    body = {"scores": ALL_FIVE, "submit": False}
    assert (
        client.put(f"/api/v1/assignments/{own.pk}/review", body, format="json").status_code == 200
    )
    # Saving the draft again is not a move.
    assert (
        client.put(f"/api/v1/assignments/{own.pk}/review", body, format="json").status_code == 200
    )
    body["submit"] = True
    assert (
        client.put(f"/api/v1/assignments/{own.pk}/review", body, format="json").status_code == 200
    )
    assert api.as_(chair).post(f"/api/v1/assignments/{own.pk}/reopen").status_code == 200
    expected = [
        ("assigned", "draft", "reviewer1"),
        ("draft", "submitted", "reviewer1"),
        ("submitted", "draft", "chair"),
    ]
    assert moves(client.get(f"/api/v1/assignments/{own.pk}/history")) == expected
    assert moves(api.as_(chair).get(f"/api/v1/assignments/{own.pk}/history")) == expected
    for person in (reviewers[1], outsider):
        url = f"/api/v1/assignments/{own.pk}/history"
        assert api.as_(person).get(url).status_code == 404
