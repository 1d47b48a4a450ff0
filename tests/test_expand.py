"""Wildcards as the words they stand for, within a bound: the same words Whoosh's own expansion
finds on the real documents, each pattern expanded once per query, and a query that asks for too
much refused with a message, not run for seconds."""
from __future__ import annotations

import time

import pytest
from django.urls import reverse
from whoosh import query as wq

from search import engine
from search.engine import SearchParams, deadline, expand, searcher
from search.engine import whoosh_internals as internals
from search.engine.expand import Words

from .conftest import DWC, SEEDS

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(ingested):
    ingested(SEEDS, DWC)


PATTERNS = ["medic*", "radicul*", "op?oid*", "*algia", "*ectomy*", "n?rco", "p*n", "*o*o*o*", "1*", "tram*l",
            "ibu*en", "hydro*", "*ine", "??", "a*b*c", "zzz*", "*zzz*", "l?w", "*"]


@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize("fieldname", ["rationale", "request", "summary"])
def test_a_pattern_stands_for_the_words_whooshs_own_expansion_finds(corpus, fieldname, pattern):
    ctx = searcher.current()
    ours = set().union(*(segment.matching(pattern) for segment in ctx.words(fieldname)))
    leaf = wq.Prefix(fieldname, pattern[:-1]) if pattern.endswith("*") and "*" not in pattern[:-1] \
        and "?" not in pattern else wq.Wildcard(fieldname, pattern)
    whooshs = {word.decode("utf-8") for word in internals.expansions(leaf, ctx.reader)}
    assert ours == whooshs


def test_a_glob_matches_whole_words_only():
    words = Words.of(sorted(["pain", "painful", "spain", "pa", "p\u00e9n", "pin", "pn"]))
    assert words.matching("p*n") == ["pain", "pin", "pn", "p\u00e9n"]  # code point order, as the index sorts
    assert words.matching("pa*") == ["pa", "pain", "painful"]
    assert words.matching("*ain") == ["pain", "spain"]
    assert words.matching("p?n") == ["pin", "p\u00e9n"]
    assert words.matching("*a*n*") == ["pain", "painful", "spain"]
    assert Words.of([]).matching("*a*") == []


def test_each_pattern_is_expanded_once_per_query(corpus, monkeypatch):
    scans = []
    real = Words.matching
    monkeypatch.setattr(Words, "matching", lambda self, pattern: scans.append((id(self), pattern)) or real(self, pattern))
    engine.clear_result_cache()
    engine.search(SearchParams(q="medic* OR (medic* AND pain) OR (medic* /s back)"))
    assert scans and len(scans) == len(set(scans))  # each segment's words of a field, once per pattern


def test_a_query_whose_wildcards_together_stand_for_too_many_words_is_refused(corpus, client, monkeypatch):
    monkeypatch.setattr(expand, "MAX_QUERY_EXPANSION", 50)
    q = "pa* OR me* OR re* OR co*"
    with pytest.raises(engine.QueryError, match="more than 50 different words together"):
        engine.search(SearchParams(q=q))
    response = client.get(reverse("search"), {"q": q})
    assert response.status_code == 400 and "use fewer" in response.content.decode()


def test_a_query_past_its_time_budget_stops_with_a_message(corpus, client, monkeypatch):
    from search.engine import config

    engine.clear_result_cache()
    with deadline.within(0.0):
        time.sleep(0.01)
        with pytest.raises(deadline.QueryTooSlow, match="took too long"):
            engine.search(SearchParams(q="*ti*n /s pain"))
    monkeypatch.setattr(config._config, "query_seconds", 0.0)  # the site's budget (SEARCH_QUERY_SECONDS)
    engine.clear_result_cache()
    for url in (reverse("search"), reverse("api_search")):
        response = client.get(url, {"q": "*ti*n /s pain"})
        assert response.status_code == 400 and "took too long" in response.content.decode(), url


def test_two_hundred_infix_wildcards_are_answered_or_refused_never_a_server_error(corpus, client):
    q = " | ".join(f"*{a}{b}*" for a in "aeiou" for b in "bcdfghlmnprst")[:999]
    for url in (reverse("search"), reverse("api_search"), reverse("export_csv")):
        assert client.get(url, {"q": q}).status_code in (200, 400), url
