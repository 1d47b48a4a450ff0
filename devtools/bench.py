"""The bench: N generated determinations, ingested, and one query mix timed on Whoosh and on SQLite FTS5.

Every measured step runs in a process of its own, with the scratch data folder as
``IMR_DATA_DIR`` and no ``DATABASE_URL`` (so nothing touches the site's data):
``manage.py migrate`` and ``manage.py ingest`` (timed, its peak memory read with
``os.wait4`` and by summing the process tree's RSS while it runs), then
``manage.py bench --measure whoosh`` (the web worker's view: open the index, build
the facet arrays, answer the mix) and ``manage.py bench --measure fts5`` (build an
FTS5 table over the same items, answer the same mix with equivalent work: all
matches counted, facet counts over all of them, the top 20 ranked, 20 snippets).

Generated documents and the ingested data folder are kept under
``<workdir>/<N>-<seed>/`` and reused by the next run with the same N and seed;
``--fresh`` ingests again. An ingest cut off (a session's end, a killed run) is resumed by the
next run, as the site's own ingest resumes: its seconds so far are kept in ``ingest-parts.json``
and the rate is over all parts; what it logs, progress every few seconds included, goes to
``ingest.log`` beside them as it runs. Nothing here is a test: timings are reported, never asserted.
"""
from __future__ import annotations

import hashlib
import importlib.util
import itertools
import json
import math
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_WORKDIR = ROOT / "var" / "bench"
DEFAULT_PDF_DIR = ROOT.parent / "shared" / "corpus" / "dwc-2016"
PAGE = 20

# -- the query mix: one place, read by the bench and by devtools/loadtest.py ------------------


@dataclass(frozen=True)
class BenchQuery:
    name: str
    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    fts: str = ""  # the same words as an FTS5 MATCH expression; "" when there are no words
    drug_names: bool = False  # FTS5: expand to the drug's other names, as the query language does

    @property
    def sort(self) -> str:
        return "relevance" if self.q else "newest"  # as the search form decides


QUERY_MIX: tuple[BenchQuery, ...] = (
    BenchQuery("drug", q="norco", drug_names=True),
    BenchQuery("common_word", q="pain", fts="pain"),
    BenchQuery("phrase", q='"not medically necessary"', fts='"not medically necessary"'),
    BenchQuery("boolean_and", q="pain AND medication", fts="pain AND medication"),
    BenchQuery("prefix", q="lum*", fts="lum*"),
    BenchQuery("fielded", q="mri", filters={"outcome": ["Overturned"]}, fts="mri"),
    BenchQuery("browse", filters={"category": ["imaging"]}),
)

# Facets with one value per item are columns of the FTS5 side's item table; the others a side table.
SINGLE_FACETS = ("outcome", "drug", "category", "year", "source")
MULTI_FACETS = ("specialty", "state", "guideline", "section", "reason")


class BenchError(RuntimeError):
    """A step of the bench failed; the message says which and shows its error output."""


# -- small helpers -------------------------------------------------------------------------------


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile: with 29 samples, p95 is the 28th smallest."""
    ordered = sorted(samples)
    return ordered[max(1, math.ceil(fraction * len(ordered))) - 1]


def summarize(samples_ms: list[float]) -> dict[str, float]:
    """p50/p95 of the warm calls; the first call (cold) is reported apart."""
    warm = samples_ms[1:] or samples_ms
    return {"p50_ms": round(percentile(warm, 0.50), 2), "p95_ms": round(percentile(warm, 0.95), 2),
            "cold_ms": round(samples_ms[0], 2)}


def folder_mb(path: Path) -> float:
    if not path.exists():
        return 0.0
    return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20, 1)


def _status_kb(pid: int | str, *names: str) -> dict[str, int]:
    """Fields of /proc/<pid>/status in kB ("VmRSS", "RssAnon", ...); those it lacks are 0."""
    found = dict.fromkeys(names, 0)
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            name, _, value = line.partition(":")
            if name in found:
                found[name] = int(value.split()[0])
    except (OSError, ValueError):
        pass
    return found


def _rss_kb(pid: int) -> int:
    return _status_kb(pid, "VmRSS")["VmRSS"]


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                todo.extend(int(child) for child in task.read_text().split())
            except OSError:
                pass
    return found


@dataclass
class Ran:
    seconds: float
    peak_rss_mb: float  # the largest single process (wait4), or the tree's summed RSS if larger
    stdout: str
    stderr: str


def manage_env(data: Path) -> dict[str, str]:
    """The environment of a scratch-folder process: SQLite there, production-like (no DEBUG query log)."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(IMR_DATA_DIR=str(data), DJANGO_SETTINGS_MODULE="imrsite.settings", DEBUG="false",
               SECRET_KEY=env.get("SECRET_KEY") or "bench-only-not-secret", IMR_HTTPS="false")
    return env


def run_manage(data: Path, *args: str, every: Callable[[float, float], None] | None = None,
               log: Path | None = None) -> Ran:
    """Run ``manage.py args`` on the scratch data folder; its wall time and peak memory.
    ``every(seconds, peak_rss_mb)`` is told how far it has come every TICK_SECONDS while it runs;
    its log (standard error) is appended to ``log`` as it goes, if given, for a person to follow."""
    with tempfile.TemporaryFile("w+") as out, (log.open("a+") if log else tempfile.TemporaryFile("w+")) as err:
        begun = err.tell()
        started = time.perf_counter()
        process = subprocess.Popen([sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT,
                                   env=manage_env(data), stdout=out, stderr=err, text=True)
        tree_peak = [0]
        done = threading.Event()

        def sample() -> None:  # a parallel ingest's workers count together
            told = started
            while not done.wait(0.25):
                tree_peak[0] = max(tree_peak[0], sum(_rss_kb(pid) for pid in _descendants(process.pid)))
                if every is not None and time.perf_counter() - told >= TICK_SECONDS:
                    told = time.perf_counter()
                    every(told - started, round(tree_peak[0] / 1024, 1))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(begun)
        ran = Ran(seconds, round(max(usage.ru_maxrss, tree_peak[0]) / 1024, 1), out.read(), err.read())
    if process.returncode != 0:
        raise BenchError(f"manage.py {' '.join(args)[:200]} failed (exit {process.returncode}):\n{ran.stderr[-3000:]}")
    return ran


# -- the scratch folders ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Scratch:
    root: Path

    @property
    def docs(self) -> Path:
        return self.root / "docs"

    @property
    def tail(self) -> Path:
        """The last REFRESH_DOCS of the N: ingested while a worker is open, to time its refresh."""
        return self.root / "tail"

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def fts(self) -> Path:
        return self.root / "fts5.sqlite3"

    @property
    def docs_done(self) -> Path:
        return self.root / "docs.json"

    @property
    def ingest_done(self) -> Path:
        return self.root / "ingest.json"

    @property
    def ingest_log(self) -> Path:
        """What the ingest logs, every part of it: a line a document and its progress every few seconds."""
        return self.root / "ingest.log"

    @property
    def ingest_parts(self) -> Path:
        """The ingest's runs so far (seconds, peak memory): one part unless it was cut off and resumed."""
        return self.root / "ingest-parts.json"


def scratch_for(workdir: Path, *, docs: int, seed: int) -> Scratch:
    return Scratch(workdir.resolve() / f"{docs}-{seed}")


TICK_SECONDS = 10.0  # how often a running ingest's seconds so far are written down
REFRESH_DOCS = 2000  # the ingest a web worker's refresh is timed after (fewer when N is small: a tenth of N)


def tail_size(docs: int) -> int:
    return min(REFRESH_DOCS, docs // 10)


def ensure_documents(scratch: Scratch, *, docs: int, seed: int) -> dict[str, Any]:
    """Write the N generated determinations once, the last ``tail_size(N)`` into their own folder; a
    later run with the same N and seed reuses them."""
    from .corpus import generate

    if scratch.docs_done.exists() and "tail" in (made := json.loads(scratch.docs_done.read_text())):
        return {**made, "reused": True}
    for folder in (scratch.docs, scratch.tail):
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
    started = time.perf_counter()
    items = 0
    first_of_tail = docs - tail_size(docs)
    for number, (name, text, record) in enumerate(generate(docs, seed=seed)):
        folder = scratch.tail if number >= first_of_tail else scratch.docs
        (folder / name).write_text(text, encoding="utf-8", newline="")
        items += len(record.items)
    made = {"documents": docs, "tail": tail_size(docs), "items": items,
            "generate_s": round(time.perf_counter() - started, 1)}
    scratch.docs_done.write_text(json.dumps(made))
    return {**made, "reused": False}


def ensure_ingested(scratch: Scratch, *, docs: int, fresh: bool) -> dict[str, Any]:
    """Migrate and ingest the documents into the scratch data folder, timed; reused unless ``fresh``.

    An ingest cut off before it finished (its parts file written, its result not) is resumed, not
    started again: the ingest skips what is stored and indexes what is not yet, and its time is
    the sum of its parts (each part's seconds are written every TICK_SECONDS while it runs).
    """
    if (scratch.ingest_done.exists() and scratch.data.exists() and not fresh
            and "refresh_ms" in (done := json.loads(scratch.ingest_done.read_text()))):
        return {**done, "ingest_reused": True}
    parts = _earlier_parts(scratch) if not fresh and scratch.data.exists() else []
    if not parts:
        for path in (scratch.ingest_done, scratch.fts, scratch.ingest_parts, scratch.ingest_log):
            path.unlink(missing_ok=True)
        if scratch.data.exists():
            shutil.rmtree(scratch.data)
    scratch.ingest_done.unlink(missing_ok=True)
    run_manage(scratch.data, "migrate", "--noinput")

    def record(seconds: float, peak_rss_mb: float) -> None:  # whole or not at all: the run may be killed any time
        written = scratch.ingest_parts.with_suffix(".tmp")
        written.write_text(json.dumps({"parts": [*parts, {"seconds": round(seconds, 1), "peak_rss_mb": peak_rss_mb}]}))
        os.replace(written, scratch.ingest_parts)

    record(0.0, 0.0)
    ran = run_manage(scratch.data, "ingest", str(scratch.docs), every=record, log=scratch.ingest_log)
    record(ran.seconds, ran.peak_rss_mb)
    seconds = sum(part["seconds"] for part in parts) + ran.seconds
    head = docs - tail_size(docs)
    refresh = json.loads(run_manage(scratch.data, "bench", "--measure", "refresh", "--tail", str(scratch.tail)).stdout)
    done = {
        "ingest_s": round(seconds, 1),
        "ingest_docs_per_s": round(head / seconds, 1),
        "ingest_peak_rss_mb": max([ran.peak_rss_mb, *(part["peak_rss_mb"] for part in parts)]),
        "ingest_parts": len(parts) + 1,
        **refresh,
    }
    scratch.ingest_done.write_text(json.dumps(done))
    return {**done, "ingest_reused": False}


def _earlier_parts(scratch: Scratch) -> list[dict[str, float]]:
    """The parts of an ingest into ``scratch`` that was cut off, or [] if there is none to resume."""
    if not scratch.ingest_parts.exists() or scratch.ingest_done.exists():
        return []
    return json.loads(scratch.ingest_parts.read_text())["parts"]


def measure_pdf_ingest(pdf_dir: Path, workdir: Path) -> dict[str, Any]:
    """Ingest the real DWC PDFs into a fresh folder of their own: text extraction dominates."""
    pdfs = sorted(pdf_dir.glob("*.pdf"))
    data = workdir.resolve() / "pdf" / "data"
    if data.exists():
        shutil.rmtree(data)
    run_manage(data, "migrate", "--noinput")
    ran = run_manage(data, "ingest", *map(str, pdfs))
    return {"pdf_docs": len(pdfs), "pdf_docs_per_s": round(len(pdfs) / ran.seconds, 1)}


def stored_counts(data: Path) -> tuple[int, int]:
    with sqlite3.connect(f"file:{data / 'imr.sqlite3'}?mode=ro", uri=True) as db:
        documents = db.execute("SELECT count(*) FROM search_determination").fetchone()[0]
        items = db.execute("SELECT count(*) FROM search_disputeditem").fetchone()[0]
    return documents, items


# -- Whoosh: what a web worker does (runs inside ``bench --measure whoosh``) -------------------------


def _facet_counts(facets: dict[str, list[Any]]) -> dict[str, list[int]]:
    """Per facet, its counts largest first: compared across engines whose value spellings differ."""
    return {name: sorted((v.count for v in values if v.count), reverse=True) for name, values in facets.items()}


def drop_result_cache(engine: Any) -> bool:
    """Empty search()'s result cache, so that a warm call is timed doing the work and not a lookup."""
    return engine.clear_result_cache()


CASE_PAGE_QUERY = "medically necessary"
PLAIN_STATIC = "django.contrib.staticfiles.storage.StaticFilesStorage"


def measure_case_page(*, repeat: int) -> dict[str, Any]:
    """Server time of the longest determination's page, arriving from a search: marks, trail, similar items.

    Timed through Django's test client, so the middleware and the template are in it; the network is not.
    """
    from urllib.parse import urlencode

    from django.conf import settings
    from django.db.models import Count
    from django.test import Client, override_settings

    from search.models import Determination

    record = Determination.objects.annotate(count=Count("items")).order_by("-count", "pk").first()
    if record is None:
        return {}
    url = f"/determinations/{record.slug}/?" + urlencode({"q": CASE_PAGE_QUERY, "back": f"q={CASE_PAGE_QUERY}"})
    client = Client()
    samples = []
    # The scratch folder has no collectstatic manifest; a manifest lookup is one dict get, not worth faking.
    with override_settings(STORAGES={**settings.STORAGES, "staticfiles": {"BACKEND": PLAIN_STATIC}}):
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise BenchError(f"{url} answered {response.status_code}")
    return {"case": record.slug, "items": record.count, "q": CASE_PAGE_QUERY, **summarize(samples)}


def measure_citator(*, repeat: int) -> dict[str, Any]:
    """The guideline citator, the chart and the two facets it added (stated reason, guideline section).

    ``overview`` and ``section`` are /guidelines/ and the most cited section's page without the
    template (the result cache dropped before each call); ``chart`` draws the results page's
    year chart; ``facet_ms`` is one facet's tally over every item, per facet, so the new facets'
    share of every query's cost can be read beside the old ones'.
    """
    from search import citator, engine
    from search.charts import year_chart, year_points
    from search.engine import searcher
    from search.engine.facets import _Packed, _tally

    samples: dict[str, list[float]] = {"overview": [], "section": [], "chart": []}
    rows = citator.overview()
    if not rows:
        return {}
    top = rows[0].key
    years = engine.search(engine.SearchParams(per_page=1)).facets.get("year", [])
    for _ in range(repeat):
        for name, work in (("overview", citator.overview), ("section", lambda: citator.section_page(top)),
                           ("chart", lambda: year_chart(year_points(years), title="bench"))):
            drop_result_cache(engine)
            started = time.perf_counter()
            work()
            samples[name].append((time.perf_counter() - started) * 1000)
    version = searcher.current().version
    everything = version.live.copy()
    facet_ms = {}
    for name in engine.FACETS:
        started = time.perf_counter()
        for _ in range(repeat):
            _tally(version, name, everything, _Packed(version))
        facet_ms[name] = round((time.perf_counter() - started) * 1000 / repeat, 2)
    return {"sections": len(rows), "top_section": top, "years": len(years), "facet_ms": facet_ms,
            **{name: summarize(values) for name, values in samples.items()}}


def _memory_mb() -> dict[str, float]:
    """This process's resident memory: its own (anonymous) pages, and the file pages it maps (the
    index's files in the page cache), which every worker on the machine shares."""
    kb = _status_kb("self", "RssAnon", "RssFile", "RssShmem")
    return {"worker_rss_mb": round(kb["RssAnon"] / 1024, 1), "shared_mb": round((kb["RssFile"] + kb["RssShmem"]) / 1024, 1)}


def measure_worker() -> dict[str, Any]:
    """A web worker from its start: open the index and answer a first page (``worker_open_ms``), then
    each query of the mix once, its words read for the first time (``cold_query_ms``, the slowest),
    and its memory after that."""
    from search import engine

    started = time.perf_counter()
    engine.search(engine.SearchParams(sort="newest"))
    open_ms = (time.perf_counter() - started) * 1000
    cold = {}
    for query in QUERY_MIX:
        started = time.perf_counter()
        engine.search(engine.SearchParams(q=query.q, filters=query.filters, sort=query.sort))
        cold[query.name] = round((time.perf_counter() - started) * 1000, 1)
    return {"worker_open_ms": round(open_ms, 1), "cold_query_ms": max(cold.values()), "cold_queries_ms": cold,
            **_memory_mb()}


def measure_refresh(tail: Path) -> dict[str, Any]:
    """A warm worker's refresh after an ingest of ``tail`` by another process: its first search after."""
    from django.conf import settings

    from search import engine

    params = [engine.SearchParams(q=query.q, filters=query.filters, sort=query.sort) for query in QUERY_MIX]
    for each in params:
        engine.search(each)  # open and warm: what a worker that has been serving looks like
    before = engine.search(engine.SearchParams(sort="newest")).count
    ingested = run_manage(Path(settings.DATA_DIR), "ingest", str(tail))
    drop_result_cache(engine)
    started = time.perf_counter()
    after = engine.search(engine.SearchParams(sort="newest")).count
    refresh_ms = (time.perf_counter() - started) * 1000
    if after <= before:
        raise BenchError(f"the worker saw no new items after ingesting {tail} ({before} before, {after} after)")
    started = time.perf_counter()
    engine.search(params[1])
    return {"refresh_docs": len(list(tail.glob("*.txt"))), "refresh_ingest_s": round(ingested.seconds, 1),
            "refresh_ms": round(refresh_ms, 1),
            "refresh_then_query_ms": round((time.perf_counter() - started) * 1000, 1)}


def measure_whoosh(*, repeat: int) -> dict[str, Any]:
    # The engine's inner modules, not just its seam: a worker's start is timed step by step.
    from search import engine
    from search.engine.folder import open_index
    from search.engine.searcher import TERM_CACHE_BYTES, build_version
    from search.engine.segments import SegmentStore
    from search.warmup import settle

    open_index().searcher().close()  # the first open also pays for imports: not what a reopen costs
    started = time.perf_counter()
    searcher = open_index().searcher()
    open_ms = (time.perf_counter() - started) * 1000
    store = SegmentStore(TERM_CACHE_BYTES)
    started = time.perf_counter()
    build_version(searcher, store)  # every segment read: a worker's first open
    facet_arrays_ms = round((time.perf_counter() - started) * 1000, 1)
    started = time.perf_counter()
    build_version(searcher, store)  # every segment kept: a refresh after an ingest, less its new segment
    facet_arrays_kept_ms = round((time.perf_counter() - started) * 1000, 1)
    searcher.close()

    engine.reset()  # what a worker pays when it starts: a new searcher, its facet arrays, the page
    started = time.perf_counter()
    first = engine.search(engine.SearchParams(sort="newest"))
    reopen_ms = (time.perf_counter() - started) * 1000
    settle()  # as a warmed worker does (search/warmup.py)

    samples: dict[str, list[float]] = {query.name: [] for query in QUERY_MIX}
    cached: dict[str, list[float]] = {query.name: [] for query in QUERY_MIX}
    answers: dict[str, Any] = {}
    bypassed = False
    for _ in range(repeat):  # round robin: each query's first call is its cold one
        for query in QUERY_MIX:
            params = engine.SearchParams(q=query.q, filters=query.filters, sort=query.sort)
            bypassed = drop_result_cache(engine) or bypassed
            started = time.perf_counter()
            answers[query.name] = engine.search(params)
            samples[query.name].append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            engine.search(params)  # the same again: what a repeated search costs
            cached[query.name].append((time.perf_counter() - started) * 1000)
    return {
        "all_items": first.count,
        "case_page": measure_case_page(repeat=repeat),
        "citator": measure_citator(repeat=repeat),
        "result_cache": "bypassed" if bypassed else "none found",
        "fts_match": {query.name: _names_match(answers[query.name].terms) for query in QUERY_MIX if query.drug_names},
        "open_searcher_ms": round(open_ms, 1),
        "reopen_ms": round(reopen_ms, 1),
        "facet_arrays_ms": facet_arrays_ms,
        "facet_arrays_kept_ms": facet_arrays_kept_ms,
        "queries": {
            name: {**summarize(samples[name]), "cached_p50_ms": round(percentile(cached[name], 0.5), 2),
                   "hits": answers[name].count, "shown": len(answers[name].hits),
                   "facet_counts": _facet_counts(answers[name].facets)}
            for name in samples
        },
    }


# -- SQLite FTS5: the reference (runs inside ``bench --measure fts5``) --------------------------------


def _facet_value(value: str) -> str:
    """A facet value as the Whoosh keyword field holds it."""
    return value.replace(",", " ").strip().lower()


@dataclass(frozen=True)
class ReferenceItem:
    """One stored item as the reference engines (FTS5, tantivy) index it: the site's default scope,
    an item's own text without the case summary, and its facet values as the Whoosh keyword fields
    hold them (a multi-valued facet's values a set: a value repeated in one item counts once)."""

    pk: int
    request: str
    rationale: str
    guideline: str
    drug_names: str
    single: dict[str, str | None]  # SINGLE_FACETS -> value, None when the item has none
    multi: dict[str, set[str]]  # MULTI_FACETS -> values
    decision_date: int  # yyyymmdd, 0 when unknown
    overturned: int
    case_number: str
    position: int


def reference_items(source: Path) -> Iterator[ReferenceItem]:
    """The items of the site's SQLite database ``source``, in pk order, read once for either reference."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        cited: dict[int, list[str]] = {}
        for item, key in src.execute("SELECT c.item_id, s.key FROM search_citation c "
                                     "JOIN search_guidelinesection s ON s.id = c.section_id"):
            cited.setdefault(item, []).append(key)
        rows = src.execute("""
            SELECT i.id, i.request, i.rationale, i.maximus_guideline || char(10) || i.claims_guideline,
                   i.drug, i.brand, i.outcome, i.category, i.guidelines, i.reasons,
                   d.decision_date, d.reviewer_states, d.reviewer_specialties, d.reviewer_subspecialties,
                   coalesce(d.case_number, d.slug), i.position, d.generated
            FROM search_disputeditem i JOIN search_determination d ON d.id = i.determination_id ORDER BY i.id
        """)
        while batch := rows.fetchmany(2000):
            for (pk, request, rationale, guideline, drug, brand, outcome, category, guidelines, reasons, decided,
                 states, specialties, subspecialties, case_number, position, generated) in batch:
                multi = {"specialty": json.loads(specialties) + json.loads(subspecialties),
                         "state": json.loads(states), "guideline": json.loads(guidelines),
                         "section": cited.get(pk, []), "reason": json.loads(reasons)}
                yield ReferenceItem(
                    pk=pk, request=request, rationale=rationale, guideline=guideline,
                    drug_names=" ".join(filter(None, [drug, brand])),
                    single={"outcome": _facet_value(outcome), "drug": _facet_value(drug) if drug else None,
                            "category": _facet_value(category), "year": decided[:4] if decided else None,
                            "source": "generated" if generated else "real"},
                    multi={name: {_facet_value(v) for v in values} - {""} for name, values in multi.items()},
                    decision_date=int(decided.replace("-", "")) if decided else 0,
                    overturned=int(outcome.lower() == "overturned"), case_number=case_number, position=position)
    finally:
        src.close()


def build_fts5(source: Path, target: Path) -> None:
    """An FTS5 table over the stored items, with their facet values beside it."""
    target.unlink(missing_ok=True)
    db = sqlite3.connect(target)
    db.executescript("""
        PRAGMA journal_mode = OFF;
        PRAGMA synchronous = OFF;
        CREATE VIRTUAL TABLE item_fts USING fts5(request, rationale, guideline, drug, tokenize = 'porter unicode61');
        CREATE TABLE item (id INTEGER PRIMARY KEY, outcome TEXT, overturned INTEGER, drug TEXT, category TEXT,
                           year TEXT, decision_date INTEGER, case_number TEXT, position INTEGER, source TEXT);
        CREATE TABLE item_value (item INTEGER, facet TEXT, value TEXT, PRIMARY KEY (item, facet, value))
            WITHOUT ROWID;
    """)
    items = reference_items(source)
    with db:
        while batch := list(itertools.islice(items, 2000)):
            db.executemany("INSERT INTO item_fts (rowid, request, rationale, guideline, drug) VALUES (?, ?, ?, ?, ?)",
                           [(i.pk, i.request, i.rationale, i.guideline, i.drug_names) for i in batch])
            db.executemany("INSERT INTO item VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           [(i.pk, i.single["outcome"], i.overturned, i.single["drug"], i.single["category"],
                             i.single["year"], i.decision_date, i.case_number, i.position, i.single["source"])
                            for i in batch])
            db.executemany("INSERT INTO item_value VALUES (?, ?, ?)",
                           [(i.pk, name, value) for i in batch for name, values in i.multi.items() for value in values])
    db.executescript("""
        CREATE INDEX item_outcome ON item (outcome);
        CREATE INDEX item_category ON item (category);
        CREATE INDEX item_decided ON item (decision_date);
        CREATE INDEX item_value_facet ON item_value (facet, value);
        INSERT INTO item_fts (item_fts) VALUES ('optimize');
        ANALYZE;
    """)
    db.close()


def _names_match(terms: set[tuple[str, str]]) -> str:
    """The drug names a Whoosh search looked for (its drug-field terms), as an FTS5 OR of phrases.

    Read from what search() ran rather than worked out again: the query language expands a
    drug to its other names, and only to those the index holds.
    """
    return " OR ".join(f'"{text}"' for text in sorted(text for field, text in terms if field == "drug"))


def _filter_sql(filters: dict[str, list[str]], *, skip: str = "") -> tuple[str, list[str]]:
    clauses, args = ["1"], []
    for name, chosen in filters.items():
        if name == skip or not chosen:
            continue
        values = [_facet_value(v) for v in chosen]
        marks = ", ".join("?" * len(values))
        if name in SINGLE_FACETS:
            clauses.append(f"i.{name} IN ({marks})")
        else:
            clauses.append(f"EXISTS (SELECT 1 FROM item_value w WHERE w.item = i.id AND w.facet = ? "
                           f"AND w.value IN ({marks}))")
            args.append(name)
        args.extend(values)
    return " AND ".join(clauses), args


def fts5_search(db: sqlite3.Connection, query: BenchQuery, match: str) -> dict[str, Any]:
    """Equivalent work to engine.search(): count all matches, facet counts over all of them, a page of 20."""
    from search.engine import FACETS

    base = ""
    if match:
        db.execute("DELETE FROM temp.matched")
        db.execute("INSERT INTO temp.matched SELECT rowid FROM item_fts WHERE item_fts MATCH ?", (match,))
        base = "JOIN temp.matched m ON m.id = i.id"
    where, args = _filter_sql(query.filters)
    count = db.execute(f"SELECT count(*) FROM item i {base} WHERE {where}", args).fetchone()[0]

    if match:
        top = [row[0] for row in db.execute(
            f"SELECT f.rowid FROM item_fts f JOIN item i ON i.id = f.rowid WHERE item_fts MATCH ? AND {where} "
            f"ORDER BY bm25(item_fts) LIMIT {PAGE}", [match, *args])]
        marks = ", ".join("?" * len(top))
        page = db.execute(
            f"SELECT f.rowid, f.request, snippet(item_fts, 1, '<mark>', '</mark>', ' … ', 40), i.case_number, "
            f"i.outcome FROM item_fts f JOIN item i ON i.id = f.rowid WHERE item_fts MATCH ? AND f.rowid IN ({marks})",
            [match, *top]).fetchall()
    else:
        top = [row[0] for row in db.execute(
            f"SELECT i.id FROM item i WHERE {where} ORDER BY i.decision_date DESC, i.id LIMIT {PAGE}", args)]
        marks = ", ".join("?" * len(top))
        page = db.execute(f"SELECT f.rowid, f.request, substr(f.rationale, 1, 300), i.case_number, i.outcome "
                          f"FROM item_fts f JOIN item i ON i.id = f.rowid WHERE f.rowid IN ({marks})", top).fetchall()

    facets: dict[str, list[int]] = {}
    for name in FACETS:  # each facet counted with the other facets' filters, as the site does
        scope, scope_args = _filter_sql(query.filters, skip=name)
        if name in SINGLE_FACETS:
            rows = db.execute(f"SELECT i.{name}, count(*), sum(i.overturned) FROM item i {base} "
                              f"WHERE {scope} AND i.{name} IS NOT NULL GROUP BY 1", scope_args).fetchall()
        else:
            rows = db.execute(f"SELECT v.value, count(*), sum(i.overturned) FROM item i {base} "
                              f"JOIN item_value v ON v.item = i.id AND v.facet = ? WHERE {scope} GROUP BY 1",
                              [name, *scope_args]).fetchall()
        facets[name] = sorted((n for _, n, _ in rows if n), reverse=True)
    return {"hits": count, "shown": len(page), "facet_counts": facets}


def measure_fts5(*, source: Path, target: Path, repeat: int, names: dict[str, str]) -> dict[str, Any]:
    started = time.perf_counter()
    build_fts5(source, target)
    build_s = time.perf_counter() - started
    db = sqlite3.connect(target)
    db.executescript("""
        PRAGMA mmap_size = 4294967296;
        PRAGMA cache_size = -262144;
        PRAGMA temp_store = MEMORY;
        CREATE TEMP TABLE matched (id INTEGER PRIMARY KEY);
    """)
    matches = {query.name: names.get(query.name, query.q) if query.drug_names else query.fts for query in QUERY_MIX}
    queries = time_mix(lambda query: fts5_search(db, query, matches[query.name]), repeat=repeat)
    db.close()
    return {
        "fts5_build_s": round(build_s, 1),
        "fts5_mb": round(target.stat().st_size / 2**20, 1),
        "matches": matches,
        "queries": queries,
    }


def time_mix(answer: Callable[[BenchQuery], dict[str, Any]], *, repeat: int) -> dict[str, dict[str, Any]]:
    """A reference engine's mix, round robin ``repeat`` times: per query its timings and last answer."""
    samples: dict[str, list[float]] = {query.name: [] for query in QUERY_MIX}
    answers: dict[str, Any] = {}
    for _ in range(repeat):
        for query in QUERY_MIX:
            started = time.perf_counter()
            answers[query.name] = answer(query)
            samples[query.name].append((time.perf_counter() - started) * 1000)
    return {name: {**summarize(samples[name]), **answers[name]} for name in samples}


def measure(engine: str, *, repeat: int, names: str = "{}", tail: Path | None = None) -> dict[str, Any]:
    """One step of the bench, in this process, on settings.DATA_DIR: an engine's half, a new
    worker's start, or a warm worker's refresh after an ingest of ``tail``.

    ``names``: JSON, query name -> the FTS5 MATCH of the drug names Whoosh searched for.
    """
    from django.conf import settings

    if engine == "whoosh":
        return measure_whoosh(repeat=repeat)
    if engine == "worker":
        return measure_worker()
    if engine == "refresh":
        if tail is None:
            raise BenchError("--measure refresh needs --tail DIR")
        return measure_refresh(tail)
    data = Path(settings.DATA_DIR)
    if engine == "tantivy":
        from .tantivy_bench import measure_tantivy

        return measure_tantivy(source=data / "imr.sqlite3", target=data.parent / "tantivy", repeat=repeat,
                               names=json.loads(names))
    return measure_fts5(source=data / "imr.sqlite3", target=data.parent / "fts5.sqlite3", repeat=repeat,
                        names=json.loads(names))


# -- the whole run -------------------------------------------------------------------------------------

# Hits differ only where the two engines cut words differently; said once, here.
TOKENISATION = ("Whoosh cuts words with \\w+(\\.?\\w+)* (keeps '10.5' and 'e.g' whole), FTS5 unicode61 at every "
                "non-alphanumeric; the drug field is unstemmed in Whoosh and matched as an AND of its words, "
                "where FTS5 stems it and matches each name as a phrase.")


def _measured(scratch: Scratch, engine: str, repeat: int, *extra: str) -> tuple[dict[str, Any], float]:
    ran = run_manage(scratch.data, "bench", "--measure", engine, "--repeat", str(repeat), *extra)
    return json.loads(ran.stdout), ran.peak_rss_mb


def _entry(row: dict[str, Any]) -> dict[str, Any]:
    return {key: row[key] for key in ("p50_ms", "p95_ms", "hits", "cold_ms")}


MEASURED_CODE = ("search/engine", "search/indexing.py", "search/ingest.py")


def _code_bytes(path: Path) -> bytes:
    """A file's bytes, or a package's: its modules' names and bytes in order."""
    if path.is_dir():
        return b"".join(p.name.encode() + p.read_bytes() for p in sorted(path.glob("*.py")))
    return path.read_bytes()


def code_version() -> dict[str, str]:
    """A short hash of each file or package the figures depend on: which version of the code they are for."""
    return {name: hashlib.sha256(_code_bytes(ROOT / name)).hexdigest()[:10] for name in MEASURED_CODE
            if (ROOT / name).exists()}


def run_bench(*, docs: int, seed: int = 0, repeat: int = 30, workdir: Path = DEFAULT_WORKDIR, fresh: bool = False,
              pdf_dir: Path | None = None, say: Callable[[str], None] = lambda line: None) -> dict[str, Any]:
    """Generate (or reuse), ingest (or reuse), measure both engines; the report as one JSON-ready dict."""
    if docs < 1 or repeat < 2:
        raise BenchError("--docs must be at least 1 and --repeat at least 2 (the first call is the warm-up)")
    scratch = scratch_for(workdir, docs=docs, seed=seed)
    notes: list[str] = []
    load_before = os.getloadavg()[0]  # other work on the machine skews every figure: say how much there was
    code = code_version()
    say(f"documents: {scratch.docs}")
    made = ensure_documents(scratch, docs=docs, seed=seed)
    say(f"ingest into {scratch.data}")
    ingested = ensure_ingested(scratch, docs=docs, fresh=fresh or not made["reused"])
    documents, items = stored_counts(scratch.data)
    say("query mix on Whoosh")
    whoosh, web_rss = _measured(scratch, "whoosh", repeat)
    say("a new web worker: open, first queries, memory")
    worker, _ = _measured(scratch, "worker", repeat)
    say("FTS5: build and query mix")
    fts5, fts5_rss = _measured(scratch, "fts5", repeat, "--names", json.dumps(whoosh["fts_match"]))
    tantivy, tantivy_rss = {}, 0.0
    if importlib.util.find_spec("tantivy"):
        say("tantivy: build and query mix")
        try:  # the reference engine failing costs its figures, not the hour of Whoosh's and FTS5's before it
            tantivy, tantivy_rss = _measured(scratch, "tantivy", repeat, "--names", json.dumps(whoosh["fts_match"]))
        except BenchError as error:
            notes.append(f"tantivy failed, so there are no tantivy figures: {str(error)[-500:]}")
    else:
        notes.append("tantivy is not installed (requirements-dev.txt): no tantivy figures")
    pdf = {}
    if pdf_dir is not None and any(pdf_dir.glob("*.pdf")):
        say(f"PDF ingest from {pdf_dir}")
        pdf = measure_pdf_ingest(pdf_dir, workdir)

    queries, reference, limit = {}, {}, {}
    for query in QUERY_MIX:
        ours, theirs = whoosh["queries"][query.name], fts5["queries"][query.name]
        queries[query.name] = {**_entry(ours), "cached_p50_ms": ours["cached_p50_ms"], "shown": ours["shown"],
                               "ratio": round(ours["p50_ms"] / theirs["p50_ms"], 2),
                               "ratio_p95": round(ours["p95_ms"] / theirs["p95_ms"], 2)}
        reference[query.name] = {**_entry(theirs), "shown": theirs["shown"],
                                 "facets_agree": ours["facet_counts"] == theirs["facet_counts"]}
        if ours["hits"] != theirs["hits"]:
            notes.append(f"{query.name}: Whoosh {ours['hits']} hits, FTS5 {theirs['hits']}: {TOKENISATION}")
        if tantivy:
            rival = tantivy["queries"][query.name]
            queries[query.name]["ratio_tantivy_p95"] = round(ours["p95_ms"] / rival["p95_ms"], 2)
            limit[query.name] = {**_entry(rival), "shown": rival["shown"],
                                 "facets_agree": ours["facet_counts"] == rival["facet_counts"]}
            if ours["hits"] != rival["hits"]:
                notes.append(f"{query.name}: Whoosh {ours['hits']} hits, tantivy {rival['hits']}")
    if code != code_version():
        notes.append("the code changed during the run: the figures mix two versions of it")
    if whoosh["all_items"] != items:
        notes.append(f"the index holds {whoosh['all_items']} items, the database {items}")
    return {
        "documents": documents,
        "items": items,
        "ingest_docs_per_s": ingested["ingest_docs_per_s"],
        "index_mb": folder_mb((scratch.data / "index").resolve()),
        "peak_rss_mb": max(ingested["ingest_peak_rss_mb"], web_rss),
        "ingest_peak_rss_mb": ingested["ingest_peak_rss_mb"],
        "web_peak_rss_mb": web_rss,
        "fts5_peak_rss_mb": fts5_rss,
        "ingest_s": ingested["ingest_s"],
        "ingest_reused": ingested["ingest_reused"],
        "ingest_parts": ingested.get("ingest_parts", 1),
        "generate_s": made.get("generate_s"),
        **pdf,
        "result_cache": whoosh["result_cache"],
        "open_searcher_ms": whoosh["open_searcher_ms"],
        "reopen_ms": whoosh["reopen_ms"],
        "facet_arrays_ms": whoosh["facet_arrays_ms"],
        "facet_arrays_kept_ms": whoosh["facet_arrays_kept_ms"],
        "case_page": whoosh["case_page"],
        "citator": whoosh["citator"],
        "fts5_build_s": fts5["fts5_build_s"],
        "fts5_mb": fts5["fts5_mb"],
        "tantivy_build_s": tantivy.get("tantivy_build_s"),
        "tantivy_mb": tantivy.get("tantivy_mb"),
        "tantivy_peak_rss_mb": tantivy_rss or None,
        "worker_open_ms": worker["worker_open_ms"],
        "cold_query_ms": worker["cold_query_ms"],
        "cold_queries_ms": worker["cold_queries_ms"],
        "worker_rss_mb": worker["worker_rss_mb"],
        "shared_mb": worker["shared_mb"],
        "refresh_ms": ingested["refresh_ms"],
        "refresh_docs": ingested["refresh_docs"],
        "refresh_then_query_ms": ingested["refresh_then_query_ms"],
        "repeat": repeat,
        "seed": seed,
        "cpus": os.cpu_count(),
        "code": code,
        "load_avg": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "workdir": str(scratch.root),
        "queries": queries,
        "fts5": reference,
        "tantivy": limit,
        "fts5_match": fts5["matches"],
        "notes": notes,
    }


def _case_page_line(page: dict[str, Any]) -> str:
    if not page:
        return "case page: no determination stored"
    return (f"case page {page['case']} ({page['items']} items, q={page['q']!r}): server time p50 {page['p50_ms']} ms, "
            f"p95 {page['p95_ms']} ms, first {page['cold_ms']} ms")


def _citator_line(citator: dict[str, Any]) -> str:
    if not citator:
        return "citator: no cited section indexed"
    new = {name: citator["facet_ms"][name] for name in ("reason", "section") if name in citator["facet_ms"]}
    return (f"citator ({citator['sections']} sections): list p50 {citator['overview']['p50_ms']} ms, p95 "
            f"{citator['overview']['p95_ms']} ms; section page p95 {citator['section']['p95_ms']} ms; year chart p95 "
            f"{citator['chart']['p95_ms']} ms; new facets' tally over every item {new} ms "
            f"(all facets {round(sum(citator['facet_ms'].values()), 1)} ms)")


def _tantivy_cells(report: dict[str, Any], name: str) -> str:
    rival = report["tantivy"].get(name)
    return f"{rival['p95_ms']:>12.1f} {report['queries'][name]['ratio_tantivy_p95']:>6.2f}" if rival else f"{'-':>12}"


def table(report: dict[str, Any]) -> str:
    """The report for a person: one line per query, Whoosh beside FTS5."""
    lines = [
        (f"{report['documents']} determinations, {report['items']} items; ingest {report['ingest_docs_per_s']} docs/s"
        f"{' (reused)' if report['ingest_reused'] else ''}"
        f"{f' over {parts} runs (resumed)' if (parts := report.get('ingest_parts', 1)) > 1 else ''}; index {report['index_mb']} MB; peak RSS ingest "
        f"{report['ingest_peak_rss_mb']} MB, web {report['web_peak_rss_mb']} MB"),
        (f"open searcher {report['open_searcher_ms']} ms; reopen + facet arrays + first page {report['reopen_ms']} ms; "
        f"FTS5 build {report['fts5_build_s']} s ({report['fts5_mb']} MB)"),
        (f"new worker: open + first page {report['worker_open_ms']} ms, slowest first query {report['cold_query_ms']} ms, "
         f"own memory {report['worker_rss_mb']} MB, shared (mapped files) {report['shared_mb']} MB; refresh after a "
         f"{report['refresh_docs']}-document ingest {report['refresh_ms']} ms"),
        _case_page_line(report.get("case_page") or {}),
        _citator_line(report.get("citator") or {}),
        "",
        (f"{'query':<12} {'hits':>8} {'Whoosh p50':>11} {'p95':>9} {'cached':>7} {'FTS5 p50':>10} {'p95':>9} "
        f"{'ratio':>6} {'tantivy p95':>12} {'ratio':>6}"),
    ]
    for name, ours in report["queries"].items():
        theirs = report["fts5"][name]
        hits = str(ours["hits"]) if ours["hits"] == theirs["hits"] else f"{ours['hits']}/{theirs['hits']}"
        lines.append(f"{name:<12} {hits:>8} {ours['p50_ms']:>11.1f} {ours['p95_ms']:>9.1f} "
                     f"{ours['cached_p50_ms']:>7.2f} {theirs['p50_ms']:>10.1f} {theirs['p95_ms']:>9.1f} "
                     f"{ours['ratio']:>6.2f} {_tantivy_cells(report, name)}")
    lines.extend(f"note: {note}" for note in report["notes"])
    return "\n".join(lines)
