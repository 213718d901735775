"""The whole award flow in a real browser, role by role, plus the checks a
user would notice: 404 for what is not yours, errors beside the field."""

import io
import re

import pytest
from pypdf import PdfReader

from .conftest import screenshot

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _pick(page, typed, name):
    """The nominee picker: type, the matches appear (htmx), add, save."""
    page.fill("#id_q", typed)
    page.get_by_role("button", name=re.compile(f"(Tambah|Add) {name}")).click()
    page.wait_for_selector(f"#chosen >> text={name}")
    page.get_by_role("button", name=re.compile("Simpan dan lanjutkan|Save and continue")).click()


def _confirm_phase(page):
    """On the phase page: what will happen is shown; tick, move, and back on
    the overview with the message."""
    page.wait_for_selector("text=/Yang akan terjadi|What will happen/")
    page.check("input[name=confirm]")
    page.click("form[action$='/phase'] button")
    page.wait_for_selector("main [role=status]")


@pytest.mark.parametrize(
    ("locale", "width"), [("id-ID", 1280), ("en-GB", 390)], ids=["id-desktop", "en-phone"]
)
def test_a_cycle_set_up_in_the_browser_runs_to_a_downloaded_certificate(
    demo, login, live_server, celery_worker, tmp_path, locale, width
):
    """From a copy of the demo cycle to a downloaded, verified certificate,
    every role in the browser: in Indonesian on a desktop, in English on a
    phone-sized window."""
    from nominations.models import Cycle

    base = live_server.url
    english = locale.startswith("en")
    size = {"locale": locale, "width": width, "height": 844 if width < 768 else 900}

    def login(username, _login=login):
        return _login(username, **size)

    def shot(page, name):
        screenshot(page, f"{name}-{locale[:2]}-{width}")

    # Secretariat: a new cycle copied from the demo one, a weight changed, a
    # deputy chair added, opened — all through the web.
    page = login("secretariat")
    page.goto(f"{base}/cycles")
    page.click("a[href='/cycles/new']")
    page.fill("#id_name", "Anugerah Inovasi 2027")
    page.select_option("#id_copy_from", str(Cycle.objects.get(name="Anugerah Inovasi 2026").pk))
    page.click("main form button[type=submit]")
    page.wait_for_selector("#checklist")
    cycle = Cycle.objects.get(name="Anugerah Inovasi 2027").pk
    shot(page, "secretariat-setup")
    page.goto(f"{base}/cycles/{cycle}/rubric")
    page.fill("input[name=c0-weight]", "14")  # public interest 12 → 14
    page.fill("input[name=c4-weight]", "13")  # novelty 15 → 13
    page.get_by_role("button", name=re.compile("versi baru|new version")).click()
    page.wait_for_selector("text=/Bobot berjumlah 100|Weights add up to 100/")
    assert Cycle.objects.get(pk=cycle).rubric.criteria.get(code="public_interest").weight == 14
    page.goto(f"{base}/cycles/{cycle}/setup?q=Yusuf#add-member")
    adding = page.locator("#committee form", has_text="Yusuf Ramadhan")
    adding.locator("select").select_option("deputy_chair")
    adding.get_by_role("button").click()
    page.wait_for_selector("#committee >> text=Yusuf Ramadhan")
    page.goto(f"{base}/cycles/{cycle}")
    page.get_by_role("button", name=re.compile("Pindah ke tahap|Move to the")).click()
    _confirm_phase(page)
    assert Cycle.objects.get(pk=cycle).phase == "nominating"

    # Supervisor: a nomination in steps, with an evidence file, submitted.
    page = login("supervisor")
    page.goto(f"{base}/nominations/new")
    page.select_option(
        "#id_category",
        label="Anugerah Inovasi 2027 — " + ("New technology" if english else "Teknologi baru"),
    )
    _pick(page, "Budi", "Budi Santoso")
    page.fill("#id_title", "Layanan izin satu hari")
    page.fill("#id_problem", "Izin usaha butuh 14 hari.")
    page.fill("#id_solution", "Formulir daring dengan pemeriksaan otomatis.")
    page.fill("#id_impact", "Izin selesai dalam satu hari untuk 12.000 pemohon.")
    page.fill("#id_started_on", "2024-01-15")
    page.click("main button[type=submit]")
    for field in page.locator("textarea").all():
        field.fill("Contoh nyata dari pelayanan sehari-hari.")
    page.click("main button[type=submit]")
    evidence = tmp_path / "laporan.pdf"
    evidence.write_bytes(PDF)
    page.set_input_files("#files", str(evidence))
    page.click("form[hx-post] button[type=submit]")
    page.wait_for_selector("#evidence >> text=laporan.pdf")
    # Listed in the table at once (not only in the upload's outcome).
    assert "laporan.pdf" in page.inner_text("#evidence tbody")
    assert "Belum ada bukti" not in page.inner_text("#evidence")
    assert "No evidence yet" not in page.inner_text("#evidence")
    page.get_by_role("button", name=re.compile("^(Lanjutkan|Continue)$")).click()
    page.check("input[name=confirm]")
    page.get_by_role("button", name=re.compile("Ajukan|Submit")).click()
    page.wait_for_selector("text=Layanan izin satu hari")
    assert ("submitted" if english else "diajukan") in page.inner_text("main").lower()
    page.goto(f"{base}/team")
    shot(page, "supervisor-team")

    # Secretariat: screening, reviewing phase, reviewer assignment.
    page = login("secretariat")
    page.goto(f"{base}/cycles/{cycle}/screening")
    page.get_by_role("button", name=re.compile("^Layak$|^Eligible$")).click()
    page.goto(f"{base}/cycles/{cycle}/phase")
    _confirm_phase(page)
    page.goto(f"{base}/cycles/{cycle}/assignment")
    page.get_by_role("button", name=re.compile("Tugaskan|Assign")).click()
    page.wait_for_selector("text=/3 (penilaian|reviews)/")
    shot(page, "secretariat-assignment")

    # Three reviewers score.
    for username in ("reviewer1", "reviewer2", "reviewer3"):
        page = login(username)
        page.goto(f"{base}/reviews")
        page.locator("main table a").first.click()
        for group in page.locator("fieldset.score").all():
            group.locator("input[type=radio]").last.check()
        if username == "reviewer1":
            shot(page, "reviewer-scoring")
        page.get_by_role("button", name=re.compile("Kirim penilaian|Submit the review")).click()
        page.wait_for_selector(".badge.submitted")

    # Secretariat: deciding phase. Chair: decides with the proposed level.
    page = login("secretariat")
    page.goto(f"{base}/cycles/{cycle}/phase")
    _confirm_phase(page)
    page = login("chair")
    page.goto(f"{base}/cycles/{cycle}/ranking")
    shot(page, "chair-ranking")
    page.get_by_role("link", name=re.compile("Putuskan|Decide")).first.click()
    page.select_option("#award_level", "gold")
    page.fill("#rationale", "Dampak luas bagi warga.")
    page.get_by_role("button", name=re.compile("Catat keputusan|Record the decision")).click()
    page.wait_for_url(f"{base}/cycles/{cycle}/ranking")

    # Secretariat publishes and watches the progress bar finish.
    page = login("secretariat")
    page.goto(f"{base}/cycles/{cycle}/publication")
    page.check("input[name=confirm]")
    page.get_by_role("button", name=re.compile("Umumkan|Publish")).click()
    page.wait_for_selector("#publication >> text=/Selesai|Finished/", timeout=90_000)
    progress = page.locator("#publication progress")
    assert progress.get_attribute("value") == progress.get_attribute("max")
    shot(page, "secretariat-publication")

    # HR approves an incentive and sees the budget move.
    page = login("hr")
    page.goto(f"{base}/incentives")
    page.locator("tbody tr").first.get_by_role("button", name=re.compile("Setujui|Approve")).click()
    page.wait_for_selector("tbody .badge.approved")
    shot(page, "hr-incentives")

    # Staff downloads the certificate: a PDF with their name.
    page = login("staff")
    page.goto(f"{base}/my/certificates")
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile("Unduh PDF|Download PDF")).click()
    data = open(download.value.path(), "rb").read()  # noqa: SIM115 - read once
    assert data.startswith(b"%PDF")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "Budi Santoso" in text
    code = page.locator("a[href^='/verify/']").first.get_attribute("href").rsplit("/", 1)[1]
    shot(page, "staff-certificates")
    page.goto(f"{base}/my/career")
    shot(page, "staff-career")

    # The public verifies it by code, and sees the recognition wall.
    context = page.context.browser.new_context(locale="id-ID")
    anonymous = context.new_page()
    anonymous.goto(f"{base}/verify")
    anonymous.fill("#code", code)
    anonymous.get_by_role("button", name=re.compile("^Periksa$|^Check$")).click()
    assert "Sertifikat ini sah" in anonymous.inner_text("main")
    assert "Budi Santoso" in anonymous.inner_text("main")
    shot(anonymous, "public-verify")
    anonymous.goto(f"{base}/recognitions")
    assert "Layanan izin satu hari" in anonymous.inner_text("main")
    shot(anonymous, "public-recognition")
    context.close()


def test_bad_input_shows_the_error_beside_the_field_and_keeps_what_was_typed(
    demo, login, live_server
):
    page = login("supervisor")
    page.goto(f"{live_server.url}/nominations/new")
    page.select_option("#id_category", label="Anugerah Inovasi 2026 — Teknologi baru")
    _pick(page, "Budi", "Budi Santoso")
    page.fill("#id_title", "Antrian daring puskesmas")
    page.fill("#id_problem", "Antrean panjang sejak subuh.")
    page.fill("#id_started_on", "2999-01-01")
    page.click("main button[type=submit]")
    # The error sits right below its own field, the other missing fields say so too…
    error = page.locator("#id_started_on-error")
    assert "masa depan" in error.inner_text()
    assert page.locator("#id_started_on + ul.field-error, #id_started_on ~ ul.field-error").count()
    assert page.locator("#id_solution-error").is_visible()
    # …all of them are listed at the top, and the first one takes the focus.
    summary = page.inner_text(".error-summary")
    assert "masa depan" in summary
    assert summary.count("\n") >= 3
    assert page.evaluate("document.activeElement.id") == "id_solution"
    # …and everything typed is still there.
    assert page.input_value("#id_title") == "Antrian daring puskesmas"
    assert page.input_value("#id_problem") == "Antrean panjang sejak subuh."
    assert page.input_value("#id_started_on") == "2999-01-01"
    screenshot(page, "supervisor-form-error")


def test_a_reviewer_gets_404_for_a_review_that_is_not_theirs(demo, login, live_server):
    from nominations.models import Assignment, CommitteeMember, Cycle
    from people.models import Employee
    from tests.nominations.helpers import nomination

    cycle = Cycle.objects.get(name="Anugerah Inovasi 2026")
    item = nomination(
        cycle,
        Employee.objects.get(user__username="supervisor"),
        [Employee.objects.get(user__username="staff")],
    )
    theirs = Assignment.objects.create(
        nomination=item,
        member=CommitteeMember.objects.get(cycle=cycle, employee__user__username="reviewer1"),
        round=cycle.rounds.first(),
    )
    page = login("reviewer2")
    response = page.goto(f"{live_server.url}/reviews/{theirs.pk}")
    assert response.status == 404
    page = login("reviewer1")
    assert page.goto(f"{live_server.url}/reviews/{theirs.pk}").status == 200


def test_the_language_switch_turns_the_pages_english_and_back(demo, login, live_server):
    page = login("staff")
    assert page.locator("html").get_attribute("lang") == "id"
    assert "Sertifikat saya" in page.inner_text("main")
    page.get_by_role("button", name="EN").click()
    page.wait_for_selector("html[lang=en]")
    assert "My certificates" in page.inner_text("main")
    screenshot(page, "staff-home-english")
    page.get_by_role("button", name="ID").click()
    page.wait_for_selector("html[lang=id]")


def test_the_chair_sees_adjusted_scores_leniency_and_the_flag_in_both_languages(
    transactional_db, reviewed, login, live_server
):
    """Twelve nominations, six reviewers, one of them lenient and one split
    decision (``tests.nominations.test_ranking_adjusted``)."""
    from nominations.models import Cycle
    from tests.factories import PASSWORD as FACTORY_PASSWORD

    cycle = Cycle.objects.get()
    _items, lenient = reviewed
    for locale, words in (
        ("id-ID", ("Disesuaikan", "Kelonggaran penilai", "ketidaksepakatan")),
        ("en-GB", ("Adjusted", "Reviewer leniency", "disagreement")),
    ):
        page = login("chair", locale=locale, password=FACTORY_PASSWORD)
        page.goto(f"{live_server.url}/cycles/{cycle.pk}/ranking")
        text = page.inner_text("main")
        for word in words:
            assert word in text, word
        assert "±" in text
        # the leniency chart names the lenient reviewer first, with a whisker
        chart = page.locator("figure.chart svg").last
        assert chart.locator("text").first.text_content() == lenient.name
        assert chart.locator("line").count() > 1
        screenshot(page, f"chair-ranking-adjusted-{locale[:2]}")
        # sorting by the plain mean
        page.get_by_role("button", name=re.compile("rata-rata|mean")).click()
        page.wait_for_url(re.compile("view=raw"))
    # The secretariat sees how well the panel is mixed.
    page = login("secretariat", password=FACTORY_PASSWORD)
    page.goto(f"{live_server.url}/cycles/{cycle.pk}/assignment")
    assert "ya: setiap penilai terhubung" in page.inner_text("main")
    screenshot(page, "secretariat-assignment-design")


PHONE_PAGES = {
    "supervisor": ["/", "/team", "/nominations/new", "/my/nominations"],
    "staff": ["/my/nominations", "/my/certificates", "/my/career"],
    "reviewer1": ["/reviews"],
    "chair": ["/cycles", "/cycles/{cycle}", "/cycles/{cycle}/ranking", "/cycles/{cycle}/charts"],
    "secretariat": [
        "/cycles/new",
        "/cycles/{cycle}/nominations",
        "/cycles/{cycle}/phase",
        "/cycles/{cycle}/setup",
        "/cycles/{cycle}/rubric",
        "/cycles/{cycle}/screening",
        "/cycles/{cycle}/assignment",
        "/cycles/{cycle}/publication",
        "/cycles/{agency}",
        "/cycles/{agency}/promotion",
        "/cycles/{cycle}/rounds",
        "/certificates",
        "/webhooks",
    ],
    "hr": ["/incentives"],
}


def test_no_page_is_wider_than_a_phone_and_the_menu_opens(demo, login, live_server):
    from nominations.models import Cycle

    cycles = {
        "cycle": Cycle.objects.get(name="Anugerah Inovasi 2026").pk,
        "agency": Cycle.objects.get(parent__isnull=False).pk,
    }
    wide = []
    for username, paths in PHONE_PAGES.items():
        page = login(username, width=390, height=844)
        for path in ["/recognitions", "/verify", *paths]:
            response = page.goto(live_server.url + path.format(**cycles))
            assert response is not None
            assert response.ok, (username, path, response.status)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 390:
                wide.append((username, path, width))
            name = re.sub(r"[{}]", "", path).strip("/").replace("/", "-") or "home"
            screenshot(page, f"phone-id-{username}-{name}")
    assert wide == []
    # A table with a header row is stacked: one card a row, each value labelled.
    page = login("chair", width=390, height=844)
    page.goto(f"{live_server.url}/cycles")
    cell = page.locator("main table tbody td").first
    assert cell.get_attribute("data-label") == "Siklus"
    assert cell.evaluate("td => getComputedStyle(td).display") in ("block", "flow-root")
    assert page.locator("main table thead").bounding_box()["height"] <= 1
    # The links are folded into the menu, which opens on a tap.
    page = login("secretariat", width=390, height=844)
    assert not page.get_by_role("link", name="Siklus", exact=True).is_visible()
    page.click("label[for=menu-toggle]")
    page.get_by_role("link", name="Siklus", exact=True).click()
    page.wait_for_url(f"{live_server.url}/cycles")
    screenshot(page, "secretariat-cycles-phone")
    # On a desktop the links show without a menu.
    desktop = login("secretariat")
    assert desktop.get_by_role("link", name="Siklus", exact=True).is_visible()
    assert not desktop.locator("label[for=menu-toggle]").is_visible()
