import time

from nominations import services
from nominations.models import Assignment, Nomination

from .helpers import advance, nomination


def test_large_cycles_assign_in_a_worker_with_progress(
    transactional_db,
    celery_worker,
    api,
    supervisor,
    subordinate,
    junior,
    secretariat,
    reviewers,
    cycle,
    settings,
):
    settings.ASSIGNMENT_ASYNC_THRESHOLD = 1
    for person, title in ((subordinate, "A"), (junior, "B")):
        item = nomination(cycle, supervisor, [person], title=title)
        services.nomination_submit(nomination_id=item.pk, actor=supervisor.user)
        services.nomination_screen(nomination_id=item.pk, actor=secretariat.user, eligible=True)
    advance(cycle, "reviewing")

    response = api.as_(secretariat).post(f"/api/v1/cycles/{cycle.pk}/assign-reviewers")
    assert response.status_code == 202
    task_id = response.json()["id"]
    deadline = time.monotonic() + 60
    while (state := api.get(f"/api/v1/tasks/{task_id}").json())["state"] not in (
        "SUCCESS",
        "FAILURE",
    ):
        assert time.monotonic() < deadline, state
        time.sleep(0.2)
    assert state["result"] == {
        "assigned": 6,
        "kept": 0,
        "nominations": 2,
        "shortfalls": [],
        # the three reviewers on both nominations: one group, the same panel twice
        "design": {"pairs": 3, "most_shared": 2, "largest_repeated_panel": 2, "groups": 1},
    }
    assert Assignment.objects.count() == 6
    assert set(Nomination.objects.values_list("status", flat=True)) == {"in_review"}
