"""Field verification in the browser: the secretariat sets a nomination's
claims one a line and follows the round's findings; the verifier records
each claim with a note and a photo on a phone, then submits."""

from PIL import Image

from nominations.models import Assignment, CheckFile, Nomination
from tests.factories import PASSWORD
from tests.nominations.test_verification import field, verifier_of  # noqa: F401 - a fixture

from .conftest import screenshot
from .test_pages import client_for


def test_the_secretariat_sets_the_claims_and_follows_the_findings(
    field,  # noqa: F811
    secretariat,
    chair,
    supervisor,
):
    cycle, visit, (first, _second) = field
    client = client_for(secretariat)
    overview = f"/cycles/{cycle.pk}/rounds/{visit.pk}/verification"
    page = client.get(overview).content.decode()
    assert Nomination.objects.get(pk=first).title in page
    url = f"/cycles/{cycle.pk}/rounds/{visit.pk}/claims/{first}"
    form = client.get(url).content.decode()
    assert "Licences take one day instead of 14." in form  # proposed from the stated impact
    done = client.post(url, {"claims": "One day\n\n  Fewer complaints  \n"}, follow=True)
    assert "The claims are saved." in done.content.decode()
    assert list(Nomination.objects.get(pk=first).claims.values_list("position", "text")) == [
        (1, "One day"),
        (2, "Fewer complaints"),
    ]
    kept = Nomination.objects.get(pk=first).claims.get(position=2).pk
    client.post(url, {"claims": "Fewer complaints\nA third claim"})
    claims = list(Nomination.objects.get(pk=first).claims.values_list("pk", "position"))
    assert claims[0] == (kept, 1)  # an unchanged line keeps its claim
    bad = client.post(url, {"claims": "x" * 501}, follow=True)
    assert "Claim: A claim has at most 500 characters." in bad.content.decode()
    # The chair reads it; nobody else may see it, and only the secretariat sets it.
    assert client_for(chair).get(url).status_code == 200
    assert client_for(chair).post(url, {"claims": "Changed"}).status_code == 404
    assert client_for(supervisor).get(overview).status_code == 404
    assert client_for(supervisor).get(url).status_code == 404


def test_a_verifier_records_the_claims_on_a_phone(
    transactional_db,
    field,  # noqa: F811
    secretariat,
    login,
    live_server,
    tmp_path,
):
    _cycle, visit, (first, _second) = field
    assignment, verifier = verifier_of(first, visit)
    page = login(verifier.user.username, password=PASSWORD, locale="en-GB", width=390, height=844)
    page.goto(f"{live_server.url}/reviews/{assignment.pk}")
    # No claims yet: the form starts from the stated impact.
    assert page.input_value("#claims").splitlines() == [
        "Licences take one day instead of 14.",
        "Complaints fell by 60%.",
        "12,000 permits issued online in 2025",
    ]
    page.fill("#claims", "Licences take one day\nComplaints fell by 60%")
    page.click("button[value=claims]")
    claims = list(Nomination.objects.get(pk=first).claims.order_by("position"))
    assert [c.text for c in claims] == ["Licences take one day", "Complaints fell by 60%"]
    photo = tmp_path / "lokasi.jpg"
    Image.new("RGB", (64, 48), "teal").save(photo, "JPEG")
    page.set_input_files(f"#file-{claims[0].pk}", str(photo))
    page.click(f"button[form=upload-{claims[0].pk}]")
    assert page.locator(f"#claim-{claims[0].pk} ul.files").inner_text().startswith("lokasi.jpg")
    page.check(f"input[name=outcome-{claims[0].pk}][value=verified]")
    page.check(f"input[name=outcome-{claims[1].pk}][value=partly]")
    page.fill(f"#note-{claims[1].pk}", "Down 35% in the register, not 60%.")
    page.click("button[value=draft]")
    assert "75.0" in page.locator(".review-total").inner_text()
    # Phone-sized: nothing wider than the screen.
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    screenshot(page, "field-verification-phone")
    page.click("button[value=submit]")
    assert "Verification submitted." in page.content()
    assert Assignment.objects.get(pk=assignment.pk).status == "submitted"
    assert Nomination.objects.get(pk=first).status == "reviewed"
    assert CheckFile.objects.filter(claim_check__assignment=assignment).count() == 1
    assert page.locator(f"input[name=outcome-{claims[0].pk}]").first.is_disabled()
