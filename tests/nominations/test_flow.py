"""The whole flow through the API, from nomination to publication, on PostgreSQL."""

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import EventDelivery, OutboxEvent
from nominations.models import Nomination

from .helpers import ALL_FIVE, PDF_BYTES, payload


def test_nomination_to_publication_through_the_api(
    api,
    supervisor,
    subordinate,
    secretariat,
    reviewers,
    chair,
    cycle,
    eager_jobs,
    django_capture_on_commit_callbacks,
):
    subordinate.email = "budi@example.test"
    subordinate.save()
    # The supervisor nominates, attaches evidence and submits.
    client = api.as_(supervisor)
    response = client.post("/api/v1/nominations", payload(cycle, [subordinate]), format="json")
    assert response.status_code == 201, response.json()
    nomination_id = response.json()["id"]
    assert (response.json()["status"], response.json()["lead"]) == ("draft", subordinate.pk)
    upload = SimpleUploadedFile("laporan.pdf", PDF_BYTES, content_type="text/plain")
    response = client.post(
        f"/api/v1/nominations/{nomination_id}/evidence", {"file": upload}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["content_type"] == "application/pdf"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/nominations/{nomination_id}/submit")
    assert response.json()["status"] == "submitted"
    assert [m.to for m in mail.outbox] == [["budi@example.test"]]

    # The secretariat screens, opens the review and assigns reviewers.
    client = api.as_(secretariat)
    response = client.post(f"/api/v1/nominations/{nomination_id}/screen", {"eligible": True})
    assert response.json()["status"] == "eligible"
    assert (
        client.post(f"/api/v1/cycles/{cycle.pk}/phase", {"phase": "reviewing"}).json()["phase"]
        == "reviewing"
    )
    response = client.post(f"/api/v1/cycles/{cycle.pk}/assign-reviewers")
    assert response.json() == {
        "assigned": 3,
        "kept": 0,
        "nominations": 1,
        "shortfalls": [],
        "design": {"pairs": 3, "most_shared": 1, "largest_repeated_panel": 1, "groups": 1},
    }

    # Three reviewers score; the last submission makes the nomination reviewed.
    for i, reviewer in enumerate(reviewers):
        client = api.as_(reviewer)
        [assignment] = client.get("/api/v1/assignments").json()["results"]
        scores = {**ALL_FIVE, "novelty": 5 - i}
        response = client.put(
            f"/api/v1/assignments/{assignment['id']}/review",
            {"scores": scores, "submit": True},
            format="json",
        )
        assert response.status_code == 200, response.json()
        assert response.json()["status"] == "submitted"
    assert Nomination.objects.get(pk=nomination_id).status == "reviewed"

    # The chair sees the ranking and decides.
    api.as_(secretariat).post(f"/api/v1/cycles/{cycle.pk}/phase", {"phase": "deciding"})
    client = api.as_(chair)
    ranking = client.get(f"/api/v1/cycles/{cycle.pk}/ranking").json()
    [row] = ranking["results"]
    assert (row["nomination"], row["rank"], row["score"], row["proposed_award_level"]) == (
        nomination_id,
        1,
        96.25,
        "gold",
    )  # (100 + 96.25 + 92.5) / 3
    response = client.post(
        f"/api/v1/nominations/{nomination_id}/decide",
        {"award_level": "gold", "rationale": "Clear public benefit."},
    )
    assert response.json()["decision"]["award_level"] == "gold"
    assert response.json()["decision"]["override"] is False

    # Publication: one event, handled after commit by certificates and
    # rewards; results e-mailed to nominee and nominator.
    mail.outbox.clear()
    supervisor.email = "rina@example.test"
    supervisor.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = api.as_(secretariat).post(f"/api/v1/cycles/{cycle.pk}/publish")
    assert response.json()["phase"] == "published"
    # The broker took the jobs: the answer says they are on their way.
    assert (response.json()["jobs"], response.json()["jobs_message"]) == (
        "queued",
        "Published. Certificates, rewards and notices are on their way.",
    )
    [event] = OutboxEvent.objects.all()
    assert (event.kind, event.payload["cycle_id"], len(event.payload["awards"])) == (
        "nominations.results_published",
        cycle.pk,
        1,
    )
    assert sorted(EventDelivery.objects.values_list("handler", "status")) == [
        ("certificates.events.create_certificates", "done"),
        ("rewards.events.start_rewards", "done"),
    ]
    # One e-mail each: the award e-mail to the nominee, the result to the nominator.
    assert sorted(m.to[0] for m in mail.outbox) == ["budi@example.test", "rina@example.test"]
    assert "Selamat" in next(m for m in mail.outbox if m.to == ["budi@example.test"]).subject
    assert Nomination.objects.get(pk=nomination_id).status == "published"
    history = api.as_(secretariat).get(f"/api/v1/nominations/{nomination_id}/history").json()
    assert history["results"][3]["reason"] == "all reviews submitted"
    assert [(row["from_state"], row["to_state"]) for row in history["results"]] == [
        ("draft", "submitted"),
        ("submitted", "eligible"),
        ("eligible", "in_review"),
        ("in_review", "reviewed"),
        ("reviewed", "decided"),
        ("decided", "published"),
    ]
    # Now the nominee sees the decision.
    seen = api.as_(subordinate).get(f"/api/v1/nominations/{nomination_id}").json()
    assert seen["decision"]["award_level"] == "gold"
