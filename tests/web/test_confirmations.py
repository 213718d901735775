"""Consequential steps show what will happen and what is still open, and
wait for a ticked confirmation: a phase change, publication."""

import pytest

from nominations import services
from nominations.models import Cycle
from tests.nominations.helpers import decided, move_to, nomination
from tests.web.test_pages import client_for


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def nominating(cycle, supervisor, subordinate, junior):
    """Two drafts and one submitted, unscreened nomination."""
    nomination(cycle, supervisor, [subordinate], title="Konsep")
    nomination(cycle, supervisor, [junior], title="Konsep lain")
    sent = nomination(cycle, supervisor, [subordinate], title="Izin satu hari")
    services.nomination_submit(nomination_id=sent.pk, actor=supervisor.user)
    return cycle


def test_the_phase_page_says_what_will_happen_and_what_is_left_open(nominating, secretariat):
    page = client_for(secretariat).get(f"/cycles/{nominating.pk}/phase").content.decode()
    assert "Move to the reviewing phase" in page
    assert "Nominating closes: no new nominations" in page
    assert "2 drafts will stay unsubmitted" in page
    assert "1 submitted nomination is not screened yet" in page
    assert 'name="confirm" value="yes" required' in page


def test_the_phase_moves_only_once_confirmed(nominating, secretariat):
    client = client_for(secretariat)
    url = f"/cycles/{nominating.pk}/phase"
    response = client.post(url, {"phase": "reviewing"}, follow=True)
    assert _messages(response) == ["Tick the box to confirm first."]
    assert response.redirect_chain[-1][0] == url
    assert Cycle.objects.get(pk=nominating.pk).phase == "nominating"
    response = client.post(url, {"phase": "reviewing", "confirm": "yes"}, follow=True)
    assert _messages(response) == ["The cycle moved to the next phase."]
    assert response.redirect_chain[-1][0] == f"/cycles/{nominating.pk}"
    assert Cycle.objects.get(pk=nominating.pk).phase == "reviewing"


def test_before_deciding_the_page_lists_unscreened_unassigned_and_open_reviews(
    cycle, secretariat, supervisor, subordinate
):
    from nominations.assignment import reviewers_assign

    assigned, left = (
        nomination(cycle, supervisor, [subordinate], title=title) for title in ("Izin", "Arsip")
    )
    for item in (assigned, left):
        services.nomination_submit(nomination_id=item.pk, actor=supervisor.user)
    services.nomination_screen(nomination_id=assigned.pk, actor=secretariat.user, eligible=True)
    move_to(cycle, "reviewing")
    assert reviewers_assign(cycle_id=cycle.pk).ok
    page = client_for(secretariat).get(f"/cycles/{cycle.pk}/phase").content.decode()
    assert "Move to the deciding phase" in page
    assert "1 submitted nomination is not screened: it can no longer be screened" in page
    assert "3 reviews are not submitted yet." in page
    assert "no reviewer yet" not in page
    services.nomination_screen(nomination_id=left.pk, actor=secretariat.user, eligible=True)
    page = client_for(secretariat).get(f"/cycles/{cycle.pk}/phase").content.decode()
    assert "1 eligible nomination has no reviewer yet." in page
    assert "not screened" not in page


def test_a_draft_cycle_that_is_not_ready_shows_why_and_no_button(secretariat):
    from nominations.models import AwardLevel

    draft = services.cycle_create(name="Anugerah 2027")
    AwardLevel.objects.filter(cycle=draft).delete()
    page = client_for(secretariat).get(f"/cycles/{draft.pk}/phase").content.decode()
    assert "Not possible yet" in page
    assert "The cycle has no award levels." in page
    assert 'name="confirm"' not in page


def test_publication_waits_for_the_confirmation_and_says_what_it_does(
    cycle, supervisor, subordinate, secretariat
):
    decided(cycle, supervisor, [subordinate])
    move_to(cycle, "deciding")
    client = client_for(secretariat)
    page = client.get(f"/cycles/{cycle.pk}/publication").content.decode()
    assert "1 decided nomination is published." in page
    assert "Every nominee is told the outcome by e-mail. This cannot be undone." in page
    response = client.post(f"/cycles/{cycle.pk}/publication", follow=True)
    assert _messages(response) == ["Tick the box to confirm first."]
    assert Cycle.objects.get(pk=cycle.pk).phase == "deciding"
    client.post(f"/cycles/{cycle.pk}/publication", {"confirm": "yes"})
    assert Cycle.objects.get(pk=cycle.pk).phase == "published"


def test_publication_is_refused_on_the_page_while_a_decision_waits(in_review, cycle, secretariat):
    move_to(cycle, "deciding")
    page = client_for(secretariat).get(f"/cycles/{cycle.pk}/publication").content.decode()
    assert "1 nomination still waits for a decision." in page
    assert 'name="confirm"' not in page


@pytest.mark.parametrize("path", ["phase", "publication"])
def test_only_the_secretariat_sees_or_confirms_a_phase_change(nominating, chair, path):
    client = client_for(chair)
    assert client.get(f"/cycles/{nominating.pk}/{path}").status_code == 404
    response = client.post(
        f"/cycles/{nominating.pk}/{path}", {"phase": "reviewing", "confirm": "yes"}
    )
    assert response.status_code == 404
    assert Cycle.objects.get(pk=nominating.pk).phase == "nominating"


def test_a_nomination_is_submitted_only_once_confirmed(cycle, supervisor, subordinate):
    item = nomination(cycle, supervisor, [subordinate])
    client = client_for(supervisor)
    response = client.post(f"/nominations/{item.pk}/submit", follow=True)
    assert _messages(response) == ["Tick the box to confirm first."]
    assert response.redirect_chain[-1][0] == f"/nominations/{item.pk}/edit/review"
    item.refresh_from_db()
    assert item.status == "draft"
    client.post(f"/nominations/{item.pk}/submit", {"confirm": "yes"})
    item.refresh_from_db()
    assert item.status == "submitted"


def test_the_chair_reopens_a_review_only_once_confirmed(api, in_review, reviewers, chair, cycle):
    from tests.nominations.test_review import assignment_of, submit_all

    submit_all(api, reviewers[:1], in_review)
    first = assignment_of(reviewers[0], in_review)
    page = client_for(chair).get(f"/cycles/{cycle.pk}/decide/{in_review.pk}").content.decode()
    assert "The reviewer can change the review and must submit it again" in page
    response = client_for(chair).post(f"/reviews/{first.pk}/reopen", follow=True)
    assert _messages(response) == ["Tick the box to confirm first."]
    first.refresh_from_db()
    assert first.status == "submitted"
    client_for(chair).post(f"/reviews/{first.pk}/reopen", {"confirm": "yes"})
    first.refresh_from_db()
    assert first.status == "draft"


@pytest.mark.parametrize("action", ["revoke", "reissue"])
def test_a_certificate_is_revoked_or_reissued_only_once_confirmed(published, secretariat, action):
    from certificates.models import Certificate

    certificate = Certificate.objects.filter(nomination=published["gold"]).get()
    client = client_for(secretariat)
    url = f"/certificates/{certificate.pk}/{action}"
    response = client.post(url, {"reason": "Nama salah eja."}, follow=True)
    assert _messages(response) == ["Tick the box to confirm first."]
    certificate.refresh_from_db()
    assert certificate.status != "revoked"
    client.post(url, {"reason": "Nama salah eja.", "confirm": "yes"})
    certificate.refresh_from_db()
    assert certificate.status == "revoked"
