import django_filters
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from certificates import selectors, services
from certificates.models import Certificate
from certificates.throttles import VerifyThrottle
from core import serializers as strict
from core.api import HISTORY_SCHEMA, ReasonSerializer, history_response
from core.errors import GoneError, NotFoundError, ServiceUnavailableError
from core.fields import UploadField
from core.filters import IdFilter
from core.jobs import start, task_payload
from core.pagination import KeysetPagination


class CertificateSerializer(strict.ModelSerializer):
    serial = serializers.CharField()
    verification_code = serializers.CharField(source="grouped_code")
    nomination = serializers.IntegerField(source="nomination_id")
    recipient = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = [
            "id",
            "serial",
            "verification_code",
            "status",
            "nomination",
            "recipient",
            "issued_at",
            "revoked_at",
            "revoked_reason",
        ]

    def get_recipient(self, obj) -> dict:
        return {"id": obj.recipient_id, "name": obj.recipient.name}


class CertificateFilter(django_filters.FilterSet):
    cycle = IdFilter(field_name="nomination__cycle")

    class Meta:
        model = Certificate
        fields = ["cycle", "status"]


class CertificateViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Certificates: your own (as recipient or nominator); the secretariat sees
    all. Newest first, a page at a time through the links (``cursor``).
    Filters: ``cycle`` (id), ``status``."""

    serializer_class = CertificateSerializer
    filterset_class = CertificateFilter
    pagination_class = KeysetPagination
    keyset_ordering = ("-id",)

    def get_queryset(self):
        return selectors.certificate_list(user=self.request.user)

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(description="the PDF"),
            410: OpenApiResponse(description="revoked: the reason is in the message"),
        }
    )
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        """Download the signed PDF (recipient, nominator, secretariat). A
        revoked certificate's PDF answers 410 with the reason; only the
        secretariat can still download it, for the record."""
        certificate = selectors.certificate_get(user=request.user, pk=pk)
        if not certificate.file or certificate.status not in (
            Certificate.Status.ISSUED,
            Certificate.Status.REVOKED,
        ):
            raise NotFoundError()
        if certificate.status == Certificate.Status.REVOKED and not request.user.has_perm(
            "certificates.revoke_certificate", certificate
        ):
            raise GoneError(
                _("This certificate was revoked on %(date)s: %(reason)s")
                % {
                    "date": timezone.localdate(certificate.revoked_at).isoformat()
                    if certificate.revoked_at
                    else "",
                    "reason": certificate.revoked_reason,
                }
            )
        name = f"sertifikat-{certificate.serial.replace('/', '-')}.pdf"
        return FileResponse(
            certificate.file.open("rb"),
            as_attachment=True,
            filename=name,
            content_type="application/pdf",
        )

    @extend_schema(request=ReasonSerializer, responses=CertificateSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """Revoke with a reason (secretariat)."""
        certificate = selectors.certificate_get(user=request.user, pk=pk)
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.certificate_revoke(
            certificate_id=certificate.pk, actor=request.user, reason=data.validated_data["reason"]
        )
        return Response(
            CertificateSerializer(selectors.certificate_get(user=request.user, pk=pk)).data
        )

    @HISTORY_SCHEMA
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        """Every state change: issued when, revoked by whom and why (secretariat)."""
        certificate = selectors.certificate_get(user=request.user, pk=pk)
        if not request.user.has_perm("certificates.view_history", certificate):
            raise NotFoundError()
        return history_response(request, certificate)

    @extend_schema(request=ReasonSerializer, responses={201: CertificateSerializer})
    @action(detail=True, methods=["post"])
    def reissue(self, request, pk=None):
        """Revoke and issue anew with a new serial (secretariat)."""
        certificate = selectors.certificate_get(user=request.user, pk=pk)
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        new = services.certificate_reissue(
            certificate_id=certificate.pk, actor=request.user, reason=data.validated_data["reason"]
        )
        return Response(CertificateSerializer(new).data, status=status.HTTP_201_CREATED)


VerificationSerializer = inline_serializer(
    "Verification",
    {
        "status": serializers.ChoiceField(choices=["valid", "revoked"]),
        "recipient_name": serializers.CharField(),
        "award": serializers.CharField(),
        "cycle": serializers.CharField(),
        "issued_on": serializers.DateField(),
        "serial": serializers.CharField(),
        "sha256": serializers.CharField(),
        "revoked_on": serializers.DateField(required=False, allow_null=True),
    },
)
VerificationUploadSerializer = inline_serializer(
    "VerificationUpload",
    {
        "matches": serializers.BooleanField(help_text="byte-identical to an issued certificate"),
        "signature_valid": serializers.BooleanField(help_text="signed by us and unchanged since"),
        "status": serializers.ChoiceField(
            choices=["valid", "revoked"], allow_null=True, help_text="null: no match"
        ),
        "recipient_name": serializers.CharField(required=False),
        "award": serializers.CharField(required=False),
        "cycle": serializers.CharField(required=False),
        "issued_on": serializers.DateField(required=False),
        "serial": serializers.CharField(required=False),
        "sha256": serializers.CharField(required=False),
        "revoked_on": serializers.DateField(required=False, allow_null=True),
    },
)


class VerifyCodeView(APIView):
    """Public: is this certificate genuine? Unknown codes answer a plain 404."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [VerifyThrottle]

    @extend_schema(responses=VerificationSerializer)
    def get(self, request, code):
        return Response(selectors.verification_payload(selectors.certificate_by_code(code)))


class UploadSerializer(strict.Serializer):
    file = UploadField()


class VerifyUploadView(APIView):
    """Public: is this PDF byte-identical to an issued certificate, and is its
    signature ours and intact?"""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [VerifyThrottle]
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": UploadSerializer}, responses=VerificationUploadSerializer
    )
    def post(self, request):
        data = UploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        if upload.size > selectors.MAX_UPLOAD_BYTES:
            raise serializers.ValidationError({"file": [_("A certificate is not that large.")]})
        return Response(selectors.verification_by_content(upload.read()))


class BulkReissueView(APIView):
    """Re-issue every certificate of a cycle (secretariat), e.g. after a
    template change, and retry its failed ones. Answers 202 with a task id; follow its progress at
    ``/api/v1/tasks/{id}``."""

    @extend_schema(
        request=ReasonSerializer,
        responses={
            202: OpenApiResponse(description="{id, state, progress, result} of the background task")
        },
    )
    def post(self, request, cycle_id):
        from certificates.tasks import reissue_cycle
        from nominations.selectors import cycle_list

        if not request.user.has_perm("certificates.revoke_certificate", None):
            raise NotFoundError()
        if not cycle_list().filter(pk=cycle_id).exists():
            raise NotFoundError()
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if not data.validated_data["reason"].strip():
            raise serializers.ValidationError(
                {"reason": [_("Say why the certificates are re-issued.")]}
            )
        try:
            task_id = start(
                reissue_cycle,
                actor=request.user,
                cycle_id=cycle_id,
                actor_id=request.user.pk,
                reason=data.validated_data["reason"],
            )
        except Exception:
            raise ServiceUnavailableError(
                _("The job queue is unavailable; nothing was re-issued. Try again shortly.")
            ) from None
        return Response(task_payload(task_id), status=status.HTTP_202_ACCEPTED)
