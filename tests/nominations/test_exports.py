"""The ranking and every review as CSV and XLSX (secretariat, chair), parsed
back as a spreadsheet program would read them."""

import csv
import io

import pytest
from openpyxl import load_workbook

from nominations.exports import RANKING_COLUMNS, REVIEW_COLUMNS
from nominations.models import Review


def _csv(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def _xlsx(response) -> list[dict]:
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_the_ranking_exports_as_the_api_ranks_it(reviewed, cycle, api, chair, secretariat):
    items, _lenient = reviewed
    ranking = api.as_(chair).get(f"/api/v1/cycles/{cycle.pk}/ranking").json()["results"]
    response = api.as_(chair).get(f"/api/v1/cycles/{cycle.pk}/ranking.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = _csv(response)
    assert list(rows[0]) == RANKING_COLUMNS
    assert len(rows) == len(items)
    by_id = {int(r["nomination"]): r for r in rows}
    for expected in ranking:
        row = by_id[expected["nomination"]]
        assert (int(row["rank"]), float(row["adjusted_score"]), row["title"]) == (
            expected["rank"],
            expected["adjusted_score"],
            expected["title"],
        )
        assert row["flagged"] == ("yes" if expected["flagged"] else "no")
    book = _xlsx(api.as_(secretariat).get(f"/api/v1/cycles/{cycle.pk}/ranking.xlsx"))
    assert [r["nomination"] for r in book] == [int(r["nomination"]) for r in rows]


def test_after_a_decision_the_ranking_shows_the_decided_level_beside_the_proposed_one(
    reviewed,
    cycle,
    api,
    chair,
):
    top = api.as_(chair).get(f"/api/v1/cycles/{cycle.pk}/ranking").json()["results"][0]
    assert top["decided_award_level"] is None
    response = api.as_(chair).post(
        f"/api/v1/nominations/{top['nomination']}/decide",
        {"award_level": None, "rationale": "Not this year."},
        format="json",
    )
    assert response.status_code == 200, response.json()
    again = api.as_(chair).get(f"/api/v1/cycles/{cycle.pk}/ranking").json()["results"]
    decided = next(r for r in again if r["nomination"] == top["nomination"])
    assert (decided["status"], decided["decided_award_level"]) == ("decided", None)
    row = next(
        r
        for r in _csv(api.as_(chair).get(f"/api/v1/cycles/{cycle.pk}/ranking.csv"))
        if int(r["nomination"]) == top["nomination"]
    )
    assert (row["proposed_award_level"], row["decided_award_level"]) == (
        top["proposed_award_level"] or "",
        "none",
    )
    from django.test import Client

    web = Client(HTTP_ACCEPT_LANGUAGE="en")
    web.force_login(chair.user)
    page = web.get(f"/cycles/{cycle.pk}/ranking").content.decode()
    assert "no award" in page
    assert "/reviews.xlsx" in page


def test_every_review_exports_criterion_by_criterion_with_comments(
    reviewed,
    cycle,
    api,
    secretariat,
):
    review = Review.objects.filter(assignment__nomination__cycle=cycle).first()
    review.comments = {"novelty": '=HYPERLINK("http://x") first of its kind'}
    review.save(update_fields=["comments"])
    rows = _csv(api.as_(secretariat).get(f"/api/v1/cycles/{cycle.pk}/reviews.csv"))
    criteria = cycle.rubric.criteria.count()
    assert list(rows[0]) == REVIEW_COLUMNS
    assert (
        len(rows) == Review.objects.filter(assignment__nomination__cycle=cycle).count() * criteria
    )
    novelty = next(
        r
        for r in rows
        if r["criterion"] == "novelty"
        and r["reviewer"] == review.assignment.member.employee.name
        and int(r["nomination"]) == review.assignment.nomination_id
    )
    assert int(novelty["score"]) == review.scores["novelty"]
    # A comment never becomes a formula.
    assert novelty["comment"] == '\'=HYPERLINK("http://x") first of its kind'
    book = _xlsx(api.as_(secretariat).get(f"/api/v1/cycles/{cycle.pk}/reviews.xlsx"))
    assert len(book) == len(rows)
    assert any(r["comment"] == '=HYPERLINK("http://x") first of its kind' for r in book)


@pytest.mark.parametrize("path", ["ranking.csv", "reviews.xlsx"])
def test_only_the_secretariat_and_the_chair_download_them(
    reviewed,
    cycle,
    api,
    reviewers,
    supervisor,
    path,
):
    for person in (reviewers[0], supervisor):
        assert api.as_(person).get(f"/api/v1/cycles/{cycle.pk}/{path}").status_code == 404
    assert api.as_(None).get(f"/api/v1/cycles/{cycle.pk}/{path}").status_code in (401, 403)
    assert api.as_(supervisor).get(f"/api/v1/cycles/{cycle.pk}/ranking.pdf").status_code == 404
