"""Public pages: the recognition wall, a post, the Atom feed and a
certificate's verification page (behind its QR code)."""

import re
from urllib.parse import urlencode

from django.contrib.syndication.views import Feed
from django.core.exceptions import BadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import linebreaks
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certificates import selectors as certificates
from certificates.throttles import VerifyThrottle
from core import i18n
from core.errors import NotFoundError
from nominations import rounds
from rewards import selectors
from web.helpers import keyset_page

# What a verification code may hold (the URL's <str:code> segment).
VERIFICATION_CODE = re.compile(r"[A-Za-z0-9_-]{1,100}")

PAGE_SIZE = 20


def _filtered(params):
    """Posts narrowed by ``cycle`` (id), ``category`` (code) and ``unit``
    (an org unit's code, or part of a unit's name)."""
    if any("\x00" in params.get(name, "") for name in ("cycle", "category", "unit")):
        # The database refuses the byte: a 400, not a 500 (forms refuse it too).
        raise BadRequest
    posts = selectors.recognition_posts_public()
    chosen: dict[str, int | str] = {}
    if params.get("cycle", "").isdigit():
        chosen["cycle"] = int(params["cycle"])
        posts = posts.filter(cycle_id=chosen["cycle"])
    if params.get("category"):
        chosen["category"] = params["category"][:40]
        posts = posts.filter(category__code=chosen["category"])
    unit = params.get("unit", "").strip()[:100]
    if unit:
        chosen["unit"] = unit
        posts = selectors.recognition_posts_in_unit(posts, unit)
    return posts, chosen


def wall(request):
    """``/recognitions``: every public post, newest first, 20 a page (read
    by keyset: the hundredth page costs what the first does; not counted, as
    the wall shows no count)."""
    posts, chosen = _filtered(request.GET)
    page = keyset_page(request, posts, ("-published_at", "-id"), size=PAGE_SIZE, counted=False)
    query = urlencode(chosen)
    return render(
        request,
        "web/public/wall.html",
        {
            "page": page,
            "posts": [selectors.recognition_payload(p) for p in page.rows],
            "filters": selectors.recognition_filter_options(),
            "chosen": chosen,
            "query": query,
            "shortlists": rounds.public_shortlists()[:5],
        },
    )


def shortlist_page(request, pk):
    """``/shortlists/<id>``: a shortlist the secretariat made public."""
    found = rounds.public_shortlist(pk)
    return render(
        request, "web/public/shortlist.html", {"shortlist": found}, status=200 if found else 404
    )


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says."""
    from django.shortcuts import redirect
    from django.templatetags.static import static

    return redirect(static("web/favicon.svg"), permanent=True)


def post_detail(request, pk):
    try:
        post = selectors.recognition_post_get(pk)
    except NotFoundError:
        return render(request, "web/public/post.html", {"post": None}, status=404)
    return render(request, "web/public/post.html", {"post": selectors.recognition_payload(post)})


class RecognitionFeed(Feed):
    """``/recognitions/feed.atom``: the 50 newest public posts (same filters as the wall)."""

    feed_type = Atom1Feed
    title = gettext_lazy("Apresiasi — public recognition")
    subtitle = gettext_lazy("Public servants recognised for innovations in public service.")
    author_name = "Apresiasi"

    def get_object(self, request):
        return _filtered(request.GET)[0]

    def link(self, obj):
        return reverse("recognition-wall")

    def items(self, obj):
        return obj[:50]

    def item_title(self, item):
        return i18n.pick(item.titles)  # in the reader's language (Accept-Language)

    def item_description(self, item):
        # Atom's summary is ``type="html"``: a reader parses it as HTML after
        # the XML is decoded, so the user's text is escaped as HTML here (the
        # feed escapes it once more as XML). Nothing in it can become markup.
        return linebreaks(i18n.pick(item.bodies), autoescape=True)

    def item_link(self, item):
        return reverse("recognition-detail", args=[item.pk])

    def item_guid(self, item):
        return f"apresiasi:recognition:{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.names

    def item_categories(self, item):
        return [item.award_level.name, item.category.name, item.cycle.name]


def _verify_throttled(request) -> bool:
    """Whether the client has used up its verification checks (the API's
    limit, counted together). The throttle is DRF's; it never looks at the
    view it is given."""
    return not VerifyThrottle().allow_request(request, None)  # type: ignore[arg-type]


def verify_page(request, code):
    """``/verify/<code>``: the public verification page behind the QR code."""
    if _verify_throttled(request):
        return render(
            request,
            "web/public/verify_code.html",
            {"code": code, "error": _("Too many checks; wait a minute.")},
            status=429,
        )
    try:
        certificate = certificates.certificate_by_code(code)
    except NotFoundError:
        return render(request, "web/public/verify_code.html", {"code": code}, status=404)
    return render(
        request,
        "web/public/verify_code.html",
        {"code": code, "result": certificates.verification_payload(certificate)},
    )


def verify(request):
    """By code (a form), or by uploading the PDF."""
    typed = request.GET.get("code", "").strip()
    if typed:
        # Codes are letters and digits, typed with or without dashes or spaces;
        # anything else (a slash, say) cannot be one.
        code = certificates.normalize_code(typed)
        if not code or not VERIFICATION_CODE.fullmatch(typed.replace(" ", "")):
            return render(request, "web/public/verify_code.html", {"code": typed}, status=404)
        return redirect("verify-page", code)
    result = None
    error = None
    if request.method == "POST" and _verify_throttled(request):
        return render(
            request, "web/verify.html", {"error": _("Too many checks; wait a minute.")}, status=429
        )
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = _("Choose the certificate's PDF file.")
        elif upload.size > certificates.MAX_UPLOAD_BYTES:
            error = _("A certificate is not that large.")
        else:
            body = certificates.verification_by_content(upload.read())
            result = {
                "matches": body["matches"],
                "signature_valid": body["signature_valid"],
                "certificate": body if body["status"] else None,
            }
    return render(
        request, "web/verify.html", {"result": result, "error": error}, status=400 if error else 200
    )
