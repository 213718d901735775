import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from core.lifecycle import history
from nominations.models import Nomination

from .helpers import decided, move_to, nomination


def test_two_simultaneous_decisions_one_wins_one_gets_409(
    transactional_db, supervisor, subordinate, chair, cycle
):
    """The chair decides in two browser tabs at the same moment (PostgreSQL, threads)."""
    item = nomination(cycle, supervisor, [subordinate])
    Nomination.objects.filter(pk=item.pk).update(status="reviewed")
    move_to(cycle, "deciding")
    barrier = threading.Barrier(2)
    answers = []

    def tab(level):
        try:
            client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
            client.force_authenticate(chair.user)
            barrier.wait()
            response = client.post(
                f"/api/v1/nominations/{item.pk}/decide",
                {"award_level": level, "rationale": f"tab {level}"},
                format="json",
            )
            answers.append((response.status_code, level))
        finally:
            connection.close()

    threads = [threading.Thread(target=tab, args=(level,)) for level in ("gold", "silver")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(code for code, _ in answers) == [200, 409]
    winner = next(level for code, level in answers if code == 200)
    item.refresh_from_db()
    assert (item.status, item.award_level.code) == ("decided", winner)
    assert history(item).filter(to_state="decided").count() == 1


def test_moving_many_nominations_checks_each_ones_permission_and_phase(
    supervisor, subordinate, secretariat, cycle
):
    from core.errors import ConflictError, NotFoundError
    from nominations.workflow import nomination_transition_many

    items = [decided(cycle, supervisor, [subordinate], title=f"Inovasi {i}") for i in range(2)]
    ids = [i.pk for i in items]
    # The secretariat may publish, but not before the deciding phase.
    move_to(cycle, "reviewing")
    with pytest.raises(ConflictError, match="reviewing phase"):
        nomination_transition_many(nomination_ids=ids, to="published", actor=secretariat.user)
    # Publishing is the secretariat's: the nominator may not, even in the right phase.
    move_to(cycle, "deciding")
    with pytest.raises(NotFoundError):
        nomination_transition_many(nomination_ids=ids, to="published", actor=supervisor.user)
    assert set(Nomination.objects.values_list("status", flat=True)) == {"decided"}
    assert (
        nomination_transition_many(nomination_ids=ids, to="published", actor=secretariat.user) == 2
    )
    assert set(Nomination.objects.values_list("status", flat=True)) == {"published"}
