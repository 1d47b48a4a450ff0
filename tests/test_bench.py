"""The bench command: its JSON has the issue's shape, and Whoosh and FTS5 agree on what they found.

Timings are reported by the bench, never asserted here: a test that times is a flaky test.
The bench runs in a subprocess on its own scratch folder, with no DATABASE_URL.
"""
from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys

import pytest

from devtools.bench import QUERY_MIX

from .conftest import ROOT

QUERY_NAMES = {query.name for query in QUERY_MIX}


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> dict:
    workdir = tmp_path_factory.mktemp("bench")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(IMR_DATA_DIR=str(workdir / "unused"), DJANGO_SETTINGS_MODULE="imrsite.settings")
    done = subprocess.run(
        [sys.executable, "manage.py", "bench", "--docs", "60", "--repeat", "3", "--workdir", str(workdir),
         "--no-pdf", "--json"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_it_prints_the_issues_shape(report):
    assert {"documents", "items", "ingest_docs_per_s", "index_mb", "peak_rss_mb", "queries", "fts5"} <= report.keys()
    assert report["documents"] == 60
    assert report["items"] >= 60
    assert set(report["queries"]) == set(report["fts5"]) == QUERY_NAMES
    for engine in ("queries", "fts5"):
        for name, row in report[engine].items():
            assert {"p50_ms", "p95_ms", "hits"} <= row.keys(), (engine, name)


def test_every_timing_is_a_positive_number(report):
    for engine in ("queries", "fts5"):
        for row in report[engine].values():
            for key in ("p50_ms", "p95_ms"):
                assert isinstance(row[key], (int, float)) and row[key] > 0
    for key in ("ingest_docs_per_s", "index_mb", "peak_rss_mb", "web_peak_rss_mb", "ingest_peak_rss_mb"):
        assert isinstance(report[key], (int, float)) and report[key] > 0, key


def test_it_times_the_page_of_the_longest_determination(report):
    page = report["case_page"]
    assert page["items"] >= 2  # sixty generated determinations always include one with several items
    assert re.fullmatch(r"CM\d{2}-\d{7}", page["case"])
    assert 0 < page["p50_ms"] <= page["p95_ms"]


def test_whoosh_and_fts5_find_the_same_items_and_count_the_same_facets(report):
    # Every query of the mix means the same on both engines, so hits and facet counts must agree.
    for name in QUERY_NAMES:
        assert report["queries"][name]["hits"] == report["fts5"][name]["hits"], name
        assert report["fts5"][name]["facets_agree"], name
    assert report["queries"]["browse"]["hits"] > 0
    assert not [note for note in report["notes"] if note.split(":")[0] in QUERY_NAMES]


def test_a_second_run_reuses_the_ingested_folder(report):
    workdir = report["workdir"].rsplit("/", 1)[0]
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    done = subprocess.run(
        [sys.executable, "manage.py", "bench", "--docs", "60", "--repeat", "2", "--workdir", workdir, "--no-pdf"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "(reused)" in done.stdout  # the table, not JSON, without --json
    assert "browse" in done.stdout


def test_it_reports_a_new_workers_start_its_memory_and_a_warm_workers_refresh(report):
    for key in ("worker_open_ms", "cold_query_ms", "worker_rss_mb", "shared_mb", "refresh_ms"):
        assert isinstance(report[key], (int, float)) and report[key] > 0, key
    assert set(report["cold_queries_ms"]) == QUERY_NAMES
    assert report["cold_query_ms"] == max(report["cold_queries_ms"].values())
    assert report["refresh_docs"] == 6  # a tenth of 60, ingested while the worker was open: counted in documents


def test_tantivy_runs_the_same_mix_and_counts_what_fts5_and_whoosh_count(report):
    pytest.importorskip("tantivy")
    assert set(report["tantivy"]) == QUERY_NAMES
    for name, row in report["tantivy"].items():
        assert {"p50_ms", "p95_ms", "hits"} <= row.keys(), name
        assert row["hits"] == report["queries"][name]["hits"] and row["facets_agree"], name
        assert report["queries"][name]["ratio_tantivy_p95"] > 0
    assert report["tantivy_build_s"] is not None and report["tantivy_mb"] > 0


def test_an_ingest_cut_off_is_resumed_and_timed_over_all_its_parts(tmp_path):
    from devtools import bench

    scratch = bench.scratch_for(tmp_path, docs=30, seed=3)
    bench.ensure_documents(scratch, docs=30, seed=3)
    # A first run, killed after ten documents: its seconds so far were written down as it ran.
    bench.run_manage(scratch.data, "migrate", "--noinput")
    bench.run_manage(scratch.data, "ingest", *map(str, sorted(scratch.docs.glob("*.txt"))[:10]))
    scratch.ingest_parts.write_text(json.dumps({"parts": [{"seconds": 500.0, "peak_rss_mb": 1.0}]}))
    with sqlite3.connect(scratch.data / "imr.sqlite3") as db:
        first_rows = db.execute("SELECT id, slug FROM search_determination ORDER BY id").fetchall()

    done = bench.ensure_ingested(scratch, docs=30, fresh=False)

    assert done["ingest_parts"] == 2 and not done["ingest_reused"]
    assert done["ingest_s"] > 500 and done["ingest_docs_per_s"] == round(27 / done["ingest_s"], 1)
    with sqlite3.connect(scratch.data / "imr.sqlite3") as db:
        rows = db.execute("SELECT id, slug FROM search_determination ORDER BY id").fetchall()
    assert rows[:10] == first_rows and len(rows) == 27 + 3  # kept, not stored again; the tail came after
    parts = json.loads(scratch.ingest_parts.read_text())["parts"]
    assert [part["seconds"] for part in parts][:1] == [500.0] and len(parts) == 2
    assert bench.ensure_ingested(scratch, docs=30, fresh=False)["ingest_reused"]
    assert "27 of 27 documents (100.0%)" in scratch.ingest_log.read_text()  # followed as it goes


def test_a_running_command_tells_how_far_it_has_come(tmp_path, monkeypatch):
    from devtools import bench

    monkeypatch.setattr(bench, "TICK_SECONDS", 0.0)
    told: list[float] = []
    ran = bench.run_manage(tmp_path / "data", "migrate", "--noinput", every=lambda seconds, rss: told.append(seconds))
    assert told and told == sorted(told) and told[-1] <= ran.seconds
