"""In Chromium: search, filter, open a hit at its marked rationale; the case page's tools; print it to PDF."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from search.models import Determination

from .conftest import DWC, SEEDS

# Playwright's sync API runs an event loop in this thread; the ORM calls here are still plain and safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.browser

CASE = "CM16-0213037"


@pytest.fixture
def corpus(live_server, transactional_db, ingested):
    ingested(SEEDS, DWC)
    return live_server.url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # A Content-Security-Policy refusal is reported on the console: the pages must cause none.
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" and "favicon" not in msg.text
            and "404" not in msg.text else None)
    yield page
    context.close()
    assert not errors, errors


def kept(tmp_path: Path) -> Path:
    # IMR_SCREENSHOTS keeps what the tests render somewhere to look at; by default the test's temp folder.
    folder = Path(os.environ.get("IMR_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def collapsed(text: str) -> str:
    """Text compared across a PDF's line breaks: whitespace collapsed, and none after a hyphen
    (a line may break after "10-" in "10-point", which is not a hyphenation Chromium adds)."""
    text = text.replace("\u00ad", "").replace("\x02", "-").replace("\ufffe", "-")
    return re.sub(r"-\s+", "-", " ".join(text.split()))


def pdf_pages(data: bytes) -> list[str]:
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        return [document[n].get_textpage().get_text_range() for n in range(len(document))]
    finally:
        document.close()


def test_it_searches_filters_and_opens_a_hit_at_its_marked_rationale(corpus, page):
    page.goto(f"{corpus}/search/")
    page.get_by_label("Search determinations").fill("mri")
    page.get_by_label("Search determinations").press("Enter")
    page.wait_for_url("**/search/?q=mri*")
    everything = page.locator("#result-count").inner_text()

    # A facet value narrows the results and shows as a chip...
    page.locator('[data-facet="category"] .facet-value', has_text="imaging").click()
    page.wait_for_url("**category=imaging*")
    chip = page.locator(".chips .chip")
    assert chip.count() == 1
    assert "Request category: imaging" in chip.inner_text()
    assert page.locator("#result-count").inner_text() != everything

    # ...and removing the chip undoes it.
    chip.click()
    page.wait_for_url(lambda url: "category" not in url)
    assert page.locator(".chips .chip").count() == 0
    assert page.locator("#result-count").inner_text() == everything

    # A hit opens its determination at the item, with the query's words marked in its rationale.
    link = page.locator(".hit-link").first
    href = link.get_attribute("href")
    anchor = href.split("#")[1]
    link.click()
    page.wait_for_url(f"**#{anchor}")
    assert page.evaluate("document.querySelector(':target').id") == anchor
    marks = page.locator(f"#{anchor} .rationale mark")
    assert marks.count() > 0
    assert all(word.lower().startswith("mri") for word in marks.all_inner_texts())
    expect(page.locator(f"#{anchor} h2")).to_be_in_viewport()


def test_the_case_page_steps_through_matches_hides_them_and_copies_a_citation(corpus, page):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=corpus)
    page.goto(f"{corpus}/search/?q=mri+cervical")
    page.locator(".hit-link").first.click()
    page.wait_for_load_state()
    total = page.locator(".highlightable mark").count()
    assert page.locator("[data-match-count]").inner_text() == f"{total} matches"

    page.get_by_role("button", name="Next match").click()
    assert page.locator("[data-match-count]").inner_text() == f"Match 1 of {total}"
    assert page.locator("mark.current").count() == 1
    page.get_by_role("button", name="Previous match").click()
    assert page.locator("[data-match-count]").inner_text() == f"Match {total} of {total}"

    page.get_by_role("button", name="Hide highlights").click()
    assert "marks-hidden" in page.locator("body").get_attribute("class")
    assert page.locator("mark").first.evaluate("m => getComputedStyle(m).backgroundColor") == "rgba(0, 0, 0, 0)"
    assert "?q=" in page.url  # hidden in place, not by leaving the page

    item = page.locator("section.item").nth(1)
    item.get_by_role("button", name="Copy citation").click()
    item.get_by_text("Citation copied.").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert re.fullmatch(r"IMR Final Determination CM16-\d{7} \([A-Z][a-z]+\.? \d{1,2}, \d{4}\), item 2: .+ — "
                        r"(Upheld|Overturned)", copied), copied


def test_where_the_clipboard_is_refused_the_citation_is_shown_to_copy(corpus, browser):
    context = browser.new_context()
    context.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: {writeText: () => "
                            "Promise.reject(new Error('denied'))}})")
    page = context.new_page()
    page.goto(f"{corpus}/determinations/{CASE}/")
    field = page.locator("header.citation [data-citation]")
    assert not field.is_visible()
    page.locator("header.citation").get_by_role("button", name="Copy citation").click()
    assert field.is_visible()
    assert field.input_value() == "IMR Final Determination CM16-0213037 (Dec. 9, 2016)"
    assert page.evaluate("document.activeElement.value") == field.input_value()
    context.close()


def test_the_case_page_prints_as_a_clean_legal_document(corpus, page, tmp_path):
    page.goto(f"{corpus}/search/?q=mri")
    link = page.locator(".hit-link").first
    anchor = link.get_attribute("href").split("#")[1]
    link.click()
    page.wait_for_url(f"**#{anchor}")
    assert page.locator(f"#{anchor} .rationale mark").count() > 0
    slug = page.url.split("/determinations/")[1].split("/")[0]
    record = Determination.objects.get(slug=slug)

    page.emulate_media(media="print")
    data = page.pdf(format="Letter")
    (kept(tmp_path) / "case-print.pdf").write_bytes(data)
    pages = pdf_pages(data)
    text = collapsed(" ".join(pages))

    # Everything a reader cites is on paper: the citation header on the first page, every rationale.
    first = collapsed(pages[0])
    assert record.case_number in first and "Decision date" in first
    assert f"{corpus}/determinations/{slug}/" in re.sub(r"\s+", "", pages[0])
    assert re.search(r"Printed [A-Z][a-z]+ \d{1,2}, \d{4}", first)
    for item in record.items.all():
        assert collapsed(item.rationale) in text, item.anchor
        assert collapsed(item.request) in text
    # The screen's furniture is not.
    for furniture in ("Query help", "Back to results", "Reviewer specialty", "Licensure state", "Guideline source",
                      "Copy citation", "Original PDF", "Previous match", "Next match", "Hide highlights",
                      "Similar determinations", "Previous hit", "Next hit", "Export CSV", "Skip to content"):
        assert furniture not in text, furniture
    assert re.search(r"\bPrint\b", text) is None

    # The first printed page as an image, to look at (IMR_SCREENSHOTS keeps it).
    if shutil.which("pdftoppm"):
        pdf = kept(tmp_path) / "case-print.pdf"
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", str(pdf), str(pdf.with_suffix(""))],
                       check=True)
        assert list(pdf.parent.glob("case-print-*1.png"))


def test_pages_work_without_javascript(corpus, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{corpus}/search/?q=mri")
    page.locator('[data-facet="category"] .facet-value', has_text="imaging").click()
    page.wait_for_url("**category=imaging*")
    assert "Request category: imaging" in page.locator(".chips .chip").inner_text()
    page.locator(".hit-link").first.click()
    page.wait_for_load_state()
    # The citation is there to select; the script-only buttons are not offered.
    assert page.locator(".cite-fallback:not([hidden]) input").first.is_visible()
    assert not page.get_by_role("button", name="Next match").is_visible()
    assert not page.get_by_role("button", name="Print").is_visible()
    page.get_by_role("link", name="Hide highlights").click()
    page.wait_for_load_state()
    assert page.locator("mark").count() == 0
    assert page.get_by_role("link", name="← Back to results").is_visible()
    context.close()
