import pytest
from rest_framework.test import APIClient

from core.lifecycle import history
from nominations.models import Nomination
from tests.concurrency import together

from .helpers import decided, move_to, nomination


def test_two_simultaneous_decisions_one_wins_one_gets_409(
    transactional_db, supervisor, subordinate, chair, cycle
):
    """The chair decides in two browser tabs at the same moment (PostgreSQL, threads)."""
    item = nomination(cycle, supervisor, [subordinate])
    Nomination.objects.filter(pk=item.pk).update(status="reviewed")
    move_to(cycle, "deciding")

    def tab(level):
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        client.force_authenticate(chair.user)
        response = client.post(
            f"/api/v1/nominations/{item.pk}/decide",
            {"award_level": level, "rationale": f"tab {level}"},
            format="json",
        )
        return response.status_code, level

    answers = together(lambda: tab("gold"), lambda: tab("silver"))
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
