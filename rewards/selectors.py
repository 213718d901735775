"""Reads of the rewards app, each scoped to the caller."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import OuterRef, Q, QuerySet
from django.urls import reverse

from certificates.models import group_code
from certificates.selectors import live_certificate_code
from core import i18n
from core.errors import NotFoundError
from core.types import Viewer
from nominations.models import Cycle
from people.selectors import user_employee

from .models import (
    AwardNotice,
    BonusBudget,
    IncentiveRecord,
    IncentiveRule,
    RecognitionPost,
    WebhookDelivery,
    WebhookEndpoint,
)

# --- public recognition ---------------------------------------------------------------


def recognition_posts_public() -> QuerySet[RecognitionPost]:
    """Posts the public may see: none of whose nominees has opted out (checked
    on every read, so an opt-out hides a post at once), with everything the
    wall shows in one query."""
    return (
        RecognitionPost.objects.exclude(nomination__nominees__employee__public_recognition=False)
        .select_related("cycle", "category", "award_level", "org_unit")
        .annotate(
            verification_code=live_certificate_code(
                nomination=OuterRef("nomination_id"), recipient=OuterRef("lead_id")
            )
        )
    )


def recognition_post_get(pk: Any) -> RecognitionPost:
    try:
        return recognition_posts_public().get(pk=pk)
    except (RecognitionPost.DoesNotExist, ValueError, TypeError):
        raise NotFoundError() from None


def absolute_url(path: str) -> str:
    """The public address of a path of this site (links in posts and e-mails)."""
    return settings.PUBLIC_BASE_URL.rstrip("/") + path


def recognition_payload(post: RecognitionPost) -> dict:
    """What the public sees of a post: names, unit, award, innovation title and
    summary, cycle and category, links. Never a NIP, e-mail or amount."""
    code = getattr(post, "verification_code", None)
    return {
        "id": post.pk,
        "title": i18n.pick(post.titles),
        "body": i18n.pick(post.bodies),
        "titles": post.titles,
        "bodies": post.bodies,
        "names": post.names,
        "unit": post.org_unit.name,
        "award": {
            "code": post.award_level.code,
            "name": post.award_level.name,
            "names": post.award_level.names,
            "name_en": post.award_level.name_en,
        },
        "cycle": {"id": post.cycle_id, "name": post.cycle.name},
        "category": {
            "code": post.category.code,
            "name": post.category.name,
            "names": post.category.names,
        },
        "published_at": post.published_at.isoformat(),
        "url": absolute_url(reverse("recognition-detail", args=[post.pk])),
        "verification_url": (
            absolute_url(reverse("verify-page", args=[group_code(code)])) if code else None
        ),
    }


# --- incentives -------------------------------------------------------------------


def incentive_list(*, user: Viewer) -> QuerySet[IncentiveRecord]:
    """HR sees every record; anyone else only their own."""
    base = IncentiveRecord.objects.select_related(
        "employee__org_unit", "award_level", "cycle", "nomination", "decided_by"
    )
    if user.has_perm("rewards.decide_incentive"):
        return base.all()
    employee = user_employee(user)
    if employee is None:
        return base.none()
    return base.filter(employee=employee)


def incentive_get(*, user: Viewer, pk: Any) -> IncentiveRecord:
    try:
        return incentive_list(user=user).get(pk=pk)
    except (IncentiveRecord.DoesNotExist, ValueError, TypeError):
        raise NotFoundError() from None


def incentive_policy(*, cycle: Cycle) -> dict:
    """The cycle's bonus budget (amount, approved, left) and incentives per level."""
    budget = BonusBudget.objects.filter(cycle=cycle).first() or BonusBudget(cycle=cycle)
    levels: dict[str, list[dict]] = {level.code: [] for level in cycle.award_levels.all()}
    for rule in IncentiveRule.objects.filter(award_level__cycle=cycle).select_related(
        "award_level"
    ):
        levels[rule.award_level.code].append({"kind": rule.kind, "amount": rule.amount})
    return {
        "cycle": cycle.pk,
        "bonus_budget": budget.amount,
        "bonus_approved": budget.approved,
        "bonus_left": budget.left,
        "levels": levels,
    }


def approved_incentives_for_export(*, cycle_id: int) -> QuerySet[IncentiveRecord]:
    """A cycle's approved records (reversals included, with their negative
    amounts) in payroll order."""
    return (
        IncentiveRecord.objects.filter(cycle_id=cycle_id, status=IncentiveRecord.Status.APPROVED)
        .select_related("employee__org_unit", "award_level", "nomination")
        .order_by("employee__org_unit__code", "employee__nip", "kind", "id")
    )


# --- webhooks -----------------------------------------------------------------------


def webhook_endpoint_list(*, user: Viewer) -> QuerySet[WebhookEndpoint]:
    if not user.has_perm("rewards.manage_webhooks"):
        return WebhookEndpoint.objects.none()
    return WebhookEndpoint.objects.all()


def webhook_delivery_list(*, user: Viewer, endpoint_id: Any) -> QuerySet[WebhookDelivery]:
    """An endpoint's delivery log with every attempt, newest first."""
    return (
        WebhookDelivery.objects.filter(
            endpoint__in=webhook_endpoint_list(user=user), endpoint_id=endpoint_id
        )
        .prefetch_related("tries")
        .order_by("-id")
    )


def webhook_due_endpoint_ids() -> list[int]:
    """Active endpoints with deliveries due, not backing off and not being sent to."""
    from django.utils import timezone

    now = timezone.now()
    return list(
        WebhookEndpoint.objects.ready(now)
        .filter(
            deliveries__status=WebhookDelivery.Status.PENDING,
            deliveries__next_attempt_at__lte=now,
        )
        .values_list("pk", flat=True)
        .distinct()
    )


def recognition_filter_options() -> dict:
    """The wall's choices of cycle and category: those of published cycles,
    read from the cycles and their categories (two small queries however
    many posts there are). Units are searched, not listed."""
    from nominations.selectors import published_categories, published_cycles

    return {"cycles": published_cycles(), "categories": published_categories()}


def recognition_posts_in_unit(
    posts: QuerySet[RecognitionPost], text: str
) -> QuerySet[RecognitionPost]:
    """``posts`` of the unit whose code is ``text``, or of units whose name
    contains it."""
    return posts.filter(Q(org_unit__code=text) | Q(org_unit__name__icontains=text))


def publication_progress(*, cycle_id: int) -> dict:
    """How far the rewards job of a published cycle is: its status and what
    it has created (for the secretariat's progress bar)."""
    from .models import Publication

    publication = Publication.objects.filter(cycle_id=cycle_id).first()
    return {
        "status": publication.status if publication else None,
        "done": publication is not None and publication.status == Publication.Status.DONE,
        "incentives": IncentiveRecord.objects.filter(cycle_id=cycle_id).count(),
        "posts": RecognitionPost.objects.filter(cycle_id=cycle_id).count(),
    }


def undelivered_award_mail(*, cycle_id: int) -> list[dict]:
    """The award e-mails of the cycle that were given up (``core.mail.undelivered``)."""
    from django.utils.translation import gettext as _

    from core.mail import undelivered

    return undelivered(AwardNotice.objects.filter(nomination__cycle_id=cycle_id), what=_("Award"))
