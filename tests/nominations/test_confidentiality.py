"""Confidentiality of review (issue 11 §1): in a blind-review cycle an
assigned reviewer learns nothing of who is nominated, on any surface they can
reach; the secretariat and the chair still see everything."""

import io

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from nominations import services
from nominations.models import Cycle

from .test_review import assignment_of, in_review  # noqa: F401 (a fixture)


def _pdf_by(author: str) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.docinfo["/Author"] = author
    pdf.docinfo["/Title"] = f"Laporan {author}"
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:creator"] = [author]
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


@pytest.fixture
def with_evidence(in_review, supervisor):  # noqa: F811
    from nominations.models import Evidence

    Evidence.objects.create(
        nomination=in_review,
        file=SimpleUploadedFile("x", _pdf_by("Subordinate Pelapor")),
        original_name="cv-subordinate.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
    )
    return in_review


def _who(item, supervisor, subordinate) -> list[str]:
    """The identifying strings of the nomination."""
    return [subordinate.name, subordinate.nip, subordinate.org_unit.name, supervisor.name]


def _web(person) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(person.user)
    return client


def _surfaces(api, person, item, assignment) -> dict[str, str]:
    """Every page and answer the person can reach about the nomination."""
    client = api.as_(person)
    web = _web(person)
    return {
        "api detail": client.get(f"/api/v1/nominations/{item.pk}").content.decode(),
        "api list": client.get("/api/v1/nominations").content.decode(),
        "api assignment": client.get(f"/api/v1/assignments/{assignment.pk}").content.decode(),
        "api assignments": client.get("/api/v1/assignments").content.decode(),
        "api assignment history": client.get(
            f"/api/v1/assignments/{assignment.pk}/history"
        ).content.decode(),
        "web nomination": web.get(f"/nominations/{item.pk}").content.decode(),
        "web review": web.get(f"/reviews/{assignment.pk}").content.decode(),
        "web queue": web.get("/reviews").content.decode(),
    }


def test_a_blind_reviewer_sees_nobody_anywhere(
    api, reviewers, supervisor, subordinate, with_evidence, cycle
):
    Cycle.objects.filter(pk=cycle.pk).update(blind_review=True)
    reviewer = reviewers[0]
    surfaces = _surfaces(api, reviewer, with_evidence, assignment_of(reviewer, with_evidence))
    for name, text in surfaces.items():
        assert with_evidence.title in text or name in ("api assignments", "api assignment history")
        for secret in [*_who(with_evidence, supervisor, subordinate), "cv-subordinate"]:
            assert secret not in text, (name, secret)
    detail = api.as_(reviewer).get(f"/api/v1/nominations/{with_evidence.pk}").json()
    assert detail["identity_hidden"] is True
    assert (detail["nominees"], detail["nominator"], detail["lead"]) == ([], None, None)
    assert detail["evidence"][0]["name"] == "evidence-1.pdf"
    # The audit trail of the nomination is not theirs to read at all.
    url = f"/api/v1/nominations/{with_evidence.pk}/history"
    assert api.as_(reviewer).get(url).status_code == 404


def test_without_blind_review_the_reviewer_sees_who(
    api, reviewers, supervisor, subordinate, with_evidence
):
    reviewer = reviewers[0]
    surfaces = _surfaces(api, reviewer, with_evidence, assignment_of(reviewer, with_evidence))
    for name in ("api detail", "api list", "web nomination", "web review"):
        assert subordinate.name in surfaces[name], name
    assert "cv-subordinate" in surfaces["api detail"]


def test_the_secretariat_and_the_chair_still_see_who_in_a_blind_cycle(
    api, secretariat, chair, supervisor, subordinate, with_evidence, cycle
):
    Cycle.objects.filter(pk=cycle.pk).update(blind_review=True)
    for person in (secretariat, chair):
        detail = api.as_(person).get(f"/api/v1/nominations/{with_evidence.pk}").json()
        assert detail["identity_hidden"] is False
        assert detail["nominees"][0]["nip"] == subordinate.nip
        assert detail["nominator"]["name"] == supervisor.name
        assert detail["evidence"][0]["name"] == "cv-subordinate.pdf"
        page = _web(person).get(f"/nominations/{with_evidence.pk}").content.decode()
        assert subordinate.name in page
        assert supervisor.name in page


def _download(api, person, item):
    evidence = item.evidence.get()
    return api.as_(person).get(f"/api/v1/nominations/{item.pk}/evidence/{evidence.pk}")


def test_a_blind_reviewer_downloads_the_evidence_without_its_metadata(
    api, reviewers, secretariat, with_evidence, cycle
):
    Cycle.objects.filter(pk=cycle.pk).update(blind_review=True)
    response = _download(api, reviewers[0], with_evidence)
    assert response.status_code == 200
    assert 'filename="evidence-1.pdf"' in response["Content-Disposition"]
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"Subordinate" not in body
    with pikepdf.open(io.BytesIO(body)) as pdf:
        assert len(pdf.pages) == 1  # still the document
        assert "/Author" not in pdf.docinfo
        assert "/Metadata" not in pdf.Root
    # The secretariat downloads the file as it was uploaded.
    original = _download(api, secretariat, with_evidence)
    assert "cv-subordinate.pdf" in original["Content-Disposition"]
    assert b"Subordinate Pelapor" in b"".join(original.streaming_content)


def test_office_and_image_metadata_is_removed_too():
    import zipfile

    from PIL import Image

    from nominations.evidence import DOCX, without_metadata

    core = (
        b'<?xml version="1.0"?><cp:coreProperties xmlns:cp="x" xmlns:dc="y">'
        b"<dc:creator>Budi Santoso</dc:creator><cp:lastModifiedBy>Budi</cp:lastModifiedBy>"
        b"<dc:title>Laporan</dc:title></cp:coreProperties>"
    )
    source = io.BytesIO()
    with zipfile.ZipFile(source, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("docProps/core.xml", core)
        archive.writestr("docProps/app.xml", "<Properties><Company>Dinas X</Company></Properties>")
    cleaned = without_metadata(source.getvalue(), DOCX)
    with zipfile.ZipFile(io.BytesIO(cleaned)) as archive:
        text = archive.read("docProps/core.xml") + archive.read("docProps/app.xml")
        assert b"Budi" not in text
        assert b"Dinas X" not in text
        assert b"<dc:title>Laporan</dc:title>" in text
        assert archive.read("word/document.xml") == b"<w:document/>"

    image = Image.new("RGB", (8, 8), "red")
    exif = image.getexif()
    exif[0x013B] = "Budi Santoso"  # Artist
    jpeg = io.BytesIO()
    image.save(jpeg, "JPEG", exif=exif)
    assert b"Budi" in jpeg.getvalue()
    cleaned = without_metadata(jpeg.getvalue(), "image/jpeg")
    assert b"Budi" not in cleaned
    assert Image.open(io.BytesIO(cleaned)).size == (8, 8)


def test_evidence_is_uploaded_through_the_service(api, supervisor, subordinate, cycle):
    """The fixture above writes the row directly; the service accepts the
    same file (so the test's PDF is a valid evidence file)."""
    from .helpers import nomination

    item = nomination(cycle, supervisor, [subordinate])
    services.evidence_add(
        nomination=item,
        actor=supervisor.user,
        upload=SimpleUploadedFile("cv.pdf", _pdf_by("X")),
    )
    assert item.evidence.get().content_type == "application/pdf"
