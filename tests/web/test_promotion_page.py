"""The secretariat's promotion page: the agency cycle's winners, each put
forward to the national cycle after a confirmation, or with the reasons it
cannot be."""

from nominations.models import Nomination

from .test_pages import client_for


def page(client, agency):
    return client.get(f"/cycles/{agency.pk}/promotion")


def test_the_page_lists_the_winners_and_puts_one_forward_after_confirmation(
    secretariat, national, agency, winners
):
    client = client_for(secretariat)
    before = page(client, agency)
    assert before.status_code == 200
    text = before.content.decode()
    for title in ("Izin satu hari", "Antrean daring", "Arsip"):
        assert title in text
    assert "Surat elektronik" not in text  # no award: nothing to put forward
    url = f"/cycles/{agency.pk}/promotion"
    gold = winners["gold"]

    unconfirmed = client.post(url, {"nomination": gold.pk}, follow=True)
    assert "Tick the box to confirm first." in unconfirmed.content.decode()
    assert not Nomination.objects.filter(cycle=national).exists()

    done = client.post(url, {"nomination": gold.pk, "confirm": "yes"}, follow=True)
    assert "is put forward to Anugerah Inovasi Uji" in done.content.decode()
    promoted = Nomination.objects.get(cycle=national, origin=gold)
    assert f'href="/nominations/{promoted.pk}"' in done.content.decode()

    # The nomination there says where it comes from, and the national
    # screening shows it too.
    detail = client.get(f"/nominations/{promoted.pk}").content.decode()
    assert "Put forward from Anugerah Inovasi Direktorat, where it received the Gold" in detail
    screening = client.get(f"/cycles/{national.pk}/screening").content.decode()
    assert "Put forward from Anugerah Inovasi Direktorat" in screening


def test_refusals_are_shown_beside_each_winner_without_a_button(
    secretariat, national, agency, winners
):
    from nominations import services

    services.cycle_update(cycle_id=national.pk, promotion_min_award_level="silver")
    client = client_for(secretariat)
    text = page(client, agency).content.decode()
    assert "takes the Silver award and above; this nomination received the Bronze" in text
    assert text.count('name="confirm"') == 2  # gold and silver only
    # Posting for the refused one anyway says why, and makes nothing.
    response = client.post(
        f"/cycles/{agency.pk}/promotion",
        {"nomination": winners["bronze"].pk, "confirm": "yes"},
        follow=True,
    )
    assert "cannot be put forward" in response.content.decode()
    assert not Nomination.objects.filter(cycle=national).exists()


def test_only_the_secretariat_and_only_for_a_cycle_with_a_higher_level_one(
    secretariat, chair, supervisor, subordinate, national, agency, winners
):
    from tests.nominations.helpers import nomination

    for person in (chair, supervisor):
        client = client_for(person)
        assert page(client, agency).status_code == 404
        response = client.post(
            f"/cycles/{agency.pk}/promotion", {"nomination": winners["gold"].pk, "confirm": "yes"}
        )
        assert response.status_code == 404
    client = client_for(secretariat)
    assert client.get(f"/cycles/{national.pk}/promotion").status_code == 404
    # A nomination of another cycle cannot be posted through this one's page.
    other = nomination(national, supervisor, [subordinate])
    for pk in (other.pk, 10**12, "x"):
        response = client.post(
            f"/cycles/{agency.pk}/promotion", {"nomination": pk, "confirm": "yes"}
        )
        assert response.status_code == 404
    assert list(Nomination.objects.filter(cycle=national)) == [other]


def test_the_page_s_queries_do_not_grow_with_its_winners(
    secretariat, national, agency, winners, django_assert_max_num_queries
):
    from nominations import services

    services.cycle_update(cycle_id=national.pk, promotion_min_award_level="silver")
    client = client_for(secretariat)
    # One winner listed (the others' awards set aside for the count) ...
    others = [winners["silver"].pk, winners["bronze"].pk]
    levels = dict(Nomination.objects.filter(pk__in=others).values_list("pk", "award_level"))
    Nomination.objects.filter(pk__in=others).update(award_level=None)
    page(client, agency)  # warm: the session, content types
    with django_assert_max_num_queries(17) as one:
        assert page(client, agency).content.decode().count('name="confirm"') == 1
    # ... then three, one of them already put forward: the same number of queries.
    for pk, level in levels.items():
        Nomination.objects.filter(pk=pk).update(award_level=level)
    services.nomination_promote(nomination_id=winners["gold"].pk, actor=secretariat.user)
    with django_assert_max_num_queries(len(one.captured_queries)):
        text = page(client, agency).content.decode()
    assert "Antrean daring" in text
    assert "Arsip" in text
