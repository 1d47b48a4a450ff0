"""Saved searches: saving from the results page, what is new, privacy, and recent searches."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from saved import recent
from saved.models import RecentSearch, SavedQuery
from search import engine, indexing
from search.engine import SearchParams

from .conftest import SEEDS
from .people import SEED_WITH_ONE_VALIUM, ingest_new_copy, ingest_seeds, save, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeds(ingested, db):
    ingest_seeds(ingested)


VALIUM = "q=&drug=diazepam"  # the drug facet holds generic names: Valium is diazepam


def url(name: str, saved: SavedQuery | None = None) -> str:
    return reverse(f"saved:{name}", args=[saved.pk] if saved else [])


@pytest.fixture
def alices_search(alice, seeds):
    return save(alice, VALIUM, name="Alice's valium")


# -- privacy -------------------------------------------------------------------------------

def test_bob_cannot_open_alices_saved_search(bob, alices_search):
    assert signed_in(bob).get(url("open", alices_search)).status_code == 404


def test_bob_cannot_rename_alices_saved_search(bob, alices_search):
    client = signed_in(bob)
    assert client.get(url("rename", alices_search)).status_code == 404
    assert client.post(url("rename", alices_search), {"name": "mine now"}).status_code == 404
    alices_search.refresh_from_db()
    assert alices_search.name == "Alice's valium"


def test_bob_cannot_duplicate_alices_saved_search(bob, alices_search):
    assert signed_in(bob).post(url("duplicate", alices_search)).status_code == 404
    assert SavedQuery.objects.count() == 1 and not bob.saved_queries.exists()


def test_bob_cannot_delete_alices_saved_search(bob, alices_search):
    client = signed_in(bob)
    assert client.get(url("delete", alices_search)).status_code == 404
    assert client.post(url("delete", alices_search)).status_code == 404
    assert SavedQuery.objects.filter(pk=alices_search.pk).exists()


def test_bob_cannot_change_the_alerts_of_alices_saved_search(bob, alices_search):
    assert signed_in(bob).post(url("alerts", alices_search), {"alert_frequency": "daily"}).status_code == 404
    alices_search.refresh_from_db()
    assert alices_search.alert_frequency == "off"


def test_bob_finds_nothing_by_guessing_ids(bob, alices_search):
    client = signed_in(bob)
    for pk in range(alices_search.pk - 3, alices_search.pk + 4):
        if pk < 1:
            continue
        assert client.get(f"/saved/{pk}/").status_code == 404
        assert client.post(f"/saved/{pk}/duplicate/").status_code == 404
        assert client.post(f"/saved/{pk}/delete/").status_code == 404
    assert SavedQuery.objects.count() == 1


def test_bob_does_not_see_alices_saved_searches_in_his_list(bob, alices_search):
    page = signed_in(bob).get(url("list")).content.decode()
    assert "Alice&#x27;s valium" not in page and "No saved searches yet" in page


def test_a_signed_out_visitor_is_sent_to_sign_in(alices_search):
    client = Client()
    for method, path in [
        ("get", url("list")), ("post", url("list")), ("get", url("open", alices_search)),
        ("get", url("rename", alices_search)), ("post", url("rename", alices_search)),
        ("post", url("duplicate", alices_search)), ("get", url("delete", alices_search)),
        ("post", url("delete", alices_search)), ("post", url("alerts", alices_search)),
        ("get", url("recent")), ("post", url("recent_clear")),
    ]:
        response = getattr(client, method)(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(reverse("accounts:login") + "?next="), path
    assert SavedQuery.objects.count() == 1


def test_changes_need_the_csrf_token(alice, alices_search):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post(url("list"), {"name": "x", "query": "q=norco"}).status_code == 403
    assert client.post(url("delete", alices_search)).status_code == 403
    assert SavedQuery.objects.count() == 1


def test_a_get_changes_nothing(alice, alices_search):
    client = signed_in(alice)
    assert client.get(url("duplicate", alices_search)).status_code == 405
    assert client.get(url("alerts", alices_search)).status_code == 405
    assert client.get(url("recent_clear")).status_code == 405
    assert "Delete this saved search?" in client.get(url("delete", alices_search)).content.decode()
    assert SavedQuery.objects.count() == 1


# -- saving from the results page ----------------------------------------------------------------

def test_the_results_page_offers_the_save_form_to_signed_in_users_only(alice, seeds):
    path = reverse("search") + "?q=valium&outcome=Upheld&page=1"
    signed_out = Client().get(path).content.decode()
    assert 'action="/saved/"' not in signed_out
    page = signed_in(alice).get(path).content.decode()
    form = re.search(r'<form[^>]*action="/saved/".*?</form>', page, re.DOTALL).group(0)
    assert 'name="csrfmiddlewaretoken"' in form
    assert 'name="query" value="q=valium&amp;outcome=Upheld"' in form  # the page number is not saved


def test_alice_saves_the_search_she_is_looking_at(alice, seeds):
    client = signed_in(alice)
    response = client.post(url("list"), {"name": "Upheld valium", "query": "q=valium&outcome=Upheld&page=3"})
    assert response.status_code == 302 and response["Location"] == url("list")
    (saved,) = alice.saved_queries.all()
    assert (saved.name, saved.query) == ("Upheld valium", "q=valium&outcome=Upheld")
    page = client.get(url("list")).content.decode()
    assert "Saved “Upheld valium”." in page and "“valium” · Outcome: Upheld" in page


def test_a_search_the_search_page_would_refuse_is_not_saved(alice, seeds):
    response = signed_in(alice).post(url("list"), {"name": "bad", "query": "date_from=2016-13-45"})
    assert response.status_code == 400
    assert "cannot be saved" in response.content.decode()
    assert not SavedQuery.objects.exists()


def test_a_saved_search_needs_a_name(alice, seeds):
    response = signed_in(alice).post(url("list"), {"name": "  ", "query": "q=norco"})
    assert response.status_code == 400 and not SavedQuery.objects.exists()


# -- what is new -----------------------------------------------------------------------------

def new_count_on_list(client, saved) -> str:
    page = client.get(url("list")).content.decode()
    item = re.search(rf'id="saved-{saved.pk}".*?</li>', page, re.DOTALL).group(0)
    return re.sub(r"\s+", " ", re.search(r'class="[^"]*saved-new-count[^"]*"[^>]*>(.*?)<', item, re.DOTALL).group(1)).strip()


def test_the_list_counts_the_items_stored_since_it_was_saved(alice, alices_search, tmp_path):
    client = signed_in(alice)
    assert new_count_on_list(client, alices_search) == "Nothing new"
    ingest_new_copy(tmp_path)
    assert new_count_on_list(client, alices_search) == "1 new"


def test_opening_it_reruns_the_search_and_marks_the_new_items(alice, alices_search, tmp_path):
    slug = ingest_new_copy(tmp_path)
    response = signed_in(alice).get(url("open", alices_search))
    assert response.status_code == 200
    assert "search/results.html" in [t.name for t in response.templates]
    expected = engine.search(SearchParams(filters={"drug": ["diazepam"]}, sort="newest"))
    assert response.context["result"].count == expected.count == 5
    assert response.context["new_keys"] == {f"{slug}#1"}
    page = response.content.decode()
    assert "1 new" in page and f'data-new-keys="[&quot;{slug}#1&quot;]"' in page


def test_opening_it_records_that_it_was_seen(alice, alices_search, tmp_path):
    client = signed_in(alice)
    ingest_new_copy(tmp_path)
    before = timezone.now()
    client.get(url("open", alices_search))
    alices_search.refresh_from_db()
    assert alices_search.last_seen_at >= before
    assert new_count_on_list(client, alices_search) == "Nothing new"
    assert client.get(url("open", alices_search)).context["new_keys"] == set()


def test_later_pages_of_one_opening_still_mark_what_was_new(alice, seeds, tmp_path):
    saved = save(alice, "sort=newest")  # every item, 20 a page
    slugs = [ingest_new_copy(tmp_path, tag=str(n)) for n in range(10)]  # 20 new items: page 1 and 2 hold them
    client = signed_in(alice)
    first = client.get(url("open", saved))
    assert first.context["new_count"] == 20
    second = client.get(url("open", saved) + "?sort=newest&page=2")
    assert second.status_code == 200 and second.context["new_count"] == 20
    new_on_pages = first.context["new_keys"] | second.context["new_keys"]
    assert new_on_pages == {f"{slug}#{n}" for slug in slugs for n in (1, 2)}


def news_line(client, saved) -> str:
    page = client.get(url("open", saved)).content.decode()
    news = re.search(r'class="[^"]*saved-news[^"]*">(.*?)</p>', page, re.DOTALL).group(1)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", news)).strip()


def test_a_sentence_ending_on_an_evening_time_has_one_period(alice, seeds):
    tomorrow = timezone.localtime() + timedelta(days=1)  # after every item was stored: nothing is new
    evening = tomorrow.replace(hour=19, minute=40, second=0, microsecond=0)
    saved = save(alice, VALIUM, last_seen_at=evening)
    assert news_line(signed_in(alice), saved) == f"Nothing new since {evening:%b} {evening.day}, {evening.year}, 7:40 p.m."


def test_a_sentence_ending_on_the_new_items_has_one_period(alice, seeds):
    evening = datetime(2016, 12, 9, 19, 40, tzinfo=ZoneInfo("America/Los_Angeles"))  # before the seeds were stored
    saved = save(alice, VALIUM, created_at=evening)
    assert news_line(signed_in(alice), saved) == (
        "4 new since you saved it on Dec 9, 2016, 7:40 p.m. · 4 on this page, marked “New”.")


def test_a_filter_link_on_the_rerun_page_goes_to_the_search_page(alice, alices_search):
    response = signed_in(alice).get(url("open", alices_search) + "?drug=diazepam&outcome=Upheld")
    assert response.status_code == 302
    assert response["Location"] == reverse("search") + "?outcome=Upheld&drug=diazepam"


def test_a_saved_search_the_search_page_now_refuses_says_why(alice, seeds):
    saved = save(alice, "date_from=2016-13-45")  # stored as is, as by an older version of the form
    client = signed_in(alice)
    response = client.get(url("open", saved))
    assert response.status_code == 400 and "Enter a valid date" in response.content.decode()
    assert "This search cannot be run" in client.get(url("list")).content.decode()


# -- rename, duplicate, delete, alerts -----------------------------------------------------------

def test_alice_renames_her_saved_search(alice, alices_search):
    client = signed_in(alice)
    assert client.post(url("rename", alices_search), {"name": "Diazepam"}).status_code == 302
    alices_search.refresh_from_db()
    assert alices_search.name == "Diazepam"
    assert client.post(url("rename", alices_search), {"name": " "}).status_code == 400


def test_alice_duplicates_her_saved_search(alice, alices_search):
    assert signed_in(alice).post(url("duplicate", alices_search)).status_code == 302
    copy = alice.saved_queries.exclude(pk=alices_search.pk).get()
    assert (copy.name, copy.query, copy.alert_frequency) == ("Alice's valium (copy)", VALIUM, "off")
    assert copy.unsubscribe_token != alices_search.unsubscribe_token


def test_alice_deletes_her_saved_search_after_confirming(alice, alices_search):
    client = signed_in(alice)
    assert client.get(url("delete", alices_search)).status_code == 200
    assert SavedQuery.objects.filter(pk=alices_search.pk).exists()
    assert client.post(url("delete", alices_search)).status_code == 302
    assert not SavedQuery.objects.filter(pk=alices_search.pk).exists()


def test_alice_turns_alerts_on_and_off(alice, alices_search):
    client = signed_in(alice)
    client.post(url("alerts", alices_search), {"alert_frequency": "weekly"})
    alices_search.refresh_from_db()
    assert alices_search.alert_frequency == "weekly"
    client.post(url("alerts", alices_search), {"alert_frequency": "hourly"})
    alices_search.refresh_from_db()
    assert alices_search.alert_frequency == "weekly"


# -- recent searches ---------------------------------------------------------------------------

def test_searches_are_remembered_newest_first_and_once(alice, seeds):
    client = signed_in(alice)
    for query in ["q=valium", "q=norco", "q=valium&page=1", "q=xanax"]:
        client.get(reverse("search") + "?" + query)
    assert [s.query for s in recent.recent(alice)] == ["q=xanax", "q=valium", "q=norco"]


def test_only_the_last_20_searches_are_kept(alice, seeds):
    client = signed_in(alice)
    for n in range(25):
        client.get(reverse("search") + f"?q=pain{n}")
    kept = [s.query for s in recent.recent(alice)]
    assert len(kept) == 20 == RecentSearch.objects.filter(user=alice).count()
    assert kept[0] == "q=pain24" and kept[-1] == "q=pain5"


def test_only_signed_in_searches_that_were_shown_are_remembered(alice, seeds):
    Client().get(reverse("search") + "?q=valium")
    client = signed_in(alice)
    client.get(reverse("search"))  # the browse page: no search
    client.get(reverse("search") + "?date_from=nonsense")  # refused with 400
    assert not RecentSearch.objects.exists()


def test_the_recent_page_reruns_a_search_in_one_click_and_can_be_cleared(alice, bob, seeds):
    client = signed_in(alice)
    client.get(reverse("search") + "?q=valium&outcome=Upheld")
    page = client.get(url("recent")).content.decode()
    assert 'href="/search/?q=valium&amp;outcome=Upheld"' in page
    assert "valium" not in signed_in(bob).get(url("recent")).content.decode()
    assert client.post(url("recent_clear")).status_code == 302
    assert not RecentSearch.objects.filter(user=alice).exists()


def test_an_item_still_waiting_for_the_index_is_new_at_the_next_opening(alice, alices_search, tmp_path):
    from search.ingest import ingest_paths

    client = signed_in(alice)
    copy = tmp_path / "late.txt"
    copy.write_text((SEEDS / SEED_WITH_ONE_VALIUM).read_text().replace("injured worker", "injured employee", 1))
    ingest_paths([copy], index=False)  # stored, not yet indexed: this opening cannot show it
    assert client.get(url("open", alices_search)).context["new_count"] == 0
    indexing.index_pending()
    assert new_count_on_list(client, alices_search) == "1 new"
