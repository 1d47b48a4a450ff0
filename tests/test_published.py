"""The writer publishes each index generation's arrays; web workers map them instead of building
their own. A worker that maps them answers exactly as one that builds them, and a missing,
mismatched or unwritable publish costs the shortcut, never a search or a commit."""
from __future__ import annotations

import json
import logging
import os
import shutil

import numpy as np
import pytest

from search import engine
from search.engine import folder, published, searcher
from search.ingest import ingest_paths

from .conftest import DWC, SEEDS

pytestmark = pytest.mark.django_db

SEARCHES = [
    engine.SearchParams(q="norco"),
    engine.SearchParams(q="pain", filters={"outcome": ["Overturned"]}),
    engine.SearchParams(q='"not medically necessary"', filters={"state": ["california"]}),
    engine.SearchParams(filters={"category": ["imaging"]}, sort="newest"),
    engine.SearchParams(q="opioids /s monitoring", sort="relevance"),
]


def answers() -> list[tuple]:
    engine.reset()
    found = [engine.search(params) for params in SEARCHES]
    return [(result.count, [hit.key for hit in result.hits], result.facets) for result in found]


def generations() -> list[int]:
    return sorted(int(p.name) for p in (folder.live_index() / published.ARRAYS).iterdir() if p.name.isdigit())


def test_a_worker_maps_the_published_arrays_and_answers_as_one_that_builds_them(ingested, monkeypatch):
    ingested(SEEDS, DWC)
    mapped = answers()
    version = searcher.current().version
    assert isinstance(version.pair_docs["drug"], np.memmap) and isinstance(version.live, np.memmap)
    monkeypatch.setattr(searcher, "load", lambda *args: None)
    built = answers()
    assert not isinstance(searcher.current().version.live, np.memmap)
    assert mapped == built
    assert all(count for count, _, _ in mapped)


def test_arrays_published_in_the_first_format_are_still_mapped_and_answer_the_same(ingested):
    ingested(SEEDS, DWC)
    want = answers()
    target = folder.live_index() / published.ARRAYS / str(generations()[-1])
    manifest = json.loads((target / "version.json").read_text())
    for name in manifest["values"]:  # format 1 kept each pair's code, not its key
        keys = np.load(target / f"pair_keys.{name}.npy")
        np.save(target / f"pair_codes.{name}.npy", published.pair_codes(keys))
        (target / f"pair_keys.{name}.npy").unlink()
    (target / "version.json").write_text(json.dumps({**manifest, "format": 1}))
    assert answers() == want
    version = searcher.current().version
    assert isinstance(version.pair_docs["drug"], np.memmap)
    assert version.bitmaps and not isinstance(version.bitmaps["outcome"], np.memmap)  # made on opening


def test_arrays_that_do_not_describe_the_opened_index_are_not_used(ingested, caplog):
    ingested(SEEDS, DWC)
    want = answers()
    manifest_path = folder.live_index() / published.ARRAYS / str(generations()[-1]) / "version.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["segments"] = ["someone-elses"]
    manifest_path.write_text(json.dumps(manifest))
    with caplog.at_level(logging.WARNING, logger="imr.engine"):
        assert answers() == want
    assert not isinstance(searcher.current().version.live, np.memmap)


def test_each_commit_publishes_its_generation_and_old_ones_are_pruned(data_dir):
    for number, path in enumerate(sorted(DWC.glob("*.pdf"))[:5], start=1):
        ingest_paths([path])
        assert len(generations()) == min(number, published.KEEP)
    engine.reset()
    assert searcher.current().searcher.reader().generation() == generations()[-1]
    assert isinstance(searcher.current().version.live, np.memmap)


def test_a_worker_serves_the_version_it_has_while_the_next_ones_arrays_are_being_published(data_dir, monkeypatch):
    ingest_paths([SEEDS])
    engine.reset()
    before = engine.search(engine.SearchParams()).count
    monkeypatch.setattr(folder, "publish_arrays", lambda path: None)  # committed, not yet published
    ingest_paths([DWC])
    marker = folder.live_index() / published.ARRAYS / published.PENDING
    assert not marker.exists()  # each commit removes its own
    marker.write_text("another writer")
    assert engine.search(engine.SearchParams()).count == before  # no arrays built in the worker
    os.utime(marker, (0, 0))  # a marker its writer left when it died is not waited for
    after = engine.search(engine.SearchParams()).count
    assert after > before
    marker.unlink()
    engine.reset()
    assert engine.search(engine.SearchParams()).count == after  # a refreshed searcher counts like a fresh one


def test_a_publish_that_fails_leaves_the_commit_and_the_search_whole(data_dir, caplog):
    arrays = folder.live_index() / published.ARRAYS
    shutil.rmtree(arrays, ignore_errors=True)
    arrays.write_text("not a folder")  # the arrays cannot be written
    with caplog.at_level(logging.WARNING, logger="imr.engine"):
        report = ingest_paths([SEEDS])
    assert report.counts["stored"] == 5
    assert "could not publish the index arrays" in caplog.text
    engine.reset()
    assert engine.search(engine.SearchParams(sort="newest")).count > 5
