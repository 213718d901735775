"""Field verification (DESIGN §7.3): a nomination's claims (the
secretariat, its verifiers, the chair), a verifier's findings and their
photos and documents. Whoever may not see them gets 404."""

from __future__ import annotations

from django.http import FileResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import NotFoundError
from nominations import evidence, selectors, services, verification
from nominations.models import Assignment, CheckFile, Nomination, Round

from . import serializers as s
from .setup import _cycle_id


def _nomination(request, pk) -> Nomination:
    """A nomination in a field round, for those who may see its claims."""
    found = (
        Nomination.objects.select_related("cycle", "round")
        .filter(pk=_cycle_id(pk), round__kind=Round.Kind.FIELD)
        .first()
    )
    if found is None or not request.user.has_perm("nominations.view_claims", found):
        raise NotFoundError()
    return found


def _claims(nomination: Nomination) -> dict:
    round = nomination.round
    assert round is not None
    rows = verification.checklist(nomination.pk, round)
    summary = verification.round_summaries(round, [nomination.pk]).get(
        nomination.pk, verification.Summary()
    )
    return dict(
        s.ClaimsSerializer(
            {
                "round": round.pk,
                "claims": rows,
                "proposed": [] if rows else verification.claims_proposed(nomination.impact),
                "summary": summary,
            }
        ).data
    )


class ClaimsView(APIView):
    """The claims to check of a nomination in a field-verification round."""

    @extend_schema(responses=s.ClaimsSerializer)
    def get(self, request, pk):
        return Response(_claims(_nomination(request, pk)))

    @extend_schema(request=s.ClaimsInputSerializer, responses=s.ClaimsSerializer)
    def put(self, request, pk):
        """Set the checklist (the secretariat or a verifier): items with an
        ``id`` keep that claim, new ones are added, those left out removed
        with their findings. Refused (409) once a verifier has submitted."""
        nomination = _nomination(request, pk)
        data = s.ClaimsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.claims_set(
            nomination_id=nomination.pk, actor=request.user, claims=data.validated_data["claims"]
        )
        return Response(_claims(nomination))


def _own(request, pk) -> Assignment:
    return selectors.assignment_get(user=request.user, pk=_cycle_id(pk))


def _verification(assignment: Assignment) -> dict:
    rows = verification.checklist(
        assignment.nomination_id, assignment.round, assignment_id=assignment.pk
    )
    checks: list[dict] = []
    for row in rows:
        mine = row.mine(assignment.pk)
        checks.append(
            {
                "claim": row.claim,
                "outcome": mine.outcome if mine else "",
                "note": mine.note if mine else "",
                "files": mine.files if mine else [],
            }
        )
    found = [str(c["outcome"]) for c in checks if c["outcome"]]
    score = (
        float(verification.review_score(found)) if checks and len(found) == len(checks) else None
    )
    return dict(
        s.FieldVerificationSerializer(
            {
                "assignment": assignment.pk,
                "status": assignment.status,
                "items": checks,
                "score": score,
            }
        ).data
    )


def _field_assignment(request, pk) -> Assignment:
    assignment = _own(request, pk)
    if assignment.round.kind != Round.Kind.FIELD:
        raise NotFoundError()
    return assignment


class VerificationView(APIView):
    """A verifier's findings on the claims of their nomination; a photo or
    document of a claim is uploaded on the same path."""

    def get_parsers(self):
        if getattr(self.request, "method", None) == "POST":
            return [MultiPartParser()]
        return super().get_parsers()

    @extend_schema(responses=s.FieldVerificationSerializer)
    def get(self, request, pk):
        return Response(_verification(_field_assignment(request, pk)))

    @extend_schema(
        request=s.FieldVerificationInputSerializer, responses=s.FieldVerificationSerializer
    )
    def put(self, request, pk):
        """Record findings (the claims given; the others stay), as a draft or
        submitted (``submit: true``: every claim recorded; it locks)."""
        assignment = _field_assignment(request, pk)
        data = s.FieldVerificationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.verification_save(
            assignment_id=assignment.pk, actor=request.user, **data.validated_data
        )
        return Response(_verification(_own(request, pk)))

    @extend_schema(request=s.CheckFileUploadSerializer, responses={201: s.CheckFileSerializer})
    def post(self, request, pk):
        """A photo or document for a claim (PDF, PNG, JPEG, XLSX, DOCX; ≤ 10 MB,
        ≤ 50 MB for the nomination's verification), before submitting."""
        assignment = _field_assignment(request, pk)
        data = s.CheckFileUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.check_file_add(
            assignment_id=assignment.pk,
            claim_id=data.validated_data["claim"],
            actor=request.user,
            upload=data.validated_data["file"],
        )
        return Response(s.CheckFileSerializer(item).data, status=status.HTTP_201_CREATED)


class CheckFileView(APIView):
    """A verification file: its verifier, the secretariat and the chair
    download it; its verifier removes it before submitting."""

    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiResponse(description="the file")}
    )
    def get(self, request, pk, file_pk):
        item = (
            CheckFile.objects.select_related(
                "claim_check__assignment__member", "claim_check__claim__nomination__round"
            )
            .filter(pk=_cycle_id(file_pk), claim_check__assignment_id=_cycle_id(pk))
            .first()
        )
        if item is None:
            raise NotFoundError()
        assignment = item.claim_check.assignment
        nomination = item.claim_check.claim.nomination
        if not (
            request.user.has_perm("nominations.score_assignment", assignment)
            or request.user.has_perm("nominations.view_claims", nomination)
        ):
            raise NotFoundError()
        name = item.original_name.rsplit(".", 1)[0][:100] or "verification"
        return FileResponse(
            item.file.open("rb"),
            as_attachment=True,
            filename=f"{name}.{evidence.EXTENSIONS[item.content_type]}",
            content_type=item.content_type,
        )

    @extend_schema(responses={204: None})
    def delete(self, request, pk, file_pk):
        assignment = _field_assignment(request, pk)
        services.check_file_delete(
            assignment_id=assignment.pk, file_id=_cycle_id(file_pk), actor=request.user
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
