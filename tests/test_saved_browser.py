"""In Chromium: sign in, save a search from its results, a new determination arrives, see it marked new."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connections

from .conftest import SEEDS
from .people import PASSWORD, ingest_new_copy

# Playwright's sync API runs an event loop in this thread; the ORM calls here are still plain and safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.browser


def screenshots(tmp_path: Path) -> Path:
    # IMR_SCREENSHOTS keeps them somewhere to look at; by default they go with the test's temp folder.
    folder = Path(os.environ.get("IMR_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def site(live_server, transactional_db, ingested) -> str:
    """alice and the seed determinations, stored before the browser starts (see new_determination)."""
    get_user_model().objects.create_user("alice", "alice@example.org", PASSWORD)
    ingested(SEEDS)
    return live_server.url


def new_determination(folder: Path) -> str:
    # While Playwright's sync API is running, the ORM in this thread gets a connection of its own
    # (asgiref's context-local storage): close it, or PostgreSQL cannot drop the test database.
    try:
        return ingest_new_copy(folder)
    finally:
        connections.close_all()


def test_a_saved_search_shows_what_arrived_since_it_was_saved(site, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    # Console errors include any Content-Security-Policy refusal; the browser's own favicon probe is not ours.
    page.on("console", lambda m: errors.append(m.text)
            if m.type == "error" and not m.location.get("url", "").endswith("/favicon.ico") else None)

    # Sign in, and land back on the search page.
    page.goto(f"{site}/accounts/login/?next=/search/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/search/")

    # Run a search, and save it from its results page.
    page.get_by_label("Search determinations").fill("drug:valium")
    page.get_by_label("Search determinations").press("Enter")
    page.wait_for_url("**/search/?q=drug%3Avalium*")
    before = page.locator("#result-count").inner_text()
    shots = screenshots(tmp_path)
    page.screenshot(path=str(shots / "search-with-save-form.png"))
    page.get_by_label("Name this search").fill("Valium decisions")
    page.get_by_role("button", name="Save search").click()
    page.wait_for_url("**/saved/")
    assert "Saved “Valium decisions”." in page.content()
    assert page.locator(".saved-item .saved-new-count").inner_text() == "Nothing new"

    # A new determination with one matching item is stored and indexed.
    slug = new_determination(tmp_path)

    page.goto(f"{site}/saved/")
    item = page.locator(".saved-item", has_text="Valium decisions")
    assert item.locator(".saved-new-count").inner_text() == "1 new"
    assert "Not opened since saved" in item.inner_text()
    page.screenshot(path=str(shots / "saved-list.png"), full_page=True)

    # Opening it reruns the search with the new item marked.
    item.get_by_role("link", name="Valium decisions").click()
    page.wait_for_url("**/saved/*/")
    assert page.locator(".saved-banner").get_by_text("1 new").is_visible()
    new_hits = page.locator(".hit.hit-new")
    new_hits.first.wait_for()
    assert new_hits.count() == 1
    assert slug in new_hits.locator("a.hit-link").get_attribute("href")
    assert new_hits.locator(".badge-new").inner_text() == "New"
    count = page.locator("#result-count").inner_text()
    assert int(count.split()[0]) == int(before.split()[0]) + 1
    page.screenshot(path=str(shots / "saved-results.png"), full_page=True)

    # Having seen it, nothing is new any more.
    page.goto(f"{site}/saved/")
    assert page.locator(".saved-item .saved-new-count").inner_text() == "Nothing new"
    page.set_viewport_size({"width": 390, "height": 800})
    page.screenshot(path=str(shots / "saved-list-narrow.png"), full_page=True)
    assert errors == []
