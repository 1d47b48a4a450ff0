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
from search.engine import folder, published, searcher, segments
from search.engine import whoosh_internals as internals
from search.engine.schema import FACETS, facet_field
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


def same_segment(one: segments.Segment, other: segments.Segment) -> bool:
    return (one.count == other.count
            and one.columns.keys() == other.columns.keys() and one.lengths.keys() == other.lengths.keys()
            and all(np.array_equal(one.columns[name], other.columns[name]) for name in one.columns)
            and all(np.array_equal(one.lengths[name], other.lengths[name]) for name in one.lengths)
            and one.facets.keys() == other.facets.keys()
            and all(one.facets[name].values == other.facets[name].values
                    and np.array_equal(one.facets[name].ids, other.facets[name].ids)
                    and np.array_equal(one.facets[name].counts, other.facets[name].counts) for name in one.facets))


FACET_FIELDS = [facet_field(name) for name in FACETS]


def test_the_writer_saves_each_segments_arrays_and_another_process_loads_them_as_read(ingested):
    ingested(SEEDS, DWC)
    with folder.open_index().searcher() as opened:
        leaves = internals.leaves(opened.reader())
        assert {path.name.split(".")[0] for path in (folder.live_index() / segments.SAVED).iterdir()} == {
            internals.segment_id(leaf) for leaf, _ in leaves}
        for leaf, _ in leaves:
            loaded = segments._load(segments._saved_path(leaf), leaf, FACET_FIELDS)
            assert loaded is not None and same_segment(loaded, segments._read_segment(leaf, FACET_FIELDS))
            assert any(table.values for table in loaded.facets.values())
    engine.reset()
    built_from_saved = answers()
    shutil.rmtree(folder.live_index() / segments.SAVED)
    assert built_from_saved == answers()


def test_a_damaged_or_mismatched_saved_file_is_read_again_from_the_segment(ingested):
    ingested(SEEDS)
    with folder.open_index().searcher() as opened:
        leaf = internals.leaves(opened.reader())[0][0]
        path = segments._saved_path(leaf)
        path.write_bytes(path.read_bytes()[:100])  # cut short
        assert segments._load(path, leaf, FACET_FIELDS) is None
        store = segments.SegmentStore(0, saves=True)
        assert same_segment(store.segment(leaf, FACET_FIELDS), segments._read_segment(leaf, FACET_FIELDS))
        assert segments._load(path, leaf, FACET_FIELDS) is not None  # saved again, whole
        assert segments._load(path, leaf, [*FACET_FIELDS, "f_not_a_facet"]) is None  # saved before a new facet


def test_the_saved_arrays_of_segments_merged_away_are_deleted(data_dir, monkeypatch):
    monkeypatch.setattr(folder, "MERGE_BELOW", 10_000)  # every commit's segment merges by tier
    monkeypatch.setattr(folder, "MERGE_FACTOR", 2)
    for path in sorted(SEEDS.glob("*.txt")):
        ingest_paths([path])
    saved = folder.live_index() / segments.SAVED
    (saved / ".half-written.npz.1.tmp").write_bytes(b"")
    ingest_paths([DWC])
    with folder.open_index().searcher() as opened:
        live = {internals.segment_id(leaf) for leaf, _ in internals.leaves(opened.reader())}
    assert {path.name.split(".")[0] for path in saved.iterdir()} == live
