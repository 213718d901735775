"""What the set-up and publication services keep and say, in detail: the
names, kinds and caps a copy carries over, the exact 409 of each refused
change, who published (the history), and every person told of a result.
Written for the mutants ``make mutation`` found no test noticing."""

import pytest
from django.core.exceptions import ValidationError

from core.errors import ConflictError
from core.lifecycle import history
from nominations import services
from nominations.models import Cycle, Nomination, ResultNotice
from tests.nominations.helpers import decided, move_to, publish_results


@pytest.fixture
def source(cycle):
    """The shared cycle with a team category renamed and a member's own cap."""
    cycle.categories.filter(code="technology-team").update(
        name_id="Teknologi tim", name_en="Team technology"
    )
    member = cycle.committee.filter(is_chair=False).first()
    services.committee_member_update(member=member, load_cap=7)
    return cycle


def test_a_copy_keeps_every_name_kind_and_cap(source):
    copy = services.cycle_create(name="Anugerah 2027", copy_from=source)

    def categories(cycle):
        return list(
            cycle.categories.order_by("code").values_list("code", "name_id", "name_en", "team")
        )

    def levels(cycle):
        return list(
            cycle.award_levels.values_list("code", "name_id", "name_en", "min_score", "quota")
        )

    def committee(cycle):
        return sorted(
            cycle.committee.values_list("employee_id", "is_chair", "is_deputy_chair", "load_cap")
        )

    assert categories(copy) == categories(source)
    assert ("technology-team", "Teknologi tim", "Team technology", True) in categories(copy)
    assert levels(copy) == levels(source)
    assert committee(copy) == committee(source)
    assert 7 in [cap for *_, cap in committee(copy)]


@pytest.mark.parametrize(
    ("names", "field"),
    [({"id": " ", "en": "Data"}, "names.id"), ({"id": "Data"}, "names.en")],
    ids=["blank", "missing"],
)
def test_a_name_missing_in_a_language_is_refused_naming_it(draft_cycle, names, field):
    with pytest.raises(ValidationError) as refused:
        services.category_add(cycle=draft_cycle, code="data", names=names, team=False)
    assert refused.value.message_dict == {field: ["A name in this language is required."]}


@pytest.fixture
def draft_cycle(db):
    return services.cycle_create(name="Anugerah 2027")


def test_a_category_keeps_its_kind_and_a_new_code(draft_cycle):
    category = services.category_add(
        cycle=draft_cycle, code="data", names={"id": "Data", "en": "Data"}, team=True
    )
    category.refresh_from_db()
    assert category.team is True
    services.category_update(category=category, code="open-data")
    category.refresh_from_db()
    assert category.code == "open-data"


def test_an_award_level_s_new_score_is_kept_and_refused_once_deciding(cycle):
    level = cycle.award_levels.get(code="bronze")
    services.award_level_update(level=level, min_score=60)
    level.refresh_from_db()
    assert level.min_score == 60
    move_to(cycle, "deciding")
    level = cycle.award_levels.select_related("cycle").get(code="bronze")
    with pytest.raises(ConflictError):
        services.award_level_update(level=level, min_score=61)
    # The same score again is no change, and no refusal.
    services.award_level_update(level=level, min_score=60)


def test_each_refused_change_says_what_cannot_change_and_why(cycle, chair, secretariat):
    """In the deciding phase (or, for the categories, once nominating)."""
    tech = cycle.categories.select_related("cycle").get(code="technology")
    nominating = "while the cycle is in the nominating phase."
    refusals = [
        (
            lambda: services.category_add(
                cycle=cycle, code="x", names={"id": "X", "en": "X"}, team=False
            ),
            f"The categories cannot change {nominating}",
        ),
        (
            lambda: services.category_update(category=tech, team=True),
            f"A category's code and kind cannot change {nominating}",
        ),
        (
            lambda: services.category_delete(category=tech),
            f"The categories cannot change {nominating}",
        ),
    ]
    for call, message in refusals:
        with pytest.raises(ConflictError) as refused:
            call()
        assert refused.value.message == message
    move_to(cycle, "deciding")
    deciding = "while the cycle is in the deciding phase."
    with pytest.raises(ConflictError) as refused:
        services.award_level_add(
            cycle=Cycle.objects.get(pk=cycle.pk),
            code="honour",
            names={"id": "H", "en": "H"},
            min_score=50,
            quota=1,
        )
    assert refused.value.message == f"The award levels cannot change {deciding}"
    publish_results(cycle, secretariat)
    published = "while the cycle is in the published phase."
    tech = cycle.categories.select_related("cycle").get(code="technology")
    level = cycle.award_levels.select_related("cycle").get(code="gold")
    member = cycle.committee.select_related("cycle").exclude(employee=chair).first()
    for call, message in [
        (
            lambda: services.category_update(category=tech, names={"id": "T", "en": "T"}),
            f"The categories cannot change {published}",
        ),
        (
            lambda: services.award_level_update(level=level, names={"id": "E", "en": "G"}),
            f"The award levels cannot change {published}",
        ),
        (
            lambda: services.committee_member_remove(member=member),
            f"The committee cannot change {published}",
        ),
    ]:
        with pytest.raises(ConflictError) as refused:
            call()
        assert refused.value.message == message


def test_an_unknown_committee_role_is_refused_naming_the_field(cycle):
    member = cycle.committee.select_related("cycle").first()
    with pytest.raises(ValidationError) as refused:
        services.committee_member_update(member=member, role="boss")
    assert refused.value.message_dict == {"role": ["Choose chair, deputy_chair or member."]}


def test_publication_records_who_published_and_when(cycle, supervisor, subordinate, secretariat):
    item = decided(cycle, supervisor, [subordinate])
    move_to(cycle, "deciding")
    published = publish_results(cycle, secretariat)
    assert published.published_at is not None
    assert Cycle.objects.get(pk=cycle.pk).published_at == published.published_at
    [moved] = history(Nomination.objects.get(pk=item.pk)).filter(to_state="published")
    assert (moved.actor, moved.reason) == (secretariat.user, "")
    [phase] = history(published).filter(to_state="published")
    assert phase.actor == secretariat.user


def test_every_nominee_without_an_award_and_every_nominator_is_told(
    cycle, supervisor, subordinate, junior, secretariat
):
    first = decided(cycle, supervisor, [subordinate], level=None, title="Satu")
    second = decided(cycle, supervisor, [junior], level=None, title="Dua")
    awarded = decided(cycle, supervisor, [junior, subordinate], title="Tiga")
    move_to(cycle, "deciding")
    publish_results(cycle, secretariat)
    assert sorted(ResultNotice.objects.values_list("nomination_id", "employee_id")) == sorted(
        [
            (first.pk, subordinate.pk),
            (first.pk, supervisor.pk),
            (second.pk, junior.pk),
            (second.pk, supervisor.pk),
            # an awarded nominee hears from the award e-mail instead
            (awarded.pk, supervisor.pk),
        ]
    )


def test_the_publisher_is_told_whether_the_jobs_are_queued():
    assert services.publication_jobs_message(deferred=False) == (
        "Published. Certificates, rewards and notices are on their way."
    )
    assert services.publication_jobs_message(deferred=True) == (
        "Published. The job queue is unreachable right now: certificates, rewards and "
        "notices will be prepared automatically as soon as it is back. Nothing is lost."
    )
