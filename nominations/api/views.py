"""API views: fetch through a scoped selector (404 for what is not yours),
validate input with a serializer, call one service, answer with the output
serializer. One ``@action`` per transition."""

from __future__ import annotations

import re

import django_filters
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core import jobs
from core.api import (
    HISTORY_SCHEMA,
    OptionalReasonSerializer,
    ReasonSerializer,
    TaskSerializer,
    history_response,
)
from core.errors import NotFoundError
from core.filters import BIGINT_MAX, IdFilter
from core.jobs import task_payload
from core.pagination import KeysetPagination, PageNumberPagination
from nominations import assignment, evidence, listing, readiness, selectors, services
from nominations.models import Cycle, Evidence, Nomination
from people.selectors import user_employee

from . import serializers as s
from .setup import managed_cycle


class CycleViewSet(viewsets.ReadOnlyModelViewSet):
    """Award cycles with their phase, categories, rubric and award levels."""

    def get_queryset(self):
        return selectors.cycle_list().order_by("-created_at")

    def get_serializer_class(self):
        return s.CycleDetailSerializer if self.action == "retrieve" else s.CycleSerializer

    def _cycle(self, pk):
        try:
            return selectors.cycle_list().get(pk=pk)
        except (Cycle.DoesNotExist, ValueError):
            raise NotFoundError() from None

    @extend_schema(request=s.CycleInputSerializer, responses={201: s.CycleDetailSerializer})
    def create(self, request):
        """Set a new cycle up, in ``draft`` (secretariat): with the default
        categories and award levels, or copied from ``copy_from`` (its rules,
        categories, rubric, award levels with their incentive policies, and
        committee; never its dates)."""
        if not request.user.has_perm("nominations.manage_cycle"):
            raise NotFoundError()
        data = s.CycleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cycle = services.cycle_create(**data.validated_data)
        return Response(
            s.CycleDetailSerializer(self._cycle(cycle.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=s.CyclePatchSerializer, responses=s.CycleDetailSerializer)
    def partial_update(self, request, pk=None):
        """Change the name, dates and rules (secretariat). Dates stay in order;
        the rules nominating depends on are frozen once the cycle leaves
        ``draft``, the ranking settings at publication."""
        cycle = managed_cycle(request, pk)
        data = s.CyclePatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.cycle_update(cycle_id=cycle.pk, **data.validated_data)
        return Response(s.CycleDetailSerializer(self._cycle(pk)).data)

    @extend_schema(request=s.RubricInputSerializer, responses=s.CycleDetailSerializer)
    @action(detail=True, methods=["put"])
    def rubric(self, request, pk=None):
        """Replace the cycle's rubric with a new version of it (secretariat,
        in ``draft``): weights are whole numbers adding up to 100."""
        cycle = managed_cycle(request, pk)
        data = s.RubricInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.cycle_rubric_replace(cycle_id=cycle.pk, **data.validated_data)
        return Response(s.CycleDetailSerializer(self._cycle(pk)).data)

    @extend_schema(responses=s.ReadinessSerializer)
    @action(detail=True, methods=["get"])
    def readiness(self, request, pk=None):
        """What is missing before the cycle can open for nominations
        (secretariat); moving it out of ``draft`` refuses with the same problems."""
        cycle = managed_cycle(request, pk)
        problems = readiness.cycle_problems(cycle)
        return Response(
            {
                "ready": not problems,
                "problems": [p.as_dict() for p in problems],
                "warnings": [w.as_dict() for w in readiness.cycle_warnings(cycle)],
            }
        )

    @extend_schema(request=s.PhaseInputSerializer, responses=s.CycleDetailSerializer)
    @action(detail=True, methods=["post"])
    def phase(self, request, pk=None):
        """Move the cycle to the next phase (secretariat)."""
        data = s.PhaseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cycle = self._cycle(pk)
        services.cycle_set_phase(
            cycle_id=cycle.pk, phase=data.validated_data["phase"], actor=request.user
        )
        return Response(s.CycleDetailSerializer(self._cycle(pk)).data)

    @extend_schema(
        request=None,
        responses={
            200: s.AssignmentResultSerializer,
            202: TaskSerializer,
            409: OpenApiResponse(
                description="Some nominations cannot get enough reviewers; "
                "nothing was assigned. The answer lists them."
            ),
        },
    )
    @action(detail=True, methods=["post"], url_path="assign-reviewers")
    def assign_reviewers(self, request, pk=None):
        """Assign reviewers to every eligible nomination (secretariat).

        Large cycles run as a background task: the answer is 202 with the
        task id; follow its progress at ``/api/v1/tasks/{id}``.
        """
        cycle = self._cycle(pk)
        result, task_id = assignment.reviewers_assign_or_queue(cycle=cycle, actor=request.user)
        if result is None:  # queued as a task
            return Response(task_payload(str(task_id)), status=status.HTTP_202_ACCEPTED)
        body = s.AssignmentResultSerializer(result.as_dict()).data
        if not result.ok:
            return Response(
                {
                    "message": _(
                        "Some nominations cannot get enough reviewers; nothing was assigned."
                    ),
                    "code": "infeasible",
                    **body,
                },
                status=status.HTTP_409_CONFLICT,
            )
        return Response(body)

    @extend_schema(
        responses=s.RankingSerializer,
        parameters=[
            OpenApiParameter(
                "round",
                {"type": "integer", "minimum": 1, "maximum": BIGINT_MAX},
                description="a round of the cycle: that round's ranking; "
                "without it the final ranking",
            ),
            OpenApiParameter(
                "category",
                {"type": "string", "pattern": r"^[-a-zA-Z0-9_]*$"},
                description="a category's code: its rows only (an unknown code: none)",
            ),
            OpenApiParameter(
                "flagged", bool, description="true: the flagged rows only; false: the others"
            ),
            OpenApiParameter(
                "decided",
                bool,
                description="true: the rows the chair has decided (or published); "
                "false: those still to decide",
            ),
            OpenApiParameter("page", {"type": "integer", "minimum": 1}),
            OpenApiParameter(
                "page_size",
                {"type": "integer", "minimum": 1, "maximum": 200},
                description="rows a page, 200 by default",
            ),
        ],
    )
    @action(detail=True, methods=["get"])
    def ranking(self, request, pk=None):
        """Ranking per category (chair, secretariat): the final ranking, by
        the final score with the proposed award levels, or one round's.
        Ranks, proposals and statistics are those of the whole cycle; the
        rows are filtered (category, flagged, decided) and come 200 to a
        page (``count``, ``next``, ``previous``)."""
        cycle = self._cycle(pk)
        if not request.user.has_perm("nominations.view_ranking", cycle):
            raise NotFoundError()
        stage = None
        if "round" in request.query_params:
            raw = request.query_params["round"]
            # ASCII digits only: "²" is a digit to str.isdigit, not to int()
            if not (raw.isascii() and raw.isdigit() and 0 < int(raw) <= BIGINT_MAX):
                raise ValidationError({"round": _("Give the id of a round of this cycle.")})
            stage = cycle.rounds.filter(pk=int(raw)).first()
            if stage is None:
                raise NotFoundError()
        wanted = {name: _true_or_false(request, name) for name in ("flagged", "decided")}
        category = request.query_params.get("category") or None
        if category is not None and not re.fullmatch(r"[-a-zA-Z0-9_]+", category):
            raise ValidationError({"category": [_("A category's code: letters, digits, - and _.")]})
        # Rows made as the page reads them: 200 of a 20,000-row cycle.
        ranking, every_row = selectors.ranking_for_pages(cycle=cycle, round=stage)
        rows = selectors.ranking_rows_filtered(every_row, category=category, **wanted)
        paginator = RankingPagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        assert paginator.page is not None
        # Only the page's rows as data: 200 of a 20,000-row cycle.
        payload = selectors.ranking_payload(ranking, rows=page)
        payload.update(
            count=paginator.page.paginator.count,
            next=paginator.get_next_link(),
            previous=paginator.get_previous_link(),
        )
        return Response(payload)

    @extend_schema(responses=s.ScreeningReportSerializer)
    @action(detail=True, methods=["get"])
    def screening(self, request, pk=None):
        """The submitted nominations waiting for screening, each with its
        automatic findings (an empty list: none), and a sentence summing up."""
        cycle = self._cycle(pk)
        if not request.user.has_perm("nominations.manage_cycle", cycle):
            raise NotFoundError()
        return Response(s.ScreeningReportSerializer(selectors.screening_report(cycle=cycle)).data)

    @HISTORY_SCHEMA
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        """Who moved the cycle to which phase, and when (secretariat, chair)."""
        cycle = self._cycle(pk)
        if not request.user.has_perm("nominations.view_history", cycle):
            raise NotFoundError()
        return history_response(request, cycle)

    @extend_schema(request=None, responses=s.PublishedCycleSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish the results: the cycle and every decided nomination (secretariat).
        ``jobs`` says whether the background work was queued or waits for the queue."""
        cycle = self._cycle(pk)
        with jobs.tracking() as refused:
            services.cycle_publish(cycle_id=cycle.pk, actor=request.user)
        published = self._cycle(pk)
        published.jobs = "deferred" if refused else "queued"
        published.jobs_message = services.publication_jobs_message(deferred=bool(refused))
        return Response(s.PublishedCycleSerializer(published).data)


class RankingPagination(PageNumberPagination):
    """A ranking's rows: 200 to a page, so most cycles' categories fit on one."""

    page_size = 200


def _true_or_false(request, name: str) -> bool | None:
    """A ``true``/``false`` query parameter; absent: ``None``; anything else,
    empty included, 400 naming it."""
    from django import forms

    from core.filters import TrueFalseField

    value = request.query_params.get(name)
    try:
        return None if value is None else TrueFalseField().clean(value)
    except forms.ValidationError as error:
        raise ValidationError({name: error.messages}) from None


class NominationFilter(django_filters.FilterSet):
    # By id; an id that matches nothing gives an empty page, not an error.
    cycle = IdFilter(field_name="cycle_id")
    category = IdFilter(field_name="category_id")

    class Meta:
        model = Nomination
        fields = ["cycle", "status", "category"]


class NominationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Nominations: supervisors their own, nominees theirs, the secretariat all,
    the chair those of their cycle, reviewers what they are assigned."""

    serializer_class = s.NominationSerializer
    filterset_class = NominationFilter
    pagination_class = KeysetPagination
    keyset_ordering = ("-created_at", "-id")

    def get_queryset(self):
        return selectors.nomination_scope(user=self.request.user).order_by("-created_at", "-id")

    def filter_queryset(self, queryset):
        # Building the FilterSet and its form costs more than the page's own
        # queries; most list requests carry no filter at all.
        if not any(name in self.request.query_params for name in NominationFilter.Meta.fields):
            return queryset
        return super().filter_queryset(queryset)

    def _payloads(self, rows):
        return listing.nomination_payloads(rows, user=self.request.user)

    def list(self, request):
        # The page's ids by keyset over the scoped nominations alone (an index
        # range, whatever the page), then their rows and nested rows. Asked
        # with the rows' joins, PostgreSQL walked the creation-time index
        # through 25,000 nominations to find a page of a reviewer's 200.
        scoped = self.filter_queryset(self.get_queryset()).values("id", "created_at")
        ids = [row["id"] for row in self.paginate_queryset(scoped) or []]
        found = {
            row["id"]: row for row in Nomination.objects.filter(pk__in=ids).values(*listing.FIELDS)
        }
        rows = listing.with_nested([found[pk] for pk in ids])
        return self.get_paginated_response(self._payloads(rows))

    def retrieve(self, request, pk=None):
        return self._answer(pk)

    def _get(self, pk):
        return selectors.nomination_get(user=self.request.user, pk=pk)

    def _answer(self, pk, code=status.HTTP_200_OK):
        rows = []
        if str(pk).isdigit():
            rows = list(
                selectors.nomination_scope(user=self.request.user)
                .filter(pk=pk)
                .values(*listing.FIELDS)
            )
        if not rows:
            raise NotFoundError()
        return Response(self._payloads(rows)[0], status=code)

    @extend_schema(request=s.NominationInputSerializer, responses={201: s.NominationSerializer})
    def create(self, request):
        """Create a draft nomination (a supervisor, for people in their line)."""
        data = s.NominationInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        employee = user_employee(request.user)
        if employee is None:
            raise NotFoundError(_("Only employees can nominate."))
        fields = dict(data.validated_data)
        nomination = services.nomination_create(nominator=employee, **fields)
        return self._answer(nomination.pk, status.HTTP_201_CREATED)

    @extend_schema(request=s.NominationPatchSerializer, responses=s.NominationSerializer)
    def partial_update(self, request, pk=None):
        """Edit a draft (its nominator)."""
        nomination = self._get(pk)
        data = s.NominationPatchSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        services.nomination_update(nomination=nomination, actor=request.user, **data.validated_data)
        return self._answer(pk)

    def destroy(self, request, pk=None):
        """Delete a draft (its nominator)."""
        services.nomination_delete(nomination=self._get(pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request={"multipart/form-data": s.EvidenceUploadSerializer},
        responses={201: s.EvidenceSerializer},
    )
    @action(detail=True, methods=["post"], url_path="evidence", parser_classes=[MultiPartParser])
    def evidence(self, request, pk=None):
        """Upload an evidence file (PDF, PNG, JPEG, XLSX, DOCX; ≤ 10 MB; ≤ 50 MB in all)."""
        nomination = self._get(pk)
        data = s.EvidenceUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.evidence_add(
            nomination=nomination, actor=request.user, upload=data.validated_data["file"]
        )
        return Response(s.EvidenceSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.NominationSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit a complete draft; it is frozen from now on."""
        services.nomination_submit(nomination_id=self._get(pk).pk, actor=request.user)
        return self._answer(pk)

    @extend_schema(request=OptionalReasonSerializer, responses=s.NominationSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        data = OptionalReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.nomination_withdraw(
            nomination_id=self._get(pk).pk, actor=request.user, reason=data.validated_data["reason"]
        )
        return self._answer(pk)

    @extend_schema(request=s.ScreenInputSerializer, responses=s.NominationSerializer)
    @action(detail=True, methods=["post"])
    def screen(self, request, pk=None):
        """Mark a submitted nomination eligible or ineligible (secretariat)."""
        data = s.ScreenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.nomination_screen(
            nomination_id=self._get(pk).pk, actor=request.user, **data.validated_data
        )
        return self._answer(pk)

    @extend_schema(request=ReasonSerializer, responses={204: None})
    @action(detail=True, methods=["post"])
    def conflict(self, request, pk=None):
        """Declare a conflict of interest, saying what it is (an assigned
        reviewer); the assignment is removed."""
        nomination = self._get(pk)
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.conflict_declare(
            nomination=nomination, actor=request.user, reason=data.validated_data["reason"]
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=s.DecisionInputSerializer, responses=s.NominationSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Decide an award level or none, with a rationale (the cycle's chair)."""
        data = s.DecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.nomination_decide(
            nomination_id=self._get(pk).pk,
            actor=request.user,
            award_level=data.validated_data["award_level"] or None,
            rationale=data.validated_data["rationale"],
        )
        return self._answer(pk)

    @extend_schema(
        request=s.PromoteInputSerializer,
        responses={200: s.NominationSerializer, 201: s.NominationSerializer},
    )
    @action(detail=True, methods=["post"])
    def promote(self, request, pk=None):
        """Put an awarded nomination of a published cycle forward to the
        higher-level cycle its cycle names (secretariat): 201 with the new
        submitted nomination of that cycle; again, 200 with the same one.
        ``category``: the higher-level cycle's category, by default the one of
        the same code. Refused (409, code ``not_promotable``) with every
        reason in ``problems``."""
        nomination = self._get(pk)
        data = s.PromoteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.nomination_promote(
            nomination_id=nomination.pk,
            actor=request.user,
            category=data.validated_data.get("category"),
        )
        return self._answer(
            result.nomination.pk, status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        )

    @HISTORY_SCHEMA
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        """Every state change of the nomination: who, when, from, to and why
        (secretariat, the cycle's chair)."""
        nomination = self._get(pk)
        if not request.user.has_perm("nominations.view_history", nomination):
            raise NotFoundError()
        return history_response(request, nomination)


class EvidenceDownloadView(APIView):
    """An evidence file: download it (as an attachment, for whoever may see the
    nomination) or remove it from a draft (its nominator)."""

    def _item(self, request, nomination_pk, pk) -> Evidence:
        nomination = selectors.nomination_get(user=request.user, pk=nomination_pk)
        try:
            return nomination.evidence.get(pk=pk)
        except (Evidence.DoesNotExist, ValueError):
            raise NotFoundError() from None

    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiResponse(description="the file")}
    )
    def get(self, request, nomination_pk, pk):
        item = self._item(request, nomination_pk, pk)
        nomination = item.nomination
        extension = evidence.EXTENSIONS[item.content_type]
        response: HttpResponse | FileResponse
        if selectors.identity_hidden(
            user=request.user,
            nomination_id=nomination.pk,
            cycle_id=nomination.cycle_id,
            nominator_id=nomination.nominator_id,
        ):
            # A blind reviewer: a neutral name, and the file without the
            # metadata that names its author.
            number = list(nomination.evidence.values_list("pk", flat=True)).index(item.pk) + 1
            with item.file.open("rb") as handle:
                content = evidence.without_metadata(handle.read(), item.content_type)
            response = HttpResponse(content, content_type=item.content_type)
            response["Content-Disposition"] = content_disposition_header(
                True, selectors.evidence_blind_name(item.content_type, number)
            )
        else:
            name = item.original_name.rsplit(".", 1)[0][:100] or "evidence"
            response = FileResponse(
                item.file.open("rb"),
                as_attachment=True,
                filename=f"{name}.{extension}",
                content_type=item.content_type,
            )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response

    @extend_schema(responses={204: None})
    def delete(self, request, nomination_pk, pk):
        services.evidence_delete(item=self._item(request, nomination_pk, pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AssignmentViewSet(viewsets.ReadOnlyModelViewSet):
    """A reviewer's own assignments."""

    filterset_fields = ["status"]

    def get_queryset(self):
        return selectors.assignment_list(user=self.request.user).order_by("status", "id")

    def get_serializer_class(self):
        return s.AssignmentDetailSerializer if self.action == "retrieve" else s.AssignmentSerializer

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        """Take a reviewer off a nomination before they submit (secretariat);
        a submitted review stays (409)."""
        try:
            assignment_id = int(pk)
        except (TypeError, ValueError):
            raise NotFoundError() from None
        if not 0 < assignment_id < 2**63:
            raise NotFoundError()
        services.assignment_remove(assignment_id=assignment_id, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def retrieve(self, request, pk=None):
        item = selectors.assignment_get(user=request.user, pk=pk)
        context = {
            **self.get_serializer_context(),
            "view": selectors.reviewer_view(user=request.user, assignment=item),
        }
        return Response(s.AssignmentDetailSerializer(item, context=context).data)

    @extend_schema(request=s.ReviewInputSerializer, responses=s.AssignmentSerializer)
    @action(detail=True, methods=["put"])
    def review(self, request, pk=None):
        """Save a draft review, or submit it (``submit: true``), which locks it."""
        item = selectors.assignment_get(user=request.user, pk=pk)
        data = s.ReviewInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.review_save(assignment_id=item.pk, actor=request.user, **data.validated_data)
        return Response(
            s.AssignmentSerializer(selectors.assignment_get(user=request.user, pk=pk)).data
        )

    @HISTORY_SCHEMA
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        """The review's state changes (its reviewer, the cycle's chair)."""
        try:
            item = selectors.assignment_get(user=request.user, pk=pk)
        except NotFoundError:
            item = selectors.assignment_for_chair(user=request.user, pk=pk)
        return history_response(request, item)

    @extend_schema(request=None, responses=s.AssignmentSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """Reopen a submitted review (the cycle's chair)."""
        item = selectors.assignment_for_chair(user=request.user, pk=pk)
        services.review_reopen(assignment_id=item.pk, actor=request.user)
        item.refresh_from_db()
        return Response(s.AssignmentSerializer(item).data)
