"""Rounds of a cycle (DESIGN §7.3): the secretariat sets them up; the chair
sees each round's proposed shortlist and advances it. The secretariat and
the chair (and deputy chair) read them; everyone else gets 404."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import HISTORY_SCHEMA, history_response
from core.errors import NotFoundError
from nominations import rounds, selectors, services
from nominations.models import InterviewSlot, Round
from nominations.services.rounds import InterviewTimes

from . import serializers as s
from .setup import _cycle_id, managed_cycle


def _rounds(cycle_id: int):
    return Round.objects.filter(cycle_id=cycle_id).select_related("cycle").prefetch_related("panel")


def _seen_round(request, pk) -> Round:
    """A round, for those who run or chair its cycle; else 404."""
    found = _rounds_by_pk(pk)
    if found is None or not request.user.has_perm("nominations.view_ranking", found.cycle):
        raise NotFoundError()
    return found


def _rounds_by_pk(pk) -> Round | None:
    return (
        Round.objects.select_related("cycle")
        .prefetch_related("panel")
        .filter(pk=_cycle_id(pk))
        .first()
    )


def _managed_round(request, pk) -> Round:
    found = _rounds_by_pk(pk)
    if found is None or not request.user.has_perm("nominations.manage_cycle", found.cycle):
        raise NotFoundError()
    return found


def _out(round_id: int) -> dict:
    return dict(s.RoundSerializer(_rounds_by_pk(round_id)).data)


class CycleRoundsView(APIView):
    """A cycle's rounds in order; add one (before reviewing starts)."""

    @extend_schema(responses=s.RoundSerializer(many=True))
    def get(self, request, cycle_pk):
        cycle = selectors.cycle_list().filter(pk=_cycle_id(cycle_pk)).first()
        if cycle is None or not request.user.has_perm("nominations.view_ranking", cycle):
            raise NotFoundError()
        return Response(s.RoundSerializer(_rounds(cycle.pk), many=True).data)

    @extend_schema(request=s.RoundInputSerializer, responses={201: s.RoundSerializer})
    def post(self, request, cycle_pk):
        cycle = managed_cycle(request, cycle_pk)
        data = s.RoundInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        created = services.round_create(cycle_id=cycle.pk, **data.validated_data)
        return Response(_out(created.pk), status=status.HTTP_201_CREATED)


class RoundView(APIView):
    """One round: read it; change it (everything until it starts, then its
    names, dates and weight); remove it (before reviewing, not the last one
    left)."""

    @extend_schema(responses=s.RoundSerializer)
    def get(self, request, pk):
        return Response(s.RoundSerializer(_seen_round(request, pk)).data)

    @extend_schema(request=s.RoundPatchSerializer, responses=s.RoundSerializer)
    def patch(self, request, pk):
        found = _managed_round(request, pk)
        data = s.RoundPatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.round_update(round_id=found.pk, **data.validated_data)
        return Response(_out(found.pk))

    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        found = _managed_round(request, pk)
        services.round_delete(round_id=found.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ShortlistView(APIView):
    """The round's nominations ranked per category by their score in the
    round, each marked where the round's rule proposes it (after
    advancement: where it advanced)."""

    @extend_schema(responses=s.ShortlistSerializer)
    def get(self, request, pk):
        return Response(s.ShortlistSerializer(rounds.shortlist(_seen_round(request, pk))).data)


class AdvanceView(APIView):
    """The chair advances the round's shortlist: the nominations named enter
    the next round, the round's others end *not advanced* (told at
    publication). A shortlist other than the rule's proposal needs a
    rationale and is recorded as an override."""

    @extend_schema(request=s.AdvanceInputSerializer, responses=s.RoundSerializer)
    def post(self, request, pk):
        found = _rounds_by_pk(pk)
        if found is None or not request.user.has_perm("nominations.advance_round", found):
            raise NotFoundError()
        data = s.AdvanceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.round_advance(round_id=found.pk, actor=request.user, **data.validated_data)
        return Response(_out(found.pk))


class ShortlistPublishView(APIView):
    """The secretariat makes an advanced shortlist a public post, or takes
    it down (``public: false``); asking again changes nothing."""

    @extend_schema(request=s.ShortlistPublishInputSerializer, responses=s.RoundSerializer)
    def post(self, request, pk):
        found = _rounds_by_pk(pk)
        if found is None:
            raise NotFoundError()
        data = s.ShortlistPublishInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.shortlist_publish(round_id=found.pk, actor=request.user, **data.validated_data)
        return Response(_out(found.pk))


class PublicShortlistsView(ListAPIView):
    """The shortlists made public, newest first, a page at a time (three
    queries a page). No login needed."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    serializer_class = s.PublicShortlistSerializer

    def get_queryset(self):
        return rounds.public_shortlists()

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset()) or []
        return self.get_paginated_response(
            s.PublicShortlistSerializer(rounds.with_rows(page), many=True).data
        )


class PublicShortlistView(APIView):
    """One public shortlist: the innovations that go on, per category, with
    their units (never the people's names). No login needed."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=s.PublicShortlistSerializer)
    def get(self, request, pk):
        found = rounds.public_shortlist(_cycle_id(pk))
        if found is None:
            raise NotFoundError()
        return Response(s.PublicShortlistSerializer(found).data)


class RoundHistoryView(APIView):
    """Who advanced the round's shortlist, when, and why (secretariat, chair)."""

    @HISTORY_SCHEMA
    def get(self, request, pk):
        found = _rounds_by_pk(pk)
        if found is None or not request.user.has_perm("nominations.view_history", found.cycle):
            raise NotFoundError()
        return history_response(request, found)


def _slots(round_id: int):
    return InterviewSlot.objects.filter(round_id=round_id).prefetch_related("panel")


class ScheduleView(APIView):
    """The secretariat schedules an interview round: days, hours, slot
    length, breaks and rooms. Every nomination of the round gets a room, a
    time and the room's panel (its reviewers), none heard by a member in
    conflict with it, nobody double-booked; or nothing is saved and the
    answer (409, ``infeasible``) lists the nominations that cannot be placed
    and why."""

    @extend_schema(request=s.ScheduleInputSerializer, responses={201: s.ScheduleSerializer})
    def post(self, request, pk):
        found = _managed_round(request, pk)
        data = s.ScheduleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.interviews_schedule(
            round_id=found.pk, actor=request.user, times=InterviewTimes(**data.validated_data)
        )
        slots = s.InterviewSlotSerializer(_slots(found.pk), many=True).data
        return Response({"slots": slots, "unplaced": []}, status=status.HTTP_201_CREATED)


class SlotsView(APIView):
    """An interview round's schedule, by time and room (secretariat, chair)."""

    @extend_schema(responses=s.InterviewSlotSerializer(many=True))
    def get(self, request, pk):
        found = _seen_round(request, pk)
        return Response(s.InterviewSlotSerializer(_slots(found.pk), many=True).data)


class SlotView(APIView):
    """Move an interview to another time in its room (secretariat): refused
    while the room or a nominee is busy then; those involved are e-mailed
    and their calendars follow."""

    @extend_schema(request=s.SlotPatchSerializer, responses=s.InterviewSlotSerializer)
    def patch(self, request, pk):
        slot = InterviewSlot.objects.select_related("round__cycle").filter(pk=_cycle_id(pk)).first()
        if slot is None or not request.user.has_perm("nominations.manage_cycle", slot.round.cycle):
            raise NotFoundError()  # before the body: nothing told to whoever may not move it
        slot_id = slot.pk
        data = s.SlotPatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.interview_move(
            slot_id=slot_id, actor=request.user, starts_at=data.validated_data["starts_at"]
        )
        return Response(s.InterviewSlotSerializer(_slots(slot.round_id).get(pk=slot_id)).data)
