"""The cycle set-up and oversight API (DESIGN §7.2): a cycle's categories,
award levels and committee for the secretariat (the cycle itself — create,
change, rubric, readiness — is on ``CycleViewSet``); the ranking and review
exports for the secretariat and the chair. Everyone else gets 404."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.csv import XLSX_TYPE, csv_response, xlsx_response
from core.errors import NotFoundError
from nominations import exports, selectors, services
from nominations.models import AwardLevel, Category, CommitteeMember, Cycle

from . import serializers as s


def _cycle_id(pk) -> int:
    """A cycle id from the URL (the router's accepts any text); else 404."""
    try:
        number = int(pk)
    except (TypeError, ValueError):
        raise NotFoundError() from None
    if not 0 < number < 2**63:
        raise NotFoundError()
    return number


def managed_cycle(request, pk) -> Cycle:
    """The cycle, if the caller runs cycles (secretariat); else 404."""
    cycle = selectors.cycle_list().filter(pk=_cycle_id(pk)).first()
    if cycle is None or not request.user.has_perm("nominations.manage_cycle", cycle):
        raise NotFoundError()
    return cycle


def _one(queryset: QuerySet, **lookup):
    item = queryset.filter(**lookup).first()
    if item is None:
        raise NotFoundError()
    return item


def _expertise(cycle: Cycle, codes: list[str]) -> list[Category]:
    found = {c.code: c for c in cycle.categories.filter(code__in=codes)}
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise ValidationError(
            {"expertise": _("No category “%(code)s” in this cycle.") % {"code": unknown[0]}}
        )
    return [found[code] for code in codes]


class CategoriesView(APIView):
    """A cycle's categories: list them, add one (in ``draft``)."""

    @extend_schema(responses=s.CategorySerializer(many=True))
    def get(self, request, cycle_pk):
        cycle = managed_cycle(request, cycle_pk)
        return Response(s.CategorySerializer(cycle.categories.all(), many=True).data)

    @extend_schema(request=s.CategoryInputSerializer, responses={201: s.CategorySerializer})
    def post(self, request, cycle_pk):
        cycle = managed_cycle(request, cycle_pk)
        data = s.CategoryInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        category = services.category_add(cycle=cycle, **data.validated_data)
        return Response(s.CategorySerializer(category).data, status=status.HTTP_201_CREATED)


class CategoryView(APIView):
    """One category: rename it (until publication), change its code or kind,
    or delete it (in ``draft``)."""

    @extend_schema(request=s.CategoryPatchSerializer, responses=s.CategorySerializer)
    def patch(self, request, cycle_pk, pk):
        cycle = managed_cycle(request, cycle_pk)
        category = _one(Category.objects.select_related("cycle"), cycle=cycle, pk=pk)
        data = s.CategoryPatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        category = services.category_update(category=category, **data.validated_data)
        return Response(s.CategorySerializer(category).data)

    @extend_schema(responses={204: None})
    def delete(self, request, cycle_pk, pk):
        cycle = managed_cycle(request, cycle_pk)
        services.category_delete(
            category=_one(Category.objects.select_related("cycle"), cycle=cycle, pk=pk)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class AwardLevelsView(APIView):
    """A cycle's award levels, best first; add one (until deciding)."""

    @extend_schema(responses=s.AwardLevelSerializer(many=True))
    def get(self, request, cycle_pk):
        cycle = managed_cycle(request, cycle_pk)
        return Response(s.AwardLevelSerializer(cycle.award_levels.all(), many=True).data)

    @extend_schema(request=s.AwardLevelInputSerializer, responses={201: s.AwardLevelSerializer})
    def post(self, request, cycle_pk):
        cycle = managed_cycle(request, cycle_pk)
        data = s.AwardLevelInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        level = services.award_level_add(cycle=cycle, **data.validated_data)
        return Response(s.AwardLevelSerializer(level).data, status=status.HTTP_201_CREATED)


class AwardLevelView(APIView):
    """One award level, by its code: change it (the score and quota until
    deciding, names until publication) or delete it."""

    @extend_schema(request=s.AwardLevelPatchSerializer, responses=s.AwardLevelSerializer)
    def patch(self, request, cycle_pk, code):
        cycle = managed_cycle(request, cycle_pk)
        level = _one(AwardLevel.objects.select_related("cycle"), cycle=cycle, code=code)
        data = s.AwardLevelPatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        level = services.award_level_update(level=level, **data.validated_data)
        return Response(s.AwardLevelSerializer(level).data)

    @extend_schema(responses={204: None})
    def delete(self, request, cycle_pk, code):
        cycle = managed_cycle(request, cycle_pk)
        services.award_level_delete(
            level=_one(AwardLevel.objects.select_related("cycle"), cycle=cycle, code=code)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


def _members(cycle: Cycle) -> QuerySet[CommitteeMember]:
    return cycle.committee.select_related("employee__org_unit", "cycle").prefetch_related(
        "expertise"
    )


class CommitteeView(APIView):
    """A cycle's committee: one chair, an optional deputy chair, members with
    load caps and expertise. Adding someone as chair or deputy moves the
    seat from whoever held it."""

    @extend_schema(responses=s.CommitteeMemberSerializer(many=True))
    def get(self, request, cycle_pk):
        cycle = managed_cycle(request, cycle_pk)
        return Response(s.CommitteeMemberSerializer(_members(cycle), many=True).data)

    @extend_schema(
        request=s.CommitteeMemberInputSerializer, responses={201: s.CommitteeMemberSerializer}
    )
    def post(self, request, cycle_pk):
        cycle = managed_cycle(request, cycle_pk)
        data = s.CommitteeMemberInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        fields["expertise"] = _expertise(cycle, fields.get("expertise", []))
        member = services.committee_member_add(cycle=cycle, **fields)
        return Response(
            s.CommitteeMemberSerializer(_members(cycle).get(pk=member.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class CommitteeMemberView(APIView):
    """One seat: change its role, load cap or expertise, or remove it (not
    the chair once nominating has begun, nor a member with assignments)."""

    @extend_schema(request=s.CommitteeMemberPatchSerializer, responses=s.CommitteeMemberSerializer)
    def patch(self, request, cycle_pk, pk):
        cycle = managed_cycle(request, cycle_pk)
        member = _one(_members(cycle), pk=pk)
        data = s.CommitteeMemberPatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        if "expertise" in fields:
            fields["expertise"] = _expertise(cycle, fields["expertise"])
        services.committee_member_update(member=member, **fields)
        return Response(s.CommitteeMemberSerializer(_members(cycle).get(pk=pk)).data)

    @extend_schema(responses={204: None})
    def delete(self, request, cycle_pk, pk):
        cycle = managed_cycle(request, cycle_pk)
        services.committee_member_remove(member=_one(_members(cycle), pk=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class _ExportView(APIView):
    """A spreadsheet of the cycle (secretariat, chair), ``csv`` or ``xlsx``."""

    name = ""
    columns: list[str] = []

    def rows(self, cycle: Cycle):
        raise NotImplementedError

    @extend_schema(
        parameters=[OpenApiParameter("ext", str, OpenApiParameter.PATH, enum=["csv", "xlsx"])],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="the CSV"),
            (200, XLSX_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="the workbook"),
        },
    )
    def get(self, request, cycle_pk, ext):
        cycle = selectors.cycle_list().filter(pk=cycle_pk).first()
        if (
            ext not in ("csv", "xlsx")
            or cycle is None
            or not request.user.has_perm("nominations.view_ranking", cycle)
        ):
            raise NotFoundError()
        filename = f"{self.name}-{cycle.pk}-{timezone.localdate():%Y%m%d}.{ext}"
        if ext == "csv":
            return csv_response(filename, self.columns, self.rows(cycle))
        return xlsx_response(filename, self.name, self.columns, self.rows(cycle))


class RankingExportView(_ExportView):
    """The ranking, one row per nomination: its scores, the proposed and the
    decided award level (secretariat, chair)."""

    name = "ranking"
    columns = exports.RANKING_COLUMNS

    def rows(self, cycle):
        return exports.ranking_rows(cycle=cycle)


class ReviewsExportView(_ExportView):
    """Every review of the cycle, one row per review and criterion: the
    reviewer, the score and the comment (secretariat, chair)."""

    name = "reviews"
    columns = exports.REVIEW_COLUMNS

    def rows(self, cycle):
        return exports.review_rows(cycle=cycle)


def _overseen_cycle(request, pk) -> Cycle:
    """The cycle, for the secretariat and the chair (deputy); else 404."""
    cycle = selectors.cycle_list().filter(pk=pk).first()
    if cycle is None or not request.user.has_perm("nominations.view_ranking", cycle):
        raise NotFoundError()
    return cycle


class CycleAssignmentsView(APIView):
    """Who reviews what, with each review's state (secretariat, chair); the
    secretariat adds a reviewer to a nomination in review (409 with the
    reason when they are in conflict or at their cap)."""

    @extend_schema(responses=s.AssignmentRowSerializer(many=True))
    def get(self, request, cycle_pk):
        cycle = _overseen_cycle(request, cycle_pk)
        return Response(selectors.cycle_assignments(cycle=cycle))

    @extend_schema(request=s.AssignmentAddSerializer, responses={201: s.AssignmentRowSerializer})
    def post(self, request, cycle_pk):
        cycle = managed_cycle(request, cycle_pk)
        data = s.AssignmentAddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if not cycle.nominations.filter(pk=data.validated_data["nomination"]).exists():
            raise ValidationError({"nomination": _("No such nomination in this cycle.")})
        added = services.assignment_add(
            nomination_id=data.validated_data["nomination"],
            member_id=data.validated_data["reviewer"],
            actor=request.user,
        )
        [row] = selectors.cycle_assignments(cycle=cycle, pk=added.pk)
        return Response(row, status=status.HTTP_201_CREATED)


class CycleProgressView(APIView):
    """Per reviewer: assigned, draft, submitted and overdue (secretariat, chair)."""

    @extend_schema(responses=s.ProgressSerializer(many=True))
    def get(self, request, cycle_pk):
        cycle = _overseen_cycle(request, cycle_pk)
        return Response(selectors.cycle_progress(selectors.cycle_assignments(cycle=cycle)))
