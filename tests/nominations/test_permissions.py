"""Permission matrix: role × action × nomination state × cycle phase.

The expected answer is written out here, independently of the workflow code:
404 for whoever may not see the nomination or may not take the action, 409 for
a state or phase that does not allow it, 200 otherwise."""

import pytest

from nominations.models import Assignment, Cycle, Nomination

from .helpers import nomination

ROLES = ["nominator", "nominee", "secretariat", "chair", "reviewer", "outsider"]
STATES_AND_PHASES = [
    ("draft", "nominating"),
    ("draft", "reviewing"),
    ("submitted", "nominating"),
    ("submitted", "deciding"),
    ("eligible", "reviewing"),
    ("in_review", "reviewing"),
    ("reviewed", "deciding"),
    ("reviewed", "reviewing"),
    ("decided", "deciding"),
    ("withdrawn", "nominating"),
]
ASSIGNED_IN = {"in_review", "reviewed", "decided"}

VISIBLE = {
    "nominator": lambda state: True,
    "nominee": lambda state: state != "draft",
    "secretariat": lambda state: True,
    "chair": lambda state: state != "draft",
    "reviewer": lambda state: state in ASSIGNED_IN,
    "outsider": lambda state: False,
}
# action: (who may, from which states, in which phases)
ACTIONS = {
    "patch": ("nominator", {"draft"}, {"nominating"}),
    "submit": ("nominator", {"draft"}, {"nominating"}),
    "withdraw": ("nominator", {"draft", "submitted"}, {"nominating"}),
    "screen": ("secretariat", {"submitted"}, {"nominating", "reviewing"}),
    "decide": ("chair", {"reviewed"}, {"deciding"}),
}


def expected(role, action, state, phase):
    if not VISIBLE[role](state):
        return 404
    if action == "view":
        return 200
    who, states, phases = ACTIONS[action]
    if role != who:
        return 404
    if state not in states or phase not in phases:
        return 409
    return 200


def request(client, action, pk):
    url = f"/api/v1/nominations/{pk}"
    if action == "view":
        return client.get(url)
    if action == "patch":
        return client.patch(url, {"title": "Judul baru"}, format="json")
    body = {
        "screen": {"eligible": True},
        "decide": {"award_level": None, "rationale": "ok"},
        "withdraw": {"reason": "changed my mind"},
    }.get(action, {})
    return client.post(f"{url}/{action}", body, format="json")


@pytest.mark.parametrize(("state", "phase"), STATES_AND_PHASES)
@pytest.mark.parametrize("action", ["view", *ACTIONS])
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(
    api,
    role,
    action,
    state,
    phase,
    supervisor,
    subordinate,
    secretariat,
    chair,
    reviewers,
    outsider,
    cycle,
):
    item = nomination(cycle, supervisor, [subordinate])
    Nomination.objects.filter(pk=item.pk).update(status=state)
    Cycle.objects.filter(pk=cycle.pk).update(phase=phase)
    if state in ASSIGNED_IN:
        Assignment.objects.create(
            nomination=item,
            member=cycle.committee.get(employee=reviewers[0]),
            round=cycle.rounds.first(),
        )
    person = {
        "nominator": supervisor,
        "nominee": subordinate,
        "secretariat": secretariat,
        "chair": chair,
        "reviewer": reviewers[0],
        "outsider": outsider,
    }[role]
    before = Nomination.objects.values_list("status", "title").get(pk=item.pk)

    response = request(api.as_(person), action, item.pk)

    assert response.status_code == expected(role, action, state, phase), response.content
    if response.status_code != 200:
        assert Nomination.objects.values_list("status", "title").get(pk=item.pk) == before
