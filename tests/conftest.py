"""Shared fixtures: the real documents in ../shared, and a private data folder per test."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from .snapshots import Corpora, Ingested

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "corpus"
SEEDS = SHARED / "seeds"
DWC = SHARED / "dwc-2016"


def expected(folder: Path) -> dict:
    data = json.loads((folder / "expected.json").read_text())
    data.pop("_about", None)
    return data


def seed_text(name: str) -> str:
    return (SEEDS / name).read_text()


@pytest.fixture(scope="session")
def real_items() -> dict[tuple[str, int], object]:
    """Every item of the real documents (the seeds and the DWC PDFs), parsed once per session:
    (file name, 1-based position) -> the parsed ``record.Item``."""
    from search.extract import document_text
    from search.parser import parse

    items = {}
    for path in [*sorted(SEEDS.glob("*.txt")), *sorted(DWC.glob("*.pdf"))]:
        for position, item in enumerate(parse(document_text(path.name, path.read_bytes())).items, start=1):
            items[(path.name, position)] = item
    return items


@pytest.fixture
def data_dir(tmp_path, settings):
    """Originals and the Whoosh index under a fresh folder for this test."""
    from search import engine

    settings.DATA_DIR = tmp_path
    settings.INDEX_DIR = tmp_path / "index"
    settings.ORIGINALS_DIR = settings.MEDIA_ROOT = tmp_path / "originals"
    engine.reset()
    engine.ensure_index()  # as ``migrate`` leaves a new site (search/apps.py)
    yield tmp_path
    engine.reset()


@pytest.fixture(scope="session")
def corpora(tmp_path_factory) -> Corpora:
    return Corpora(tmp_path_factory.mktemp("corpora"))


@pytest.fixture
def ingested(corpora, data_dir) -> Ingested:
    """The real documents as ``ingest_paths`` stores and indexes them, ingested once per session
    and copied into this test's data folder after that (tests/snapshots.py says how and why).
    Call it before storing anything else; the test must have database access."""
    return Ingested(corpora)


# Named people (healthchecks style), so privacy tests read like sentences.
@pytest.fixture
def alice(db):
    from .people import make_user

    return make_user("alice")


@pytest.fixture
def bob(db):
    from .people import make_user

    return make_user("bob")


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """The default hasher costs a good part of a second per user; no test here is about it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()
