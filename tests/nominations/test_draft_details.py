"""A draft's details the services keep: the lead changed alone, and an
evidence file's name as given (cut to what the column holds, or a neutral
one where the upload has none)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from nominations import services

from .helpers import PDF_BYTES, nomination


def test_changing_only_the_lead_is_kept(supervisor, subordinate, junior, cycle):
    team = nomination(cycle, supervisor, [subordinate, junior], category="technology-team")
    assert team.nominees.get(is_lead=True).employee == subordinate
    services.nomination_update(nomination=team, actor=supervisor.user, lead=junior)
    assert team.nominees.get(is_lead=True).employee == junior
    assert team.nominees.count() == 2


def test_an_evidence_file_keeps_its_name_within_the_column_or_gets_a_neutral_one(
    supervisor, subordinate, cycle
):
    draft = nomination(cycle, supervisor, [subordinate])
    long_name = "laporan-" + "x" * 300 + ".pdf"
    kept = services.evidence_add(
        nomination=draft,
        actor=supervisor.user,
        upload=SimpleUploadedFile(long_name, PDF_BYTES, content_type="application/pdf"),
    )
    # Django's upload cuts a long name to 255 characters and keeps the extension.
    assert (len(kept.original_name), kept.original_name[-4:]) == (255, ".pdf")
    unnamed = SimpleUploadedFile("x.pdf", PDF_BYTES, content_type="application/pdf")
    unnamed.name = None  # an upload made in code, without a file name
    neutral = services.evidence_add(nomination=draft, actor=supervisor.user, upload=unnamed)
    assert neutral.original_name == "evidence"
    with neutral.file.open("rb") as handle:
        assert handle.read() == PDF_BYTES


def test_screening_many_marks_each_eligible_and_says_why_one_could_not_be(
    supervisor, subordinate, junior, secretariat, cycle
):
    first = nomination(cycle, supervisor, [subordinate], title="Satu")
    withdrawn = nomination(cycle, supervisor, [junior], title="Dua")
    second = nomination(cycle, supervisor, [junior], title="Tiga")
    for item in (first, withdrawn, second):
        services.nomination_submit(nomination_id=item.pk, actor=supervisor.user)
    services.nomination_withdraw(nomination_id=withdrawn.pk, actor=supervisor.user)
    results = services.nominations_screen_eligible(
        nomination_ids=[second.pk, withdrawn.pk, 10**12, first.pk], actor=secretariat.user
    )
    assert results == [
        {"id": second.pk, "status": "eligible", "error": None},
        {
            "id": withdrawn.pk,
            "status": None,
            "error": "A nomination that is withdrawn cannot become eligible.",
        },
        {"id": 10**12, "status": None, "error": "Not found."},
        {"id": first.pk, "status": "eligible", "error": None},
    ]
    # Only the secretariat screens: for anyone else each is not found.
    assert services.nominations_screen_eligible(
        nomination_ids=[withdrawn.pk], actor=supervisor.user
    ) == [{"id": withdrawn.pk, "status": None, "error": "Not found."}]


def test_a_step_out_of_its_phase_says_which_phase_the_cycle_is_in(supervisor, subordinate, cycle):
    import pytest

    from core.errors import ConflictError

    from .helpers import advance

    item = nomination(cycle, supervisor, [subordinate])
    services.nomination_submit(nomination_id=item.pk, actor=supervisor.user)
    advance(cycle, "reviewing")
    with pytest.raises(ConflictError) as refused:
        services.nomination_withdraw(nomination_id=item.pk, actor=supervisor.user)
    assert refused.value.message == "Not possible while the cycle is in the reviewing phase."


def test_psm_statements_that_are_not_an_object_are_refused_by_the_service_too(
    supervisor, subordinate, cycle
):
    """The API's serializer refuses them first; a caller of the service
    (the demo, the promotion copy) gets the same field named."""
    import datetime as dt

    import pytest
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        services.nomination_create(
            nominator=supervisor,
            cycle=cycle,
            category=cycle.categories.get(code="technology"),
            nominees=[subordinate],
            title="Layanan",
            started_on=dt.date(2024, 1, 1),
            psm_statements="text",
        )
    assert refused.value.message_dict == {
        "psm_statements": ["Give an object of criterion code → text."]
    }


def test_a_nomination_without_nominees_is_refused_naming_the_field(supervisor, cycle):
    import datetime as dt

    import pytest
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        services.nomination_create(
            nominator=supervisor,
            cycle=cycle,
            category=cycle.categories.get(code="technology"),
            nominees=[],
            title="Layanan",
            started_on=dt.date(2024, 1, 1),
        )
    assert refused.value.message_dict == {"nominees": ["Name at least one nominee."]}
