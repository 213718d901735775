import json

from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.renderers import JSONRenderer

from nominations import selectors, services
from nominations.api.serializers import NominationSerializer
from nominations.listing import FIELDS, nomination_payloads
from nominations.models import Nomination

from .helpers import PDF_BYTES, nomination


def test_fast_payload_equals_the_serializer(supervisor, subordinate, junior, cycle, chair):
    item = nomination(cycle, supervisor, [subordinate, junior], category="service-team")
    services.evidence_add(
        nomination=item, actor=supervisor.user, upload=SimpleUploadedFile("a.pdf", PDF_BYTES)
    )
    Nomination.objects.filter(pk=item.pk).update(
        status="decided", decision_rationale="r", decided_at=item.created_at
    )
    for user in (supervisor.user, chair.user):
        scope = selectors.decision_scope(user=user)
        fast = nomination_payloads(
            list(Nomination.objects.filter(pk=item.pk).values(*FIELDS)), user=user
        )
        slow = NominationSerializer(
            selectors.nomination_list(user=user).get(pk=item.pk),
            context={"sees_decisions_of": scope},
        ).data
        expected = json.loads(JSONRenderer().render(slow))
        assert {k: v for k, v in fast[0].items() if expected.get(k) != v} == {}
        assert fast == [expected]
    assert fast[0]["decision"]["rationale"] == "r"  # the chair sees it
