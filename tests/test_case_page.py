"""The case page over the real documents: anchors, marks, citations, the way back, similar items, escaping."""
from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from search.indexing import index_pending
from search.ingest import ingest_paths
from search.models import Determination, DisputedItem

from .conftest import DWC, SEEDS, seed_text

pytestmark = pytest.mark.django_db

CASE = "CM16-0213037"  # two imaging items, decided Dec. 9, 2016


@pytest.fixture
def corpus(ingested):
    ingested(SEEDS, DWC)


def page_html(client, slug: str, **params) -> str:
    response = client.get(reverse("determination", args=[slug]), params)
    assert response.status_code == 200
    return response.content.decode()


def section(body: str, element_id: str, tag: str = "section") -> str:
    """The HTML of the element with ``element_id``, up to its first closing ``tag`` (no nesting)."""
    start = body.index(f'id="{element_id}"')
    return body[start:body.index(f"</{tag}>", start)]


def hit_links(client, **params) -> list[str]:
    body = client.get(reverse("search"), params).content.decode()
    return [html.unescape(href) for href in re.findall(r'class="hit-link" href="([^"]+)"', body)]


def slug_of(url: str) -> str:
    return urlsplit(url).path.split("/")[2]


def link(body: str, element_id: str) -> str | None:
    found = re.search(rf'href="([^"]+)"[^>]*id="{element_id}"', body)
    return html.unescape(found.group(1)) if found else None


def collapsed(text: str) -> str:
    return " ".join(text.split())


# -- the page -----------------------------------------------------------------------------------

def test_it_gives_each_disputed_item_its_own_anchored_section(corpus, client):
    body = page_html(client, CASE)
    record = Determination.objects.get(slug=CASE)
    for item in record.items.all():
        part = section(body, item.anchor)
        assert html.escape(item.request) in part
        assert f"outcome-{item.outcome.lower()}" in part
        text = collapsed(html.unescape(re.sub(r"<[^>]+>", "", part)))  # the stated reasons' sentences are in spans
        assert collapsed(item.rationale) in text
        assert collapsed(item.claims_guideline) in text and collapsed(item.maximus_guideline) in text


def test_the_citation_header_names_the_case_the_dates_and_the_reviewer(corpus, client):
    body = page_html(client, CASE)
    header = body[body.index('class="citation'):body.index("</header>")]
    for text in (CASE, "December 9, 2016", "October 13, 2016", "Family Practice", "California, North Carolina",
                 "48-year-old male"):
        assert text in header


def test_it_marks_the_query_words_in_the_summary_and_the_rationales(corpus, client):
    body = page_html(client, CASE, q="mri")
    assert re.search(r"<mark[^>]*>MRI</mark>", section(body, "summary-title", "section"))
    for position in (1, 2):
        rationale = section(body, f"item-{position}").split('class="rationale')[1]
        assert re.search(r"<mark[^>]*>MRI</mark>", rationale)
    marks = len(re.findall(r"<mark", body))
    assert f"{marks} matches" in body


def test_without_a_query_nothing_is_marked(corpus, client):
    body = page_html(client, CASE)
    assert "<mark" not in body
    assert "data-match-nav" not in body


def test_hiding_the_marks_works_without_script_as_a_link_to_the_page_without_the_query(corpus, client):
    body = page_html(client, CASE, q="mri", back="q=mri")
    toggle = re.search(r'href="([^"]*)" data-toggle-marks', body)
    assert toggle
    params = parse_qs(urlsplit(html.unescape(toggle.group(1))).query)
    assert "q" not in params and params["back"] == ["q=mri"]
    assert "<mark" not in page_html(client, CASE, **{k: v[0] for k, v in params.items()})


def test_an_unknown_case_number_is_a_404_page_in_the_site_style(corpus, client):
    response = client.get(reverse("determination", args=["CM99-0000000"]))
    assert response.status_code == 404
    body = response.content.decode()
    assert "Not found" in body and "site-nav" in body and "css/site.css" in body
    assert client.get(reverse("original", args=["CM99-0000000"])).status_code == 404


def test_the_original_pdf_opens_in_the_browser_byte_for_byte_as_ingested(corpus, client):
    body = page_html(client, CASE)
    url = link(body, "download-original")
    assert url == reverse("original", args=[CASE])
    anchor = re.search(r'<a [^>]*id="download-original"[^>]*>', body).group(0)
    assert " download" not in anchor  # the attribute would make the browser save it instead
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{CASE}.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content == (DWC / f"{CASE}.pdf").read_bytes()


def test_a_text_original_opens_as_plain_text(corpus, client):
    slug = Determination.objects.get(source_name="001_dc3f27e9efaf9617.txt").slug
    response = client.get(reverse("original", args=[slug]))
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == 'inline; filename="001_dc3f27e9efaf9617.txt"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content == (SEEDS / "001_dc3f27e9efaf9617.txt").read_bytes()


def test_the_copy_citation_names_the_case_the_date_the_item_and_the_outcome(corpus, client):
    body = page_html(client, CASE)
    citations = [html.unescape(value) for value in re.findall(r'value="([^"]*)" data-citation', body)]
    assert citations == [
        "IMR Final Determination CM16-0213037 (Dec. 9, 2016)",
        ("IMR Final Determination CM16-0213037 (Dec. 9, 2016), item 1: MRI of the right shoulder without contrast"
        " — Upheld"),
        ("IMR Final Determination CM16-0213037 (Dec. 9, 2016), item 2: MRI of the cervical spine without contrast"
        " — Upheld"),
    ]
    # Without script the same text is there to select and copy.
    assert body.count("<noscript>") == 3


def test_a_determination_without_a_case_number_says_so_instead_of_showing_its_reference(corpus, client):
    record = Determination.objects.get(source_name="001_dc3f27e9efaf9617.txt")
    assert record.slug.startswith("doc-") and record.case_number is None
    body = page_html(client, record.slug)
    assert "Determination without a case number" in body
    assert "IMR Final Determination without case number" in body
    results = client.get(reverse("search"), {"q": "valium"}).content.decode()
    assert 'class="case-number no-case"' in results
    assert re.search(rf">\s*{record.slug}\s*<", results) is None  # the slug is not shown as if it were a case number


def test_the_pages_have_no_inline_script_style_or_event_handler(corpus, client):
    # The Content-Security-Policy refuses them: behaviour lives in static/js/site.js.
    for body in (page_html(client, CASE, q="mri", back="q=mri"),
                 client.get(reverse("search"), {"q": "mri", "category": "imaging"}).content.decode()):
        assert re.search(r"<script(?![^>]*\bsrc=)", body) is None
        assert re.search(r"\son[a-z]+\s*=", body) is None
        assert re.search(r"\sstyle\s*=", body) is None


# -- from the results and back ---------------------------------------------------------------------

def test_it_links_each_hit_to_its_item_with_the_way_back(corpus, client):
    links = hit_links(client, q="mri")
    first = links[0]
    body = client.get(first.split("#")[0]).content.decode()
    anchor = first.split("#")[1]
    assert f'id="{anchor}"' in body
    assert link(body, "back-to-results") == reverse("search") + "?q=mri"


def test_it_links_the_previous_and_next_hit_of_the_search(corpus, client):
    links = hit_links(client, q="mri")
    slugs = [slug_of(url) for url in links]
    # The first hit of a determination that has a different determination on either side.
    k = next(i for i in range(1, len(slugs) - 1) if slugs[i] not in slugs[:i] and slugs[i + 1] != slugs[i])
    body = client.get(links[k].split("#")[0]).content.decode()
    assert f"Result {k + 1} of" in body
    previous, following = link(body, "previous-hit"), link(body, "next-hit")
    assert slug_of(previous) == next(s for s in reversed(slugs[:k]) if s != slugs[k])
    assert slug_of(following) == slugs[k + 1]
    # The neighbours keep the search: its words to mark, the way back, and which hit they are.
    params = parse_qs(urlsplit(following).query)
    assert params["q"] == ["mri"] and params["back"] == ["q=mri"] and "item" in params
    assert urlsplit(following).fragment == f"item-{params['item'][0]}"
    # Stepping on and back again returns here.
    there = client.get(following.split("#")[0]).content.decode()
    assert f"Result {k + 2} of" in there
    assert slug_of(link(there, "previous-hit")) == slugs[k]


def test_the_next_hit_of_the_last_on_a_page_is_the_first_of_the_next_page(corpus, client):
    page_one, page_two = hit_links(client, q="mri"), hit_links(client, q="mri", page=2)
    assert len(page_one) == 20 and page_two
    last = page_one[-1]
    item = urlsplit(last).fragment.removeprefix("item-")
    body = client.get(f"{last.split('#')[0]}&item={item}").content.decode()
    assert "Result 20 of" in body
    following = link(body, "next-hit")
    expected = next(url for url in page_two if slug_of(url) != slug_of(last))
    assert slug_of(following) == slug_of(expected)
    assert parse_qs(urlsplit(following).query)["back"] == ["q=mri&page=2"]
    back = client.get(following.split("#")[0]).content.decode()
    assert link(back, "back-to-results") == reverse("search") + "?q=mri&page=2"


def test_a_bad_back_search_still_offers_the_way_back_and_no_error(corpus, client):
    body = page_html(client, CASE, q="mri", back='q="open&page=x')
    assert 'id="back-to-results"' in body and 'id="next-hit"' not in body


# -- similar determinations ------------------------------------------------------------------------

def test_similar_determinations_share_the_drug_and_show_their_outcomes(corpus, client):
    norco = DisputedItem.objects.filter(drug="hydrocodone/acetaminophen").select_related("determination").first()
    slug = norco.determination.slug
    body = page_html(client, slug, similar=norco.position)
    listing = section(body, f"{norco.anchor}-similar", "aside")
    entries = re.findall(r'outcome-(\w+)">(\w+)</span>\s*<a href="/determinations/([^/]+)/#item-(\d+)"', listing)
    assert 1 <= len(entries) <= 5
    assert len({entry[2] for entry in entries}) == len(entries)  # one per determination
    for css, outcome, other, position in entries:
        item = DisputedItem.objects.get(determination__slug=other, position=position)
        assert other != slug
        assert item.drug == "hydrocodone/acetaminophen"
        assert item.outcome == outcome and css == outcome.lower()


def test_similar_services_share_the_category(corpus, client):
    body = page_html(client, CASE)  # no query: the first item's list is shown
    listing = section(body, "item-1-similar", "aside")
    entries = re.findall(r'href="/determinations/([^/]+)/#item-(\d+)"', listing)
    assert entries
    for other, position in entries:
        assert DisputedItem.objects.get(determination__slug=other, position=position).category == "imaging"
    # Every other item links to the page listing its own.
    assert re.search(r'href="\?similar=2#item-2-similar"', body)


# -- hostile text ------------------------------------------------------------------------------------

SCRIPT = '<script>alert("pwned")</script>'
QUOTES = "O'Brien \"quoted\" & <b>bold</b>"


@pytest.fixture
def hostile(data_dir, tmp_path):
    text = seed_text("000_f9e98a1e4886a13a.txt")
    text = text.replace("MS Contin 30mg #90: Upheld", f"MS Contin 30mg #90 {SCRIPT} {QUOTES}: Upheld")
    text = text.replace("She reported pain", f"She reported {QUOTES} pain")
    text = text.replace("According to ODG, chronic pain", f"According to ODG {SCRIPT} {QUOTES}, chronic pain", 1)
    path = tmp_path / "hostile.txt"
    path.write_text(text)
    report = ingest_paths([path, SEEDS / "002_d2b0d2b9a629fb73.txt", SEEDS / "003_ac4403899a905f85.txt"])
    assert not report.refused
    return report.results[0].slug


def assert_only_text(body: str) -> None:
    assert "<script>alert" not in body
    assert "<b>bold</b>" not in body
    # Quotes may stay as they are in text, never inside an attribute.
    for attribute in re.findall(r'=\s*"([^"]*)"', body):
        assert "O'Brien" not in attribute, attribute


def test_hostile_document_text_stays_text_everywhere_on_the_case_page(hostile, client):
    body = page_html(client, hostile, q="pwned bold contin", back="q=contin")
    assert_only_text(body)
    assert "&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;" in body
    citation = re.search(r'value="([^"]*)" data-citation', body.split('id="item-1"')[1]).group(1)
    assert html.unescape(citation).endswith(f"item 1: MS Contin 30mg #90 {SCRIPT} {QUOTES} — Upheld")
    # The hostile request also appears escaped where other pages list it: trail and similar items.
    other = Determination.objects.get(source_name="003_ac4403899a905f85.txt")  # MS Contin too
    body = page_html(client, other.slug, q="contin", back="q=contin")
    assert_only_text(body)
    assert re.search(rf'href="/determinations/{hostile}/#item-1"', section(body, "item-1-similar", "aside"))
    assert "&lt;script&gt;" in section(body, "item-1-similar", "aside")


# -- a long determination -------------------------------------------------------------------------------

def test_a_twenty_item_determination_shows_every_item(corpus, client):
    base = Determination.objects.get(slug=CASE)
    big = Determination.objects.create(
        slug="CM99-0000020", case_number="CM99-0000020", decision_date=base.decision_date, summary=base.summary,
        source_name=base.source_name, original=base.original.name, text=base.text, sha256="0" * 64)
    for position, item in enumerate(DisputedItem.objects.exclude(determination=base).order_by("pk")[:20], start=1):
        item.pk, item.determination, item.position = None, big, position
        item.save()
    index_pending()
    body = page_html(client, big.slug, q="guidelines")
    assert [int(n) for n in re.findall(r'<section class="item" id="item-(\d+)"', body)] == list(range(1, 21))
    assert len(re.findall(r'data-citation', body)) == 21


def test_the_match_count_shows_the_query_as_typed_without_extra_quotes(corpus, client):
    case = DisputedItem.objects.select_related("determination").first().determination
    page = client.get(f"/determinations/{case.slug}/", {"q": '"medically necessary"'}).content.decode()
    assert '<code class="match-query">&quot;medically necessary&quot;</code>' in page
    assert "<q class" not in page
