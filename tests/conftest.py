"""Shared fixtures: the real documents in ../shared, and a private data folder per test."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

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


@pytest.fixture
def data_dir(tmp_path, settings):
    """Originals and the Whoosh index under a fresh folder for this test."""
    from search import index

    settings.DATA_DIR = tmp_path
    settings.INDEX_DIR = tmp_path / "index"
    settings.ORIGINALS_DIR = settings.MEDIA_ROOT = tmp_path / "originals"
    index.reset_reader()
    yield tmp_path
    index.reset_reader()
