"""Rounds (DESIGN §3.11, §7.3): a cycle of desk evaluation → interview →
field verification run through the API with 12 nominations and a shortlist
of 4; the final score weighting the rounds; the refusals."""

import pytest

from core.lifecycle import history
from nominations import services
from nominations.models import Assignment, Nomination, Round
from nominations.selectors import final_scores
from tests.fixtures import _person

from .helpers import ALL_FIVE, nomination

CRITERIA = list(ALL_FIVE)  # the default rubric's criteria, in order


def scores(k: int) -> dict:
    """Lower for a larger ``k``: ``k`` criteria at 4, the others at 5."""
    return {c: 4 if i < k else 5 for i, c in enumerate(CRITERIA)}


@pytest.fixture
def staged(org, supervisor, reviewers, chair, committee_unit, secretariat):
    """A cycle in draft with six reviewers and a chair, 12 nominees."""
    cycle = services.cycle_create(name="Anugerah Bertahap", max_nominations_per_unit=None)
    members = [*reviewers, *(_person(f"panel{i}", committee_unit) for i in range(3))]
    for person in members:
        services.committee_member_add(cycle=cycle, employee=person, load_cap=20)
    services.committee_member_add(cycle=cycle, employee=chair, is_chair=True)
    staff = [_person(f"staff{i}", org["dit"], supervisor=supervisor) for i in range(12)]
    return cycle, members, staff


def review_round(api, cycle, round_id, score_of):
    """Every reviewer of the round submits: ``score_of(nomination)`` levels."""
    for a in Assignment.objects.filter(round_id=round_id).select_related("member__employee"):
        response = api.as_(a.member.employee).put(
            f"/api/v1/assignments/{a.pk}/review",
            {"scores": score_of(a.nomination_id), "submit": True},
            format="json",
        )
        assert response.status_code == 200, response.json()


def test_three_rounds_from_desk_to_field_with_a_shortlist_of_four(
    api, staged, supervisor, secretariat, chair, django_assert_num_queries
):
    cycle, members, staff = staged
    rounds_url = f"/api/v1/cycles/{cycle.pk}/rounds"

    # A cycle starts with one desk round; the secretariat sets three up.
    (desk,) = api.as_(secretariat).get(rounds_url).json()
    assert (desk["position"], desk["kind"], desk["names"]["en"]) == (1, "desk", "Desk evaluation")
    response = api.as_(secretariat).patch(
        f"/api/v1/rounds/{desk['id']}", {"advance": {"rule": "top_n", "n": 2}}, format="json"
    )
    assert response.json()["advance"] == {"rule": "top_n", "n": 2, "min_score": None}
    panel = [m.pk for m in cycle.committee.filter(employee__in=members[3:])]
    interview = (
        api.as_(secretariat)
        .post(
            rounds_url,
            {"kind": "interview", "panel": panel, "weight": 2, "advance": {"rule": "chair"}},
            format="json",
        )
        .json()
    )
    field = (
        api.as_(secretariat)
        .post(
            rounds_url,
            {"kind": "field", "reviewers_per_nomination": 1, "max_unverified_claims": 0},
            format="json",
        )
        .json()
    )
    assert [
        (r["position"], r["kind"], r["weight"]) for r in api.as_(secretariat).get(rounds_url).json()
    ] == [
        (1, "desk", 1),
        (2, "interview", 2),
        (3, "field", 1),
    ]
    assert (interview["names"]["id"], sorted(interview["panel"])) == (
        "Presentasi dan wawancara",
        sorted(panel),
    )
    one = f"/api/v1/rounds/{interview['id']}"
    cleared = api.as_(secretariat).patch(one, {"panel": None}, format="json")
    assert cleared.json()["panel"] is None  # the whole committee
    again = api.as_(secretariat).patch(one, {"panel": panel}, format="json")
    assert sorted(again.json()["panel"]) == sorted(panel)

    # Twelve nominations in two categories, submitted and found eligible.
    cycle = services.cycle_set_phase(cycle_id=cycle.pk, phase="nominating")
    made = {}
    for i, person in enumerate(staff):
        category = "technology" if i < 6 else "service"
        item = nomination(cycle, supervisor, [person], title=f"Inovasi {i}", category=category)
        api.as_(supervisor).post(f"/api/v1/nominations/{item.pk}/submit")
        api.as_(secretariat).post(f"/api/v1/nominations/{item.pk}/screen", {"eligible": True})
        made[item.pk] = i % 6  # its place in its category, best first
    api.as_(secretariat).post(f"/api/v1/cycles/{cycle.pk}/phase", {"phase": "reviewing"})

    # Desk round: three reviewers each; the top two of each category are proposed.
    answer = api.as_(secretariat).post(f"/api/v1/cycles/{cycle.pk}/assign-reviewers").json()
    assert answer.get("assigned") == 36, answer
    last = Assignment.objects.filter(round_id=desk["id"]).order_by("pk").last()
    for a in Assignment.objects.filter(round_id=desk["id"]).exclude(pk=last.pk):
        api.as_(a.member.employee).put(
            f"/api/v1/assignments/{a.pk}/review",
            {"scores": scores(made[a.nomination_id]), "submit": True},
            format="json",
        )
    early = api.as_(chair).post(
        f"/api/v1/rounds/{desk['id']}/advance", {"nominations": [1]}, format="json"
    )
    assert (early.status_code, early.json()["message"]) == (
        409,
        "1 nomination(s) of this round still wait for reviews.",
    )
    refused = api.as_(secretariat).post(f"/api/v1/cycles/{cycle.pk}/phase", {"phase": "deciding"})
    assert refused.status_code == 409
    assert "has not been advanced" in refused.json()["message"]
    api.as_(last.member.employee).put(
        f"/api/v1/assignments/{last.pk}/review",
        {"scores": scores(made[last.nomination_id]), "submit": True},
        format="json",
    )
    shortlist = api.as_(chair).get(f"/api/v1/rounds/{desk['id']}/shortlist").json()
    top = sorted(pk for pk, place in made.items() if place < 2)
    assert (shortlist["waiting"], sorted(shortlist["proposed"])) == (0, top)
    assert len(shortlist["results"]) == 12
    # The secretariat sees the shortlist but only the chair advances it.
    assert api.as_(secretariat).get(f"/api/v1/rounds/{desk['id']}/shortlist").status_code == 200
    assert (
        api.as_(secretariat)
        .post(f"/api/v1/rounds/{desk['id']}/advance", {"nominations": top}, format="json")
        .status_code
        == 404
    )
    changed = api.as_(chair).post(
        f"/api/v1/rounds/{desk['id']}/advance", {"nominations": top[:3]}, format="json"
    )
    assert (changed.status_code, list(changed.json()["fields"])) == (400, ["rationale"])
    advanced = api.as_(chair).post(
        f"/api/v1/rounds/{desk['id']}/advance", {"nominations": top}, format="json"
    )
    assert advanced.status_code == 200, advanced.json()
    assert (advanced.json()["status"], advanced.json()["advance_override"]) == ("advanced", False)
    again = api.as_(chair).post(
        f"/api/v1/rounds/{desk['id']}/advance", {"nominations": top}, format="json"
    )
    assert again.status_code == 409
    states = dict(Nomination.objects.filter(cycle=cycle).values_list("pk", "status"))
    assert sorted(pk for pk, s in states.items() if s == "in_review") == top
    assert sum(s == "decided" for s in states.values()) == 8
    out = Nomination.objects.filter(cycle=cycle, status="decided")
    assert {n.award_level_id for n in out} == {None}
    assert [(h.actor, h.to_state) for h in history(Round.objects.get(pk=desk["id"]))] == [
        (chair.user, "advanced")
    ]
    (moved,) = api.as_(secretariat).get(f"/api/v1/rounds/{desk['id']}/history").json()["results"]
    assert (moved["from_state"], moved["to_state"]) == ("open", "advanced")
    assert api.as_(supervisor).get(f"/api/v1/rounds/{desk['id']}/history").status_code == 404

    # Interview: only the panel reviews the four; the chair keeps three.
    assert (
        api.as_(secretariat).post(f"/api/v1/cycles/{cycle.pk}/assign-reviewers").json()["assigned"]
        == 12
    )
    interviews = Assignment.objects.filter(round_id=interview["id"])
    assert set(interviews.values_list("member_id", flat=True)) == set(panel)
    # in the interview, the second of each category does better than the first
    review_round(api, cycle, interview["id"], lambda pk: scores(1 - made[pk]))
    shortlist = api.as_(chair).get(f"/api/v1/rounds/{interview['id']}/shortlist").json()
    assert shortlist["proposed"] == []  # the chair's selection: nothing proposed
    dropped = top[0]
    keep = [pk for pk in top if pk != dropped]
    unexplained = api.as_(chair).post(
        f"/api/v1/rounds/{interview['id']}/advance", {"nominations": keep}, format="json"
    )
    assert list(unexplained.json()["fields"]) == ["rationale"]
    advanced = api.as_(chair).post(
        f"/api/v1/rounds/{interview['id']}/advance",
        {"nominations": keep, "rationale": "Panel consensus after the interviews."},
        format="json",
    )
    assert advanced.json()["advance_override"] is True

    # Both shortlists made public: the list reads them in three queries
    # (count, page, every row), newest first.
    for r in (desk, interview):
        publish = api.as_(secretariat).post(f"/api/v1/rounds/{r['id']}/publish-shortlist")
        assert publish.status_code == 200, publish.json()
    anonymous = api.as_(None)
    with django_assert_num_queries(3):
        public = anonymous.get("/api/v1/shortlists").json()
    assert (public["count"], [(p["id"], p["count"]) for p in public["results"]]) == (
        2,
        [(interview["id"], 3), (desk["id"], 4)],
    )

    # Field verification: one verifier each checks the claims; one claim of
    # the interview's best is not found, which disqualifies it.
    assert (
        api.as_(secretariat).post(f"/api/v1/cycles/{cycle.pk}/assign-reviewers").json()["assigned"]
        == 3
    )
    found = {pk: ["verified", "partly"] for pk in keep}
    disqualified = keep[0]
    found[disqualified] = ["verified", "not_verified"]
    for a in Assignment.objects.filter(round_id=field["id"]).select_related("member__employee"):
        claims = api.as_(secretariat).put(
            f"/api/v1/nominations/{a.nomination_id}/claims",
            {"claims": [{"text": "Licences in one day"}, {"text": "Complaints halved"}]},
            format="json",
        )
        assert claims.status_code == 200, claims.json()
        checks = [
            {"claim": c["id"], "outcome": o}
            for c, o in zip(claims.json()["claims"], found[a.nomination_id], strict=True)
        ]
        verified = api.as_(a.member.employee).put(
            f"/api/v1/assignments/{a.pk}/verification",
            {"items": checks, "submit": True},
            format="json",
        )
        assert verified.status_code == 200, verified.json()
    assert (
        api.as_(secretariat)
        .post(f"/api/v1/cycles/{cycle.pk}/phase", {"phase": "deciding"})
        .status_code
        == 200
    )

    ranking = api.as_(chair).get(f"/api/v1/cycles/{cycle.pk}/ranking").json()
    assert sorted(r["nomination"] for r in ranking["results"]) == sorted(keep)
    for row in ranking["results"]:
        desk_score, interview_score, field_score = (s["score"] for s in row["rounds"])
        assert [s["round"] for s in row["rounds"]] == [desk["id"], interview["id"], field["id"]]
        # (1 + ½) / 2 and (1 + 0) / 2 of 100
        assert field_score == (50.0 if row["nomination"] == disqualified else 75.0)
        by_hand = round((desk_score + 2 * interview_score + field_score) / 4, 2)
        assert row["final_score"] == pytest.approx(by_hand, abs=0.01)
    last = {r["category"]: r for r in ranking["results"]}  # each category's last row
    assert (
        last[next(r["category"] for r in ranking["results"] if r["disqualified"])]["nomination"]
        == disqualified
    )
    assert [r["nomination"] for r in ranking["results"] if r["disqualified"]] == [disqualified]
    per_round = (
        api.as_(chair).get(f"/api/v1/cycles/{cycle.pk}/ranking", {"round": interview["id"]}).json()
    )
    assert (per_round["round"], len(per_round["results"])) == (interview["id"], 4)
    ranked = f"/api/v1/cycles/{cycle.pk}/ranking"
    for wrong in (0, "²", "x"):  # "²" is a digit to str.isdigit, not to int()
        bad = api.as_(chair).get(ranked, {"round": wrong})
        assert (bad.status_code, list(bad.json()["fields"])) == (400, ["round"])
    other = services.cycle_create(name="Lain").rounds.get()
    assert api.as_(chair).get(ranked, {"round": other.pk}).status_code == 404

    for row in ranking["results"]:
        response = api.as_(chair).post(
            f"/api/v1/nominations/{row['nomination']}/decide",
            {"award_level": row["proposed_award_level"], "rationale": "As proposed."},
            format="json",
        )
        assert response.status_code == 200, response.json()
    published = api.as_(secretariat).post(f"/api/v1/cycles/{cycle.pk}/publish")
    assert published.status_code == 200, published.json()
    # Told at publication, never before: the ones left out say at which round.
    from django.core import mail

    from nominations import notifications
    from people.models import Employee

    for person in [supervisor, *staff]:
        Employee.objects.filter(pk=person.pk).update(email=f"e{person.pk}@example.test")
    notifications.result_notices_send(cycle_id=cycle.pk)
    bodies = [m.body for m in mail.outbox if "Hasil" in m.subject]
    left_out = [b for b in bodies if "setelah putaran 1 (Penilaian proposal)" in b]
    # eight nominations left out at the desk round: to each nominee and, for
    # each, to the nominator; one left out after the interview
    assert len(left_out) == 8 + 8
    assert sum("setelah putaran 2 (Presentasi dan wawancara)" in b for b in bodies) == 1 + 1
    assert sum("putaran 3 (Verifikasi lapangan)" in b for b in bodies) == 1 + 1
    late = api.as_(secretariat).patch(f"/api/v1/rounds/{desk['id']}", {"weight": 5}, format="json")
    assert (late.status_code, late.json()["message"]) == (
        409,
        "The round cannot change while the cycle is in the published phase.",
    )
    assert set(Nomination.objects.filter(cycle=cycle).values_list("status", flat=True)) == {
        "published"
    }


def test_final_score_weights_the_rounds_by_hand():
    # 80 × 1 + 60 × 2 + 90 × 1 = 290, over a weight of 4
    assert final_scores([80.0, 60.0, 90.0], [1, 2, 1], rule="weighted") == 72.5
    # a round of weight 0 does not count; a missing score is left out
    assert final_scores([80.0, 60.0, 90.0], [1, 0, 1], rule="weighted") == 85.0
    assert final_scores([None, 60.0, 90.0], [1, 2, 1], rule="weighted") == 70.0
    assert final_scores([80.0, 60.0, 90.0], [1, 2, 1], rule="last") == 90.0
    assert final_scores([None], [1], rule="weighted") is None


def test_a_one_round_cycle_ranks_as_its_round(api, reviewed, chair, cycle):
    final = api.as_(chair).get(f"/api/v1/cycles/{cycle.pk}/ranking").json()
    (only,) = cycle.rounds.all()
    of_round = api.as_(chair).get(f"/api/v1/cycles/{cycle.pk}/ranking", {"round": only.pk}).json()
    assert final["results"]
    keep = ["nomination", "rank", "score", "adjusted_score", "flagged"]
    assert [{k: r[k] for k in keep} for r in final["results"]] == [
        {k: r[k] for k in keep} for r in of_round["results"]
    ]
    for row in final["results"]:
        assert row["final_score"] == row["adjusted_score"]
        assert row["rounds"] == [{"round": only.pk, "score": row["adjusted_score"]}]


@pytest.fixture
def two_rounds(api, staged, supervisor, secretariat):
    """A desk round (top 1 of each category) then an interview; four
    nominations reviewed in the desk round; the cycle reviewing."""
    cycle, _members, staff = staged
    desk = cycle.rounds.get()
    services.round_update(round_id=desk.pk, advance={"rule": "top_n", "n": 1})
    interview = services.round_create(cycle_id=cycle.pk, kind="interview")
    cycle = services.cycle_set_phase(cycle_id=cycle.pk, phase="nominating")
    made = {}
    for i, person in enumerate(staff[:4]):
        item = nomination(cycle, supervisor, [person], title=f"Inovasi {i}")
        services.nomination_submit(nomination_id=item.pk, actor=supervisor.user)
        services.nomination_screen(nomination_id=item.pk, actor=secretariat.user, eligible=True)
        made[item.pk] = i
    cycle = services.cycle_set_phase(cycle_id=cycle.pk, phase="reviewing")
    api.as_(secretariat).post(f"/api/v1/cycles/{cycle.pk}/assign-reviewers")
    review_round(api, cycle, desk.pk, lambda pk: scores(made[pk]))
    best = min(made, key=made.get)
    return cycle, desk, interview, best


def advance_url(r):
    return f"/api/v1/rounds/{r.pk}/advance"


def test_a_later_round_waits_for_the_earlier_one_and_the_last_is_never_advanced(
    api, two_rounds, chair
):
    _cycle, desk, interview, best = two_rounds
    early = api.as_(chair).post(advance_url(interview), {"nominations": [best]}, format="json")
    assert early.json()["message"] == "The rounds before this one have not been advanced yet."
    ok = api.as_(chair).post(advance_url(desk), {"nominations": [best]}, format="json")
    assert ok.status_code == 200
    last = api.as_(chair).post(
        advance_url(interview), {"nominations": [best], "rationale": "x"}, format="json"
    )
    assert (last.status_code, last.json()["message"]) == (
        409,
        "The last round has no shortlist: its nominations are decided.",
    )


def test_a_shortlist_is_advanced_in_the_reviewing_phase_only(api, two_rounds, chair, secretariat):
    cycle, desk, _interview, best = two_rounds
    # Deciding needs the rounds advanced; so the cycle is forced there.
    from core.lifecycle import advance
    from nominations.workflow import CYCLE

    advance(CYCLE, to="deciding", pks=[cycle.pk])
    refused = api.as_(chair).post(advance_url(desk), {"nominations": [best]}, format="json")
    assert (refused.status_code, refused.json()["message"]) == (
        409,
        "A shortlist is advanced in the reviewing phase.",
    )


def test_nominations_of_other_rounds_cannot_be_put_on_a_shortlist(api, two_rounds, chair):
    _cycle, desk, _interview, best = two_rounds
    response = api.as_(chair).post(
        advance_url(desk), {"nominations": [best, 10**9], "rationale": "x"}, format="json"
    )
    assert (response.status_code, list(response.json()["fields"])) == (400, ["nominations"])
    empty = api.as_(chair).post(advance_url(desk), {"nominations": []}, format="json")
    assert (empty.status_code, list(empty.json()["fields"])) == (400, ["nominations"])
    assert Round.objects.get(pk=desk.pk).status == "open"


def test_a_review_of_an_earlier_round_is_not_reopened(api, two_rounds, chair):
    _cycle, desk, _interview, best = two_rounds
    api.as_(chair).post(advance_url(desk), {"nominations": [best]}, format="json")
    earlier = Assignment.objects.filter(round=desk, nomination_id=best).first()
    response = api.as_(chair).post(f"/api/v1/assignments/{earlier.pk}/reopen")
    assert (response.status_code, response.json()["message"]) == (
        409,
        "This review is of an earlier round, whose shortlist is advanced.",
    )


def test_whether_a_nomination_advanced_stays_hidden_from_its_nominator_until_publication(
    api, two_rounds, chair, supervisor, secretariat
):
    cycle, desk, interview, best = two_rounds
    api.as_(chair).post(advance_url(desk), {"nominations": [best]}, format="json")
    others = Nomination.objects.filter(cycle=cycle).exclude(pk=best)
    assert api.as_(supervisor).get(f"/api/v1/nominations/{best}").json()["round"] is None
    assert api.as_(secretariat).get(f"/api/v1/nominations/{best}").json()["round"] == interview.pk
    seen = api.as_(supervisor).get(f"/api/v1/nominations/{others[0].pk}").json()
    assert (seen["status"], seen["decision"], seen["round"], seen["rounds"]) == (
        "decided",
        None,
        None,
        [],
    )
    # Those who run the cycle see how each round ended, in the list and the read.
    shortlist = {
        r["nomination"]: r["score"]
        for r in api.as_(chair).get(f"/api/v1/rounds/{desk.pk}/shortlist").json()["results"]
    }
    read = api.as_(secretariat).get(f"/api/v1/nominations/{best}").json()
    assert read["rounds"] == [
        {"round": desk.pk, "status": "advanced", "score": pytest.approx(shortlist[best])},
        {"round": interview.pk, "status": "in_review", "score": None},
    ]
    listed = api.as_(secretariat).get("/api/v1/nominations", {"cycle": cycle.pk}).json()
    by_id = {n["id"]: n["rounds"] for n in listed["results"]}
    assert by_id[best] == read["rounds"]
    assert by_id[others[0].pk] == [
        {
            "round": desk.pk,
            "status": "not_advanced",
            "score": pytest.approx(shortlist[others[0].pk]),
        }
    ]


def test_round_set_up_rules(api, staged, secretariat, chair, outsider):
    cycle, _members, _staff = staged
    url = f"/api/v1/cycles/{cycle.pk}/rounds"
    office = lambda: api.as_(secretariat)  # noqa: E731 - the client is shared
    (desk,) = office().get(url).json()
    bad = office().post(url, {"kind": "interview", "advance": {"rule": "top_n"}}, format="json")
    assert (bad.status_code, list(bad.json()["fields"])) == (400, ["advance.n"])
    chair_seat = cycle.committee.get(employee=chair).pk
    bad = office().post(url, {"panel": [chair_seat]}, format="json")
    assert (bad.status_code, list(bad.json()["fields"])) == (400, ["panel"])
    seats = list(cycle.committee.filter(is_chair=False).values_list("pk", flat=True))
    small = office().post(url, {"panel": seats[:2]}, format="json")
    assert small.json()["fields"]["panel"] == [
        "The panel has fewer members than the 3 reviewers each nomination needs."
    ]
    assert not Round.objects.filter(cycle=cycle, position=2).exists()
    # A round put first moves the others on.
    first = office().post(url, {"kind": "field", "position": 1}, format="json").json()
    assert [(r["id"], r["position"]) for r in office().get(url).json()] == [
        (first["id"], 1),
        (desk["id"], 2),
    ]
    assert office().delete(f"/api/v1/rounds/{first['id']}").status_code == 204
    only = office().delete(f"/api/v1/rounds/{desk['id']}")
    assert (only.status_code, only.json()["message"]) == (409, "A cycle has at least one round.")
    # The chair reads the rounds; only the secretariat changes them.
    assert api.as_(chair).get(url).status_code == 200
    assert api.as_(chair).post(url, {"kind": "desk"}, format="json").status_code == 404
    one = f"/api/v1/rounds/{desk['id']}"
    assert api.as_(chair).patch(one, {"weight": 5}, format="json").status_code == 404
    assert api.as_(chair).delete(one).status_code == 404
    assert api.as_(chair).get(one).json()["weight"] == 1
    assert api.as_(outsider).get(f"{one}/shortlist").status_code == 404
    assert api.as_(outsider).get(url).status_code == 404
    assert api.as_(outsider).get(f"/api/v1/rounds/{desk['id']}").status_code == 404


def test_a_started_round_keeps_its_rules_and_a_reviewing_cycle_takes_no_new_round(
    api, two_rounds, secretariat
):
    cycle, desk, interview, _best = two_rounds
    office = lambda: api.as_(secretariat)  # noqa: E731
    changed = office().patch(f"/api/v1/rounds/{desk.pk}", {"kind": "field"}, format="json")
    assert (changed.status_code, changed.json()["message"]) == (
        409,
        "Round 1. Desk evaluation has started: only its names, dates and weight can change.",
    )
    renamed = office().patch(
        f"/api/v1/rounds/{desk.pk}",
        {"names": {"id": "Evaluasi proposal", "en": "Proposal evaluation"}, "weight": 3},
        format="json",
    )
    assert (renamed.status_code, renamed.json()["weight"]) == (200, 3)
    # the interview has not started: it can still change
    later = office().patch(
        f"/api/v1/rounds/{interview.pk}", {"reviewers_per_nomination": 2}, format="json"
    )
    assert later.status_code == 200
    # a PATCH of the advance rule names its rule, as the schema says
    ruleless = office().patch(f"/api/v1/rounds/{interview.pk}", {"advance": {}}, format="json")
    assert ruleless.status_code == 400, ruleless.content
    assert ruleless.json()["fields"] == {"advance.rule": ["This field is required."]}
    top = {"advance": {"rule": "top_n", "n": 5}}
    assert office().patch(f"/api/v1/rounds/{interview.pk}", top, format="json").status_code == 200
    late = office().post(f"/api/v1/cycles/{cycle.pk}/rounds", {"kind": "field"}, format="json")
    assert late.status_code == 409


def test_a_copied_cycle_keeps_the_rounds_and_their_panels(staged):
    cycle, _members, _staff = staged
    seats = list(cycle.committee.filter(is_chair=False).order_by("pk")[:3])
    services.round_create(
        cycle_id=cycle.pk, kind="interview", weight=2, panel=[s.pk for s in seats]
    )
    copy = services.cycle_create(name="Anugerah 2027", copy_from=cycle)
    rounds = list(copy.rounds.order_by("position"))
    assert [(r.position, r.kind, r.weight) for r in rounds] == [(1, "desk", 1), (2, "interview", 2)]
    assert {m.employee_id for m in rounds[1].panel.all()} == {s.employee_id for s in seats}
    assert {m.cycle_id for m in rounds[1].panel.all()} == {copy.pk}


def test_a_review_of_an_earlier_round_is_not_submitted_after_its_shortlist(api, two_rounds, chair):
    cycle, desk, _interview, best = two_rounds
    api.as_(chair).post(advance_url(desk), {"nominations": [best]}, format="json")
    busy = Assignment.objects.filter(nomination_id=best, round=desk).values("member")
    member = cycle.committee.filter(is_chair=False).exclude(pk__in=busy).first()
    stale = Assignment.objects.create(nomination_id=best, member=member, round=desk)
    response = api.as_(member.employee).put(
        f"/api/v1/assignments/{stale.pk}/review",
        {"scores": scores(0), "submit": True},
        format="json",
    )
    assert (response.status_code, response.json()["message"]) == (
        409,
        "This nomination is not open for review.",
    )


@pytest.fixture
def interviewing(api, two_rounds, chair):
    """Three of the four advanced into the interview round (a change of
    the rule's proposal, with a rationale)."""
    cycle, desk, interview, best = two_rounds
    three = sorted(Nomination.objects.filter(cycle=cycle).values_list("pk", flat=True))[:3]
    if best not in three:
        three[-1] = best
    answer = api.as_(chair).post(
        advance_url(desk), {"nominations": three, "rationale": "Three go on."}, format="json"
    )
    assert answer.status_code == 200, answer.json()
    return cycle, interview, three


DAY = {"days": ["2027-03-01"], "start": "08:00", "end": "10:00", "slot_minutes": 30}


def test_the_interviews_are_scheduled_without_conflicts_and_their_panels_review(
    api, interviewing, secretariat, chair
):
    from nominations.models import DeclaredConflict

    cycle, interview, three = interviewing
    wary = cycle.committee.filter(is_chair=False).first()
    DeclaredConflict.objects.create(nomination_id=three[0], member=wary, reason="Kerabat")
    url = f"/api/v1/rounds/{interview.pk}/schedule"
    answer = api.as_(secretariat).post(url, {**DAY, "rooms": 2}, format="json")
    assert answer.status_code == 201, answer.json()
    slots = answer.json()["slots"]
    assert sorted(s["nomination"] for s in slots) == sorted(three)
    assert answer.json()["unplaced"] == []
    panels = {s["room"]: set(s["panel"]) for s in slots}
    assert len(panels) == 2  # two rooms, two panels of three, nobody in both
    assert not panels[1] & panels[2]
    assert all(len(p) == 3 for p in panels.values())
    by_nomination = {s["nomination"]: s for s in slots}
    assert wary.pk not in by_nomination[three[0]]["panel"]
    assert len({(s["room"], s["starts_at"]) for s in slots}) == 3
    assert slots[0]["starts_at"].startswith("2027-03-01T08:00:00+07:00")
    # The panels are the round's reviewers; the schedule reads back the same.
    assert api.as_(chair).get(f"/api/v1/rounds/{interview.pk}/slots").json() == slots
    assigned = Assignment.objects.filter(round=interview)
    assert {(a.nomination_id, a.member_id) for a in assigned} == {
        (s["nomination"], m) for s in slots for m in s["panel"]
    }
    again = api.as_(secretariat).post(url, {**DAY, "rooms": 2}, format="json")
    assert (again.status_code, again.json()["message"]) == (
        409,
        "The interviews of this round are already scheduled.",
    )
    review_round(api, cycle, interview.pk, lambda pk: scores(1))
    assert set(Nomination.objects.filter(pk__in=three).values_list("status", flat=True)) == {
        "reviewed"
    }


def test_an_infeasible_schedule_saves_nothing_and_says_why(api, interviewing, secretariat):
    _cycle, interview, _three = interviewing
    one_slot = {**DAY, "end": "08:30", "rooms": 1}
    answer = api.as_(secretariat).post(
        f"/api/v1/rounds/{interview.pk}/schedule", one_slot, format="json"
    )
    body = answer.json()
    assert (answer.status_code, body["code"]) == (409, "infeasible")
    assert body["message"] == "2 nomination(s) cannot be scheduled; nothing was saved."
    assert [u["reason"] for u in body["unplaced"]] == [
        "no free slot is left in a room whose panel may hear it"
    ] * 2
    assert not interview.slots.exists()
    assert not Assignment.objects.filter(round=interview).exists()


def test_scheduling_refusals(api, interviewing, secretariat, chair):
    cycle, interview, _three = interviewing
    desk = cycle.rounds.get(position=1)
    url = f"/api/v1/rounds/{interview.pk}/schedule"
    assert api.as_(chair).post(url, DAY, format="json").status_code == 404
    bad = api.as_(secretariat).post(url, {**DAY, "end": "07:00"}, format="json")
    assert (bad.status_code, list(bad.json()["fields"])) == (400, ["end"])
    month = [f"2027-03-{d:02d}" for d in range(1, 32)]
    huge = {**DAY, "days": month, "end": "23:00", "slot_minutes": 5, "rooms": 20}
    too_many = api.as_(secretariat).post(url, huge, format="json")
    assert (too_many.status_code, list(too_many.json()["fields"])) == (400, ["slot_minutes"])
    from nominations.assignment import reviewers_assign

    assert reviewers_assign(cycle_id=cycle.pk).ok  # the interview's reviewers, by assignment
    assigned = api.as_(secretariat).post(url, DAY, format="json")
    assert (assigned.status_code, assigned.json()["message"]) == (
        409,
        "Reviewers are already assigned in this round: it is not scheduled as well.",
    )
    wrong = api.as_(secretariat).post(f"/api/v1/rounds/{desk.pk}/schedule", DAY, format="json")
    assert (wrong.status_code, wrong.json()["message"]) == (
        409,
        "Only an interview round is scheduled.",
    )


def test_interviews_wait_for_their_round_and_its_shortlist(api, two_rounds, secretariat):
    _cycle, _desk, interview, _best = two_rounds
    url = f"/api/v1/rounds/{interview.pk}/schedule"
    early = api.as_(secretariat).post(url, DAY, format="json")
    assert (early.status_code, early.json()["message"]) == (
        409,
        "Interviews are scheduled when their round is the current one.",
    )


def opening_with_interviews(cycle):
    desk = cycle.rounds.get()
    services.round_update(round_id=desk.pk, kind="interview")
    return desk, services.cycle_set_phase(cycle_id=cycle.pk, phase="nominating")


def test_a_cycle_that_opens_with_interviews_schedules_its_eligible_nominations(
    api, staged, supervisor, secretariat
):
    cycle, _members, staff = staged
    first, cycle = opening_with_interviews(cycle)
    item = nomination(cycle, supervisor, [staff[0]])
    services.nomination_submit(nomination_id=item.pk, actor=supervisor.user)
    services.nomination_screen(nomination_id=item.pk, actor=secretariat.user, eligible=True)
    services.cycle_set_phase(cycle_id=cycle.pk, phase="reviewing")
    answer = api.as_(secretariat).post(f"/api/v1/rounds/{first.pk}/schedule", DAY, format="json")
    assert answer.status_code == 201, answer.json()
    item.refresh_from_db()
    assert (item.status, item.round_id) == ("in_review", first.pk)


def test_nothing_to_schedule_is_said(api, staged, secretariat):
    cycle, _members, _staff = staged
    first, cycle = opening_with_interviews(cycle)
    services.cycle_set_phase(cycle_id=cycle.pk, phase="reviewing")
    empty = api.as_(secretariat).post(f"/api/v1/rounds/{first.pk}/schedule", DAY, format="json")
    assert (empty.status_code, empty.json()["message"]) == (
        409,
        "No nomination waits for an interview in this round.",
    )


def test_the_admin_shows_a_rounds_history_and_schedule(
    api, interviewing, secretariat, admin_client
):
    cycle, interview, three = interviewing
    api.as_(secretariat).post(
        f"/api/v1/rounds/{interview.pk}/schedule", {**DAY, "rooms": 2}, format="json"
    )
    desk = cycle.rounds.get(position=1)
    assert (
        "advanced"
        in admin_client.get(f"/admin/nominations/round/{desk.pk}/change/").content.decode()
    )
    page = admin_client.get(f"/admin/nominations/round/{interview.pk}/change/").content.decode()
    # the schedule's rows name the nominations heard
    assert Nomination.objects.get(pk=three[0]).title in page


def test_each_person_involved_subscribes_to_their_interviews(api, interviewing, secretariat):
    import icalendar

    from nominations.models import InterviewSlot

    _cycle, interview, three = interviewing
    api.as_(secretariat).post(
        f"/api/v1/rounds/{interview.pk}/schedule", {**DAY, "rooms": 2}, format="json"
    )
    slot = InterviewSlot.objects.get(nomination_id=three[0])
    member = slot.panel.first().employee
    nominee = slot.nomination.nominees.get().employee
    from rest_framework.test import APIClient

    public = APIClient()
    heard = set(InterviewSlot.objects.filter(panel__employee=member).values_list("pk", flat=True))
    # the panel member hears every interview of the room; the nominee has one
    for person, expected in ((member, heard), (nominee, {slot.pk})):
        url = api.as_(person).get("/api/v1/me/calendar").json()["url"]
        assert api.as_(person).get("/api/v1/me/calendar").json()["url"] == url  # the same
        response = public.get(url)
        assert response["Content-Type"].startswith("text/calendar")
        parsed = icalendar.Calendar.from_ical(response.content)
        events = {e["uid"]: e for e in parsed.walk("VEVENT")}
        mine = {int(uid.split("-")[1].split("@")[0]) for uid in events}
        assert mine == expected
        event = events[f"interview-{slot.pk}@apresiasi"]
        assert event.decoded("dtstart") == slot.starts_at
        assert event.decoded("dtend") == slot.ends_at
        assert str(event["summary"]) == f"Wawancara: {slot.nomination.title}"
        assert str(event["location"]) == f"Ruang {slot.room}"
    # Rotating the address: the old one answers nothing, the new one the same.
    old = api.as_(nominee).get("/api/v1/me/calendar").json()["url"]
    new = api.as_(nominee).post("/api/v1/me/calendar/rotate").json()["url"]
    assert new != old
    assert public.get(old).status_code == 404
    assert public.get(new).status_code == 200


def test_a_calendar_address_needs_an_employee_and_a_login(api, db):
    from tests.factories import UserFactory

    api.force_authenticate(UserFactory(username="tanpa-pegawai"))
    assert api.get("/api/v1/me/calendar").status_code == 404
    assert api.post("/api/v1/me/calendar/rotate").status_code == 404
    api.force_authenticate(None)
    assert api.get("/api/v1/me/calendar").status_code == 401
    assert api.get("/api/v1/calendar/no-such-address.ics").status_code == 404


def test_a_moved_interview_tells_everyone_involved_and_their_calendars_follow(
    api, interviewing, secretariat, supervisor, django_capture_on_commit_callbacks, eager_jobs
):
    import icalendar
    from django.core import mail
    from rest_framework.test import APIClient

    from nominations.models import InterviewSlot
    from people.models import Employee

    _cycle, interview, _three = interviewing
    api.as_(secretariat).post(
        f"/api/v1/rounds/{interview.pk}/schedule", {**DAY, "rooms": 1}, format="json"
    )
    slots = list(InterviewSlot.objects.filter(round=interview).order_by("starts_at"))
    first = slots[0]
    involved = [m.employee for m in first.panel.all()]
    nominee = first.nomination.nominees.get().employee
    for person in [*involved, nominee, supervisor]:
        Employee.objects.filter(pk=person.pk).update(email=f"e{person.pk}@example.test")
    feed = api.as_(nominee).get("/api/v1/me/calendar").json()["url"]
    url = f"/api/v1/slots/{first.pk}"
    taken = api.as_(secretariat).patch(
        url, {"starts_at": slots[1].starts_at.isoformat()}, format="json"
    )
    assert (taken.status_code, taken.json()["message"]) == (
        409,
        "Room 1 has another interview then.",
    )
    assert api.as_(supervisor).patch(url, {"starts_at": "x"}, format="json").status_code == 404
    later = slots[-1].ends_at
    with django_capture_on_commit_callbacks(execute=True):
        moved = api.as_(secretariat).patch(url, {"starts_at": later.isoformat()}, format="json")
    assert moved.status_code == 200, moved.json()
    assert moved.json()["starts_at"].startswith("2027-03-01T09:30:00")
    told = sorted(m.to[0] for m in mail.outbox if "Wawancara dipindahkan" in m.subject)
    people = {p.pk for p in [*involved, nominee, supervisor]}
    assert told == sorted(f"e{pk}@example.test" for pk in people)
    assert "09:30" in next(m.body for m in mail.outbox if "Wawancara dipindahkan" in m.subject)
    event = next(
        e
        for e in icalendar.Calendar.from_ical(APIClient().get(feed).content).walk("VEVENT")
        if e["uid"] == f"interview-{first.pk}@apresiasi"
    )
    assert (event.decoded("dtstart"), int(event["sequence"])) == (later, 1)


def test_an_interview_is_not_moved_onto_a_nominees_other_interview_nor_once_scored(
    api, interviewing, secretariat
):
    from nominations.models import InterviewSlot, Nominee

    cycle, interview, _three = interviewing
    api.as_(secretariat).post(
        f"/api/v1/rounds/{interview.pk}/schedule", {**DAY, "rooms": 2}, format="json"
    )
    slots = list(InterviewSlot.objects.filter(round=interview).order_by("starts_at", "room"))
    # Two rooms for three: one room hears one (at 08:00), the other two.
    by_room: dict[int, list] = {}
    for s in slots:
        by_room.setdefault(s.room, []).append(s)
    (alone,) = min(by_room.values(), key=len)
    other = next(s for s in slots if s.room != alone.room and s.starts_at != alone.starts_at)
    shared = other.nomination.nominees.get().employee
    Nominee.objects.create(nomination=alone.nomination, employee=shared)  # a team member of both
    busy = api.as_(secretariat).patch(
        f"/api/v1/slots/{alone.pk}", {"starts_at": other.starts_at.isoformat()}, format="json"
    )
    assert (busy.status_code, busy.json()["message"]) == (
        409,
        "A nominee of this nomination has another interview then.",
    )
    # Once its panel has scored it, an interview stays.
    review_round(api, cycle, interview.pk, lambda pk: scores(2))
    later = slots[-1].ends_at.isoformat()
    heard = api.as_(secretariat).patch(
        f"/api/v1/slots/{alone.pk}", {"starts_at": later}, format="json"
    )
    assert (heard.status_code, heard.json()["message"]) == (
        409,
        "This interview has been scored: it stays where it was.",
    )


def test_an_interview_moves_within_its_own_time_and_before_the_others_each_move_counted(
    api, interviewing, secretariat, chair, supervisor
):
    import datetime as dt

    from core.errors import NotFoundError
    from nominations.models import InterviewSlot

    _cycle, interview, _three = interviewing
    api.as_(secretariat).post(
        f"/api/v1/rounds/{interview.pk}/schedule", {**DAY, "rooms": 1}, format="json"
    )
    first, second, last = InterviewSlot.objects.filter(round=interview).order_by("starts_at")

    def move(slot, starts_at):
        return api.as_(secretariat).patch(
            f"/api/v1/slots/{slot.pk}", {"starts_at": starts_at.isoformat()}, format="json"
        )

    # Ten minutes later, over its own old time: nothing else is there.
    nudged = move(last, last.starts_at + dt.timedelta(minutes=10))
    assert nudged.status_code == 200, nudged.json()
    # An hour before every other interview of the room: free.
    early = first.starts_at - dt.timedelta(hours=1)
    assert move(first, early).status_code == 200
    assert move(first, early + dt.timedelta(minutes=15)).status_code == 200
    first.refresh_from_db()
    assert (first.starts_at, first.sequence) == (early + dt.timedelta(minutes=15), 2)
    # Another competition's interview in its own "Room 1" at that time is not
    # this round's room.
    other = services.cycle_create(name="Lomba Lain")
    services.committee_member_add(cycle=other, employee=chair, is_chair=True)
    elsewhere = services.round_create(cycle_id=other.pk, kind="interview")
    other = services.cycle_set_phase(cycle_id=other.pk, phase="nominating")
    InterviewSlot.objects.create(
        round=elsewhere,
        nomination=nomination(other, supervisor, [second.nomination.nominees.get().employee]),
        room=1,
        starts_at=second.starts_at - dt.timedelta(hours=3),
        ends_at=second.starts_at - dt.timedelta(hours=2),
    )
    assert move(second, second.starts_at - dt.timedelta(hours=3)).status_code == 200
    # The service answers only the secretariat, and a slot that exists.
    for actor, slot_id in ((chair.user, second.pk), (secretariat.user, last.pk + 100)):
        with pytest.raises(NotFoundError):
            services.interview_move(slot_id=slot_id, actor=actor, starts_at=early)


def test_another_nominations_scored_interview_does_not_hold_this_one(
    api, interviewing, secretariat
):
    from nominations.models import InterviewSlot

    _cycle, interview, _three = interviewing
    api.as_(secretariat).post(
        f"/api/v1/rounds/{interview.pk}/schedule", {**DAY, "rooms": 1}, format="json"
    )
    first, second, last = InterviewSlot.objects.filter(round=interview).order_by("starts_at")
    for a in Assignment.objects.filter(round=interview, nomination=first.nomination):
        heard = api.as_(a.member.employee).put(
            f"/api/v1/assignments/{a.pk}/review",
            {"scores": scores(2), "submit": True},
            format="json",
        )
        assert heard.status_code == 200, heard.json()
    moved = api.as_(secretariat).patch(
        f"/api/v1/slots/{second.pk}", {"starts_at": last.ends_at.isoformat()}, format="json"
    )
    assert moved.status_code == 200, moved.json()


def test_a_schedule_day_that_ends_when_it_starts_is_refused_naming_the_end(
    api, interviewing, secretariat
):
    _cycle, interview, _three = interviewing
    answer = api.as_(secretariat).post(
        f"/api/v1/rounds/{interview.pk}/schedule",
        {**DAY, "end": DAY["start"], "rooms": 1},
        format="json",
    )
    assert (answer.status_code, answer.json()["fields"]) == (
        400,
        {"end": ["The day ends after it starts."]},
    )


def test_interviews_are_moved_while_reviewing_only(api, interviewing, secretariat):
    from core.lifecycle import advance as force
    from nominations.models import InterviewSlot
    from nominations.workflow import CYCLE

    cycle, interview, _three = interviewing
    api.as_(secretariat).post(
        f"/api/v1/rounds/{interview.pk}/schedule", {**DAY, "rooms": 2}, format="json"
    )
    slot = InterviewSlot.objects.filter(round=interview).first()
    force(CYCLE, to="deciding", pks=[cycle.pk])
    late = api.as_(secretariat).patch(
        f"/api/v1/slots/{slot.pk}", {"starts_at": "2027-03-02T08:00:00+07:00"}, format="json"
    )
    assert (late.status_code, late.json()["message"]) == (
        409,
        "Interviews are moved while the cycle is reviewing.",
    )


def test_two_schedules_at_once_save_one(transactional_db, interviewing, secretariat):
    from rest_framework.test import APIClient

    from nominations.models import InterviewSlot
    from tests.concurrency import together

    _cycle, interview, three = interviewing

    def tab():
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        client.force_authenticate(secretariat.user)
        answer = client.post(
            f"/api/v1/rounds/{interview.pk}/schedule", {**DAY, "rooms": 2}, format="json"
        )
        return answer.status_code, answer.json().get("message")

    answers = sorted(together(tab, tab), key=lambda a: a[0])
    assert answers[0][0] == 201
    assert answers[1] == (409, "The interviews of this round are already scheduled.")
    assert InterviewSlot.objects.filter(round=interview).count() == len(three)
    assert Assignment.objects.filter(round=interview).count() == 3 * len(three)


def test_two_moves_at_once_into_one_free_time_take_one(transactional_db, interviewing, secretariat):
    from rest_framework.test import APIClient

    from nominations.models import InterviewSlot
    from tests.concurrency import together

    _cycle, interview, _three = interviewing
    office = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    office.force_authenticate(secretariat.user)
    office.post(f"/api/v1/rounds/{interview.pk}/schedule", {**DAY, "rooms": 1}, format="json")
    first, second, _third = InterviewSlot.objects.filter(round=interview).order_by("starts_at")
    free = "2027-03-01T09:30:00+07:00"  # after the three, in the one room

    def move(slot):
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        client.force_authenticate(secretariat.user)
        return client.patch(
            f"/api/v1/slots/{slot.pk}", {"starts_at": free}, format="json"
        ).status_code

    assert sorted(together(lambda: move(first), lambda: move(second))) == [200, 409]
    times = InterviewSlot.objects.filter(round=interview).values_list("starts_at", flat=True)
    assert len(set(times)) == 3


def test_an_advanced_shortlist_is_made_a_public_post_by_the_secretariat(
    api, two_rounds, chair, secretariat, supervisor
):
    cycle, desk, interview, best = two_rounds
    publish = f"/api/v1/rounds/{desk.pk}/publish-shortlist"
    early = api.as_(secretariat).post(publish, {}, format="json")
    assert (early.status_code, early.json()["message"]) == (
        409,
        "A shortlist is made public once the chair has advanced it.",
    )
    api.as_(chair).post(advance_url(desk), {"nominations": [best]}, format="json")
    assert api.as_(chair).post(publish, {}, format="json").status_code == 404
    assert api.as_(supervisor).post(publish, {}, format="json").status_code == 404
    done = api.as_(secretariat).post(publish, {}, format="json")
    assert done.status_code == 200, done.json()
    assert done.json()["shortlist_public"] is True
    published_at = done.json()["shortlist_published_at"]
    assert published_at is not None
    again = api.as_(secretariat).post(publish, {}, format="json")
    assert again.json()["shortlist_published_at"] == published_at
    assert api.as_(chair).post(publish, {}, format="json").status_code == 404
    public = api.as_(None).get(f"/api/v1/shortlists/{desk.pk}")
    assert public.status_code == 200
    assert public.json()["published_at"] == published_at
    item = Nomination.objects.get(pk=best)
    lead = item.nominees.get(is_lead=True).employee
    assert public.json()["count"] == 1
    assert public.json()["categories"] == [
        {
            "category": item.category.name,
            "nominations": [{"title": item.title, "unit": lead.org_unit.name}],
        }
    ]
    assert lead.name not in str(public.json())  # units, never people's names
    listed = api.as_(None).get("/api/v1/shortlists").json()
    assert (listed["count"], [s["id"] for s in listed["results"]]) == (1, [desk.pk])
    assert [(h.actor, h.to_state) for h in history(Round.objects.get(pk=desk.pk))] == [
        (chair.user, "advanced"),
        (secretariat.user, "public"),
    ]
    # The public page and the wall's link; taken down, it is gone.
    from django.test import Client

    page = Client(headers={"accept-language": "en"}).get(f"/shortlists/{desk.pk}")
    assert page.status_code == 200
    assert f"Top 1 {cycle.name}" in page.content.decode()
    assert f"/shortlists/{desk.pk}" in Client().get("/recognitions").content.decode()
    down = api.as_(secretariat).post(publish, {"public": False}, format="json")
    assert (down.json()["shortlist_public"], down.json()["shortlist_published_at"]) == (False, None)
    assert api.as_(None).get(f"/api/v1/shortlists/{desk.pk}").status_code == 404
    assert Client().get(f"/shortlists/{desk.pk}").status_code == 404
    assert interview.shortlist_post == "hidden"
