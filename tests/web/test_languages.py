"""One language at a time: every page of every role, in Chromium, in
Indonesian and in English, shows no word of the other language and no
internal code. The data is the published cycle of the rewards tests (names
and texts users entered are Indonesian or English as typed, so the word
lists hold interface words only)."""

import re

import pytest

from .conftest import screenshot

# Words of the interface that only one of the languages uses.
INDONESIAN = {
    "dan", "yang", "untuk", "dengan", "tidak", "belum", "sudah", "atau", "nominasi",
    "penilaian", "penilai", "siklus", "penghargaan", "sertifikat", "tahap", "keputusan",
    "unduh", "simpan", "kirim", "ajukan", "masuk", "keluar", "menunggu", "diajukan",
    "disetujui", "ditolak", "karier", "insentif", "ringkasan", "pengaturan", "peringkat",
}  # fmt: skip
ENGLISH = {
    "and", "review", "reviews", "nomination", "nominations", "award", "certificate",
    "certificates", "cycle", "phase", "decision", "download", "submitted", "approved",
    "rejected", "pending", "waiting", "incentive", "incentives", "score", "settings",
    "search", "overview", "reviewer", "career", "save", "ranking",
}  # fmt: skip
# Codes the data uses internally: award levels, criteria, categories, states.
CODES = re.compile(
    r"\b(gold|silver|bronze)\b|\b[a-z]+_[a-z_]+\b|\b(technology|management|service)-team\b"
)

PAGES = {
    None: ["/recognitions", "/recognitions/{post}", "/verify"],
    "subordinate": ["/", "/my/nominations", "/my/certificates", "/my/career"],
    "supervisor": ["/", "/team", "/nominations/new", "/nominations/{gold}", "/nominations/{put}"],
    "reviewer1": ["/", "/reviews"],
    "chair": [
        "/cycles/{cycle}",
        "/cycles/{cycle}/nominations",
        "/cycles/{cycle}/ranking",
        "/cycles/{cycle}/decide/{gold}",
        "/cycles/{cycle}/charts",
        "/cycles/{cycle}/rounds/{round}/shortlist",
    ],
    "secretariat": [
        "/cycles",
        "/cycles/new",
        "/cycles/{cycle}/phase",
        "/cycles/{cycle}/setup",
        "/cycles/{cycle}/rubric",
        "/cycles/{cycle}/screening",
        "/cycles/{cycle}/assignment",
        "/cycles/{cycle}/publication",
        "/cycles/{cycle}/promotion",
        "/cycles/{cycle}/rounds",
        "/cycles/{national}/rounds",
        "/cycles/{national}/screening",
        "/certificates",
        "/webhooks",
    ],
    "hr": ["/", "/incentives"],
}


def _other_language(text: str, words: set[str]) -> list[str]:
    # whole words only: "Reviewer1", a test user's name, is not "reviewer"
    return sorted({w for w in re.findall(r"\b[A-Za-z]+\b", text) if w.lower() in words})


@pytest.mark.parametrize(
    ("locale", "foreign"), [("id-ID", ENGLISH), ("en-GB", INDONESIAN)], ids=["id", "en"]
)
def test_every_page_speaks_one_language_and_shows_no_codes(
    transactional_db, published, secretariat, hr, browser, live_server, login, locale, foreign
):
    from nominations import services
    from tests.factories import PASSWORD

    # A national cycle the published one puts its winners forward to: the
    # gold is put forward, the silver waits (the national one takes one).
    national = services.cycle_create(
        name="Anugerah Inovasi Nasional", copy_from=published["cycle"], promotion_quota=1
    )
    services.cycle_set_phase(cycle_id=national.pk, phase="nominating")
    services.cycle_update(cycle_id=published["cycle"].pk, parent=national)
    put = services.nomination_promote(nomination_id=published["gold"].pk, actor=secretariat.user)
    ids = {
        "cycle": published["cycle"].pk,
        "gold": published["gold"].pk,
        "post": published["gold"].recognition_post.pk,
        "national": national.pk,
        "put": put.nomination.pk,
        "round": published["cycle"].rounds.get().pk,
    }
    found = []
    for who, paths in PAGES.items():
        if who is None:
            context = browser.new_context(locale=locale)
            page = context.new_page()
        else:
            page = login(who, locale=locale, password=PASSWORD)
        for path in paths:
            url = path.format(**ids)
            response = page.goto(live_server.url + url)
            assert response is not None
            assert response.ok, (who, url, response.status)
            text = page.inner_text("body") + "\n" + page.title()
            for word in _other_language(text, foreign):
                found.append((who, url, "word", word))
            for match in CODES.finditer(text):
                found.append((who, url, "code", match.group(0)))
            name = re.sub(r"[{}]", "", path).strip("/").replace("/", "-") or "home"
            screenshot(page, f"lang-{locale[:2]}-{who or 'public'}-{name}")
        if who is None:
            context.close()
    assert found == [], "\n".join(map(str, found))


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_score_reads_as_floatformat_would_write_it(language):
    """The ranking page's ``score`` filter: one decimal, rounded half up, in
    the language's notation, as ``floatformat:1`` writes it (faster)."""
    from django.template import Context, Template
    from django.utils import translation

    ours = Template("{% load humanize_idr %}{{ v|score }}")
    django_s = Template("{{ v|floatformat:1 }}")
    with translation.override(language):
        for value in (70.25, 70.24, 0, 0.05, 99.95, 100, 3.0, -0.05, 12.349999):
            context = Context({"v": value})
            assert ours.render(context) == django_s.render(context), value
        assert ours.render(Context({"v": None})) == ""
