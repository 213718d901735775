"""Public pages: the recognition wall, a post, and the Atom feed."""

from urllib.parse import urlencode

from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy

from core.errors import NotFoundError

from . import selectors

PAGE_SIZE = 20


def _filtered(params):
    """Posts narrowed by ``cycle`` (id), ``category`` (code), ``unit`` (org unit code)."""
    posts = selectors.recognition_posts_public()
    chosen = {}
    if params.get("cycle", "").isdigit():
        chosen["cycle"] = int(params["cycle"])
        posts = posts.filter(cycle_id=chosen["cycle"])
    for name, lookup in (("category", "category__code"), ("unit", "org_unit__code")):
        if params.get(name):
            chosen[name] = params[name][:40]
            posts = posts.filter(**{lookup: chosen[name]})
    return posts, chosen


def wall(request):
    """``/recognitions``: every public post, newest first, 20 a page."""
    posts, chosen = _filtered(request.GET)
    page = Paginator(posts, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode(chosen)
    return render(
        request,
        "rewards/wall.html",
        {
            "page": page,
            "posts": [selectors.recognition_payload(p) for p in page.object_list],
            "filters": selectors.recognition_filter_options(),
            "chosen": chosen,
            "query": query,
        },
    )


def post_detail(request, pk):
    try:
        post = selectors.recognition_post_get(pk)
    except NotFoundError:
        return render(request, "rewards/post.html", {"post": None}, status=404)
    return render(request, "rewards/post.html", {"post": selectors.recognition_payload(post)})


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
        return item.title

    def item_description(self, item):
        return item.body

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
        return [item.award_level.name_id, item.category.name, item.cycle.name]
