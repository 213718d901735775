"""The rounds in the browser: the secretariat adds a round on the rounds
page; the chair sees a round's proposed shortlist ticked and advances it
after a confirmation; nobody else may."""

from nominations.models import Nomination, Round
from tests.nominations.test_rounds import staged, two_rounds  # noqa: F401 - fixtures

from .test_pages import client_for


def test_the_secretariat_adds_a_round_with_a_panel(staged, secretariat, chair):  # noqa: F811
    cycle, _members, _staff = staged
    client = client_for(secretariat)
    page = client.get(f"/cycles/{cycle.pk}/rounds")
    assert page.status_code == 200
    assert "1. Desk evaluation" in page.content.decode()
    seats = list(cycle.committee.filter(is_chair=False).values_list("pk", flat=True))[:3]
    done = client.post(
        f"/cycles/{cycle.pk}/rounds",
        {"kind": "interview", "weight": 2, "advance_rule": "chair", "panel": seats},
        follow=True,
    )
    text = done.content.decode()
    assert "The round is added." in text
    assert "2. Presentation and interview" in text
    interview = cycle.rounds.get(position=2)
    assert sorted(m.pk for m in interview.panel.all()) == sorted(seats)
    refused = client.post(
        f"/cycles/{cycle.pk}/rounds",
        {"kind": "desk", "weight": 1, "advance_rule": "top_n"},
        follow=True,
    )
    assert "N per category: Say how many nominations of each category advance." in (
        refused.content.decode()
    )
    # The chair reads the page but cannot add a round.
    chair_client = client_for(chair)
    assert chair_client.get(f"/cycles/{cycle.pk}/rounds").status_code == 200
    assert (
        chair_client.post(
            f"/cycles/{cycle.pk}/rounds", {"kind": "desk", "weight": 1, "advance_rule": "chair"}
        ).status_code
        == 404
    )
    assert (
        chair_client.post(f"/cycles/{cycle.pk}/rounds/{interview.pk}", {"delete": "1"}).status_code
        == 404
    )
    assert cycle.rounds.count() == 2
    saved = client.post(
        f"/cycles/{cycle.pk}/rounds/{interview.pk}",
        {
            f"r{interview.pk}-kind": "interview",
            f"r{interview.pk}-weight": 3,
            f"r{interview.pk}-advance_rule": "min_score",
            f"r{interview.pk}-advance_min_score": "70",
        },
        follow=True,
    )
    assert "The round is saved." in saved.content.decode()
    interview.refresh_from_db()
    assert (interview.weight, interview.advance_rule, interview.advance_min_score) == (
        3,
        "min_score",
        70,
    )
    assert not interview.panel.exists()  # none ticked: the whole committee
    removed = client.post(f"/cycles/{cycle.pk}/rounds/{interview.pk}", {"delete": "1"}, follow=True)
    assert "The round is removed." in removed.content.decode()
    assert cycle.rounds.count() == 1


def test_the_chair_advances_the_proposed_shortlist_after_confirming(
    two_rounds,  # noqa: F811
    chair,
    secretariat,
    supervisor,
    django_assert_max_num_queries,
):
    cycle, desk, interview, best = two_rounds
    url = f"/cycles/{cycle.pk}/rounds/{desk.pk}/shortlist"
    client = client_for(chair)
    client.get("/")
    # the round ranked, as on the ranking page (+ 6: the version of its inputs)
    with django_assert_max_num_queries(30):
        page = client.get(url)
    text = page.content.decode()
    assert text.count('name="nominations"') == 4
    assert text.count("checked") == 1  # the rule proposes the best of the category
    assert f'value="{best}" checked' in text
    unconfirmed = client.post(url, {"nominations": [best]}, follow=True)
    assert "Tick the box to confirm first." in unconfirmed.content.decode()
    assert Round.objects.get(pk=desk.pk).status == "open"
    for person in (secretariat, supervisor):
        assert client_for(person).post(
            url, {"nominations": [best], "confirm": "yes"}
        ).status_code in (404,)
    done = client.post(url, {"nominations": [best], "confirm": "yes"}, follow=True)
    assert "is advanced: 1 nomination(s) go on." in done.content.decode()
    assert Nomination.objects.get(pk=best).round_id == interview.pk
    after = client.get(url).content.decode()
    assert "The shortlist was advanced on" in after
    assert 'name="nominations"' not in after
    # The supervisor who nominated cannot see the page at all.
    assert client_for(supervisor).get(url).status_code == 404


def test_the_secretariat_schedules_the_interviews_and_sees_the_grid(
    api,
    two_rounds,  # noqa: F811
    chair,
    secretariat,
    supervisor,
):
    cycle, desk, interview, best = two_rounds
    three = sorted(Nomination.objects.filter(cycle=cycle).values_list("pk", flat=True))[:3]
    if best not in three:
        three[-1] = best
    url = f"/cycles/{cycle.pk}/rounds/{interview.pk}/schedule"
    client = client_for(secretariat)
    form = {"days": "2027-03-01", "start": "08:00", "slot_minutes": 30, "break_minutes": 0}
    # Before the desk round's shortlist: refused, said on the page.
    early = client.post(url, {**form, "end": "10:00", "rooms": 2}, follow=True)
    assert "Interviews are scheduled when their round is the current one." in (
        early.content.decode()
    )
    client_for(chair).post(
        f"/cycles/{cycle.pk}/rounds/{desk.pk}/shortlist",
        {"nominations": three, "rationale": "Three go on.", "confirm": "yes"},
    )
    assert "not scheduled yet" in client.get(url).content.decode()
    cramped = client.post(url, {**form, "end": "08:30", "rooms": 1}, follow=True)
    text = cramped.content.decode()
    assert "2 nomination(s) cannot be scheduled; nothing was saved." in text
    assert "no free slot is left in a room whose panel may hear it" in text
    assert not interview.slots.exists()
    wrong = client.post(url, {**form, "end": "07:00", "rooms": 1}, follow=True)
    assert "The day ends after it starts." in wrong.content.decode()
    done = client.post(url, {**form, "end": "10:00", "rooms": 2}, follow=True)
    page = done.content.decode()
    assert "The interviews are scheduled." in page
    assert "Monday 1 March 2027" in page
    assert "08:00–08:30" in page
    assert page.count("Room 1") >= 2  # the panel list and the grid's column
    for item in Nomination.objects.filter(pk__in=three):
        assert item.title in page
    assert 'name="slot_minutes"' not in page  # scheduled once
    # The chair reads it; a supervisor gets nothing, and cannot post.
    assert client_for(chair).get(url).status_code == 200
    assert client_for(chair).post(url, {**form, "end": "10:00", "rooms": 2}).status_code == 404
    assert client_for(supervisor).get(url).status_code == 404
