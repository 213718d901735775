"""The web pages with the Django test client: what each role sees, 404 for
what is not theirs, query budgets of the main pages, and both languages."""

import re

import polib
import pytest
from django.conf import settings
from django.test import Client


def client_for(employee, language="en"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if employee is not None:
        client.force_login(employee.user)
    return client


# The main page of each role, the role's fixture name and a query budget
# (measured; the budget does not depend on how many rows the page lists).
MAIN_PAGES = [
    ("/", None, 0),
    ("/recognitions", None, 6),  # + 1: the public shortlists
    ("/verify", None, 0),
    ("/", "subordinate", 15),
    ("/my/nominations", "subordinate", 12),  # + 1: how each round ended
    ("/my/certificates", "subordinate", 7),
    ("/my/career", "subordinate", 10),
    ("/team", "supervisor", 13),  # + 1: the reporting line's (capped) count
    ("/nominations/new", "supervisor", 8),
    ("/reviews", "reviewers", 7),
    ("/cycles", "secretariat", 7),
    ("/cycles/new", "secretariat", 8),  # the cycles: copied from, or the higher-level one
    ("/cycles/{cycle}", "secretariat", 14),
    # + 1: the cycle's titles, to flag duplicates of the page's rows
    ("/cycles/{cycle}/nominations", "secretariat", 16),
    ("/cycles/{cycle}/nominations?q=a&flagged=on&sort=title", "secretariat", 15),
    ("/cycles/{cycle}/phase", "secretariat", 7),
    # + 2: the incentive policy (budget and rules)
    ("/cycles/{cycle}/setup", "secretariat", 21),
    ("/cycles/{cycle}/rubric", "secretariat", 8),
    ("/cycles/{cycle}/screening", "secretariat", 10),
    # + 1 since the page also waits for the results-published event's handlers
    ("/cycles/{cycle}/publication", "secretariat", 14),
    # + 5: the version of the ranking's inputs, under which it is kept in the cache
    ("/cycles/{cycle}/ranking", "secretariat", 23),
    ("/cycles/{cycle}/assignment", "secretariat", 12),
    ("/cycles/{cycle}/charts", "secretariat", 8),
    ("/cycles/{cycle}/rounds", "secretariat", 12),
    ("/certificates", "secretariat", 9),
    ("/webhooks", "secretariat", 7),
    ("/incentives", "hr", 11),
]


def _who(request, name):
    if name is None:
        return None
    person = request.getfixturevalue(name)
    return person[0] if isinstance(person, list) else person


@pytest.mark.parametrize("data", ["published", "published_many"])
@pytest.mark.parametrize(("url", "who", "budget"), MAIN_PAGES)
def test_main_pages_load_within_their_query_budget(
    request, data, url, who, budget, django_assert_max_num_queries
):
    """The same budget with 2 and with 10 awarded nominations."""
    cycle = request.getfixturevalue(data)["cycle"]
    client = client_for(_who(request, who))
    client.get("/")  # the session and language are settled
    with django_assert_max_num_queries(budget):
        response = client.get(url.format(cycle=cycle.pk))
    assert response.status_code == 200


def _english_msgids() -> set[str]:
    catalogue = polib.pofile(settings.BASE_DIR / "locale" / "id" / "LC_MESSAGES" / "django.po")
    return {
        e.msgid
        for e in catalogue
        if e.msgstr
        and e.msgstr != e.msgid
        and len(e.msgid) >= 8
        and "%" not in e.msgid
        and not e.obsolete
        and " " in e.msgid
    }


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize(("url", "who", "budget"), MAIN_PAGES)
def test_indonesian_pages_have_no_untranslated_strings(request, published, url, who, budget):
    client = client_for(_who(request, who), language="id")
    page = client.get(url.format(cycle=published["cycle"].pk)).content.decode()
    assert '<html lang="id">' in page
    text = _visible_text(page)
    left = sorted(m for m in _english_msgids() if m in text)
    assert left == []


@pytest.mark.parametrize(("url", "who", "budget"), MAIN_PAGES)
def test_english_pages_render_in_english(request, published, url, who, budget):
    client = client_for(_who(request, who), language="en")
    page = client.get(url.format(cycle=published["cycle"].pk)).content.decode()
    assert '<html lang="en">' in page
    assert "Log in" in page or "Log out" in page


def test_a_reviewer_cannot_open_someone_elses_review(published, reviewers, cycle):
    from nominations.models import Assignment, CommitteeMember, Nomination

    nomination = Nomination.objects.filter(cycle=cycle).first()
    theirs = Assignment.objects.create(
        nomination=nomination,
        member=CommitteeMember.objects.get(employee=reviewers[0]),
        round=cycle.rounds.first(),
    )
    assert client_for(reviewers[1]).get(f"/reviews/{theirs.pk}").status_code == 404
    assert client_for(reviewers[0]).get(f"/reviews/{theirs.pk}").status_code == 200


@pytest.mark.parametrize(
    ("url", "who"),
    [
        ("/cycles/{cycle}/screening", "supervisor"),
        ("/cycles/{cycle}/setup", "chair"),
        ("/cycles/{cycle}/rubric", "chair"),
        ("/cycles/new", "supervisor"),
        ("/cycles/{cycle}/publication", "hr"),
        ("/incentives", "secretariat"),
        ("/webhooks", "outsider"),
        ("/nominations/{nomination}", "outsider"),
        ("/nominations/{nomination}/edit/innovation", "junior"),
    ],
)
def test_pages_that_are_not_yours_answer_404(request, published, url, who):
    response = client_for(_who(request, who)).get(
        url.format(cycle=published["cycle"].pk, nomination=published["gold"].pk)
    )
    assert response.status_code == 404


def test_pages_ask_anonymous_visitors_to_log_in(db):
    response = Client().get("/my/certificates")
    assert (response.status_code, response["Location"]) == (302, "/login?next=/my/certificates")


def test_the_preference_switch_answers_its_fragment_over_htmx(published, subordinate):
    from people.models import Employee

    response = client_for(subordinate).post("/my/preference", {}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'id="preference"' in response.content.decode()
    assert Employee.objects.get(pk=subordinate.pk).public_recognition is False


def test_hr_approves_over_htmx_and_the_budget_updates_in_place(published, hr):
    from rewards.models import IncentiveRecord

    record = IncentiveRecord.objects.get(kind="bonus", amount=5_000_000)
    response = client_for(hr).post(
        f"/incentives/{record.pk}/approve", {"reason": ""}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert f'id="incentive-{record.pk}"' in html
    assert 'id="budget" hx-swap-oob="true"' in html
    assert "Used Rp 5,000,000 of Rp 12,000,000; Rp 7,000,000 left." in html


def test_too_many_wrong_passwords_lock_the_login(db, supervisor):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post("/login", {"username": "supervisor", "password": "wrong"})
    response = client.post("/login", {"username": "supervisor", "password": "demo12345"})
    assert response.status_code == 429
    assert "Too many failed log-in attempts" in response.content.decode()


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("id", "Nama pengguna atau kata sandi salah. Huruf besar dan kecil dibedakan."),
        ("en", "The username or the password is wrong. Capitals and small letters count."),
    ],
)
def test_a_wrong_password_is_refused_in_plain_words(db, supervisor, language, message):
    response = Client(HTTP_ACCEPT_LANGUAGE=language).post(
        "/login", {"username": "supervisor", "password": "wrong"}
    )
    assert message in response.content.decode()


def test_the_home_page_lists_what_waits_for_hr(published, hr):
    page = client_for(hr).get("/").content.decode()
    assert "Incentives awaiting approval" in page
    assert re.search(r'class="count">6<', page)


def test_hr_exports_the_career_feed_as_csv(published, hr, subordinate, junior, outsider):
    import csv
    import io

    response = client_for(hr).get("/career-events.csv")
    assert response["Content-Disposition"].startswith('attachment; filename="career-events-')
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert sorted((r["nip"], r["kind"], r["award_level"]) for r in rows) == sorted(
        [
            (subordinate.nip, "award", "gold"),
            (subordinate.nip, "award", "silver"),
            (junior.nip, "award", "silver"),
        ]
    )
    assert client_for(outsider).get("/career-events.csv").status_code == 404


def test_publication_progress_finishes_only_when_every_handler_has_run(
    supervisor, subordinate, secretariat, cycle
):
    from certificates.models import Certificate
    from certificates.services import certificate_issue
    from core import events
    from core.models import EventDelivery
    from nominations import services
    from rewards.services import publication_process
    from tests.nominations.helpers import decided, move_to

    decided(cycle, supervisor, [subordinate])
    move_to(cycle, "deciding")
    services.cycle_publish(cycle_id=cycle.pk, actor=secretariat.user)
    client = client_for(secretariat)
    url = f"/cycles/{cycle.pk}/publication/progress"

    def status():
        html = client.get(url).content.decode()
        return re.search(r'<p role="status">(.*?)</p>', html, re.S).group(1).split(".")[0].strip()

    # The rewards app handled the event and its job is done, but the
    # certificates app has not yet: no certificate exists, nothing is finished.
    rewards = EventDelivery.objects.get(handler="rewards.events.start_rewards")
    assert events.deliver(delivery_id=rewards.pk)
    publication_process(cycle_id=cycle.pk)
    assert not Certificate.objects.exists()
    assert "Finished" not in status()
    events.deliver_pending()
    assert "Finished" not in status()  # the certificate is still to be issued
    certificate_issue(certificate_id=Certificate.objects.get().pk)
    assert status() == "<strong>Finished"


def test_an_uploaded_file_is_listed_at_once(cycle, supervisor, subordinate):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.nominations.helpers import PDF_BYTES, nomination

    draft = nomination(cycle, supervisor, [subordinate])
    response = client_for(supervisor).post(
        f"/nominations/{draft.pk}/evidence",
        {"files": [SimpleUploadedFile("laporan.pdf", PDF_BYTES)]},
        HTTP_HX_REQUEST="true",
    )
    table = response.content.decode().split("<tbody>")[1]
    assert "laporan.pdf" in table
    assert "No evidence yet." not in table


def test_a_reviewer_sees_their_own_total_once_every_criterion_is_scored(in_review, reviewers):
    from tests.nominations.helpers import ALL_FIVE
    from tests.nominations.test_review import assignment_of

    assignment = assignment_of(reviewers[0], in_review)
    client = client_for(reviewers[0])
    page = client.get(f"/reviews/{assignment.pk}").content.decode()
    assert "once every criterion is scored" in page
    form = {f"score-{code}": "5" for code in ALL_FIVE} | {"score-novelty": "1", "action": "draft"}
    client.post(f"/reviews/{assignment.pk}", form)
    page = client.get(f"/reviews/{assignment.pk}").content.decode()
    # Novelty (weight 15) at the bottom of its scale, everything else at the top.
    assert "Your score: <strong>85.0</strong> of 100 (PSM 100.0, innovation 75.0)." in page


def test_after_submitting_a_reviewer_sees_the_others_by_criterion_name(api, in_review, reviewers):
    from tests.nominations.test_review import assignment_of, submit_all

    submit_all(api, reviewers[:2], in_review)
    page = client_for(reviewers[0]).get(f"/reviews/{assignment_of(reviewers[0], in_review).pk}")
    text = page.content.decode()
    others = text.split("The other reviews", 1)[1].split("</section>", 1)[0]
    name = in_review.cycle.rubric.criteria.get(code="public_interest").name_en
    assert f"{name} 5" in others
    assert "Score: 100.0</strong>" in others
    assert "public_interest" not in others
    # the page has its two parts a tap apart on a phone
    assert '<a href="#the-nomination">' in text
    assert '<a href="#the-rubric">' in text


def test_every_role_sees_when_the_current_phase_closes(cycle, subordinate, reviewers):
    import datetime as dt

    from django.utils import timezone

    from nominations.models import Cycle

    Cycle.objects.filter(pk=cycle.pk).update(
        reviewing_on=timezone.localdate() + dt.timedelta(days=4)
    )
    for person in (subordinate, reviewers[0]):
        page = client_for(person).get("/").content.decode()
        assert "Anugerah Inovasi Uji: nominations close in 4 days" in page
    page = client_for(subordinate, language="id").get("/").content.decode()
    assert "Anugerah Inovasi Uji: nominasi ditutup dalam 4 hari" in page


def test_after_review_the_assignment_page_says_reviewing_is_over(published, secretariat):
    page = client_for(secretariat).get(f"/cycles/{published['cycle'].pk}/assignment")
    text = page.content.decode()
    assert "Reviewing is over" in text
    assert "Move the cycle to the reviewing phase first." not in text


def test_my_team_lists_a_long_reporting_line_a_page_at_a_time(supervisor, subordinate, junior):
    from tests.factories import EmployeeFactory

    EmployeeFactory.create_batch(60, supervisor=junior, org_unit=junior.org_unit)
    client = client_for(supervisor)
    first = client.get("/team")
    assert first.status_code == 200
    line = first.context["team"]
    assert (len(line.rows), line.count, line.count_exact) == (50, 62, True)
    assert line.previous is None
    assert "62 people" in first.content.decode()
    rest = client.get(line.next)
    shown = [e.name for e in line.rows] + [e.name for e in rest.context["team"].rows]
    assert len(shown) == 62
    assert shown == sorted(shown)
    assert {"Subordinate", "Junior"} <= set(shown)
    assert rest.context["team"].next is None
    assert rest.context["team"].previous
    assert client.get("/team", {"cursor": "nonsense"}).status_code == 400
