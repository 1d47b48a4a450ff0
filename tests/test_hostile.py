"""Hostile documents and hostile queries: text stays text, and nothing is a server error."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search.ingest import ingest_paths

from .conftest import SEEDS, seed_text

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("pwned")</script>'
QUOTES = "O'Brien \"quoted\" & <b>bold</b>"


@pytest.fixture
def hostile(data_dir, tmp_path):
    text = seed_text("000_f9e98a1e4886a13a.txt")
    text = text.replace("MS Contin 30mg #90: Upheld", f"MS Contin 30mg #90 {SCRIPT}: Upheld")
    text = text.replace("She reported pain", f"She reported {QUOTES} pain")
    text = text.replace("According to ODG, chronic pain", f"According to ODG {SCRIPT} {QUOTES}, chronic pain", 1)
    text = text.replace("State(s) of Licensure: New York", f"State(s) of Licensure: New York, {SCRIPT}")
    text = text.replace("Certification(s)/Specialty: Anesthesiology",
                        "Certification(s)/Specialty: Anesthesiology, <img src=x onerror=alert(1)>")
    path = tmp_path / "hostile.txt"
    path.write_text(text)
    report = ingest_paths([path])
    assert not report.refused
    return report.results[0].slug


def assert_only_text(html: str) -> None:
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "<b>bold</b>" not in html


def test_markup_in_a_document_is_text_on_the_results_page(hostile, client):
    for q in ("contin", "obrien", "pwned", "bold"):
        html = client.get("/search/", {"q": q}).content.decode()
        assert_only_text(html)
    html = client.get("/search/", {"q": "contin"}).content.decode()
    assert "&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;" in html


def test_markup_in_a_document_is_text_on_the_case_page(hostile, client):
    html = client.get(f"/determinations/{hostile}/", {"q": "pwned bold"}).content.decode()
    assert_only_text(html)
    assert "&lt;b&gt;" in html


def test_markup_in_a_document_is_text_in_the_api_snippets(hostile, client):
    data = client.get("/api/search", {"q": "pwned"}).json()
    assert data["results"]
    for hit in data["results"]:
        for snippet in hit["snippets"]:
            assert_only_text(snippet)


def test_a_hostile_query_is_escaped_where_it_is_shown(hostile, client):
    html = client.get("/search/", {"q": f'"{SCRIPT}'}).content.decode()
    assert_only_text(html)


QUERY_PIECES = st.sampled_from([
    "norco", "mri", "lumbar", '"', "(", ")", "AND", "OR", "NOT", "&", "|", "-", "/s", "/p", "/3", "w/5", "!", "*",
    "?", "~", "~5", "drug:", "state:", "outcome:", "case:", "foo:", ":", "\\", "'", "%", "\x00", "é", "∞", " ",
    "near/2", "a*", "*a", "year:2016", "specialty:\"pain", "<script>", "{", "}", "[", "]", "^", "+",
])
QUERIES = st.one_of(
    st.text(max_size=60),
    st.lists(QUERY_PIECES, max_size=12).map(" ".join),
    st.lists(QUERY_PIECES, max_size=12).map("".join),
)


@pytest.fixture
def seeded(ingested):
    ingested(SEEDS)


# The fixtures run once for all the examples: the index is only read.
@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=QUERIES)
def test_no_query_string_is_a_server_error(seeded, client, q):
    page = client.get("/search/", {"q": q, "drug": q[:20], "page": q[:3] or "1"})
    assert page.status_code in (200, 400, 404), (q, page.status_code)
    api = client.get("/api/search", {"q": q, "sort": q[:8]})
    assert api.status_code in (200, 400, 404), (q, api.status_code)
