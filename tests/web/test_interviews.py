"""Interviews in the browser: the schedule grid leads to each interview's
moderator page, whose presentation and question timers count down in a
real Chromium (its clock driven by the test); a panel member scores from
there."""

import datetime as dt

from nominations import services
from nominations.models import InterviewSlot
from nominations.services.rounds import InterviewTimes
from tests.factories import PASSWORD
from tests.nominations.test_rounds import interviewing, staged, two_rounds  # noqa: F401

from .conftest import screenshot
from .test_pages import client_for

TIMES = InterviewTimes(
    days=[dt.date(2027, 3, 1)], start=dt.time(8), end=dt.time(10), slot_minutes=30, rooms=2
)


def scheduled(interviewing, secretariat):  # noqa: F811
    cycle, interview, _three = interviewing
    services.interviews_schedule(round_id=interview.pk, actor=secretariat.user, times=TIMES)
    return cycle, interview


def test_a_panel_member_opens_the_interview_and_scores_it(interviewing, secretariat, supervisor):  # noqa: F811
    cycle, interview = scheduled(interviewing, secretariat)
    slot = InterviewSlot.objects.filter(round=interview).first()
    member = slot.panel.first()
    url = f"/cycles/{cycle.pk}/interviews/{slot.pk}"
    page = client_for(member.employee).get(url).content.decode()
    assert slot.nomination.title in page
    assert "Score this interview" in page
    # Not on this panel, not running the cycle: nothing.
    outsider = interview.cycle.committee.exclude(pk__in=slot.panel.all()).filter(is_chair=False)
    assert client_for(outsider.first().employee).get(url).status_code == 404
    assert client_for(supervisor).get(url).status_code == 404
    assert client_for(secretariat).get(f"/cycles/{cycle.pk}/interviews/{10**9}").status_code == 404


def test_the_schedule_grid_leads_to_the_moderator_timers(
    transactional_db,
    interviewing,  # noqa: F811
    secretariat,
    login,
    live_server,
):
    cycle, interview = scheduled(interviewing, secretariat)
    page = login("chair", password=PASSWORD, locale="en-GB")
    page.clock.install()
    page.goto(f"{live_server.url}/cycles/{cycle.pk}/rounds/{interview.pk}/schedule")
    grid = page.locator("table.schedule")
    assert grid.locator("thead th").all_inner_texts() == ["Time", "Room 1", "Room 2"]
    assert grid.locator("tbody tr").first.locator("td").first.inner_text() == "08:00–08:30"
    screenshot(page, "interview-schedule")
    first = InterviewSlot.objects.filter(round=interview).order_by("starts_at", "room").first()
    page.click(f"text={first.nomination.title}")
    page.wait_for_selector("#timer-presentation")
    talk = page.locator("#timer-presentation")
    assert talk.locator("[data-clock]").inner_text() == "07:00"
    talk.get_by_role("button", name="Start").click()
    page.clock.run_for(60_000)
    assert talk.locator("[data-clock]").inner_text() == "06:00"
    talk.get_by_role("button", name="Pause").click()
    page.clock.run_for(120_000)
    assert talk.locator("[data-clock]").inner_text() == "06:00"  # paused
    talk.get_by_role("button", name="Start").click()
    page.clock.run_for(400_000)
    assert talk.locator("[data-clock]").inner_text() == "00:00"
    assert talk.locator("[data-done]").is_visible()
    questions = page.locator("#timer-questions")
    assert questions.locator("[data-clock]").inner_text() == "13:00"
    questions.get_by_role("button", name="Start").click()
    page.clock.run_for(30_000)
    assert questions.locator("[data-clock]").inner_text() == "12:30"
    screenshot(page, "interview-moderator")
    talk.get_by_role("button", name="Reset").click()
    assert talk.locator("[data-clock]").inner_text() == "07:00"
    assert not talk.locator("[data-done]").is_visible()
