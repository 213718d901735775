"""One lifecycle mechanism for every state machine of the project.

Each app's ``workflow.py`` declares a :class:`Lifecycle` for each model with
a lifecycle — its state field, its table of allowed moves and, per move, the
permission an actor needs and the rules of state or phase that must hold —
and moves objects only through the three functions here. They are the only
code that assigns a state field (``tests/core/test_lifecycle_scan.py`` scans
the source for any other assignment). Every move writes a
:class:`core.models.StateChange` row: who, when, from, to and why.

- :func:`transition` — one object, by a person or the system: lock the row,
  check permission (404 when missing, so nothing is revealed), the move
  (409) and the rules (409), run ``apply``, save, write the history row,
  schedule ``on_commit``.
- :func:`transition_many` — the same for many objects at once, all or none.
- :func:`advance` — the conditional form for background jobs: move the rows
  that may move (and match ``where``), skip the others, never raise. This is
  the healthchecks-style ``UPDATE … WHERE status = old`` used to claim and
  finish jobs.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import ConflictError, NotFoundError
from .models import StateChange
from .types import Actor

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

M = TypeVar("M", bound=models.Model)

# A move is named by its target state, or by ``(from, to)`` where the same
# target needs different rules depending on where the object comes from.
Move = str | tuple[str, str]
# A rule returns the reason the move is refused, or None when it may happen.
Rule = Callable[[Any], "StrOrPromise | None"]


@dataclass(frozen=True)
class Lifecycle(Generic[M]):
    """A model's state machine.

    ``table`` maps each state to the states it may move to. A state listed
    as its own successor is a *stay* (saving a draft review again, a job
    reclaiming a stale row): allowed, and written to the history only by
    :func:`advance`. ``permissions`` maps a move to the django-rules
    permission a person needs for it; a move without one can be made only by
    the system (``actor=None``). ``rules`` maps a move to checks of state or
    phase that must pass whoever makes it.
    """

    model: type[M]
    table: Mapping[str, frozenset[str] | set[str]]
    field: str = "status"
    permissions: Mapping[Move, str] = dataclass_field(default_factory=dict)
    rules: Mapping[Move, Rule] = dataclass_field(default_factory=dict)
    select_related: tuple[str, ...] = ()
    # What a refused move says, with %(model)s, %(object)s, %(status)s and
    # %(to)s; per move where a plainer sentence fits ("already revoked").
    refused: StrOrPromise = ""
    refused_moves: Mapping[Move, StrOrPromise] = dataclass_field(default_factory=dict)

    def label(self, state: str) -> str:
        field = cast(models.Field, self.model._meta.get_field(self.field))
        choices = dict(field.choices or ())
        return str(choices.get(state, state))

    def allows(self, current: str, to: str) -> bool:
        return to in self.table.get(current, ())

    def _lookup(self, mapping: Mapping[Move, Any], current: str, to: str) -> Any:
        return mapping.get((current, to), mapping.get(to))

    def permission(self, current: str, to: str) -> str | None:
        return self._lookup(self.permissions, current, to)

    def refusal(self, obj: M, current: str, to: str) -> str | None:
        rule = self._lookup(self.rules, current, to)
        return rule(obj) if rule is not None else None

    def sources(self, to: str) -> list[str]:
        """The states from which ``to`` may be reached."""
        return [state for state, targets in self.table.items() if to in targets]


def _history(
    lifecycle: Lifecycle,
    moves: Iterable[tuple[Any, str]],
    to: str,
    actor: Actor | None,
    reason: str,
) -> None:
    content_type = ContentType.objects.get_for_model(lifecycle.model)
    StateChange.objects.bulk_create(
        StateChange(
            content_type=content_type,
            object_id=pk,
            field=lifecycle.field,
            from_state=current,
            to_state=to,
            actor=actor,
            reason=reason,
        )
        for pk, current in moves
    )


def _check(
    lifecycle: Lifecycle[M],
    obj: M,
    to: str,
    actor: Actor | None,
    *,
    from_states: Collection[str] | None = None,
    many: bool = False,
) -> None:
    current = getattr(obj, lifecycle.field)
    # The move the caller means: from where the object is, unless it is not
    # in one of the states the action starts from (then the first of those,
    # so the actor is judged by the action's permission before a 409).
    origin = current if not from_states or current in from_states else next(iter(from_states))
    if actor is not None:
        permission = lifecycle.permission(origin, to)
        if permission is None or not actor.has_perm(permission, obj):
            raise NotFoundError()
    if origin != current or not lifecycle.allows(current, to):
        context = {
            "model": lifecycle.model._meta.verbose_name,
            "object": obj,
            "status": lifecycle.label(current),
            "to": lifecycle.label(to),
        }
        if many:
            raise ConflictError(_("“%(object)s” is %(status)s and cannot become %(to)s.") % context)
        message = lifecycle._lookup(lifecycle.refused_moves, current, to) or lifecycle.refused
        raise ConflictError(
            (message or _("This %(model)s is %(status)s and cannot become %(to)s.")) % context
        )
    refusal = lifecycle.refusal(obj, current, to)
    if refusal:
        raise ConflictError(refusal)


def transition(
    lifecycle: Lifecycle[M],
    *,
    pk: Any,
    to: str,
    actor: Actor | None = None,
    reason: str = "",
    apply: Callable[[M], None] | None = None,
    on_commit: Callable[[M], None] | None = None,
    from_states: Collection[str] | None = None,
) -> M:
    """Move one object to ``to``, atomically, and return it.

    In order: lock the row; check the actor's permission (404 when missing),
    the move (409) and its rules (409); run ``apply`` (which may change
    other fields or raise a validation error, undoing everything); assign
    the state and save; write the history row (unless the move is a stay);
    schedule ``on_commit`` after the transaction commits. ``actor=None`` is
    the system. ``from_states`` names the states the action starts from
    where the table alone would allow more (a chair's reopen is only from
    ``submitted``). Two concurrent calls serialise on the row lock: the
    second sees the new state and gets a 409.
    """
    with transaction.atomic():
        obj = (
            lifecycle.model._default_manager.select_for_update(of=("self",))
            .select_related(*lifecycle.select_related)
            .filter(pk=pk)
            .first()
        )
        if obj is None:
            raise NotFoundError()
        _check(lifecycle, obj, to, actor, from_states=from_states)
        current = getattr(obj, lifecycle.field)
        if apply is not None:
            apply(obj)
        setattr(obj, lifecycle.field, to)
        obj.save()
        if current != to:
            _history(lifecycle, [(obj.pk, current)], to, actor, reason)
        if on_commit is not None:
            transaction.on_commit(lambda: on_commit(obj))
    return obj


def transition_many(
    lifecycle: Lifecycle[M],
    *,
    pks: Iterable[Any],
    to: str,
    actor: Actor | None = None,
    reason: str = "",
    values: Mapping[str, Any] | None = None,
) -> list[M]:
    """:func:`transition` for many objects at once, in a fixed number of
    queries. All or none: one object that may not move stops the whole call
    (404 for one that is missing or not the actor's, 409 for one that may
    not move). ``values`` are other fields set on every row. Returns the
    objects as they were before the move."""
    wanted = set(pks)
    if not wanted:
        return []
    with transaction.atomic():
        rows = list(
            lifecycle.model._default_manager.select_for_update(of=("self",))
            .select_related(*lifecycle.select_related)
            .filter(pk__in=wanted)
            .order_by("pk")
        )
        if len(rows) != len(wanted):
            raise NotFoundError()
        for obj in rows:
            _check(lifecycle, obj, to, actor, many=True)
        _history(lifecycle, [(o.pk, getattr(o, lifecycle.field)) for o in rows], to, actor, reason)
        _update(lifecycle, [o.pk for o in rows], to, values)
    return rows


def advance(
    lifecycle: Lifecycle[M],
    *,
    to: str,
    pks: Iterable[Any] | None = None,
    where: Q | None = None,
    values: Mapping[str, Any] | None = None,
    row_values: Mapping[Any, Mapping[str, Any]] | None = None,
    reason: str = "",
    skip_locked: bool = False,
) -> list[Any]:
    """The system moves the rows (of ``pks``, matching ``where``) that the
    table lets move to ``to`` (from any of its sources, so a job marking a
    row done needs no ``where`` for "still working"); the others are left
    alone. Returns the ids moved, so a caller that gets ``[]`` lost the race.

    The rows are locked first; with ``skip_locked`` rows another
    transaction holds are skipped, never waited for (claiming a job). A stay
    (a state that is its own successor) is written to the history too: a
    job reclaiming a stale row is worth seeing there.

    ``row_values`` sets values that differ per row (by pk; the same fields
    for every row) in the same UPDATE: a job finishing a batch moves it in
    three statements, not three a row.
    """
    query = Q(**{f"{lifecycle.field}__in": lifecycle.sources(to)})
    if where is not None:
        query &= where
    if pks is not None:
        pks = list(pks)
        if not pks:
            return []
        query &= Q(pk__in=pks)
    with transaction.atomic():
        moves = list(
            lifecycle.model._default_manager.select_for_update(skip_locked=skip_locked)
            .filter(query)
            .order_by("pk")
            .values_list("pk", lifecycle.field)
        )
        if not moves:
            return []
        _history(lifecycle, moves, to, None, reason)
        _update(lifecycle, [pk for pk, _state in moves], to, values, row_values)
    return [pk for pk, _state in moves]


def _update(
    lifecycle: Lifecycle,
    pks: list[Any],
    to: str,
    values: Mapping[str, Any] | None,
    row_values: Mapping[Any, Mapping[str, Any]] | None = None,
) -> None:
    changes: dict[str, Any] = {lifecycle.field: to, **(values or {})}
    if any(f.name == "updated_at" for f in lifecycle.model._meta.concrete_fields):
        changes.setdefault("updated_at", timezone.now())
    moved = set(pks)
    for name in {name for row in (row_values or {}).values() for name in row}:
        field = lifecycle.model._meta.get_field(name)
        changes[name] = models.Case(
            *(
                models.When(pk=pk, then=models.Value(row[name], output_field=field))
                for pk, row in (row_values or {}).items()
                if pk in moved
            ),
            default=models.F(name),
            output_field=field,
        )
    lifecycle.model._default_manager.filter(pk__in=pks).update(**changes)


def history(obj: models.Model) -> models.QuerySet[StateChange]:
    """The state changes of ``obj``, oldest first, with their actors."""
    return (
        StateChange.objects.filter(
            content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
        )
        .select_related("actor")
        .order_by("id")
    )
