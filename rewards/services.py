"""Writes of the rewards app: incentive policy, the publication job, HR's
decisions on incentive records, webhook endpoints.

The publication job follows the background-job pattern (STYLE.md): its row is
created ``pending`` inside the publishing transaction, the job is dispatched
after commit, claims the row with a conditional UPDATE and does everything in
one transaction; a sweeper re-dispatches a job whose message was lost or whose
worker died. Every row it creates has a unique constraint, so running it
twice, or receiving the publication event twice, creates nothing twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import cast

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import lifecycle
from core.errors import ApplicationError, ConflictError, NotFoundError
from core.formats import idr
from core.jobs import dispatch
from core.types import Actor
from nominations.models import AwardLevel, Nomination, Nominee
from nominations.selectors import awarded_nominees, cycle_list, psm_highlights
from people.services import career_event_append

from . import webhooks
from .models import (
    KIND_UNITS,
    AwardNotice,
    BonusBudget,
    IncentiveKind,
    IncentiveRecord,
    IncentiveRule,
    Publication,
    RecognitionPost,
    WebhookDelivery,
    WebhookEndpoint,
)
from .selectors import recognition_payload, recognition_posts_public
from .workflow import INCENTIVE, PUBLICATION, PUBLISHING

log = logging.getLogger(__name__)
R = IncentiveRecord.Status
PUBLISHED_PHASES = ("published", "closed")


# --- policy -----------------------------------------------------------------------


def incentive_policy_set(
    *,
    cycle_id: int,
    actor: Actor,
    bonus_budget: Decimal | None = None,
    levels: dict[str, list[dict]] | None = None,
) -> None:
    """Set a cycle's bonus budget and/or its incentives per award level
    (``{"gold": [{"kind": "bonus", "amount": 5000000}, …]}``, replacing the
    previous list). The incentives are fixed once the cycle is published; the
    budget may still grow, never below what HR has approved."""
    with transaction.atomic():
        cycle = cycle_list().select_for_update().filter(pk=cycle_id).first()
        if cycle is None or not actor.has_perm("rewards.manage_policy", cycle):
            raise NotFoundError()
        budget, _created = BonusBudget.objects.select_for_update().get_or_create(cycle=cycle)
        if bonus_budget is not None:
            if bonus_budget < budget.approved:
                raise ValidationError(
                    {
                        "bonus_budget": [
                            _("%(approved)s of bonuses are already approved.")
                            % {"approved": idr(budget.approved)}
                        ]
                    }
                )
            budget.amount = bonus_budget
            budget.save(update_fields=["amount"])
        if levels is None:
            return
        if cycle.phase in PUBLISHED_PHASES:
            raise ConflictError(_("The incentives of a published cycle cannot change."))
        by_code = {level.code: level for level in cycle.award_levels.all()}
        unknown = sorted(set(levels) - set(by_code))
        if unknown:
            raise ValidationError(
                {"levels": [_("Unknown award level “%(code)s”.") % {"code": unknown[0]}]}
            )
        rules = []
        for code, items in levels.items():
            kinds = [item["kind"] for item in items]
            if len(kinds) != len(set(kinds)):
                raise ValidationError(
                    {
                        "levels": [
                            _("Each kind may appear once per award level (%(code)s).")
                            % {"code": code}
                        ]
                    }
                )
            rules += [
                IncentiveRule(award_level=by_code[code], kind=item["kind"], amount=item["amount"])
                for item in items
            ]
        IncentiveRule.objects.filter(
            award_level__cycle=cycle, award_level__code__in=levels
        ).delete()
        IncentiveRule.objects.bulk_create(rules)


def incentive_policy_copy(*, source_id: int, cycle_id: int) -> int:
    """Copy the incentives per award level (matched by code) and the bonus
    budget's amount of cycle ``source_id`` into ``cycle_id``, set up as its
    copy. Idempotent (the unique constraints keep what is already there).
    Returns how many incentive lines were copied."""
    levels = dict(AwardLevel.objects.filter(cycle_id=cycle_id).values_list("code", "pk"))
    rules = [
        IncentiveRule(award_level_id=levels[code], kind=kind, amount=amount)
        for code, kind, amount in IncentiveRule.objects.filter(
            award_level__cycle_id=source_id
        ).values_list("award_level__code", "kind", "amount")
        if code in levels
    ]
    IncentiveRule.objects.bulk_create(rules, ignore_conflicts=True)
    budget = BonusBudget.objects.filter(cycle_id=source_id).first()
    if budget is not None:
        BonusBudget.objects.bulk_create(
            [BonusBudget(cycle_id=cycle_id, amount=budget.amount)], ignore_conflicts=True
        )
    return len(rules)


# --- the publication job ----------------------------------------------------------


def publication_create(*, cycle_id: int) -> None:
    """The rewards job of a published cycle: its row, and its dispatch after
    commit. A second call changes nothing (one row per cycle)."""
    from .tasks import process_publication

    with transaction.atomic():
        Publication.objects.bulk_create([Publication(cycle_id=cycle_id)], ignore_conflicts=True)
        transaction.on_commit(lambda: dispatch(process_publication, cycle_id=cycle_id))


def publication_claim(*, cycle_id: int) -> bool:
    """pending (or working but stale) → working; False if another job has it
    or it is done."""
    return bool(PUBLISHING.claim(pks=[cycle_id]))


def publication_process(*, cycle_id: int) -> dict | None:
    """The rewards of a published cycle, all in one transaction: incentive
    records per the policy, an award event in each nominee's career ledger,
    recognition posts (for nominees who have not opted out), a webhook
    delivery per post and active endpoint, an award e-mail per nominee.
    After commit: the webhook and e-mail jobs are queued.

    Returns the cycle's totals, or ``None`` if there was nothing to do."""
    if not publication_claim(cycle_id=cycle_id):
        return None
    with PUBLISHING.holding([cycle_id]), transaction.atomic():
        nominees = list(awarded_nominees(cycle_id=cycle_id))
        _create_incentive_records(nominees)
        _append_award_events(nominees)
        _create_posts(cycle_id, nominees)
        posts = recognition_posts_public().filter(cycle_id=cycle_id)
        webhook_deliveries_create(posts=posts)
        AwardNotice.objects.bulk_create(
            [AwardNotice(nomination_id=n.nomination_id, employee=n.employee) for n in nominees],
            ignore_conflicts=True,
        )
        totals = {
            "awarded": len(nominees),
            "incentives": IncentiveRecord.objects.filter(cycle_id=cycle_id).count(),
            "posts": RecognitionPost.objects.filter(cycle_id=cycle_id).count(),
            "deliveries": WebhookDelivery.objects.filter(post__cycle_id=cycle_id).count(),
        }
        lifecycle.advance(
            PUBLICATION,
            to=Publication.Status.DONE,
            pks=[cycle_id],
            values={"done_at": timezone.now()},
        )

        def after() -> None:
            from .tasks import send_award_notices

            webhooks.endpoints_dispatch()
            dispatch(send_award_notices, cycle_id=cycle_id)

        transaction.on_commit(after)
    return totals


def publications_sweep() -> int:
    """Re-dispatch publication jobs left pending for a minute, or held by a dead job."""
    from .tasks import process_publication

    ids = PUBLISHING.due()
    for cycle_id in ids:
        dispatch(process_publication, cycle_id=cycle_id)
    return len(ids)


def _level(nomination: Nomination) -> AwardLevel:
    """The award level of an awarded nomination (``awarded_nominees`` only
    returns nominations that have one)."""
    return cast(AwardLevel, nomination.award_level)


def _create_incentive_records(nominees: list[Nominee]) -> None:
    rules: dict[int, list[IncentiveRule]] = {}
    for rule in IncentiveRule.objects.filter(
        award_level_id__in={n.nomination.award_level_id for n in nominees}
    ):
        rules.setdefault(rule.award_level_id, []).append(rule)
    records = [
        IncentiveRecord(
            cycle_id=n.nomination.cycle_id,
            nomination_id=n.nomination_id,
            award_level=_level(n.nomination),
            employee_id=n.employee_id,
            kind=rule.kind,
            amount=Decimal(1) if rule.kind == IncentiveKind.TALENT_POOL else rule.amount,
            unit=KIND_UNITS[IncentiveKind(rule.kind)],
        )
        for n in nominees
        for rule in rules.get(_level(n.nomination).pk, [])
    ]
    IncentiveRecord.objects.bulk_create(records, ignore_conflicts=True)


def _append_award_events(nominees: list[Nominee]) -> None:
    """The award itself counts in the career profile ("awards in the last
    five years"), with no HR decision needed; the reference makes it once."""
    for n in nominees:
        nomination = n.nomination
        career_event_append(
            employee=n.employee,
            kind="award",
            amount=1,
            source={
                "cycle": nomination.cycle_id,
                "nomination": nomination.pk,
                "award_level": _level(nomination).code,
            },
            reference=f"award:{nomination.pk}:{n.employee_id}",
            note=_level(nomination).name_id,
        )


def _post_texts(team: list[Nominee], highlight: str, language: str) -> tuple[str, str]:
    """A post's title and body in ``language``, from the template."""
    lead = team[0]
    nomination = lead.nomination
    level = _level(nomination)
    with translation.override(language):
        context = {
            "names": _join_names([n.employee.name for n in team]),
            "unit": lead.employee.org_unit.name,
            "level": level.names[language] or level.name_id,
            "cycle": nomination.cycle.name,
            "title": nomination.title,
            "impact": nomination.impact.strip(),
            "highlight": highlight,
            "team": len(team) > 1,
        }
        title = _("%(level)s: %(title)s") % context
        body = render_to_string("rewards/recognition_post.txt", context).strip()
    return title, body


def _create_posts(cycle_id: int, nominees: list[Nominee]) -> None:
    """One post per awarded nomination none of whose nominees opted out; its
    title and body come from a template, in Indonesian and in English (what
    the nominator wrote stays as written)."""
    by_nomination: dict[int, list] = {}
    for n in nominees:
        by_nomination.setdefault(n.nomination_id, []).append(n)
    highlights = psm_highlights(cycle_id=cycle_id)
    posts = []
    for nomination_id, team in by_nomination.items():
        if not all(n.employee.public_recognition for n in team):
            continue
        lead = team[0]  # the lead first (awarded_nominees' order)
        nomination = lead.nomination
        highlight = highlights.get(nomination_id, "")
        title, body = _post_texts(team, highlight, "id")
        title_en, body_en = _post_texts(team, highlight, "en")
        posts.append(
            RecognitionPost(
                nomination=nomination,
                cycle_id=nomination.cycle_id,
                category_id=nomination.category_id,
                award_level_id=nomination.award_level_id,
                org_unit_id=lead.employee.org_unit_id,
                lead_id=lead.employee_id,
                # without a conjunction: the same in either language
                names=", ".join(n.employee.name for n in team)[:1000],
                title=title[:300],
                body=body,
                title_en=title_en[:300],
                body_en=body_en,
                published_at=nomination.cycle.published_at or timezone.now(),
            )
        )
    RecognitionPost.objects.bulk_create(posts, ignore_conflicts=True)


def _join_names(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    return _("%(names)s and %(last)s") % {"names": ", ".join(names[:-1]), "last": names[-1]}


# --- incentive decisions ---------------------------------------------------------


def _spend(record: IncentiveRecord, amount: Decimal) -> None:
    """Move ``amount`` of the cycle's bonus budget to "approved" with one
    conditional UPDATE: concurrent approvals queue on the row lock and each
    re-checks what is left, so together they can never overspend."""
    spent = BonusBudget.objects.filter(
        cycle_id=record.cycle_id, approved__lte=F("amount") - amount
    ).update(approved=F("approved") + amount)
    if spent:
        return
    budget = BonusBudget.objects.filter(cycle_id=record.cycle_id).first()
    left = budget.left if budget else Decimal(0)
    raise ConflictError(
        _(
            "Approving this bonus of %(amount)s would exceed the cycle's bonus budget: "
            "%(left)s is left."
        )
        % {"amount": idr(amount), "left": idr(left)},
        fields={"amount": [_("More than the budget left (%(left)s).") % {"left": idr(left)}]},
    )


def _append_career_event(record: IncentiveRecord) -> None:
    career_event_append(
        employee=record.employee,
        kind=record.kind,
        amount=record.amount,
        unit=record.unit,
        source={
            "cycle": record.cycle_id,
            "nomination": record.nomination_id,
            "award_level": record.award_level.code,
            "incentive": record.pk,
        },
        reference=f"incentive:{record.pk}",
        note=record.reason[:255],
    )


def _decided_by(actor: Actor, reason: str) -> Callable[[IncentiveRecord], None]:
    def record(item: IncentiveRecord) -> None:
        item.decided_by = actor
        item.decided_at = timezone.now()
        item.reason = reason

    return record


def incentive_approve(*, record_id: int, actor: Actor, reason: str = "") -> IncentiveRecord:
    """HR approves (optionally with a note): the record, the budget (for a
    bonus), the career event and the career profile change together or not
    at all."""

    def approve(record: IncentiveRecord) -> None:
        if record.kind == IncentiveKind.BONUS and record.amount > 0:
            _spend(record, record.amount)
        _decided_by(actor, reason)(record)

    with transaction.atomic():
        record = lifecycle.transition(
            INCENTIVE, pk=record_id, to=R.APPROVED, actor=actor, reason=reason, apply=approve
        )
        _append_career_event(record)
    return record


def incentives_decide_many(
    *, ids: list[int], action: str, actor: Actor, reason: str = ""
) -> list[dict]:
    """HR approves or rejects many records at once; one outcome per id, in
    the order given: ``{id, status, error}`` (``error`` null when done).

    The bonus budget is checked for the batch as a whole: when the pending
    bonuses of the batch add up to more than a cycle has left, none of that
    cycle's bonuses in the batch is approved (each says why) and the other
    records go ahead — so the outcome never depends on the order of the ids.
    Each record is then decided on its own, as one approval would be (an
    approval made meanwhile by someone else still cannot overspend)."""
    if action not in ("approve", "reject"):
        raise ValidationError({"action": [_("Choose approve or reject.")]})
    if action == "reject" and not reason.strip():
        raise ValidationError({"reason": [_("Say why the incentives are rejected.")]})
    if not actor.has_perm("rewards.decide_incentive"):
        raise NotFoundError()
    records = {r.pk: r for r in IncentiveRecord.objects.filter(pk__in=ids)}
    refused = _over_budget(list(records.values())) if action == "approve" else {}
    decide = incentive_approve if action == "approve" else incentive_reject
    results = []
    for pk in ids:
        record = records.get(pk)
        error = _("Not found.") if record is None else refused.get(pk)
        if error is None:
            try:
                record = decide(record_id=pk, actor=actor, reason=reason)
            except ValidationError as exc:
                error = " ".join(exc.messages)
            except ApplicationError as exc:
                error = exc.message
        results.append({"id": pk, "status": record.status if record else None, "error": error})
    return results


def _over_budget(records: list[IncentiveRecord]) -> dict[int, str]:
    """The pending bonuses of a batch whose cycle's budget cannot pay them
    all, each with the reason."""
    bonuses: dict[int, list[IncentiveRecord]] = {}
    for r in records:
        if r.status == R.PENDING and r.kind == IncentiveKind.BONUS and r.amount > 0:
            bonuses.setdefault(r.cycle_id, []).append(r)
    budgets = {b.cycle_id: b.left for b in BonusBudget.objects.filter(cycle_id__in=bonuses)}
    refused: dict[int, str] = {}
    for cycle_id, items in bonuses.items():
        total = sum((r.amount for r in items), Decimal(0))
        left = budgets.get(cycle_id, Decimal(0))
        if total > left:
            message = _(
                "The bonuses of this batch add up to %(total)s; the cycle's budget has "
                "%(left)s left. Approve fewer at once."
            ) % {"total": idr(total), "left": idr(left)}
            refused.update((r.pk, message) for r in items)
    return refused


def incentive_reject(*, record_id: int, actor: Actor, reason: str) -> IncentiveRecord:
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the incentive is rejected.")]})
    return lifecycle.transition(
        INCENTIVE,
        pk=record_id,
        to=R.REJECTED,
        actor=actor,
        reason=reason,
        apply=_decided_by(actor, reason),
    )


def incentive_reverse(*, record_id: int, actor: Actor, reason: str) -> IncentiveRecord:
    """Correct an approved record: a new record with the opposite amount,
    approved by the actor at once (the original stays as it was), its career
    event, and for a bonus the budget given back. Returns the reversing
    record."""
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the incentive is reversed.")]})
    with transaction.atomic():
        record = (
            IncentiveRecord.objects.select_for_update()
            .select_related("employee", "award_level")
            .filter(pk=record_id)
            .first()
        )
        if record is None or not actor.has_perm("rewards.decide_incentive", record):
            raise NotFoundError()
        if record.status != R.APPROVED or record.reverses_id is not None:
            raise ConflictError(_("Only an approved incentive can be reversed."))
        try:
            with transaction.atomic():
                reversal = IncentiveRecord.objects.create(
                    cycle_id=record.cycle_id,
                    nomination_id=record.nomination_id,
                    award_level_id=record.award_level_id,
                    employee=record.employee,
                    kind=record.kind,
                    amount=-record.amount,
                    unit=record.unit,
                    reverses=record,
                )
        except IntegrityError:
            raise ConflictError(_("This incentive is already reversed.")) from None
        reversal = lifecycle.transition(
            INCENTIVE,
            pk=reversal.pk,
            to=R.APPROVED,
            actor=actor,
            reason=reason,
            apply=_decided_by(actor, reason),
        )
        if record.kind == IncentiveKind.BONUS and record.amount > 0:
            BonusBudget.objects.filter(cycle_id=record.cycle_id).update(
                approved=F("approved") - record.amount
            )
        _append_career_event(reversal)
    return reversal


# --- webhooks -----------------------------------------------------------------------


def webhook_endpoint_save(
    *,
    actor: Actor,
    url: str,
    description: str = "",
    active: bool = True,
    endpoint: WebhookEndpoint | None = None,
) -> WebhookEndpoint:
    """Create or change an endpoint. The URL must be http(s) and must not
    resolve to a loopback, link-local or private address (unless
    ``WEBHOOKS_ALLOW_PRIVATE_ADDRESSES``). Re-activating clears its failures."""
    if not actor.has_perm("rewards.manage_webhooks"):
        raise NotFoundError()
    problem = webhooks.url_problem(url)
    if problem:
        raise ValidationError({"url": [problem]})
    endpoint = endpoint or WebhookEndpoint(created_by=actor)
    if active and not endpoint.active:
        endpoint.failures = 0
        endpoint.retry_at = None
        endpoint.disabled_reason = ""
    endpoint.url = url
    endpoint.description = description
    endpoint.active = active
    endpoint.full_clean(exclude=["created_by"])  # lengths, URL syntax: a clear error, not a 500
    endpoint.save()
    return endpoint


def webhook_deliveries_create(*, posts: Iterable[RecognitionPost]) -> None:
    """A delivery (fixed body and ``webhook-id``) of each post to each active
    endpoint; pairs that already have one are skipped."""
    endpoints = list(WebhookEndpoint.objects.filter(active=True))
    if not endpoints:
        return
    now = timezone.now()
    deliveries = []
    for post in posts:
        body = webhooks.body(
            event_type=webhooks.EVENT_POST_PUBLISHED, data=recognition_payload(post)
        )
        deliveries += [
            WebhookDelivery(
                endpoint=endpoint,
                post=post,
                event_type=webhooks.EVENT_POST_PUBLISHED,
                body=body,
                next_attempt_at=now,
            )
            for endpoint in endpoints
        ]
    WebhookDelivery.objects.bulk_create(deliveries, ignore_conflicts=True)
