"""Every bad input gets a 4xx naming the field, and nothing is saved."""

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from nominations import evidence, services
from nominations.models import Assignment, Cycle, Evidence, Nomination, Review
from tests.factories import EmployeeFactory

from .helpers import ALL_FIVE, PDF_BYTES, move_to, nomination, payload


def fields(response):
    return sorted(response.json().get("fields", {}))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"nominees": []}, "nominees"),
        ({"nominees": [999999]}, "nominees"),
        ({"category": 999999}, "category"),
        ({"cycle": "abc"}, "cycle"),
        ({"started_on": "31-12-2024"}, "started_on"),
        ({"psm_statements": {"unknown_code": "x"}}, "psm_statements"),
        ({"psm_statements": "text"}, "psm_statements"),
    ],
)
def test_bad_nomination_input_names_the_field(api, supervisor, subordinate, cycle, change, field):
    response = api.as_(supervisor).post(
        "/api/v1/nominations", {**payload(cycle, [subordinate]), **change}, format="json"
    )
    assert (response.status_code, fields(response)) == (400, [field])
    assert Nomination.objects.count() == 0


def test_nominating_yourself_or_someone_outside_your_line(
    api, supervisor, subordinate, outsider, cycle
):
    client = api.as_(supervisor)
    for people, message in (
        ([supervisor], "You cannot nominate yourself."),
        ([outsider], f"Nobody in your reporting line has id {outsider.pk}."),
    ):
        response = client.post("/api/v1/nominations", payload(cycle, people), format="json")
        assert response.status_code == 400
        assert response.json()["fields"] == {"nominees": [message]}
    assert Nomination.objects.count() == 0


def test_an_id_outside_your_line_answers_as_one_that_does_not_exist(
    api, supervisor, subordinate, outsider, cycle
):
    """Walking ids 1…N reveals nobody: not their NIP, not that they exist."""
    from people.models import Employee

    missing = Employee.objects.order_by("-pk").first().pk + 1000
    client = api.as_(supervisor)
    answers = {}
    for field in ("nominees", "lead"):
        for who, pk in (("outsider", outsider.pk), ("missing", missing)):
            body = payload(cycle, [subordinate])
            body["nominees" if field == "nominees" else "lead"] = (
                [pk] if field == "nominees" else pk
            )
            response = client.post("/api/v1/nominations", body, format="json")
            assert response.status_code == 400
            assert outsider.nip not in response.content.decode()
            answers[field, who] = response.content.decode().replace(str(pk), "ID")
        assert answers[field, "outsider"] == answers[field, "missing"]
    # The same holds when a draft is edited.
    draft = client.post("/api/v1/nominations", payload(cycle, [subordinate]), format="json")
    for pk in (outsider.pk, missing):
        response = client.patch(
            f"/api/v1/nominations/{draft.json()['id']}", {"nominees": [pk]}, format="json"
        )
        assert response.json()["fields"] == {
            "nominees": [f"Nobody in your reporting line has id {pk}."]
        }
    assert Nomination.objects.count() == 1


def test_two_nominees_need_a_team_category_and_the_lead_must_be_one(
    api, supervisor, subordinate, junior, cycle
):
    client = api.as_(supervisor)
    response = client.post(
        "/api/v1/nominations", payload(cycle, [subordinate, junior]), format="json"
    )
    assert fields(response) == ["nominees"]
    response = client.post(
        "/api/v1/nominations",
        payload(cycle, [subordinate, junior], category="technology-team", lead=supervisor.pk),
        format="json",
    )
    assert fields(response) == ["lead"]
    response = client.post(
        "/api/v1/nominations",
        payload(cycle, [subordinate, junior], category="technology-team", lead=junior.pk),
        format="json",
    )
    assert (response.status_code, response.json()["lead"]) == (201, junior.pk)


def test_a_category_of_another_cycle_is_refused(api, supervisor, subordinate, cycle):
    from nominations import services

    other = services.cycle_create(name="Other")
    body = {**payload(cycle, [subordinate]), "category": other.categories.first().pk}
    response = api.as_(supervisor).post("/api/v1/nominations", body, format="json")
    assert fields(response) == ["category"]


def test_submit_checks_completeness_and_names_every_missing_field(
    api, supervisor, subordinate, cycle
):
    client = api.as_(supervisor)
    body = {
        **payload(cycle, [subordinate]),
        "problem": "",
        "started_on": None,
        "psm_statements": {"public_interest": "x"},
    }
    pk = client.post("/api/v1/nominations", body, format="json").json()["id"]
    response = client.post(f"/api/v1/nominations/{pk}/submit")
    assert response.status_code == 400
    assert fields(response) == [
        "problem",
        "psm_statements.compassion",
        "psm_statements.policy_making",
        "psm_statements.self_sacrifice",
        "started_on",
    ]
    assert Nomination.objects.get(pk=pk).status == "draft"
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    client.patch(
        f"/api/v1/nominations/{pk}",
        {**payload(cycle, [subordinate]), "started_on": future},
        format="json",
    )
    assert fields(client.post(f"/api/v1/nominations/{pk}/submit")) == ["started_on"]


def test_screening_ineligible_needs_a_reason(api, supervisor, subordinate, secretariat, cycle):
    item = nomination(cycle, supervisor, [subordinate])
    Nomination.objects.filter(pk=item.pk).update(status="submitted")
    response = api.as_(secretariat).post(
        f"/api/v1/nominations/{item.pk}/screen", {"eligible": False}
    )
    assert (response.status_code, fields(response)) == (400, ["reason"])
    response = api.as_(secretariat).post(
        f"/api/v1/nominations/{item.pk}/screen", {"eligible": "maybe"}
    )
    assert fields(response) == ["eligible"]
    assert Nomination.objects.get(pk=item.pk).status == "submitted"


def test_phase_input(api, secretariat, cycle):
    client = api.as_(secretariat)
    assert fields(client.post(f"/api/v1/cycles/{cycle.pk}/phase", {"phase": "later"})) == ["phase"]
    response = client.post(f"/api/v1/cycles/{cycle.pk}/phase", {"phase": "deciding"})
    assert response.status_code == 409
    assert response.json()["message"] == (
        "A cycle in the nominating phase cannot move to deciding."
    )
    assert Cycle.objects.get(pk=cycle.pk).phase == "nominating"


@pytest.fixture
def assignment(supervisor, subordinate, reviewers, cycle):
    item = nomination(cycle, supervisor, [subordinate])
    Nomination.objects.filter(pk=item.pk).update(status="in_review", round=cycle.rounds.first())
    move_to(cycle, "reviewing")
    return Assignment.objects.create(
        nomination=item,
        member=cycle.committee.get(employee=reviewers[0]),
        round=cycle.rounds.first(),
    )


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (
            {"scores": {**ALL_FIVE, "novelty": 6}, "submit": True},
            "scores.novelty",
            "Must be between 1 and 5.",
        ),
        ({"scores": {**ALL_FIVE, "novelty": 0}}, "scores.novelty", "Must be between 1 and 5."),
        (
            {"scores": {**ALL_FIVE, "novelty": 2.5}},
            "scores.novelty",
            "A whole number is required.",
        ),
        ({"scores": {**ALL_FIVE, "novelty": "5"}}, "scores.novelty", "A whole number is required."),
        ({"scores": {**ALL_FIVE, "bogus": 3}}, "scores.bogus", "Unknown criterion."),
        (
            {"scores": {"novelty": 3}, "submit": True},
            "scores.benefit",
            "Score every criterion to submit.",
        ),
        (
            {"scores": ALL_FIVE, "comments": {"novelty": 7}},
            "comments.novelty",
            "Text of at most 5,000 characters.",
        ),
        (
            {"scores": ALL_FIVE, "comments": {"novelty": "x" * 5001}},
            "comments.novelty",
            "Text of at most 5,000 characters.",
        ),
        ({"scores": ALL_FIVE, "comments": {"bogus": "x"}}, "comments.bogus", "Unknown criterion."),
        ({"scores": "all fives"}, "scores", None),
    ],
)
def test_bad_review_input_names_the_field(api, reviewers, assignment, body, field, message):
    response = api.as_(reviewers[0]).put(
        f"/api/v1/assignments/{assignment.pk}/review", body, format="json"
    )
    assert response.status_code == 400
    assert field in fields(response)
    if message is not None:
        assert response.json()["fields"][field] == [message]
    assert not Review.objects.exists()
    assert Assignment.objects.get(pk=assignment.pk).status == "assigned"


def test_a_submitted_review_is_locked(api, reviewers, assignment):
    client = api.as_(reviewers[0])
    url = f"/api/v1/assignments/{assignment.pk}/review"
    assert client.put(url, {"scores": ALL_FIVE, "submit": True}, format="json").status_code == 200
    response = client.put(url, {"scores": {**ALL_FIVE, "novelty": 1}}, format="json")
    assert response.status_code == 409
    assert Review.objects.get().scores["novelty"] == 5


def test_decision_input(api, supervisor, subordinate, chair, cycle):
    item = nomination(cycle, supervisor, [subordinate])
    Nomination.objects.filter(pk=item.pk).update(status="reviewed")
    move_to(cycle, "deciding")
    client = api.as_(chair)
    url = f"/api/v1/nominations/{item.pk}/decide"
    assert fields(client.post(url, {"award_level": "platinum", "rationale": "x"})) == [
        "award_level"
    ]
    assert fields(client.post(url, {"award_level": "gold", "rationale": " "})) == ["rationale"]
    assert fields(client.post(url, {"rationale": "x"})) == ["award_level"]
    assert Nomination.objects.get(pk=item.pk).status == "reviewed"


# --- evidence -----------------------------------------------------------------------------


def xlsx_bytes():
    from openpyxl import Workbook

    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


def zip_bytes():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hi")
    return out.getvalue()


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


@pytest.fixture
def draft(supervisor, subordinate, cycle):
    return nomination(cycle, supervisor, [subordinate])


@pytest.mark.parametrize(
    ("name", "content", "declared", "stored"),
    [
        ("report.pdf", PDF_BYTES, "application/pdf", "application/pdf"),
        ("photo.txt", PNG, "text/plain", "image/png"),  # the name and declared type lie
        ("scan", JPEG, "application/octet-stream", "image/jpeg"),
        ("data.xlsx", None, "application/pdf", evidence.XLSX),
    ],
)
def test_evidence_type_is_judged_by_content(
    api, supervisor, draft, name, content, declared, stored
):
    upload = SimpleUploadedFile(name, content or xlsx_bytes(), content_type=declared)
    response = api.as_(supervisor).post(
        f"/api/v1/nominations/{draft.pk}/evidence", {"file": upload}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["content_type"] == stored
    item = Evidence.objects.get()
    assert name not in item.file.name  # stored under a generated name
    assert item.file.name.startswith(f"evidence/{draft.pk}/")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("evil.pdf", b"MZ\x90\x00" + b"\x00" * 100),
        ("archive.docx", None),
        ("page.pdf", b"<html><script>alert(1)</script></html>"),
        ("empty.pdf", b""),
    ],
)
def test_other_files_are_refused(api, supervisor, draft, name, content):
    upload = SimpleUploadedFile(
        name, zip_bytes() if content is None else content, content_type="application/pdf"
    )
    response = api.as_(supervisor).post(
        f"/api/v1/nominations/{draft.pk}/evidence", {"file": upload}, format="multipart"
    )
    assert (response.status_code, fields(response)) == (400, ["file"])
    if name != "empty.pdf":
        assert response.json()["fields"]["file"] == [
            "Only PDF, PNG, JPEG, XLSX and DOCX files are accepted (judged by content)."
        ]
    assert not Evidence.objects.exists()


def test_evidence_is_added_to_drafts_only_and_says_so(api, supervisor, draft):
    services.nomination_submit(nomination_id=draft.pk, actor=supervisor.user)
    upload = SimpleUploadedFile("late.pdf", PDF_BYTES)
    response = api.as_(supervisor).post(
        f"/api/v1/nominations/{draft.pk}/evidence", {"file": upload}, format="multipart"
    )
    assert (response.status_code, response.json()["message"]) == (
        409,
        "Evidence can only be added to a draft while the cycle takes nominations.",
    )
    assert not Evidence.objects.exists()


def test_size_limits(api, supervisor, draft, settings):
    client = api.as_(supervisor)
    url = f"/api/v1/nominations/{draft.pk}/evidence"
    big = PDF_BYTES + b"0" * (10 * 2**20)
    response = client.post(url, {"file": SimpleUploadedFile("big.pdf", big)}, format="multipart")
    assert response.json()["fields"] == {"file": ["The file is larger than 10 MB."]}
    nine = PDF_BYTES + b"0" * (9 * 2**20)
    for i in range(5):
        response = client.post(
            url, {"file": SimpleUploadedFile(f"{i}.pdf", nine)}, format="multipart"
        )
        assert response.status_code == 201
    response = client.post(url, {"file": SimpleUploadedFile("6.pdf", nine)}, format="multipart")
    assert response.status_code == 400
    # 50 MB less five files of 9 MB and a few bytes each: 5.0 MB left.
    assert response.json()["fields"] == {
        "file": ["Evidence of one nomination may total 50 MB; 5.0 MB is left."]
    }
    assert Evidence.objects.count() == 5


def test_evidence_download_is_an_attachment_for_permitted_users_only(
    api, supervisor, subordinate, secretariat, outsider, reviewers, draft
):
    upload = SimpleUploadedFile("laporan akhir.pdf", PDF_BYTES, content_type="text/html")
    item = (
        api.as_(supervisor)
        .post(f"/api/v1/nominations/{draft.pk}/evidence", {"file": upload}, format="multipart")
        .json()
    )
    url = item["url"]
    response = api.as_(secretariat).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="laporan akhir.pdf"'
    assert b"".join(response.streaming_content) == PDF_BYTES
    for person in (outsider, reviewers[0], subordinate):  # subordinate: draft not visible yet
        assert api.as_(person).get(url).status_code == 404


def test_evidence_only_on_drafts(api, supervisor, draft):
    Nomination.objects.filter(pk=draft.pk).update(status="submitted")
    response = api.as_(supervisor).post(
        f"/api/v1/nominations/{draft.pk}/evidence",
        {"file": SimpleUploadedFile("r.pdf", PDF_BYTES)},
        format="multipart",
    )
    assert response.status_code == 409
    assert not Evidence.objects.exists()


def test_nominating_from_another_unit_is_refused_even_for_a_supervisor(
    api, supervisor, subordinate, cycle, org
):
    stranger = EmployeeFactory(org_unit=org["set"])
    response = api.as_(supervisor).post(
        "/api/v1/nominations",
        payload(cycle, [subordinate, stranger], category="service-team"),
        format="json",
    )
    assert fields(response) == ["nominees"]


def test_nominator_removes_evidence_from_a_draft_only(
    api, supervisor, outsider, draft, django_capture_on_commit_callbacks
):
    client = api.as_(supervisor)
    url = client.post(
        f"/api/v1/nominations/{draft.pk}/evidence",
        {"file": SimpleUploadedFile("r.pdf", PDF_BYTES)},
        format="multipart",
    ).json()["url"]
    item = Evidence.objects.get()
    assert api.as_(outsider).delete(url).status_code == 404
    Nomination.objects.filter(pk=draft.pk).update(status="submitted")
    refused = api.as_(supervisor).delete(url)
    assert (refused.status_code, refused.json()["message"]) == (
        409,
        "Evidence can only be removed from a draft.",
    )
    Nomination.objects.filter(pk=draft.pk).update(status="draft")
    with django_capture_on_commit_callbacks(execute=True):
        assert api.as_(supervisor).delete(url).status_code == 204
    assert not Evidence.objects.exists()
    assert not item.file.storage.exists(item.file.name)


@pytest.mark.parametrize(
    "path", ["", "/ranking", "/screening", "/history", "/readiness", "/assignments", "/progress"]
)
def test_an_unknown_cycle_is_404_on_every_cycle_endpoint(api, secretariat, cycle, path):
    response = api.as_(secretariat).get(f"/api/v1/cycles/{cycle.pk + 1000}{path}")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


@pytest.mark.parametrize("cycle_id", ["null", "x", "9223372036854775808", "-1"])
@pytest.mark.parametrize(
    ("method", "path"), [("get", "/readiness"), ("patch", ""), ("put", "/rubric")]
)
def test_a_cycle_id_that_is_no_id_is_404_not_an_error(api, secretariat, cycle_id, method, path):
    response = getattr(api.as_(secretariat), method)(
        f"/api/v1/cycles/{cycle_id}{path}", {}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_the_nominator_deletes_a_draft_with_its_files_and_nothing_else(
    api, supervisor, subordinate, outsider, cycle, draft, django_capture_on_commit_callbacks
):
    client = api.as_(supervisor)
    client.post(
        f"/api/v1/nominations/{draft.pk}/evidence",
        {"file": SimpleUploadedFile("r.pdf", PDF_BYTES)},
        format="multipart",
    )
    item = Evidence.objects.get()
    submitted = nomination(cycle, supervisor, [subordinate], title="Sudah diajukan")
    services.nomination_submit(nomination_id=submitted.pk, actor=supervisor.user)
    assert api.as_(outsider).delete(f"/api/v1/nominations/{draft.pk}").status_code == 404
    client = api.as_(supervisor)  # one client, logged in again
    refused = client.delete(f"/api/v1/nominations/{submitted.pk}")
    assert (refused.status_code, refused.json()["message"]) == (
        409,
        "Only a draft can be deleted; withdraw it instead.",
    )
    assert client.delete(f"/api/v1/nominations/{draft.pk}").status_code == 204
    assert list(Nomination.objects.values_list("pk", flat=True)) == [submitted.pk]
    assert not Evidence.objects.exists()
    assert not item.file.storage.exists(item.file.name)


def test_withdrawing_keeps_the_reason_in_the_history(api, supervisor, secretariat, draft):
    response = api.as_(supervisor).post(
        f"/api/v1/nominations/{draft.pk}/withdraw", {"reason": "Moved to another unit"}
    )
    assert response.status_code == 200
    [row] = api.as_(secretariat).get(f"/api/v1/nominations/{draft.pk}/history").json()["results"]
    assert (row["to_state"], row["reason"]) == ("withdrawn", "Moved to another unit")


def test_a_comment_of_exactly_5000_characters_is_accepted(api, reviewers, assignment):
    body = {"scores": ALL_FIVE, "comments": {"novelty": "x" * 5000}}
    response = api.as_(reviewers[0]).put(
        f"/api/v1/assignments/{assignment.pk}/review", body, format="json"
    )
    assert response.status_code == 200
    assert len(Review.objects.get().comments["novelty"]) == 5000


def test_a_review_is_refused_once_its_nomination_has_left_review(api, reviewers, assignment):
    # The cycle still takes reviews; this nomination is decided already.
    Nomination.objects.filter(pk=assignment.nomination_id).update(status="decided")
    response = api.as_(reviewers[0]).put(
        f"/api/v1/assignments/{assignment.pk}/review", {"scores": ALL_FIVE}, format="json"
    )
    assert (response.status_code, response.json()["message"]) == (
        409,
        "This nomination is not open for review.",
    )
    assert not Review.objects.exists()


def test_what_is_missing_before_submitting_is_named_field_by_field(supervisor, subordinate, cycle):
    item = nomination(cycle, supervisor, [subordinate])
    Nomination.objects.filter(pk=item.pk).update(impact="", psm_statements={})
    item.refresh_from_db()
    missing = services.nomination_missing(nomination=item)
    assert "impact" in missing
    assert "psm_statements.public_interest" in missing
    assert "title" not in missing


def test_size_limits_at_their_edges_and_the_stored_file_is_the_upload(
    supervisor, draft, monkeypatch
):
    """A file exactly at the per-file limit, and files that fill the total
    exactly, are accepted; one byte more is not. What is stored, and its
    SHA-256, are the upload's bytes."""
    import hashlib

    from django.core.exceptions import ValidationError

    size = len(PDF_BYTES)
    monkeypatch.setattr(evidence, "MAX_FILE_BYTES", size)
    monkeypatch.setattr(evidence, "MAX_TOTAL_BYTES", 2 * size)

    def add(content, name="a.pdf"):
        return services.evidence_add(
            nomination=draft, actor=supervisor.user, upload=SimpleUploadedFile(name, content)
        )

    with pytest.raises(ValidationError):
        add(PDF_BYTES + b" ")  # one byte over the per-file limit
    first = add(PDF_BYTES)  # exactly at it
    assert first.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert first.size == size
    with first.file.open("rb") as handle:
        assert handle.read() == PDF_BYTES
    add(PDF_BYTES, "b.pdf")  # the total now exactly at its limit
    with pytest.raises(ValidationError) as error:
        add(PDF_BYTES, "c.pdf")
    assert error.value.message_dict["file"][0].startswith("Evidence of one nomination may total")
    assert Evidence.objects.filter(nomination=draft).count() == 2


def test_editing_a_draft_checks_the_lead_and_the_team_again(
    api, supervisor, subordinate, junior, cycle
):
    client = api.as_(supervisor)
    draft = client.post("/api/v1/nominations", payload(cycle, [subordinate]), format="json")
    url = f"/api/v1/nominations/{draft.json()['id']}"
    # The lead must be one of the nominees, on edit as on creation.
    response = client.patch(url, {"lead": junior.pk}, format="json")
    assert (response.status_code, fields(response)) == (400, ["lead"])
    # Two people need a team category.
    response = client.patch(url, {"nominees": [subordinate.pk, junior.pk]}, format="json")
    assert (response.status_code, fields(response)) == (400, ["nominees"])
    team = cycle.categories.get(code="technology-team").pk
    response = client.patch(
        url,
        {"nominees": [subordinate.pk, junior.pk], "category": team, "lead": junior.pk},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["lead"] == junior.pk


def test_an_edit_that_comes_too_late_says_why(api, supervisor, subordinate, cycle):
    client = api.as_(supervisor)
    draft = nomination(cycle, supervisor, [subordinate])
    submitted = nomination(cycle, supervisor, [subordinate], title="Kedua")
    Nomination.objects.filter(pk=submitted.pk).update(
        title="t", problem="p", solution="s", impact="i"
    )
    services.nomination_submit(nomination_id=submitted.pk, actor=supervisor.user)
    response = client.patch(f"/api/v1/nominations/{submitted.pk}", {"title": "Ubah"}, format="json")
    assert (response.status_code, response.json()["message"]) == (
        409,
        "Only a draft can be edited.",
    )
    move_to(cycle, "reviewing")
    response = client.patch(f"/api/v1/nominations/{draft.pk}", {"title": "Ubah"}, format="json")
    assert (response.status_code, response.json()["message"]) == (
        409,
        "This cycle is not taking nominations.",
    )
    assert Nomination.objects.get(pk=draft.pk).title == "Layanan izin satu hari"


def test_a_category_of_another_cycle_is_refused_naming_the_field(
    api, supervisor, subordinate, cycle
):
    other = services.cycle_create(name="Siklus lain")
    foreign = other.categories.get(code="technology")
    draft = nomination(cycle, supervisor, [subordinate])
    response = api.as_(supervisor).patch(
        f"/api/v1/nominations/{draft.pk}", {"category": foreign.pk}, format="json"
    )
    assert (response.status_code, response.json()["fields"]) == (
        400,
        {"category": ["This category belongs to another cycle."]},
    )
    assert Nomination.objects.get(pk=draft.pk).category_id != foreign.pk
