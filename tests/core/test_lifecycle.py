"""The one lifecycle mechanism (``core.lifecycle``) and the claimable-job
helper (``core.jobs.ClaimableJob``), on a real model with a lifecycle: the
certificate."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.db import transaction
from django.utils import timezone

from certificates.models import Certificate
from certificates.workflow import CERTIFICATE, ISSUING
from core import lifecycle
from core.errors import ConflictError, NotFoundError
from core.models import StateChange
from tests.concurrency import together
from tests.nominations.helpers import nomination

S = Certificate.Status


@pytest.fixture
def certificates(supervisor, subordinate, junior, cycle):
    """Two pending certificates (the mechanism does not care how they came)."""
    item = nomination(cycle, supervisor, [subordinate])
    return [
        Certificate.objects.create(nomination=item, recipient=subordinate),
        Certificate.objects.create(nomination=item, recipient=junior),
    ]


def states(certificate) -> list[tuple[str, str, str | None, str]]:
    return [
        (c.from_state, c.to_state, c.actor.username if c.actor else None, c.reason)
        for c in lifecycle.history(certificate)
    ]


def test_a_transition_saves_the_state_and_writes_who_when_and_why(certificates, secretariat):
    first = certificates[0]
    before = timezone.now()
    lifecycle.transition(
        CERTIFICATE, pk=first.pk, to=S.REVOKED, actor=secretariat.user, reason="wrong name"
    )
    first.refresh_from_db()
    assert first.status == "revoked"
    assert states(first) == [("pending", "revoked", "secretariat", "wrong name")]
    assert lifecycle.history(first).get().created_at >= before
    assert states(certificates[1]) == []


def test_an_actor_without_the_permission_gets_404_before_any_state_check(
    certificates, outsider, secretariat
):
    first = certificates[0]
    lifecycle.transition(CERTIFICATE, pk=first.pk, to=S.REVOKED, actor=secretariat.user)
    # Already revoked, but the outsider must not learn even that.
    with pytest.raises(NotFoundError):
        lifecycle.transition(CERTIFICATE, pk=first.pk, to=S.REVOKED, actor=outsider.user)
    with pytest.raises(ConflictError, match="already revoked"):
        lifecycle.transition(CERTIFICATE, pk=first.pk, to=S.REVOKED, actor=secretariat.user)


def test_a_move_without_a_permission_is_for_the_system_only(certificates, secretariat):
    with pytest.raises(NotFoundError):
        lifecycle.transition(
            CERTIFICATE, pk=certificates[0].pk, to=S.WORKING, actor=secretariat.user
        )
    assert Certificate.objects.get(pk=certificates[0].pk).status == "pending"


def test_a_move_the_table_does_not_allow_is_a_conflict(certificates):
    with pytest.raises(ConflictError, match="pending and cannot become issued"):
        lifecycle.transition(CERTIFICATE, pk=certificates[0].pk, to=S.ISSUED)


def test_a_failing_apply_leaves_neither_state_nor_history(certificates, secretariat):
    def boom(certificate):
        certificate.revoked_reason = "half"
        raise ConflictError("no")

    with pytest.raises(ConflictError):
        lifecycle.transition(
            CERTIFICATE, pk=certificates[0].pk, to=S.REVOKED, actor=secretariat.user, apply=boom
        )
    certificates[0].refresh_from_db()
    assert (certificates[0].status, certificates[0].revoked_reason) == ("pending", "")
    assert states(certificates[0]) == []


def test_side_effects_run_only_after_the_commit(
    certificates, secretariat, django_capture_on_commit_callbacks
):
    seen = []
    with django_capture_on_commit_callbacks() as callbacks:
        lifecycle.transition(
            CERTIFICATE,
            pk=certificates[0].pk,
            to=S.REVOKED,
            actor=secretariat.user,
            on_commit=lambda c: seen.append(c.status),
        )
        assert seen == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert seen == ["revoked"]


def test_many_at_once_is_all_or_none(certificates, secretariat):
    lifecycle.transition(CERTIFICATE, pk=certificates[0].pk, to=S.REVOKED, actor=secretariat.user)
    with pytest.raises(ConflictError):
        lifecycle.transition_many(
            CERTIFICATE, pks=[c.pk for c in certificates], to=S.REVOKED, actor=secretariat.user
        )
    assert Certificate.objects.get(pk=certificates[1].pk).status == "pending"
    with pytest.raises(NotFoundError):
        lifecycle.transition_many(
            CERTIFICATE, pks=[certificates[1].pk, 10**9], to=S.REVOKED, actor=secretariat.user
        )
    moved = lifecycle.transition_many(
        CERTIFICATE, pks=[certificates[1].pk], to=S.REVOKED, actor=secretariat.user, reason="x"
    )
    assert [c.pk for c in moved] == [certificates[1].pk]
    assert states(certificates[1]) == [("pending", "revoked", "secretariat", "x")]


def test_advance_moves_only_the_rows_that_may_move(certificates, secretariat):
    lifecycle.transition(CERTIFICATE, pk=certificates[0].pk, to=S.REVOKED, actor=secretariat.user)
    moved = lifecycle.advance(CERTIFICATE, to=S.WORKING, pks=[c.pk for c in certificates])
    assert moved == [certificates[1].pk]
    assert list(Certificate.objects.order_by("pk").values_list("status", flat=True)) == [
        "revoked",
        "working",
    ]
    assert states(certificates[1]) == [("pending", "working", None, "")]


def test_advance_sets_each_rows_own_values_and_only_on_the_rows_it_moves(
    certificates, secretariat, django_assert_num_queries
):
    lifecycle.transition(CERTIFICATE, pk=certificates[0].pk, to=S.REVOKED, actor=secretariat.user)
    lifecycle.advance(CERTIFICATE, to=S.WORKING, pks=[certificates[1].pk])
    with django_assert_num_queries(5):  # the savepoint's 2, the lock, the history, the update
        moved = lifecycle.advance(
            CERTIFICATE,
            to=S.ISSUED,
            pks=[c.pk for c in certificates],
            values={"template_version": "t1"},
            row_values={c.pk: {"file": f"f{c.pk}.pdf", "sha256": f"{c.pk}"} for c in certificates},
        )
    assert moved == [certificates[1].pk]
    rows = Certificate.objects.order_by("pk").values_list(
        "status", "file", "sha256", "template_version"
    )
    assert list(rows) == [
        ("revoked", "", "", ""),  # not moved: none of its values
        ("issued", f"f{certificates[1].pk}.pdf", f"{certificates[1].pk}", "t1"),
    ]


# --- the claimable job --------------------------------------------------------------


def test_a_claim_is_won_once(certificates):
    first = certificates[0]
    assert ISSUING.claim(pks=[first.pk]) == [first.pk]
    assert ISSUING.claim(pks=[first.pk]) == []
    first.refresh_from_db()
    assert (first.status, first.attempts) == ("working", 1)
    assert first.claimed_at is not None


def test_a_stale_claim_is_taken_over_and_shows_in_the_history(certificates):
    first = certificates[0]
    ISSUING.claim(pks=[first.pk])
    Certificate.objects.filter(pk=first.pk).update(
        claimed_at=timezone.now() - ISSUING.stale_after - dt.timedelta(seconds=1)
    )
    assert ISSUING.claim(pks=[first.pk]) == [first.pk]
    first.refresh_from_db()
    assert first.attempts == 2
    assert states(first) == [("pending", "working", None, ""), ("working", "working", None, "")]


def test_a_released_claim_is_pending_again(certificates):
    first = certificates[0]
    ISSUING.claim(pks=[first.pk])
    assert ISSUING.release(pks=[first.pk], reason="timeout") == [first.pk]
    assert Certificate.objects.get(pk=first.pk).status == "pending"
    assert ISSUING.release(pks=[first.pk]) == []  # not working: nothing to release
    # A failed row may go back to pending (a retry), but never by a release.
    Certificate.objects.filter(pk=first.pk).update(status="failed")
    assert ISSUING.release(pks=[first.pk]) == []
    assert Certificate.objects.get(pk=first.pk).status == "failed"


def test_the_sweeper_finds_lost_and_stale_jobs_but_not_fresh_ones(certificates):
    lost, fresh = certificates
    assert ISSUING.due() == []
    Certificate.objects.filter(pk=lost.pk).update(
        updated_at=timezone.now() - ISSUING.grace - dt.timedelta(seconds=1)
    )
    assert ISSUING.due() == [lost.pk]
    ISSUING.claim(pks=[lost.pk])
    assert ISSUING.due() == []  # freshly claimed
    Certificate.objects.filter(pk=lost.pk).update(
        claimed_at=timezone.now() - ISSUING.stale_after - dt.timedelta(seconds=1)
    )
    assert ISSUING.due() == [lost.pk]
    assert fresh.pk not in ISSUING.due()


def test_two_jobs_claiming_at_the_same_moment_share_nothing(transactional_db, certificates):
    ids = [c.pk for c in certificates]
    results = together(lambda: ISSUING.claim(pks=ids), lambda: ISSUING.claim(pks=ids))
    claimed = [pk for result in results for pk in result]
    assert sorted(claimed) == sorted(ids)  # each row once, whoever got it
    assert list(Certificate.objects.values_list("attempts", flat=True)) == [1, 1]
    assert StateChange.objects.filter(to_state="working").count() == 2


def test_a_job_holding_its_claims_keeps_them_fresh_and_never_waits_for_a_lock(
    transactional_db, certificates, monkeypatch
):
    from core import jobs

    monkeypatch.setattr(jobs, "HEARTBEAT", dt.timedelta(seconds=0.1))
    first, second = certificates
    ISSUING.claim(pks=[first.pk, second.pk])
    old = timezone.now() - dt.timedelta(hours=1)
    Certificate.objects.update(claimed_at=old)
    with transaction.atomic():  # the job itself holds the second row's lock
        Certificate.objects.select_for_update().get(pk=second.pk)
        with ISSUING.holding([first.pk, second.pk]):
            time.sleep(0.6)
        # The heartbeat renewed the first claim and skipped the locked row.
        renewed = Certificate.objects.get(pk=first.pk).claimed_at
    assert renewed > timezone.now() - dt.timedelta(seconds=5)
    assert Certificate.objects.get(pk=second.pk).claimed_at == old
    assert ISSUING.due() == [second.pk]  # only the unrenewed claim looks dead
    time.sleep(0.3)
    assert Certificate.objects.get(pk=first.pk).claimed_at == renewed  # stopped with the block


def test_a_failure_or_a_release_touches_only_its_own_row(certificates):
    from certificates import services

    first, second = certificates
    assert sorted(ISSUING.claim(pks=[first.pk, second.pk])) == [first.pk, second.pk]
    services.certificate_fail(certificate_id=first.pk, error="OSError('disk full')")
    assert dict(Certificate.objects.values_list("pk", "status")) == {
        first.pk: "failed",
        second.pk: "working",
    }
    assert Certificate.objects.get(pk=first.pk).error == "OSError('disk full')"
    assert states(first)[-1] == ("working", "failed", None, "OSError('disk full')")
    services.certificate_fail(certificate_id=first.pk, error="again")  # failed stays failed
    assert Certificate.objects.get(pk=first.pk).error == "OSError('disk full')"


def test_a_release_puts_back_only_its_own_working_row(certificates):
    from certificates import services

    first, second = certificates
    ISSUING.claim(pks=[first.pk, second.pk])
    services.certificate_release(certificate_id=second.pk)
    assert dict(Certificate.objects.values_list("pk", "status")) == {
        first.pk: "working",
        second.pk: "pending",
    }


def test_a_batch_claims_and_releases_only_its_own_certificates(
    certificates, supervisor, monkeypatch
):
    from certificates import rendering, services

    first, second = certificates
    third = Certificate.objects.create(nomination=first.nomination, recipient=supervisor)
    assert services.certificates_claim(certificate_ids=[first.pk]) == [first.pk]
    assert Certificate.objects.get(pk=second.pk).status == "pending"
    # Another job holds ``first``; a batch of ``second`` whose layout fails
    # releases its own row, issues it alone, and leaves ``first`` alone.
    real = rendering.render_certificates
    sizes = []

    def layout(batch):
        sizes.append(len(batch))
        if len(sizes) == 1:
            raise ValueError("layout")
        return real(batch)

    monkeypatch.setattr(rendering, "render_certificates", layout)
    assert services.certificates_issue_batch(certificate_ids=[second.pk]) == 1
    assert dict(Certificate.objects.values_list("pk", "status")) == {
        first.pk: "working",  # still the other job's
        second.pk: "issued",
        third.pk: "pending",  # in no batch yet
    }


def test_the_history_of_an_object_is_its_own_not_that_of_another_kind_with_the_same_id(
    certificates, secretariat
):
    first = certificates[0]
    lifecycle.transition(CERTIFICATE, pk=first.pk, to=S.REVOKED, actor=secretariat.user)
    # The cycle's own moves are stored under the cycle's id, which may equal
    # the certificate's.
    StateChange.objects.filter(to_state="nominating").update(object_id=first.pk)
    assert states(first) == [("pending", "revoked", "secretariat", "")]


# --- what the mutation run of core found untested (tests/core alone) ---------------


def test_a_move_keyed_by_its_origin_uses_that_permission(certificates, secretariat, outsider):
    """failed → pending has its own permission (the bulk re-issue's); the
    secretariat holds it, nobody else."""
    first = certificates[0]
    Certificate.objects.filter(pk=first.pk).update(status=S.FAILED)
    with pytest.raises(NotFoundError):
        lifecycle.transition(CERTIFICATE, pk=first.pk, to=S.PENDING, actor=outsider.user)
    lifecycle.transition(CERTIFICATE, pk=first.pk, to=S.PENDING, actor=secretariat.user)
    assert Certificate.objects.get(pk=first.pk).status == "pending"


def test_many_at_once_checks_the_actor_names_the_object_and_its_state(
    certificates, secretariat, outsider
):
    from django.utils import translation

    ids = [c.pk for c in certificates]
    with pytest.raises(NotFoundError):
        lifecycle.transition_many(CERTIFICATE, pks=ids, to=S.REVOKED, actor=outsider.user)
    lifecycle.transition(CERTIFICATE, pk=certificates[1].pk, to=S.REVOKED, actor=secretariat.user)
    with translation.override("id"), pytest.raises(ConflictError) as refused:
        lifecycle.transition_many(CERTIFICATE, pks=ids, to=S.REVOKED, actor=secretariat.user)
    # the one that may not move is named, with its state's label, not its code
    assert str(refused.value) == (
        f"“{certificates[1]}” berstatus dicabut dan tidak dapat menjadi dicabut."
    )


def test_many_at_once_sets_the_values_and_records_no_reason_unless_given(certificates, secretariat):
    moved_at = timezone.now()
    lifecycle.transition_many(
        CERTIFICATE,
        pks=[certificates[0].pk],
        to=S.REVOKED,
        actor=secretariat.user,
        values={"revoked_at": moved_at},
    )
    assert Certificate.objects.get(pk=certificates[0].pk).revoked_at == moved_at
    assert states(certificates[0]) == [("pending", "revoked", "secretariat", "")]


def test_a_label_is_the_states_display_name_and_an_unknown_state_its_code():
    from django.utils import translation

    with translation.override("en"):
        assert CERTIFICATE.label(S.WORKING) == "being issued"
        assert CERTIFICATE.label("lost") == "lost"


def test_the_history_reads_its_actors_in_the_same_query(
    certificates, secretariat, django_assert_num_queries
):
    lifecycle.transition(CERTIFICATE, pk=certificates[0].pk, to=S.REVOKED, actor=secretariat.user)
    with django_assert_num_queries(2):  # the content type, then the changes with actors
        from django.contrib.contenttypes.models import ContentType

        ContentType.objects.clear_cache()
        assert [c.actor.username for c in lifecycle.history(certificates[0])] == ["secretariat"]


def test_a_release_records_why(certificates):
    first = certificates[0]
    ISSUING.claim(pks=[first.pk])
    ISSUING.release(pks=[first.pk], reason="database away")
    assert states(first)[-1] == ("working", "pending", None, "database away")
