"""Public recognition: posts, the wall, the API, the Atom feed, opt-out, e-mails."""

import json

import feedparser
from django.core import mail
from django.utils import timezone

from certificates.models import Certificate
from certificates.services import certificate_issue
from rewards.models import RecognitionPost
from tests.nominations.helpers import move_to, publish_results

WALL, API, FEED = "/recognitions", "/api/v1/recognitions", "/recognitions/feed.atom"


def titles(client, url=API):
    return [p["title"] for p in client.get(url).json()["results"]]


def test_each_awarded_nomination_gets_a_post_from_the_template(published, client):
    post = RecognitionPost.objects.get(nomination=published["gold"])
    assert post.title == "Penghargaan Utama: Layanan izin satu hari"
    # The body is written in the service's language (Indonesian) from a template:
    # who, what innovation, its impact and the PSM statement (no reviews here,
    # so the first PSM dimension's).
    assert post.body == (
        "Subordinate (Direktorat) menerima Penghargaan Utama dalam Anugerah Inovasi Uji "
        "atas inovasi “Layanan izin satu hari”.\n\n"
        "Dampak: i\nMotivasi pelayanan publik: Puts citizens first."
    )
    # …and in English, from the same template (what the nominator wrote stays
    # as written).
    assert post.title_en == "Gold award: Layanan izin satu hari"
    assert post.body_en == (
        "Subordinate (Direktorat) receives the Gold award of Anugerah Inovasi Uji "
        "for the innovation “Layanan izin satu hari”.\n\n"
        "Impact: i\nPublic service motivation: Puts citizens first."
    )
    team = RecognitionPost.objects.get(nomination=published["team"])
    assert team.names == "Junior, Subordinate"
    assert team.body.startswith(
        "Tim Junior dan Subordinate (Direktorat) menerima Penghargaan Madya"
    )
    assert team.body_en.startswith(
        "The team of Junior and Subordinate (Direktorat) receives the Silver award"
    )


def test_a_post_fits_the_longest_names_has_no_empty_psm_line_and_the_cycle_s_date(
    policy, supervisor, secretariat, cycle, org
):
    """The longest award level name and title, a team of four with the
    longest names, and no PSM statement (a rubric that asks none): the post
    is cut to its columns, says nothing of PSM, and is dated when the cycle
    was published, however late the rewards job runs."""
    from nominations.models import AwardLevel, Nomination
    from rewards import services
    from tests.factories import EmployeeFactory

    from .conftest import decide

    AwardLevel.objects.filter(cycle=cycle, code="gold").update(name_id="E" * 200, name_en="G" * 200)
    team = [
        EmployeeFactory(name=f"{i}" * 255, org_unit=org["dit"], supervisor=supervisor)
        for i in range(4)
    ]
    item = decide(cycle, supervisor, team, title="T" * 200)
    Nomination.objects.filter(pk=item.pk).update(psm_statements={})
    move_to(cycle, "deciding")
    published = publish_results(cycle, secretariat)
    services.publication_process(cycle_id=cycle.pk)
    post = RecognitionPost.objects.get(nomination=item)
    assert (len(post.title), len(post.title_en), len(post.names)) == (300, 300, 1000)
    assert post.title.startswith("E" * 200 + ": T")
    assert post.body.endswith("Dampak: i")
    assert post.body_en.endswith("Impact: i")
    assert post.published_at == published.published_at


def test_the_wall_api_and_feed_answer_in_the_readers_language(published, client):
    post = published["gold"].recognition_post.pk
    for language, title, words in [
        ("id", "Penghargaan Utama: Layanan izin satu hari", "menerima"),
        ("en", "Gold award: Layanan izin satu hari", "receives"),
    ]:
        answer = client.get(API, HTTP_ACCEPT_LANGUAGE=language).json()
        item = next(p for p in answer["results"] if p["id"] == post)
        assert item["title"] == title
        assert words in item["body"]
        page = client.get(f"/recognitions/{post}", HTTP_ACCEPT_LANGUAGE=language)
        assert title in page.content.decode()
        feed = feedparser.parse(client.get(FEED, HTTP_ACCEPT_LANGUAGE=language).content)
        entry = next(e for e in feed.entries if e.link.endswith(f"/recognitions/{post}"))
        assert entry.title == title
        assert words in entry.summary


def test_the_wall_api_and_feed_show_the_posts_with_a_verification_link(published, client):
    def gold_post():
        body = client.get(API).json()
        assert body["count"] == 2
        post = published["gold"].recognition_post.pk
        return next(p for p in body["results"] if p["id"] == post)

    # The link appears once the certificate is issued, so it never leads to
    # "not found".
    certificate = Certificate.objects.get(nomination=published["gold"])
    assert gold_post()["verification_url"] is None
    assert certificate_issue(certificate_id=certificate.pk)
    gold = gold_post()
    code = certificate.grouped_code
    assert gold["verification_url"] == f"http://127.0.0.1:8000/verify/{code}"
    assert gold["award"]["code"] == "gold"
    page = client.get(WALL).content.decode()
    assert "Layanan izin satu hari" in page
    assert "Antrian daring" in page
    assert feedparser.parse(client.get(FEED).content).entries[0].title


def test_the_atom_feed_is_valid_atom(published, client):
    response = client.get(FEED)
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert (feed.bozo, feed.version) == (False, "atom10")
    assert len(feed.entries) == 2
    for entry in feed.entries:
        assert entry.id.startswith("apresiasi:recognition:")
        assert entry.updated_parsed
        assert entry.link.startswith("http")
        assert entry.author


def test_filters_by_cycle_category_and_unit(published, client, org):
    cycle = published["cycle"].pk
    assert len(titles(client, f"{API}?cycle={cycle}")) == 2
    assert titles(client, f"{API}?category=technology-team") == [
        p.title for p in RecognitionPost.objects.filter(category__code="technology-team")
    ]
    assert titles(client, f"{API}?unit=SET") == []
    assert len(titles(client, f"{API}?unit=DIT")) == 2
    assert len(feedparser.parse(client.get(f"{FEED}?category=technology").content).entries) == 1
    assert "Antrian daring" not in client.get(f"{WALL}?category=technology").content.decode()


def test_the_wall_searches_units_and_lists_only_published_cycles(published, client, cycle):
    from nominations import services

    draft = services.cycle_create(name="Anugerah yang belum terbit")
    page = client.get(WALL)
    assert page.context["filters"]["cycles"] == [(published["cycle"].pk, published["cycle"].name)]
    assert draft.name not in page.content.decode()
    assert "units" not in page.context["filters"]
    # A unit by its code, by part of its name (any case), or no match.
    for text, shown in (("DIT", 2), ("direkto", 2), ("Sekretariat", 0)):
        response = client.get(WALL, {"unit": text})
        assert len(response.context["posts"]) == shown, text
        assert f'value="{text}"' in response.content.decode()


def test_a_nul_byte_in_a_wall_filter_is_a_400_not_a_500(db):
    from django.test import Client

    client = Client(raise_request_exception=False)
    for name in ("unit", "category", "cycle"):
        for url in (WALL, FEED):
            assert client.get(url, {name: "a\x00b"}).status_code == 400, (url, name)


def test_the_wall_pages_by_links_that_keep_its_filters(published, client, monkeypatch):
    from web.views import public

    monkeypatch.setattr(public, "PAGE_SIZE", 1)
    first = client.get(WALL, {"unit": "DIT"})
    older = first.context["page"].next
    assert "unit=DIT" in older
    assert first.context["page"].previous is None
    second = client.get(older)
    titles_shown = [p["title"] for p in first.context["posts"] + second.context["posts"]]
    assert sorted(titles_shown) == sorted(RecognitionPost.objects.values_list("title", flat=True))
    assert second.context["page"].next is None
    assert client.get(WALL, {"cursor": "nonsense"}).status_code == 400


def test_opting_out_hides_the_post_from_wall_api_and_feed_at_once(published, api, junior, client):
    team_title = RecognitionPost.objects.get(nomination=published["team"]).title
    assert team_title in titles(client)
    response = api.as_(junior).patch("/api/v1/me", {"public_recognition": False}, format="json")
    assert response.json()["public_recognition"] is False
    assert team_title not in titles(client)
    assert team_title not in client.get(WALL).content.decode()
    assert team_title not in [e.title for e in feedparser.parse(client.get(FEED).content).entries]
    post = RecognitionPost.objects.get(nomination=published["team"])
    assert client.get(f"{API}/{post.pk}").status_code == 404
    assert client.get(f"/recognitions/{post.pk}").status_code == 404
    # Opting back in shows it again.
    api.as_(junior).patch("/api/v1/me", {"public_recognition": True}, format="json")
    assert team_title in titles(client)


def test_nominees_who_opted_out_before_publication_get_no_post(
    policy, supervisor, subordinate, junior, secretariat
):
    from people.services import employee_set_public_recognition
    from rewards import services

    from .conftest import decide

    changed = employee_set_public_recognition(employee=subordinate, public=False)
    assert changed.public_recognition is False
    decide(policy, supervisor, [subordinate])
    # a later nomination of someone who did not opt out still gets its post
    later = decide(policy, supervisor, [junior], level="silver", title="Antrian daring")
    move_to(policy, "deciding")
    publish_results(policy, secretariat)
    assert services.publication_process(cycle_id=policy.pk)["posts"] == 1
    assert list(RecognitionPost.objects.values_list("nomination_id", flat=True)) == [later.pk]


def test_delivering_the_posts_twice_makes_one_delivery_per_endpoint_and_post(published):
    from rewards import webhooks
    from rewards.models import WebhookDelivery, WebhookEndpoint
    from rewards.selectors import recognition_posts_public
    from rewards.services import webhook_deliveries_create

    WebhookEndpoint.objects.create(url="http://127.0.0.1:9/hook")
    webhook_deliveries_create(posts=recognition_posts_public())
    webhook_deliveries_create(posts=recognition_posts_public())  # a job that runs twice
    assert WebhookDelivery.objects.count() == RecognitionPost.objects.count() == 2
    assert set(WebhookDelivery.objects.values_list("event_type", flat=True)) == {
        webhooks.EVENT_POST_PUBLISHED
    }


def test_no_public_payload_holds_a_nip_an_email_or_an_amount(
    published, client, subordinate, junior
):
    from rewards.models import WebhookDelivery, WebhookEndpoint
    from rewards.selectors import recognition_posts_public
    from rewards.services import webhook_deliveries_create

    WebhookEndpoint.objects.create(url="http://127.0.0.1:9/hook")
    webhook_deliveries_create(posts=recognition_posts_public())
    public = [
        client.get(API).content.decode(),
        client.get(WALL).content.decode(),
        client.get(FEED).content.decode(),
        *[client.get(f"{API}/{p.pk}").content.decode() for p in RecognitionPost.objects.all()],
        *WebhookDelivery.objects.values_list("body", flat=True),
    ]
    secrets = [subordinate.nip, junior.nip, subordinate.email, junior.email, "5000000", "2500000"]
    secrets += ["5.000.000", "2.500.000", "5,000,000", "2,500,000"]
    for text in public:
        for secret in secrets:
            assert secret not in text
    payload = json.loads(WebhookDelivery.objects.first().body)
    assert sorted(payload) == ["data", "timestamp", "type"]
    assert sorted(payload["data"]) == sorted(client.get(API).json()["results"][0])


def test_query_budgets_of_wall_api_and_feed(
    policy, supervisor, subordinate, secretariat, client, django_assert_max_num_queries
):
    from rewards import services
    from tests.factories import EmployeeFactory

    from .conftest import decide

    staff = [
        EmployeeFactory(org_unit=subordinate.org_unit, supervisor=supervisor) for _ in range(8)
    ]
    for i, person in enumerate(staff):
        decide(policy, supervisor, [person], title=f"Inovasi {i}")
    move_to(policy, "deciding")
    publish_results(policy, secretariat)
    services.publication_process(cycle_id=policy.pk)
    # The wall: its page, the filters' two lookups and the public shortlists
    # it links; no count (it shows none; the API's list counts).
    for url, budget in ((WALL, 4), (API, 2), (FEED, 1), (f"{API}?page_size=1", 2)):
        with django_assert_max_num_queries(budget):
            assert client.get(url).status_code == 200


def test_awarded_nominees_get_an_email_with_certificate_and_post_links(published, subordinate):
    from rewards.notifications import award_notices_send

    mail.outbox.clear()
    assert award_notices_send(cycle_id=published["cycle"].pk) == 3
    assert award_notices_send(cycle_id=published["cycle"].pk) == 0  # once only
    to_subordinate = [m for m in mail.outbox if m.to == [subordinate.email]]
    assert len(to_subordinate) == 2
    gold = next(m for m in to_subordinate if "Layanan izin satu hari" in m.body)
    post = published["gold"].recognition_post
    assert f"http://127.0.0.1:8000/recognitions/{post.pk}" in gold.body
    # The recipient's certificates page works before the certificate is
    # issued (it is still pending here); a verification link would not.
    assert Certificate.objects.get(nomination=published["gold"]).status == "pending"
    assert "http://127.0.0.1:8000/my/certificates" in gold.body
    assert "/verify/" not in gold.body


def test_publication_queues_each_post_for_each_active_endpoint_and_counts_it(
    policy, supervisor, subordinate, junior, secretariat, cycle
):
    """The rewards job of a publication, with webhooks configured: one
    delivery per post and active endpoint (none for an inactive one, none
    for another cycle's posts), and the totals it reports."""
    from rewards import services
    from rewards.models import IncentiveRecord, WebhookDelivery, WebhookEndpoint
    from tests.nominations.helpers import move_to, publish_results

    from .conftest import decide

    active = WebhookEndpoint.objects.create(url="http://127.0.0.1:9/a")
    WebhookEndpoint.objects.create(url="http://127.0.0.1:9/b", active=False)
    decide(cycle, supervisor, [subordinate])
    decide(cycle, supervisor, [junior], level="silver", title="Antrian daring")
    move_to(cycle, "deciding")
    publish_results(cycle, secretariat)
    totals = services.publication_process(cycle_id=cycle.pk)
    posts = RecognitionPost.objects.filter(cycle=cycle).count()
    assert posts == 2
    assert totals == {
        "awarded": 2,
        "incentives": IncentiveRecord.objects.filter(cycle_id=cycle.pk).count(),
        "posts": 2,
        "deliveries": 2,
    }
    assert set(WebhookDelivery.objects.values_list("endpoint_id", flat=True)) == {active.pk}
    assert set(WebhookDelivery.objects.values_list("post__cycle_id", flat=True)) == {cycle.pk}
    assert services.publication_process(cycle_id=cycle.pk) is None  # done once


def test_a_post_shows_its_date_and_carries_open_graph_tags(published):
    from django.test import Client

    post = RecognitionPost.objects.get(nomination=published["gold"])
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/recognitions/{post.pk}").content.decode()
    day = timezone.localtime(post.published_at)
    assert f"{day.day} {day:%B %Y}</time>" in page
    assert f'<meta property="og:title" content="{post.title_en}">' in page
    assert (
        f'<meta property="og:url" content="http://127.0.0.1:8000/recognitions/{post.pk}">' in page
    )
    wall = Client(HTTP_ACCEPT_LANGUAGE="en").get("/recognitions").content.decode()
    assert f"{day.day} {day:%B %Y}</time>" in wall


def test_the_favicon_is_served(db):
    from django.test import Client

    response = Client().get("/favicon.ico")
    assert response.status_code == 301
    assert Client().get(response["Location"]).status_code == 200


def test_the_api_pages_the_wall_by_its_links_newest_first(
    policy, supervisor, subordinate, secretariat, cycle, client
):
    """Posts of one cycle share their publication date: the pages follow
    the id within it, and no post is shown twice or left out."""
    from rewards import services
    from tests.factories import EmployeeFactory

    from .conftest import decide

    for i in range(7):
        person = EmployeeFactory(org_unit=subordinate.org_unit, supervisor=supervisor)
        decide(cycle, supervisor, [person], level="bronze", title=f"Inovasi {i}")
    move_to(cycle, "deciding")
    publish_results(cycle, secretariat)
    services.publication_process(cycle_id=cycle.pk)
    expected = list(RecognitionPost.objects.order_by("-published_at", "-id").values_list("id"))
    seen, url = [], f"{API}?page_size=3&cycle={cycle.pk}"
    while url:
        page = client.get(url).json()
        assert (page["count"], page["count_exact"]) == (7, True)
        seen += [(post["id"],) for post in page["results"]]
        url = page["next"]
    assert seen == expected
    last = client.get(client.get(f"{API}?page_size=3").json()["last"]).json()
    assert [(post["id"],) for post in last["results"]] == expected[-3:]
    # A cursor placed at no date of the list.
    assert client.get(API, {"cursor": "cD15ZXN0ZXJkYXk="}).status_code == 400
