"""tantivy beside FTS5: on a small generated corpus they find the same items and count the same facets.

The corpus is generated and ingested in subprocesses on a scratch folder of its own, as tests/test_bench.py's
bench run does; the drug query's names are the ones Whoosh searched for, as the bench passes them to FTS5.
Timings are measured but never asserted.
"""
from __future__ import annotations

import json
import sqlite3

import pytest

from devtools import bench
from devtools.bench import QUERY_MIX, BenchQuery, fts5_search, measure_fts5
from devtools.tantivy_bench import build_tantivy, measure_tantivy, tantivy_match, tantivy_search

tantivy = pytest.importorskip("tantivy")

DOCS = 120


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict:
    scratch = bench.scratch_for(tmp_path_factory.mktemp("tantivy"), docs=DOCS, seed=0)
    bench.ensure_documents(scratch, docs=DOCS, seed=0)
    bench.ensure_ingested(scratch, docs=DOCS, fresh=False)
    names = bench._measured(scratch, "whoosh", 2)[0]["fts_match"]
    source = scratch.data / "imr.sqlite3"
    return {
        "scratch": scratch,
        "source": source,
        "fts5": measure_fts5(source=source, target=scratch.fts, repeat=3, names=names),
        "tantivy": measure_tantivy(source=source, target=scratch.root / "tantivy", repeat=3, names=names),
    }


def test_tantivy_finds_what_fts5_finds_and_counts_the_same_facets(corpus):
    # en_stem and porter unicode61 cut and stem every word of this mix alike, so nothing may differ.
    for query in QUERY_MIX:
        ours, theirs = corpus["tantivy"]["queries"][query.name], corpus["fts5"]["queries"][query.name]
        assert ours["hits"] > 0, query.name  # an empty answer would agree without saying anything
        assert (ours["hits"], ours["shown"]) == (theirs["hits"], theirs["shown"]), query.name
        assert ours["facet_counts"] == theirs["facet_counts"], query.name


def test_the_report_has_measure_fts5s_shape(corpus):
    from search.engine import FACETS

    report = corpus["tantivy"]
    assert set(report) == {"tantivy_build_s", "tantivy_mb", "matches", "queries"}
    assert report["tantivy_mb"] > 0
    assert set(report["queries"]) == set(report["matches"]) == {query.name for query in QUERY_MIX}
    for name, row in report["queries"].items():
        assert set(row) == set(corpus["fts5"]["queries"][name]), name
        assert set(row["facet_counts"]) == set(FACETS), name
        assert 0 < row["p50_ms"] <= row["p95_ms"], name


def test_several_values_of_a_facet_and_a_multi_valued_facet_filter_alike(corpus):
    source = sqlite3.connect(corpus["source"])
    state = json.loads(source.execute("SELECT reviewer_states FROM search_determination "
                                      "WHERE reviewer_states != '[]' ORDER BY id LIMIT 1").fetchone()[0])[0]
    source.close()
    query = BenchQuery("filtered", q="pain", fts="pain", filters={"outcome": ["Upheld", "Overturned"],
                                                                   "state": [state], "reason": []})
    db = sqlite3.connect(corpus["scratch"].fts)
    db.execute("CREATE TEMP TABLE matched (id INTEGER PRIMARY KEY)")
    index = tantivy.Index.open(str(corpus["scratch"].root / "tantivy"))
    for match in ("pain", ""):  # ranked by words, and browsed newest first
        theirs = fts5_search(db, query, match)
        assert 0 < theirs["hits"]
        assert tantivy_search(index, query, tantivy_match(match)) == theirs, match
    db.close()


def test_a_prefix_becomes_a_regex_on_each_text_field_and_phrases_stay_as_they_are():
    assert tantivy_match("Lum*") == ("(request:/lum.*/ OR rationale:/lum.*/ OR guideline:/lum.*/ OR "
                                     "drug:/lum.*/)")
    assert tantivy_match('"lum* pain" AND pain') == '"lum* pain" AND pain'
    assert tantivy_match('"hydrocodone" OR "norco"') == '"hydrocodone" OR "norco"'


def test_building_again_replaces_the_index(corpus):
    target = corpus["scratch"].root / "again"
    build_tantivy(corpus["source"], target)
    build_tantivy(corpus["source"], target)
    items = bench.stored_counts(corpus["scratch"].data)[1]
    assert tantivy.Index.open(str(target)).searcher().num_docs == items
