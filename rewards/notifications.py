"""The e-mail each awarded nominee receives, with links to their certificates
page and their recognition post. One ``AwardNotice`` row per person and
nomination, claimed before sending: a job that runs twice sends nothing twice.

The e-mail is sent when the rewards job runs, which may be before the
certificate is issued (the certificates app works on its own). So it links to
the recipient's certificates page, which works at once and offers the PDF as
soon as it is issued — not to a verification page that would say "not found"
until then."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.jobs import GRACE
from core.mail import send_once, sweep_unsent

from .models import AwardNotice
from .selectors import absolute_url, recognition_posts_public


def award_notices_send(*, cycle_id: int) -> int:
    """E-mail each awarded nominee of the cycle. Returns the number sent."""
    notices = list(
        AwardNotice.objects.filter(nomination__cycle_id=cycle_id, sent_at__isnull=True)
        .select_related("employee", "nomination__award_level", "nomination__cycle")
        .order_by("id")
    )
    if not notices:
        return 0
    nomination_ids = {n.nomination_id for n in notices}
    posts = dict(
        recognition_posts_public()
        .filter(nomination_id__in=nomination_ids)
        .values_list("nomination_id", "pk")
    )
    sent = 0
    for notice in notices:
        nomination = notice.nomination
        post = posts.get(nomination.pk)
        with translation.override(settings.LANGUAGE_CODE):
            context = {
                "name": notice.employee.name,
                "level": nomination.award_level.name_id if nomination.award_level else "",
                "cycle": nomination.cycle.name,
                "title": nomination.title,
                "certificates_url": absolute_url(reverse("web-my-certificates")),
                "post_url": absolute_url(reverse("recognition-detail", args=[post]))
                if post
                else "",
            }
            sent += send_once(
                notice,
                "sent_at",
                notice.employee.email,
                _("Congratulations: %(level)s in %(cycle)s") % context,
                render_to_string("rewards/award_email.txt", context),
            )
    return sent


def award_notices_sweep() -> int:
    """Re-dispatch award e-mails left unsent."""
    from .tasks import send_award_notices

    return sweep_unsent(
        AwardNotice.objects.filter(
            sent_at__isnull=True, nomination__cycle__published_at__lt=timezone.now() - GRACE
        ),
        group_by="nomination__cycle_id",
        task=send_award_notices,
        argument="cycle_id",
    )
