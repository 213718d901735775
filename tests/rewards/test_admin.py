"""Rows only services write are read-only in the admin, even for a superuser."""

import pytest

from tests.people.test_admin import admin_client

READ_ONLY = [
    "people/careerevent",
    "rewards/publication",
    "rewards/incentiverecord",
    "rewards/recognitionpost",
    "rewards/webhookdelivery",
    "core/outboxevent",
    "core/eventdelivery",
]


@pytest.mark.parametrize("model", READ_ONLY)
def test_listed_but_never_added_in_the_admin(db, model):
    client = admin_client()
    assert client.get(f"/admin/{model}/").status_code == 200
    assert client.get(f"/admin/{model}/add/").status_code == 403


def test_an_incentive_record_cannot_be_edited_or_deleted(published):
    from rewards.models import IncentiveRecord

    client = admin_client()
    record = IncentiveRecord.objects.first()
    page = client.get(f"/admin/rewards/incentiverecord/{record.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content  # a view page, no save button
    assert client.post(f"/admin/rewards/incentiverecord/{record.pk}/delete/").status_code == 403
    assert IncentiveRecord.objects.filter(pk=record.pk).exists()


def test_the_admin_shows_who_approved_an_incentive_and_why(published, hr):
    from rewards import services
    from rewards.models import IncentiveRecord

    record = IncentiveRecord.objects.filter(kind="bonus").first()
    services.incentive_approve(record_id=record.pk, actor=hr.user, reason="Payroll batch 7")
    page = admin_client().get(f"/admin/rewards/incentiverecord/{record.pk}/change/")
    history = page.content.decode().split('id="core-statechange-content_type-object_id-group"')[1]
    for expected in ("hr", "pending", "approved", "Payroll batch 7"):
        assert expected in history
