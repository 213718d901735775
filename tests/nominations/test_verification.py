"""Field verification (DESIGN §3.11 item 4): the claims checklist, the
verifiers' findings with photos, the round's score and the rule that
disqualifies a nomination with claims not verified."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.errors import ConflictError, NotFoundError
from nominations import services
from nominations.models import Assignment, CheckFile, Claim, ClaimCheck, Nomination, Round
from tests.fixtures import _person

from .helpers import PDF_BYTES, nomination
from .test_review import in_review  # noqa: F401 - a fixture
from .test_rounds import review_round, scores


@pytest.fixture
def field(api, org, supervisor, reviewers, chair, secretariat, committee_unit):
    """A desk round (the top 2 advance) then a field round with one
    verifier a nomination that disqualifies on any claim not verified;
    four nominations, the best two in the field round."""
    cycle = services.cycle_create(name="Anugerah Lapangan", max_nominations_per_unit=None)
    for person in reviewers:
        services.committee_member_add(cycle=cycle, employee=person, load_cap=20)
    services.committee_member_add(cycle=cycle, employee=chair, is_chair=True)
    desk = cycle.rounds.get()
    services.round_update(round_id=desk.pk, advance={"rule": "top_n", "n": 2})
    visit = services.round_create(
        cycle_id=cycle.pk, kind="field", reviewers_per_nomination=1, max_unverified_claims=0
    )
    cycle = services.cycle_set_phase(cycle_id=cycle.pk, phase="nominating")
    made = {}
    for i in range(4):
        person = _person(f"lapangan{i}", org["dit"], supervisor=supervisor)
        item = nomination(cycle, supervisor, [person], title=f"Inovasi {i}")
        services.nomination_submit(nomination_id=item.pk, actor=supervisor.user)
        services.nomination_screen(nomination_id=item.pk, actor=secretariat.user, eligible=True)
        made[item.pk] = i
    Nomination.objects.filter(cycle=cycle).update(
        impact="Licences take one day instead of 14. Complaints fell by 60%.\n"
        "- 12,000 permits issued online in 2025"
    )
    cycle = services.cycle_set_phase(cycle_id=cycle.pk, phase="reviewing")
    api.as_(secretariat).post(f"/api/v1/cycles/{cycle.pk}/assign-reviewers")
    review_round(api, cycle, desk.pk, lambda pk: scores(made[pk]))
    top = sorted(made, key=made.get)[:2]
    services.round_advance(round_id=desk.pk, actor=chair.user, nominations=top)
    assert (
        api.as_(secretariat).post(f"/api/v1/cycles/{cycle.pk}/assign-reviewers").json()["assigned"]
        == 2
    )
    visit.refresh_from_db()
    return cycle, visit, top


def verifier_of(nomination_id, round):
    a = Assignment.objects.select_related("member__employee").get(
        nomination_id=nomination_id, round=round
    )
    return a, a.member.employee


def claims_url(pk):
    return f"/api/v1/nominations/{pk}/claims"


def png() -> io.BytesIO:
    data = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(data, "PNG")
    data.seek(0)
    data.name = "foto-lokasi.png"
    return data


def test_the_checklist_starts_from_the_stated_impact_and_is_set_by_the_secretariat_or_verifier(
    api, field, secretariat, supervisor, outsider, chair
):
    cycle, visit, (first, second) = field
    empty = api.as_(secretariat).get(claims_url(first)).json()
    assert (empty["round"], empty["claims"]) == (visit.pk, [])
    assert empty["proposed"] == [
        "Licences take one day instead of 14.",
        "Complaints fell by 60%.",
        "12,000 permits issued online in 2025",
    ]
    for stranger in (supervisor, outsider):  # the nominator does not see the checklist
        assert api.as_(stranger).get(claims_url(first)).status_code == 404
        assert (
            api.as_(stranger)
            .put(claims_url(first), {"claims": [{"text": "x y z"}]}, format="json")
            .status_code
            == 404
        )
    set_ = api.as_(secretariat).put(
        claims_url(first), {"claims": [{"text": t} for t in empty["proposed"]]}, format="json"
    )
    assert set_.status_code == 200, set_.json()
    claims = set_.json()["claims"]
    assert [(c["position"], c["outcome"]) for c in claims] == [(1, None), (2, None), (3, None)]
    # The verifier reorders, rewords one and drops one; the kept keep their ids.
    _a, verifier = verifier_of(first, visit)
    changed = api.as_(verifier).put(
        claims_url(first),
        {
            "claims": [
                {"id": claims[2]["id"], "text": "12,000 permits online in 2025"},
                {"id": claims[0]["id"], "text": claims[0]["text"]},
            ]
        },
        format="json",
    )
    assert changed.status_code == 200, changed.json()
    assert [(c["id"], c["position"], c["text"]) for c in changed.json()["claims"]] == [
        (claims[2]["id"], 1, "12,000 permits online in 2025"),
        (claims[0]["id"], 2, claims[0]["text"]),
    ]
    assert api.as_(chair).get(claims_url(first)).status_code == 200
    # The chair reads the checklist but does not set it.
    assert (
        api.as_(chair).put(claims_url(first), {"claims": [{"text": "x y z"}]}, format="json")
    ).status_code == 404
    # A committee member who does not verify this nomination is a stranger here.
    stranger = cycle.committee.filter(is_chair=False).exclude(employee=verifier).first()
    assert api.as_(stranger.employee).get(claims_url(first)).status_code == 404
    # Bad input names the field and saves nothing.
    for body, fields in (
        ({"claims": []}, ["claims"]),
        ({"claims": [{"text": "   "}]}, ["claims.0.text"]),
        ({"claims": [{"id": claims[1]["id"], "text": "gone"}]}, ["claims.0.id"]),
        ({"claims": [{"text": "x" * 501}]}, ["claims"]),
    ):
        bad = api.as_(secretariat).put(claims_url(first), body, format="json")
        assert bad.status_code == 400, body
        assert [f.split(".")[0] for f in bad.json()["fields"]] == [f.split(".")[0] for f in fields]
    assert len(api.as_(secretariat).get(claims_url(first)).json()["claims"]) == 2
    # A nomination outside a field round has no checklist.
    desk_only = Nomination.objects.filter(cycle=cycle).exclude(pk__in=[first, second]).first()
    assert api.as_(secretariat).get(claims_url(desk_only.pk)).status_code == 404
    with pytest.raises(
        ConflictError, match=r"^This nomination is not in a field-verification round\.$"
    ):
        services.claims_set(
            nomination_id=desk_only.pk, actor=secretariat.user, claims=[{"text": "x y z"}]
        )


def set_claims(api, secretariat, pk, *texts):
    response = api.as_(secretariat).put(
        claims_url(pk), {"claims": [{"text": t} for t in texts]}, format="json"
    )
    assert response.status_code == 200, response.json()
    return [c["id"] for c in response.json()["claims"]]


def test_a_verifier_records_each_claim_and_the_findings_become_the_rounds_score(
    api, field, secretariat, chair
):
    cycle, visit, (first, _second) = field
    assignment, verifier = verifier_of(first, visit)
    url = f"/api/v1/assignments/{assignment.pk}/verification"
    # Scored by claims, not by the rubric; a desk assignment has no checklist.
    rubric = api.as_(verifier).put(
        f"/api/v1/assignments/{assignment.pk}/review",
        {"scores": scores(0), "submit": True},
        format="json",
    )
    assert rubric.status_code == 409
    desk_assignment = Assignment.objects.get(
        round__cycle=cycle, round__position=1, member__employee=verifier, nomination_id=first
    )
    desk_url = f"/api/v1/assignments/{desk_assignment.pk}/verification"
    assert api.as_(verifier).get(desk_url).status_code == 404
    nothing = api.as_(verifier).put(url, {"items": [], "submit": True}, format="json")
    assert (nothing.status_code, nothing.json()["message"]) == (
        409,
        "There are no claims to verify yet: set the checklist.",
    )
    ids = set_claims(api, secretariat, first, "One day", "Fewer complaints", "12,000 permits")
    draft = api.as_(verifier).put(
        url,
        {"items": [{"claim": ids[0], "outcome": "verified", "note": "Seen in the register."}]},
        format="json",
    )
    assert draft.status_code == 200, draft.json()
    assert (draft.json()["status"], draft.json()["score"]) == ("draft", None)
    early = api.as_(verifier).put(url, {"items": [], "submit": True}, format="json")
    assert (early.status_code, early.json()["fields"]) == (
        400,
        {"items": ["Record every claim to submit; 2 not yet."]},
    )
    for body, fields in (
        ({"items": [{"claim": ids[1], "outcome": "maybe"}]}, ["items"]),
        ({"items": [{"claim": 2**40, "outcome": "verified"}]}, ["items.0.claim"]),
    ):
        bad = api.as_(verifier).put(url, body, format="json")
        assert bad.status_code == 400, body
        assert [f.split(".")[0] for f in bad.json()["fields"]] == [f.split(".")[0] for f in fields]
    done = api.as_(verifier).put(
        url,
        {
            "items": [
                {"claim": ids[1], "outcome": "partly", "note": "Down 30%, not 60%."},
                {"claim": ids[2], "outcome": "verified"},
            ],
            "submit": True,
        },
        format="json",
    )
    assert done.status_code == 200, done.json()
    # (1 + ½ + 1) / 3 of 100
    assert (done.json()["status"], done.json()["score"]) == ("submitted", 83.333)
    assert [c["outcome"] for c in done.json()["items"]] == ["verified", "partly", "verified"]
    assert Nomination.objects.get(pk=first).status == "reviewed"
    again = api.as_(verifier).put(url, {"items": [], "submit": True}, format="json")
    assert again.status_code == 409
    # The checklist is frozen once a verifier submitted.
    frozen = api.as_(secretariat).put(
        claims_url(first), {"claims": [{"text": "new"}]}, format="json"
    )
    assert (frozen.status_code, frozen.json()["message"]) == (
        409,
        "A verifier has submitted: the chair reopens the verification first.",
    )
    seen = api.as_(chair).get(claims_url(first)).json()
    assert seen["summary"] == {
        "claims": 3,
        "verified": 2,
        "partly": 1,
        "not_verified": 0,
        "disqualified": False,
    }
    assert seen["claims"][1]["findings"][0]["note"] == "Down 30%, not 60%."
    ranking = api.as_(chair).get(f"/api/v1/cycles/{cycle.pk}/ranking", {"round": visit.pk})
    (row,) = [r for r in ranking.json()["results"] if r["nomination"] == first]
    assert row["score"] == pytest.approx(83.33, abs=0.01)


def test_photos_and_documents_of_a_claim_follow_the_evidence_rules(
    api, field, secretariat, chair, supervisor, django_capture_on_commit_callbacks
):
    _cycle, visit, (first, second) = field
    (claim,) = set_claims(api, secretariat, first, "One day")
    assignment, verifier = verifier_of(first, visit)
    files = f"/api/v1/assignments/{assignment.pk}/verification"
    added = api.as_(verifier).post(files, {"claim": claim, "file": png()}, format="multipart")
    assert added.status_code == 201, added.json()
    assert (added.json()["name"], added.json()["content_type"]) == ("foto-lokasi.png", "image/png")
    fake = io.BytesIO(b"MZ not an image")
    fake.name = "photo.jpg"
    refused = api.as_(verifier).post(files, {"claim": claim, "file": fake}, format="multipart")
    assert (refused.status_code, list(refused.json()["fields"])) == (400, ["file"])
    doc = io.BytesIO(PDF_BYTES)
    doc.name = "berita-acara.pdf"
    document = api.as_(verifier).post(files, {"claim": claim, "file": doc}, format="multipart")
    assert document.status_code == 201
    (row,) = (
        api.as_(verifier).get(f"/api/v1/assignments/{assignment.pk}/verification").json()["items"]
    )
    assert [f["name"] for f in row["files"]] == ["foto-lokasi.png", "berita-acara.pdf"]
    assert row["outcome"] == ""  # a photo is not a finding
    url = added.json()["url"]
    for reader in (verifier, chair, secretariat):
        response = api.as_(reader).get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert api.as_(supervisor).get(url).status_code == 404
    # Another nomination's verifier cannot attach to this claim.
    other, other_verifier = verifier_of(second, visit)
    wrong = api.as_(other_verifier).post(
        f"/api/v1/assignments/{other.pk}/verification",
        {"claim": claim, "file": png()},
        format="multipart",
    )
    assert (wrong.status_code, list(wrong.json()["fields"])) == (400, ["claim"])
    # Only the verifier attaches to their verification.
    with pytest.raises(NotFoundError):
        services.check_file_add(
            assignment_id=assignment.pk, claim_id=claim, actor=chair.user, upload=png()
        )
    gone = CheckFile.objects.get(pk=document.json()["id"])
    with django_capture_on_commit_callbacks(execute=True):
        removed = api.as_(verifier).delete(document.json()["url"])
    assert removed.status_code == 204
    # That file, row and bytes (the later of two); the photo stays.
    assert list(
        CheckFile.objects.filter(claim_check__claim_id=claim).values_list(
            "original_name", flat=True
        )
    ) == ["foto-lokasi.png"]
    assert not gone.file.storage.exists(gone.file.name)
    api.as_(verifier).put(
        f"/api/v1/assignments/{assignment.pk}/verification",
        {"items": [{"claim": claim, "outcome": "verified"}], "submit": True},
        format="json",
    )
    late = api.as_(verifier).post(files, {"claim": claim, "file": png()}, format="multipart")
    assert (late.status_code, late.json()["message"]) == (
        409,
        "This review is submitted and locked.",
    )


def test_files_go_to_their_claim_and_fill_the_nominations_total_exactly(
    api, field, secretariat, monkeypatch
):
    """The total counts every verification file of the nomination, across
    its claims; at the limit exactly it is accepted, one byte more is not.
    What is stored, and its SHA-256, are the upload's bytes."""
    import hashlib

    from nominations import evidence

    _cycle, visit, (first, second) = field
    one, two = set_claims(api, secretariat, first, "One day", "Fewer complaints")
    assignment, verifier = verifier_of(first, visit)
    monkeypatch.setattr(evidence, "MAX_TOTAL_BYTES", 2 * len(PDF_BYTES))

    def add(claim, content=PDF_BYTES):
        return services.check_file_add(
            assignment_id=assignment.pk,
            claim_id=claim,
            actor=verifier.user,
            upload=SimpleUploadedFile("bukti.pdf", content),
        )

    other, other_verifier = verifier_of(second, visit)
    (elsewhere,) = set_claims(api, secretariat, second, "Elsewhere")
    services.check_file_add(  # another nomination's file: not in this total
        assignment_id=other.pk,
        claim_id=elsewhere,
        actor=other_verifier.user,
        upload=SimpleUploadedFile("lain.pdf", PDF_BYTES),
    )
    stored = add(two)
    assert stored.claim_check.claim_id == two  # the claim asked for, not the first
    assert stored.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    with stored.file.open("rb") as handle:
        assert handle.read() == PDF_BYTES
    add(one)  # the total now exactly at its limit
    with pytest.raises(ValidationError) as error:
        add(one, b"%PDF")
    assert list(error.value.message_dict) == ["file"]
    rows = api.as_(verifier).get(f"/api/v1/assignments/{assignment.pk}/verification").json()
    assert [len(row["files"]) for row in rows["items"]] == [1, 1]
    assert rows["items"][1]["files"][0]["sha256"] == stored.sha256


def test_a_desk_review_is_not_recorded_as_claims(in_review, reviewers):  # noqa: F811
    assignment = in_review.assignments.select_related("member__employee").first()
    with pytest.raises(
        ConflictError, match=r"^This round is scored on its rubric, not by claims\.$"
    ):
        services.verification_save(
            assignment_id=assignment.pk, actor=assignment.member.employee.user, items=[]
        )
    with pytest.raises(
        ConflictError, match=r"^This round is scored on its rubric, not by claims\.$"
    ):
        services.check_file_add(
            assignment_id=assignment.pk,
            claim_id=1,
            actor=assignment.member.employee.user,
            upload=png(),
        )
    assert assignment.status == Assignment.Status.ASSIGNED


def test_a_verifier_found_in_conflict_adds_no_file(api, field, secretariat):
    _cycle, visit, (first, _second) = field
    (claim,) = set_claims(api, secretariat, first, "One day")
    assignment, verifier = verifier_of(first, visit)
    Assignment.objects.filter(pk=assignment.pk).update(conflict="is a nominee's supervisor")
    refused = api.as_(verifier).post(
        f"/api/v1/assignments/{assignment.pk}/verification",
        {"claim": claim, "file": png()},
        format="multipart",
    )
    assert (refused.status_code, refused.json()["message"]) == (
        409,
        "A conflict of interest was found: the secretariat assigns another verifier.",
    )
    assert not CheckFile.objects.exists()
    # Nor do they see the checklist any more.
    assert api.as_(verifier).get(claims_url(first)).status_code == 404


def verify(api, nomination_id, round, outcomes):
    assignment, verifier = verifier_of(nomination_id, round)
    checklist = api.as_(verifier).get(f"/api/v1/assignments/{assignment.pk}/verification").json()
    response = api.as_(verifier).put(
        f"/api/v1/assignments/{assignment.pk}/verification",
        {
            "items": [
                {"claim": c["claim"], "outcome": o}
                for c, o in zip(checklist["items"], outcomes, strict=True)
            ],
            "submit": True,
        },
        format="json",
    )
    assert response.status_code == 200, response.json()


def test_a_claim_not_verified_disqualifies_by_the_rule(api, field, secretariat, chair, supervisor):
    cycle, visit, (first, second) = field
    set_claims(api, secretariat, first, "One day", "Fewer complaints")
    set_claims(api, secretariat, second, "One day", "Fewer complaints")
    # A draft finding counts for nothing until it is submitted.
    draft, drafter = verifier_of(first, visit)
    claim = api.as_(drafter).get(f"/api/v1/assignments/{draft.pk}/verification").json()
    api.as_(drafter).put(
        f"/api/v1/assignments/{draft.pk}/verification",
        {"items": [{"claim": claim["items"][1]["claim"], "outcome": "not_verified"}]},
        format="json",
    )
    early = api.as_(chair).get(claims_url(first)).json()["summary"]
    assert (early["not_verified"], early["disqualified"]) == (0, False)
    # The better nomination of the desk round has one claim not verified.
    verify(api, first, visit, ["verified", "not_verified"])
    verify(api, second, visit, ["partly", "partly"])
    services.cycle_set_phase(cycle_id=cycle.pk, phase="deciding")
    seen = api.as_(chair).get(claims_url(first)).json()["summary"]
    assert (seen["not_verified"], seen["disqualified"]) == (1, True)
    ranking = api.as_(chair).get(f"/api/v1/cycles/{cycle.pk}/ranking").json()["results"]
    assert [(r["nomination"], r["rank"], r["disqualified"]) for r in ranking] == [
        (second, 1, False),
        (first, 2, True),
    ]
    assert ranking[1]["proposed_award_level"] is None
    award = api.as_(chair).post(
        f"/api/v1/nominations/{first}/decide",
        {"award_level": "gold", "rationale": "Strong anyway."},
        format="json",
    )
    assert (award.status_code, list(award.json()["fields"])) == (400, ["award_level"])
    assert Nomination.objects.get(pk=first).status == "reviewed"
    none = api.as_(chair).post(
        f"/api/v1/nominations/{first}/decide",
        {"award_level": None, "rationale": "Disqualified at verification."},
        format="json",
    )
    assert none.status_code == 200, none.json()
    # Without the rule, the same findings only lower the score.
    Round.objects.filter(pk=visit.pk).update(max_unverified_claims=None)
    ranking = api.as_(chair).get(f"/api/v1/cycles/{cycle.pk}/ranking").json()["results"]
    assert {r["nomination"]: r["disqualified"] for r in ranking} == {first: False, second: False}


def test_a_disqualified_nomination_does_not_advance_from_an_earlier_field_round(
    api, field, secretariat, chair, committee_unit
):
    cycle, visit, (first, second) = field
    # A second field verification after this one.
    again = Round.objects.create(
        cycle=cycle, position=3, kind="field", reviewers_per_nomination=1, name_id="V", name_en="V"
    )
    Round.objects.filter(pk=visit.pk).update(advance_rule="top_n", advance_n=2)
    set_claims(api, secretariat, first, "One day")
    (claim,) = set_claims(api, secretariat, second, "One day")
    kept, kept_verifier = verifier_of(second, visit)
    photo = api.as_(kept_verifier).post(
        f"/api/v1/assignments/{kept.pk}/verification",
        {"claim": claim, "file": png()},
        format="multipart",
    )
    verify(api, first, visit, ["not_verified"])
    verify(api, second, visit, ["verified"])
    shortlist = api.as_(chair).get(f"/api/v1/rounds/{visit.pk}/shortlist").json()
    assert shortlist["proposed"] == [second]  # two may advance, one is disqualified
    assert {r["nomination"]: r["disqualified"] for r in shortlist["results"]} == {
        first: True,
        second: False,
    }
    refused = api.as_(chair).post(
        f"/api/v1/rounds/{visit.pk}/advance",
        {"nominations": [first, second], "rationale": "Both."},
        format="json",
    )
    assert (refused.status_code, list(refused.json()["fields"])) == (400, ["nominations"])
    advanced = api.as_(chair).post(
        f"/api/v1/rounds/{visit.pk}/advance", {"nominations": [second]}, format="json"
    )
    assert advanced.status_code == 200, advanced.json()
    out = Nomination.objects.get(pk=first)
    assert (out.status, out.round_results.get(round=visit).outcome) == ("decided", "disqualified")
    assert "Disqualified" in out.decision_rationale
    # The nomination has left the field round; its verifier still has their photo.
    assert Nomination.objects.get(pk=second).round_id == again.pk
    assert api.as_(kept_verifier).get(photo.json()["url"]).status_code == 200
    # The next field round has a checklist of its own; the first one's stays.
    assert (
        api.as_(secretariat).post(f"/api/v1/cycles/{cycle.pk}/assign-reviewers").json()["assigned"]
        == 1
    )
    set_claims(api, secretariat, second, "Still one day a year on")
    assert Claim.objects.filter(round=visit, nomination_id=second).count() == 1
    now, now_verifier = verifier_of(second, again)
    old = api.as_(now_verifier).post(  # the first round's claim is not this one's
        f"/api/v1/assignments/{now.pk}/verification",
        {"claim": claim, "file": png()},
        format="multipart",
    )
    assert (old.status_code, old.json()["fields"]) == (
        400,
        {"claim": ["Not a claim of this nomination."]},
    )
    verify(api, second, again, ["verified"])  # only this round's claim to record
    assert Nomination.objects.get(pk=second).status == "reviewed"


def test_two_verifiers_must_both_find_nothing_for_a_claim_to_count_as_not_verified(
    api, field, secretariat, reviewers
):
    cycle, visit, (first, _second) = field
    set_claims(api, secretariat, first, "One day")
    present = Assignment.objects.get(nomination_id=first, round=visit)
    other = next(m for m in cycle.committee.filter(is_chair=False).exclude(pk=present.member_id))
    services.assignment_add(nomination_id=first, member_id=other.pk, actor=secretariat.user)
    for a, outcome in zip(
        Assignment.objects.filter(nomination_id=first, round=visit).order_by("pk"),
        ["not_verified", "verified"],
        strict=True,
    ):
        claim = (
            api.as_(a.member.employee)
            .get(f"/api/v1/assignments/{a.pk}/verification")
            .json()["items"][0]["claim"]
        )
        api.as_(a.member.employee).put(
            f"/api/v1/assignments/{a.pk}/verification",
            {"items": [{"claim": claim, "outcome": outcome}], "submit": True},
            format="json",
        )
    seen = api.as_(secretariat).get(claims_url(first)).json()
    assert (seen["claims"][0]["outcome"], seen["summary"]["disqualified"]) == ("partly", False)
    assert len(seen["claims"][0]["findings"]) == 2


def test_a_verifier_touches_only_their_own_files_and_findings(api, field, secretariat):
    cycle, visit, (first, _second) = field
    (claim,) = set_claims(api, secretariat, first, "One day")
    mine, me = verifier_of(first, visit)
    other = cycle.committee.filter(is_chair=False).exclude(pk=mine.member_id).first()
    theirs = services.assignment_add(
        nomination_id=first, member_id=other.pk, actor=secretariat.user
    )
    upload = api.as_(other.employee).post(
        f"/api/v1/assignments/{theirs.pk}/verification",
        {"claim": claim, "file": png()},
        format="multipart",
    )
    # The first file puts an untouched verification in draft, by its verifier.
    theirs.refresh_from_db()
    assert theirs.status == "draft"
    from core.lifecycle import history

    assert [(h.actor, h.to_state) for h in history(theirs)] == [(other.employee.user, "draft")]
    # Through my own verification's address, their file is not mine to remove.
    wrong = api.as_(me).delete(
        f"/api/v1/assignments/{mine.pk}/verification/files/{upload.json()['id']}"
    )
    assert wrong.status_code == 404
    assert CheckFile.objects.filter(pk=upload.json()["id"]).exists()
    with pytest.raises(NotFoundError):
        services.verification_save(
            assignment_id=theirs.pk,
            actor=me.user,
            items=[{"claim": claim, "outcome": "not_verified"}],
        )
    assert not ClaimCheck.objects.filter(assignment=theirs).exclude(outcome="").exists()
    # A photo is not a finding: submitting still needs the claim recorded.
    late = api.as_(other.employee).put(
        f"/api/v1/assignments/{theirs.pk}/verification",
        {"items": [], "submit": True},
        format="json",
    )
    assert (late.status_code, late.json()["fields"]) == (
        400,
        {"items": ["Record every claim to submit; 1 not yet."]},
    )


def test_findings_refused_by_the_service_name_the_field_and_save_nothing(
    api, field, secretariat, org
):
    """The API's serializer refuses most of these first; a caller of the
    service is told the same, field by field."""
    _cycle, visit, (first, _second) = field
    (claim,) = set_claims(api, secretariat, first, "One day")
    assignment, verifier = verifier_of(first, visit)

    def save(items, **kw):
        return services.verification_save(
            assignment_id=assignment.pk, actor=verifier.user, items=items, **kw
        )

    for item, field_name, message in (
        (
            {"claim": claim, "outcome": "maybe"},
            "outcome",
            "Choose verified, partly verified or not verified.",
        ),
        (
            {"claim": claim, "outcome": 1},
            "outcome",
            "Choose verified, partly verified or not verified.",
        ),
        (
            {"claim": claim, "outcome": "verified", "note": "x" * 5001},
            "note",
            "Text of at most 5,000 characters.",
        ),
        (
            {"claim": claim, "outcome": "verified", "note": "a\x00b"},
            "note",
            "Text of at most 5,000 characters.",
        ),
        ({"claim": 2**40, "outcome": "verified"}, "claim", "Not a claim of this nomination."),
    ):
        with pytest.raises(ValidationError) as error:
            save([item])
        assert error.value.message_dict == {f"items.0.{field_name}": [message]}
    with pytest.raises(ValidationError) as error:
        save([{"claim": 2**40, "outcome": "verified"}, {"claim": 2**41, "outcome": "verified"}])
    assert list(error.value.message_dict) == ["items.0.claim", "items.1.claim"]
    assert not ClaimCheck.objects.exists()
    # A note at the limit is taken; no note is an empty one; not submitted
    # unless asked.
    assert save([{"claim": claim, "outcome": "partly", "note": "x" * 5000}]).status == "draft"
    assert save([{"claim": claim, "outcome": "partly"}]).status == "draft"
    assert ClaimCheck.objects.get().note == ""
    # The reporting line changed since assignment: the verifier now
    # supervises the nominee; submitting finds it and is refused.
    nominee = Nomination.objects.get(pk=first).nominees.get().employee
    nominee.supervisor = verifier
    nominee.save()
    with pytest.raises(ConflictError, match="conflict of interest"):
        save([{"claim": claim, "outcome": "verified"}], submit=True)
    assert Assignment.objects.get(pk=assignment.pk).conflict
    # Flagged, even a draft is refused.
    with pytest.raises(ConflictError, match="conflict of interest"):
        save([{"claim": claim, "outcome": "verified"}])


def test_a_checklist_refused_by_the_service_names_each_item_and_keeps_the_old_one(
    api, field, secretariat, django_capture_on_commit_callbacks
):
    _cycle, visit, (first, _second) = field
    one, two = set_claims(api, secretariat, first, "One day", "Fewer complaints")

    def put(claims):
        return services.claims_set(nomination_id=first, actor=secretariat.user, claims=claims)

    for claims, errors in (
        ([], {"claims": ["Give at least one claim to check."]}),
        ([{"text": f"c{i}"} for i in range(31)], {"claims": ["At most 30 claims."]}),
        ([{"text": " "}], {"claims.0.text": ["Write the claim."]}),
        ([{"text": None}], {"claims.0.text": ["Write the claim."]}),
        ([{"text": "x" * 501}], {"claims.0.text": ["A claim has at most 500 characters."]}),
        ([{"text": "a\x00b"}], {"claims.0.text": ["Text may not contain NUL characters."]}),
        ([{"id": 2**40, "text": "x"}], {"claims.0.id": ["Not a claim of this nomination."]}),
        (
            [{"id": one, "text": "a"}, {"id": one, "text": "b"}],
            {"claims.1.id": ["Not a claim of this nomination."]},
        ),
    ):
        with pytest.raises(ValidationError) as error:
            put(claims)
        assert error.value.message_dict == errors
    assert list(Claim.objects.order_by("position").values_list("pk", "text")) == [
        (one, "One day"),
        (two, "Fewer complaints"),
    ]  # none of the refused ones changed anything
    assert len(put([{"text": f"c{i}"} for i in range(30)])) == 30
    put([{"text": "One day"}, {"text": "Fewer complaints"}])
    one, two = Claim.objects.order_by("position").values_list("pk", flat=True)
    # 500 characters (around white space) are taken; a kept claim keeps its
    # finding and files, a removed one loses them, bytes and all.
    assignment, verifier = verifier_of(first, visit)
    services.verification_save(
        assignment_id=assignment.pk,
        actor=verifier.user,
        items=[{"claim": one, "outcome": "verified"}, {"claim": two, "outcome": "partly"}],
    )
    photo = services.check_file_add(
        assignment_id=assignment.pk,
        claim_id=two,
        actor=verifier.user,
        upload=SimpleUploadedFile("p.png", png().getvalue()),
    )
    with django_capture_on_commit_callbacks(execute=True):
        kept = put([{"text": f"  {'y' * 500}  "}, {"id": one, "text": "One day"}])
    assert [(c.position, c.text[:3]) for c in kept] == [(1, "yyy"), (2, "One")]
    assert list(ClaimCheck.objects.values_list("claim_id", "outcome")) == [(one, "verified")]
    assert not CheckFile.objects.exists()
    assert not photo.file.storage.exists(photo.file.name)
