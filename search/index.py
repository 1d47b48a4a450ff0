"""The Whoosh index: one document per disputed item, carrying its determination's fields.

One writer (the ingest or reindex command) and many readers (web workers). The
index folder is reached through a symlink, ``<data>/index -> index-<stamp>``, so
``reindex`` can build a whole new index beside the old one and swap it in with
one atomic rename: readers never see a half-built index, and a crash leaves the
old one whole.

Facet counts come from per-document facet codes held in numpy arrays (built once
per searcher version), counted with ``bincount`` over the matched set: Whoosh's
own grouping path is orders of magnitude slower on large result sets.
"""
from __future__ import annotations

import itertools
import math
import os
import shutil
import tempfile
import threading
import time
import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

import numpy as np

# Whoosh 2.7.4 (pinned: the forks double facet counts after a segment merge) has
# regex strings that Python 3.11 warns about when compiling; silence just those.
warnings.filterwarnings("ignore", message=r"invalid escape sequence", category=DeprecationWarning)
warnings.filterwarnings("ignore", message=r"invalid escape sequence", category=SyntaxWarning)
warnings.filterwarnings("ignore", message=r'"is" with a literal', category=SyntaxWarning)

from django.conf import settings  # noqa: E402
from whoosh import highlight  # noqa: E402
from whoosh import index as windex  # noqa: E402
from whoosh import query as wq  # noqa: E402
from whoosh.analysis import BiWordFilter, RegexTokenizer, LowercaseFilter, StemmingAnalyzer  # noqa: E402
from whoosh import columns  # noqa: E402
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, TEXT, Schema  # noqa: E402
from whoosh.writing import LockError  # noqa: E402

from . import postings, segments, whooshfiles  # noqa: E402
from .query import MAX_EXPANSION, Fields, QueryError, contains_run, parse_query  # noqa: E402

whooshfiles.install()

# -- schema: the one place that says what is indexed ------------------------------

# No stop words: "not medically necessary" must not match "medically necessary".
TEXT_ANALYZER = StemmingAnalyzer(stoplist=None, minsize=1)
NAME_ANALYZER = RegexTokenizer() | LowercaseFilter()
# Each pair of neighbouring words as one term ("medic necessari"), so a phrase is a few term
# lookups instead of a walk over word positions in every document holding its words.
PAIR_ANALYZER = TEXT_ANALYZER | BiWordFilter(sep=" ")

# The text fields whose phrases are answered from word pairs: field -> its pairs field.
PAIR_FIELDS = {"request": "request_pairs", "rationale": "rationale_pairs", "summary": "summary_pairs"}

# A word in the request or rationale says more about the item than one in the case summary.
TEXT_BOOSTS = {"request": 2.0, "rationale": 1.0, "summary": 0.5}

# What a determination's items share is indexed once, in its first item's document (the one
# with ``starts`` = 1): a match there is a match for every item of the determination (_for_items).
# The summary is most of a determination's words; indexing it with every item made the index
# and the ingest about twice what they need to be.
SHARED_FIELDS = frozenset({"summary", PAIR_FIELDS["summary"]})

# Facets, in the order the page shows them: name -> label.
FACETS = {
    "outcome": "Outcome",
    "drug": "Drug",
    "category": "Request category",
    "specialty": "Reviewer specialty",
    "state": "Licensure state",
    "guideline": "Guideline source",
    "year": "Decision year",
}


def facet_field(name: str) -> str:
    return f"f_{name}"


# Fields that are only columns (one value per document, never searched) cost no terms.
SCHEMA = Schema(
    key=ID(unique=True),  # "<slug>#<position>"
    slug=ID,
    case=KEYWORD(lowercase=True),
    decision_date=COLUMN(columns.NumericColumn("i")),  # yyyymmdd, 0 when unknown
    added=COLUMN(columns.NumericColumn("q")),  # when the site stored this version (epoch ms)
    starts=COLUMN(columns.NumericColumn("B")),  # 1: the first item of its determination
    **{name: TEXT(analyzer=TEXT_ANALYZER, field_boost=boost) for name, boost in TEXT_BOOSTS.items()},
    **{PAIR_FIELDS[name]: TEXT(analyzer=PAIR_ANALYZER, phrase=False, field_boost=boost)
       for name, boost in TEXT_BOOSTS.items()},
    drug=TEXT(analyzer=NAME_ANALYZER, phrase=False),  # generic and brand words: either finds the item
    hit=STORED(),  # what a result shows, in one stored value
    **{facet_field(name): KEYWORD(commas=True, lowercase=True, scorable=False) for name in FACETS},
)

QUERY_FIELDS = Fields(
    default=("request", "rationale", "summary", "drug"),
    aliases={"request": "request", "rationale": "rationale", "summary": "summary", "case": "case"},
    analyzers={name: SCHEMA[name].analyzer for name in ("request", "rationale", "summary", "drug", "case")},
    facets={name: facet_field(name) for name in FACETS},
    unpositioned=frozenset({"drug"}),
)

PER_PAGE = 20


# -- documents -----------------------------------------------------------------------

def _datenum(value: date | None) -> int:
    return value.year * 10000 + value.month * 100 + value.day if value else 0


def _facet_values(determination, item) -> dict[str, list[str]]:
    return {
        "outcome": [item.outcome],
        "drug": [item.drug] if item.drug else [],
        "category": [item.category],
        "specialty": list(determination.reviewer_specialties) + list(determination.reviewer_subspecialties),
        "state": list(determination.reviewer_states),
        "guideline": list(item.guidelines),
        "year": [str(determination.decision_date.year)] if determination.decision_date else [],
    }


def item_documents(determination) -> Iterator[dict]:
    """The index documents of one stored determination (its items prefetched or not), in order:
    they must stay together, the first carrying the SHARED_FIELDS."""
    for number, item in enumerate(determination.items.all()):
        facets = _facet_values(determination, item)
        texts = {"request": item.request, "rationale": item.rationale, "summary": determination.summary}
        words = {name: text for field_name, text in texts.items() for name in (field_name, PAIR_FIELDS[field_name])
                 if number == 0 or name not in SHARED_FIELDS}  # each text and its word pairs
        yield {
            "key": f"{determination.slug}#{item.position}",
            "slug": determination.slug,
            "case": determination.case_number or determination.slug,
            "decision_date": _datenum(determination.decision_date),
            "added": int(determination.updated_at.timestamp() * 1000),
            "starts": int(number == 0),
            **words,
            "drug": " ".join(filter(None, [item.drug, item.brand])),
            "hit": {
                "key": f"{determination.slug}#{item.position}",
                "slug": determination.slug,
                "position": item.position,
                "case": determination.case_number or "",
                "decision_date": _datenum(determination.decision_date),
                "added": int(determination.updated_at.timestamp() * 1000),
                "request": item.request,
                "rationale": item.rationale,
                "outcome": item.outcome,
                "drug": item.drug or "",
                "brand": item.brand or "",
                "category": item.category,
                "states": facets["state"],
                "specialties": facets["specialty"],
            },
            **{facet_field(name): ",".join(v.replace(",", " ") for v in values) for name, values in facets.items()},
        }


# -- the index folder ------------------------------------------------------------------

def index_link() -> Path:
    return Path(settings.INDEX_DIR)


def _new_index_dir() -> Path:
    index_link().parent.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=f"index-{time.strftime('%Y%m%d%H%M%S')}-", dir=index_link().parent))
    windex.create_in(str(path), SCHEMA)
    return path


def _point_link_at(target: Path) -> None:
    """Atomically make ``<data>/index`` point at ``target``."""
    link = index_link()
    temporary = link.parent / f".index-link-{os.getpid()}"
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    temporary.symlink_to(target.name)
    os.replace(temporary, link)


def ensure_index() -> Path:
    """The live index folder, created empty if there is none yet."""
    link = index_link()
    if not link.exists():
        link.parent.mkdir(parents=True, exist_ok=True)
        if link.is_symlink():
            link.unlink()
        _point_link_at(_new_index_dir())
    return link.resolve()


def open_index():
    return windex.open_dir(str(ensure_index()))


class IndexMissing(RuntimeError):
    """No usable index: the message names the command that mends it."""


# -- writing ------------------------------------------------------------------------------

def _writer(ix, *, wait: float = 60.0):
    deadline = time.monotonic() + wait
    while True:
        try:
            # One process: Whoosh's multi-process writer would split a determination's items
            # between segments, and they must stay together (SHARED_FIELDS).
            return ix.writer(limitmb=256)
        except LockError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


MERGE_FACTOR = 8
MERGE_BELOW = 4096  # documents: the segments commits merge; bigger ones wait for reindex


def _merge_small_tiers(writer, segments: list) -> list:
    """The merge policy of every commit but a rebuild's: segments under MERGE_BELOW documents
    (what small ingests leave) are merged by size tier, eight of one size into the next, so
    their number stays small. Bigger segments, such as the 2,000-determination batches of a
    long ingest, are left alone: Whoosh merges by re-adding every posting, which costs about
    what indexing does, and merging them (Whoosh's MERGE_SMALL, or tiers all the way up) cut a
    100,000-determination ingest from ~200 to ~110 determinations/s. ``reindex`` writes the
    index as one segment when their number has grown."""
    from whoosh.reading import SegmentReader

    tiers: dict[int, list] = {}
    kept = []
    for segment in segments:
        if segment.doc_count() >= MERGE_BELOW:
            kept.append(segment)
        else:
            tiers.setdefault(int(math.log(max(segment.doc_count(), 1), MERGE_FACTOR)), []).append(segment)
    for tier in sorted(tiers):
        if len(tiers[tier]) < MERGE_FACTOR:
            kept.extend(tiers[tier])
            continue
        for segment in tiers[tier]:  # each keeps its documents in order: a determination stays together
            reader = SegmentReader(writer.storage, writer.schema, segment)
            writer.add_reader(reader)
            reader.close()
    return kept


@contextmanager
def _writing(ix) -> Iterator:
    """A writer that commits when the block ends and is cancelled if it raises."""
    writer = _writer(ix)
    try:
        yield writer
    except BaseException:
        writer.cancel()
        raise
    writer.commit(mergetype=_merge_small_tiers)


def _replace(writer, slugs: Iterable[str], determinations: Iterable) -> None:
    """Delete the items of ``slugs`` and add those of ``determinations``, in one writer.

    One searcher for the lot: ``delete_by_term`` would open a reader per call (at 10,000
    determinations that was more than half of an ingest).
    """
    with writer.searcher() as searcher:
        for slug in slugs:
            for docnum in searcher.document_numbers(slug=slug):
                writer.delete_document(docnum)
    known = set(writer.schema.names())  # an index built before a field was added lacks it
    for determination in determinations:
        for document in item_documents(determination):
            writer.add_document(**{name: value for name, value in document.items() if name in known})


def index_pending(*, batch: int = 2000, go_on: Callable[[], bool] | None = None) -> int:
    """Index every stored determination the index does not hold yet, ``batch`` at a time while
    ``go_on()`` holds; returns how many."""
    from .models import Determination

    done = 0
    ix = open_index()
    while go_on is None or go_on():
        chunk = list(
            Determination.objects.filter(indexed=False).prefetch_related("items").order_by("pk")[:batch]
        )
        if not chunk:
            return done
        with _writing(ix) as writer:
            _replace(writer, [d.slug for d in chunk], chunk)
        Determination.objects.filter(pk__in=[d.pk for d in chunk]).update(indexed=True)
        done += len(chunk)
    return done


def remove_determination(slug: str) -> None:
    with _writing(open_index()) as writer:
        _replace(writer, [slug], [])


def rebuild(*, batch: int = 500) -> int:
    """Build a new index from the database beside the live one, then swap it in."""
    from .models import Determination

    old = index_link().resolve() if index_link().exists() else None
    path = _new_index_dir()
    ix = windex.open_dir(str(path))
    writer = ix.writer(limitmb=256)
    count = 0
    try:
        for determination in Determination.objects.prefetch_related("items").order_by("pk").iterator(chunk_size=batch):
            for document in item_documents(determination):
                writer.add_document(**document)
            count += 1
        writer.commit(optimize=True)
    except BaseException:
        writer.cancel()
        shutil.rmtree(path, ignore_errors=True)
        raise
    _point_link_at(path)
    Determination.objects.filter(indexed=False).update(indexed=True)
    if old is not None and old != path and old.parent == path.parent:
        shutil.rmtree(old, ignore_errors=True)
    return count


# -- reading: one searcher per process, refreshed when the index changes ---------------------

@dataclass
class _FacetArrays:
    """Per searcher version: document facet codes, as (document, code) pairs per facet, and
    what ranking needs (field lengths and averages), all indexed by document number."""

    doc_count: int
    live: np.ndarray  # bool per document number: not deleted
    decision_date: np.ndarray  # int32 yyyymmdd per document number
    added: np.ndarray  # int64 epoch milliseconds per document number
    overturned: np.ndarray  # bool per document number
    values: dict[str, list[str]] = field(default_factory=dict)  # facet -> code -> value
    pair_docs: dict[str, np.ndarray] = field(default_factory=dict)
    pair_codes: dict[str, np.ndarray] = field(default_factory=dict)
    postings: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)  # facet -> value -> docs
    lengths: dict[str, np.ndarray] = field(default_factory=dict)  # scorable field -> length per document
    average_length: dict[str, float] = field(default_factory=dict)
    has_pairs: bool = False  # built before PAIR_FIELDS existed: phrases walk positions instead
    # Each document's determination (an ordinal) and the document that carries that
    # determination's SHARED_FIELDS; in an index built before that, every document its own.
    group: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    carrier: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    # Results of this searcher version: dropped with it when the index changes.
    results: OrderedDict = field(default_factory=OrderedDict)

    @property
    def live_count(self) -> int:
        return int(np.count_nonzero(self.live))


def _build_facet_arrays(searcher, store: segments.SegmentStore) -> _FacetArrays:
    """The arrays of one searcher version, put together from each segment's kept arrays."""
    reader = searcher.reader()
    leaves = postings.leaves(reader)
    facet_fields = [facet_field(name) for name in FACETS]
    parts = [(store.segment(leaf, facet_fields), offset) for leaf, offset in leaves]
    store.keep_only({segments.segment_id(leaf) for leaf, _ in leaves})
    count = reader.doc_count_all()
    live = np.zeros(count, dtype=bool)
    live[np.fromiter(reader.all_doc_ids(), dtype=np.int64)] = True

    def joined(arrays: list[np.ndarray], dtype) -> np.ndarray:
        return np.concatenate(arrays) if arrays else np.zeros(0, dtype=dtype)

    columns = {name: joined([part.columns[name] for part, _ in parts], np.int64) for name in segments.COLUMNS}
    arrays = _FacetArrays(count, live, columns["decision_date"], columns["added"], np.zeros(count, dtype=bool))
    for name in FACETS:
        fieldname = facet_field(name)
        values = sorted({value for part, _ in parts for value in part.facets[fieldname]})
        docs, codes, by_value = [], [], {}
        for code, value in enumerate(values):
            ids = joined([part.facets[fieldname][value] + offset for part, offset in parts
                          if value in part.facets[fieldname]], np.int64)
            ids = ids[live[ids]]
            docs.append(ids)
            codes.append(np.full(len(ids), code, dtype=np.int32))
            by_value[value] = ids
        arrays.values[name] = values
        arrays.pair_docs[name] = joined(docs, np.int64)
        arrays.pair_codes[name] = joined(codes, np.int32)
        arrays.postings[name] = by_value
    if (over := arrays.postings["outcome"].get("overturned")) is not None:
        arrays.overturned[over] = True
    for name, fieldobj in searcher.schema.items():
        if fieldobj.scorable:
            arrays.lengths[name] = joined([part.lengths[name] for part, _ in parts], np.float32)
            arrays.average_length[name] = searcher.avg_field_length(name)
    arrays.has_pairs = all(pairs in searcher.schema for pairs in PAIR_FIELDS.values())
    starts = columns["starts"].copy()
    starts[:1] = 1
    arrays.group = np.cumsum(starts, dtype=np.int64) - 1
    arrays.carrier = np.flatnonzero(starts)[arrays.group]
    holders = max(1, int(np.count_nonzero(live & (starts == 1))))
    for name in SHARED_FIELDS & arrays.lengths.keys():  # averaged over the documents that hold it
        arrays.average_length[name] = float(reader.field_length(name)) / holders
    return arrays


# Postings kept from earlier queries (12 bytes a document: a common word over 100,000
# determinations is ~3 MB), least recently used dropped first.
TERM_CACHE_BYTES = 128 * 1024 * 1024


class _Reader:
    """The process's searcher and its facet arrays, reopened only when the index changed."""

    def __init__(self):
        self.lock = threading.Lock()
        self.searcher = None
        self.target: Path | None = None
        self.arrays: _FacetArrays | None = None
        self.store = segments.SegmentStore(TERM_CACHE_BYTES)

    def get(self):
        with self.lock:
            target = ensure_index()
            if self.searcher is not None and target == self.target and self.searcher.up_to_date():
                return self.searcher, self.arrays
            try:
                if self.searcher is not None and target == self.target:
                    # refresh() reuses the old searcher's segment readers: never close it here.
                    searcher = self.searcher.refresh()
                else:
                    searcher = windex.open_dir(str(target)).searcher()
                    if self.searcher is not None:  # the index was swapped by reindex
                        self.searcher.close()
            except Exception as error:  # a corrupt or vanished index folder
                raise IndexMissing(
                    f"the search index cannot be opened ({error}); run: python manage.py reindex"
                ) from error
            self.searcher, self.target = searcher, target
            self.arrays = _build_facet_arrays(searcher, self.store)
            return self.searcher, self.arrays


_reader = _Reader()


def reset_reader() -> None:
    """Forget the cached searcher (tests switch data folders)."""
    global _reader
    _reader = _Reader()


# -- searching ------------------------------------------------------------------------------

SORTS = {"relevance": "Relevance", "newest": "Newest first", "oldest": "Oldest first"}


@dataclass
class SearchParams:
    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)  # facet -> chosen values
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = PER_PAGE
    added_after: datetime | None = None  # only items stored (or replaced) after this moment


@dataclass
class FacetValue:
    value: str
    count: int
    overturned: int  # of ``count``
    selected: bool = False
    # The value's items and overturned items under every filter but the outcome's: with
    # "Overturned" chosen, each drug's rate is still its share overturned, not 100%.
    rate_items: int = 0
    rate_overturned: int = 0

    @property
    def overturn_rate(self) -> float:
        return self.rate_overturned / self.rate_items if self.rate_items else 0.0


@dataclass
class Hit:
    key: str
    slug: str
    position: int
    case_number: str  # "" when the determination has none (its slug is then "doc-<hash>")
    request: str
    outcome: str
    drug: str
    brand: str
    category: str
    decision_date: date | None
    added: datetime | None
    states: list[str]
    specialties: list[str]
    snippets: list[str]  # HTML: document text escaped, matched words in <mark>
    score: float | None = None
    rationale: str = ""

    @property
    def anchor(self) -> str:
        return f"item-{self.position}"


@dataclass
class SearchResult:
    params: SearchParams
    count: int
    page: int
    pages: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    terms: set[tuple[str, str]] = field(default_factory=set)

    @property
    def page_numbers(self) -> list[int | None]:
        """Pages to link: the first, the last and two either side of this one; None for a gap."""
        shown = sorted({1, self.pages, *range(max(1, self.page - 2), min(self.pages, self.page + 2) + 1)})
        numbers: list[int | None] = []
        for number in shown:
            if numbers and number - numbers[-1] > 1:
                numbers.append(None)
            numbers.append(number)
        return numbers


class PageOutOfRange(ValueError):
    pass


def _display(name: str, value: str) -> str:
    from . import vocab

    if name == "outcome":
        return value.capitalize()
    if name == "state":
        return vocab.canonical_state(value) or value.title()
    if name == "specialty":
        return vocab.canonical_specialty(value) or value.title()
    if name == "guideline":
        return value if value == "other" else value.upper()
    return value


def facet_key(name: str, value: str) -> str:
    """A facet value as its index field holds it: the indexer writes values comma-separated
    (a comma inside one becomes a space) and the field strips and lowercases each."""
    return next(iter(SCHEMA[facet_field(name)].process_text(value.replace(",", " "))), "")


def _filter_mask(arrays: _FacetArrays, name: str, chosen: list[str]) -> np.ndarray:
    mask = np.zeros(arrays.doc_count, dtype=bool)
    postings = arrays.postings[name]
    for value in chosen:
        ids = postings.get(facet_key(name, value))
        if ids is not None:
            mask[ids] = True
    return mask


def _count_facets(arrays: _FacetArrays, base: np.ndarray, masks: dict[str, np.ndarray],
                  params: SearchParams) -> dict[str, list[FacetValue]]:
    facets: dict[str, list[FacetValue]] = {}
    for name in FACETS:
        rate_scope = base
        for other, mask in masks.items():
            if other not in (name, "outcome"):
                rate_scope = rate_scope & mask
        scope = rate_scope & masks["outcome"] if "outcome" in masks and name != "outcome" else rate_scope
        docs, codes = arrays.pair_docs[name], arrays.pair_codes[name]
        size = len(arrays.values[name])

        def tally(within: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            inside = within[docs]
            return (np.bincount(codes[inside], minlength=size),
                    np.bincount(codes[inside & arrays.overturned[docs]], minlength=size))

        counts, over = tally(scope)
        rate_counts, rate_over = (counts, over) if scope is rate_scope else tally(rate_scope)
        chosen = {facet_key(name, v) for v in params.filters.get(name, [])}
        values = [
            FacetValue(_display(name, value), int(counts[code]), int(over[code]), value in chosen,
                       int(rate_counts[code]), int(rate_over[code]))
            for code, value in enumerate(arrays.values[name])
            if counts[code] or value in chosen
        ]
        if name == "year":
            values.sort(key=lambda v: v.value, reverse=True)
        else:
            values.sort(key=lambda v: (-v.count, v.value))
        facets[name] = values
    return facets


def _highlighter_terms(query: wq.Query | None, searcher) -> dict[str, set[str]]:
    """Field -> the index terms a query matches (wildcards expanded), for highlighting.

    Not ``Query.existing_terms``: in Whoosh 2.7.4 its loop variable shadows its
    ``fieldname`` argument, so it drops every field after the first one it meets.
    """
    if query is None:
        return {}
    reader = searcher.reader()
    terms: dict[str, set[str]] = {}
    for leaf in query.leaves() if query.children() else [query]:
        try:
            pairs = list(leaf.expanded_terms(reader))
        except Exception:  # a leaf that cannot expand (spans): its words as written
            pairs = list(leaf.iter_all_terms())
        for fieldname, text in pairs:
            if fieldname not in SCHEMA:
                continue
            btext = text if isinstance(text, bytes) else SCHEMA[fieldname].to_bytes(text)
            if (fieldname, btext) in reader:
                terms.setdefault(fieldname, set()).add(btext.decode("utf-8"))
    return terms


_FORMATTER = highlight.HtmlFormatter(tagname="mark", between=" … ")
_FRAGMENTER = highlight.ContextFragmenter(maxchars=300, surround=60)


def highlight_text(text: str, words: set[str], *, top: int = 2, whole: bool = False) -> str:
    """HTML of ``text`` (escaped) with ``words`` (analysed terms) in <mark>."""
    from django.utils.html import escape

    if not words:
        return str(escape(text))
    fragmenter = highlight.WholeFragmenter(charlimit=None) if whole else _FRAGMENTER
    marked = highlight.highlight(text, frozenset(words), TEXT_ANALYZER, fragmenter, _FORMATTER, top=top)
    return marked or ("" if not whole else str(escape(text)))


def highlight_words(q: str) -> set[str]:
    """The analysed words a query looks for in document text, wildcards expanded; empty if it cannot be read."""
    if not q.strip():
        return set()
    try:
        searcher, arrays = _reader.get()
        query = _parse(q, arrays, searcher)
    except (QueryError, IndexMissing):
        return set()
    terms = _highlighter_terms(query, searcher)
    return set().union(*(terms.get(name, set()) for name in ("rationale", "request", "summary")))


def _snippets(fields: dict, terms: dict[str, set[str]]) -> list[str]:
    """The rationale's best passages with the query's words marked, else its opening."""
    from django.utils.html import escape

    words = set().union(*(terms.get(name, set()) for name in ("rationale", "request", "summary")))
    rationale = fields.get("rationale", "")
    if words and (marked := highlight_text(rationale, words)):
        return [marked]
    return [str(escape(rationale[:300] + ("…" if len(rationale) > 300 else "")))]


def _with_summary_snippets(hits: list[Hit], terms: dict[str, set[str]]) -> list[Hit]:
    """A hit that matched only in its case summary shows the summary passage, labelled, so the
    reader sees why it is there (summaries live in the database, not in the index's stored values)."""
    words = terms.get("summary", set())
    unmarked = [hit for hit in hits if words and not any("<mark" in s for s in hit.snippets)]
    if not unmarked:
        return hits
    from .models import Determination

    summaries = dict(Determination.objects.filter(slug__in={h.slug for h in unmarked}).values_list("slug", "summary"))
    for hit in unmarked:
        if marked := highlight_text(summaries.get(hit.slug, ""), words):
            hit.snippets = [f'<span class="snippet-source">Case summary:</span> {marked}']
    return hits


def _date_from_num(value: int) -> date | None:
    if not value:
        return None
    return date(value // 10000, value // 100 % 100, value % 100)


def _hit(searcher, docnum: int, terms: dict[str, set[str]], score: float | None) -> Hit:
    fields = searcher.stored_fields(docnum)["hit"]
    return Hit(
        key=fields["key"],
        slug=fields["slug"],
        position=fields["position"],
        case_number=fields["case"],
        request=fields["request"],
        outcome=fields["outcome"],
        drug=fields["drug"],
        brand=fields["brand"],
        category=fields["category"],
        decision_date=_date_from_num(fields["decision_date"]),
        added=datetime.fromtimestamp(fields["added"] / 1000, tz=timezone.utc) if fields["added"] else None,
        states=fields["states"],
        specialties=fields["specialties"],
        snippets=_snippets(fields, terms),
        score=score,
        rationale=fields["rationale"],
    )


@dataclass
class _Scope:
    """Everything a search narrows by except its words, as masks over document numbers."""

    within: np.ndarray  # live documents inside the date and "added after" ranges
    masks: dict[str, np.ndarray]  # each chosen facet's values
    keep: np.ndarray  # within, and every facet mask


def _scope(params: SearchParams, arrays: _FacetArrays) -> _Scope:
    within = arrays.live.copy()
    if params.date_from:
        within &= arrays.decision_date >= _datenum(params.date_from)
    if params.date_to:
        within &= (arrays.decision_date <= _datenum(params.date_to)) & (arrays.decision_date > 0)
    if params.added_after:
        within &= arrays.added > int(params.added_after.timestamp() * 1000)
    masks = {name: _filter_mask(arrays, name, chosen) for name, chosen in params.filters.items() if chosen}
    keep = within.copy()
    for mask in masks.values():
        keep &= mask
    return _Scope(within, masks, keep)


def _mask_of(docnums, size: int) -> np.ndarray:
    mask = np.zeros(size, dtype=bool)
    mask[np.fromiter(docnums, dtype=np.int64)] = True
    return mask


def _pairs_phrase(query: wq.Query, arrays: _FacetArrays) -> bool:
    """A phrase this index answers from its word-pair terms."""
    return isinstance(query, wq.Phrase) and arrays.has_pairs and query.fieldname in PAIR_FIELDS


def _pair_terms(phrase: wq.Phrase) -> tuple[str, list[bytes]]:
    """The pairs field of a phrase's field, and the phrase's neighbouring word pairs as its terms."""
    words = list(phrase.words)
    return PAIR_FIELDS[phrase.fieldname], [f"{a} {b}".encode("utf-8") for a, b in zip(words, words[1:])]


def _leaf_field(query: wq.Query) -> str | None:
    try:
        return query.field()
    except Exception:  # a query over several fields has none
        return None


def _term_postings(searcher, fieldname: str, text) -> tuple[np.ndarray, np.ndarray]:
    """(document numbers, weights) of a term, each segment's share read once and kept (segments.py)."""
    btext = text if isinstance(text, bytes) else SCHEMA[fieldname].to_bytes(text)
    return _reader.store.postings(searcher.reader(), fieldname, btext)


def _for_items(mask: np.ndarray, fieldname: str | None, arrays: _FacetArrays) -> np.ndarray:
    """A match in a shared field (held by a determination's first item) is every item's match."""
    if fieldname not in SHARED_FIELDS:
        return mask
    groups = np.zeros(len(arrays.carrier), dtype=bool)
    groups[arrays.group[mask]] = True
    return groups[arrays.group]


def _terms_mask(searcher, arrays: _FacetArrays, fieldname: str, texts: Iterable[bytes], *, every: bool
                ) -> np.ndarray:
    """Documents holding every one (or any one) of ``texts`` in one field."""
    mask = np.full(arrays.doc_count, every, dtype=bool)
    for btext in texts:
        docs = _term_postings(searcher, fieldname, btext)[0]
        if every:
            holding = np.zeros(arrays.doc_count, dtype=bool)
            holding[docs] = True
            mask &= holding
        else:
            mask[docs] = True
    return _for_items(mask, fieldname, arrays)


def _matching(query: wq.Query, searcher, arrays: _FacetArrays) -> np.ndarray:
    """Every document the query matches, as a mask, without scoring any of them.

    Terms, prefixes, word-pair phrases and their AND/OR/NOT are set operations over postings
    in numpy; proximity needs word positions, so Whoosh walks those. A phrase of three or more
    words is matched by all its neighbouring pairs ("a b c" as "a b" and "b c"): exact for two
    words, and for longer phrases the shown hits are checked word by word in their text (_exact).
    """
    if isinstance(query, wq.Term):
        return _terms_mask(searcher, arrays, query.fieldname, [query.text], every=False)
    if _pairs_phrase(query, arrays):
        return _terms_mask(searcher, arrays, *_pair_terms(query), every=True)
    if isinstance(query, (wq.Prefix, wq.Wildcard)):
        return _terms_mask(searcher, arrays, query.fieldname, query._btexts(searcher.reader()), every=False)
    if isinstance(query, wq.Or):
        mask = np.zeros(arrays.doc_count, dtype=bool)
        for sub in query.subqueries:
            mask |= _matching(sub, searcher, arrays)
        return mask
    if isinstance(query, wq.And):
        mask = np.ones(arrays.doc_count, dtype=bool)
        for sub in query.subqueries:
            mask &= _matching(sub, searcher, arrays)
        return mask
    if isinstance(query, wq.AndNot):
        return _matching(query.a, searcher, arrays) & ~_matching(query.b, searcher, arrays)
    # Proximity and anything else: Whoosh walks it (positions, for spans), once, unscored.
    return _for_items(_mask_of(query.docs(searcher), arrays.doc_count), _leaf_field(query), arrays)


def _add_term_scores(searcher, arrays: _FacetArrays, fieldname: str, texts: Iterable, scores: np.ndarray,
                     *, weights_only: bool = False, boost: float = 1.0) -> None:
    """Add BM25F (or, ``weights_only``, the raw weight) of each term in one field, times the
    query's ``boost``, to ``scores``; for a shared field, each item of the determination gets
    its first item's score."""
    found = np.zeros(arrays.doc_count, dtype=np.float64) if fieldname in SHARED_FIELDS else scores
    for text in texts:
        docs, weights = _term_postings(searcher, fieldname, text)
        if not len(docs):
            continue
        if weights_only or fieldname not in arrays.lengths:  # unscorable (facet keywords): the weight
            found[docs] += boost * weights  # a term lists each document once
            continue
        term_idf = postings.idf(arrays.live_count, int(np.count_nonzero(arrays.live[docs])))
        found[docs] += boost * postings.bm25(weights, arrays.lengths[fieldname][docs], term_idf,
                                             arrays.average_length[fieldname])
    if found is not scores:
        scores += found[arrays.carrier]


def _scores(query: wq.Query, searcher, arrays: _FacetArrays, scores: np.ndarray) -> np.ndarray:
    """Add each document's BM25F score for ``query`` into ``scores`` (what Whoosh's matchers
    would sum): terms by BM25F, word-pair phrases by their pairs, a wildcard by the weights of
    the words it expands to (Whoosh's constant-score expansion), proximity by its words, and
    nothing for what a NOT excludes."""
    if isinstance(query, wq.Term):
        _add_term_scores(searcher, arrays, query.fieldname, [query.text], scores)
    elif _pairs_phrase(query, arrays):
        _add_term_scores(searcher, arrays, *_pair_terms(query), scores)
    elif isinstance(query, (wq.Prefix, wq.Wildcard)):
        expanded = list(query._btexts(searcher.reader()))
        # Whoosh scores a lone expansion as the word itself, several by their weights, unscored.
        _add_term_scores(searcher, arrays, query.fieldname, expanded, scores, weights_only=len(expanded) > 1)
    elif isinstance(query, (wq.Or, wq.And)):
        for sub in query.subqueries:
            _scores(sub, searcher, arrays, scores)
    elif isinstance(query, wq.AndNot):
        _scores(query.a, searcher, arrays, scores)
    else:
        for fieldname, text in query.iter_all_terms():
            if fieldname in SCHEMA:
                _add_term_scores(searcher, arrays, fieldname, [text], scores)
    return scores


def _long_phrases(query: wq.Query, arrays: _FacetArrays) -> bool:
    return any(_pairs_phrase(q, arrays) and len(q.words) > 2 for q in (query, *query.leaves()))


def _exact(query: wq.Query, searcher, arrays: _FacetArrays, docnums: np.ndarray) -> np.ndarray:
    """Which of ``docnums`` truly match: a long phrase's words checked in order in the text itself
    (as the index analyses it), which costs a few documents' text, not a walk over postings."""
    if _pairs_phrase(query, arrays) and len(query.words) > 2:
        held = _matching(query, searcher, arrays)[docnums]
        truly = np.zeros(len(docnums), dtype=bool)
        checked = docnums[held]
        truly[held] = [contains_run([t.text for t in TEXT_ANALYZER(text)], list(query.words))
                       for text in _texts(searcher, arrays, query.fieldname, checked)]
        return truly
    if isinstance(query, wq.Or):
        return np.logical_or.reduce([_exact(sub, searcher, arrays, docnums) for sub in query.subqueries])
    if isinstance(query, wq.And):
        return np.logical_and.reduce([_exact(sub, searcher, arrays, docnums) for sub in query.subqueries])
    if isinstance(query, wq.AndNot):
        return _exact(query.a, searcher, arrays, docnums) & ~_exact(query.b, searcher, arrays, docnums)
    return _matching(query, searcher, arrays)[docnums]


def _texts(searcher, arrays: _FacetArrays, fieldname: str, docnums: np.ndarray) -> list[str]:
    """The text of ``fieldname`` in each document: the request or rationale from its stored hit,
    the summary (a shared field) from the database, by its determination."""
    hits = [searcher.stored_fields(int(docnum))["hit"] for docnum in docnums]
    if fieldname not in SHARED_FIELDS:
        return [hit[fieldname] for hit in hits]
    from .models import Determination

    summaries = dict(Determination.objects.filter(slug__in={hit["slug"] for hit in hits}).values_list("slug", "summary"))
    return [summaries.get(hit["slug"], "") for hit in hits]


def _verified(query: wq.Query | None, searcher, arrays: _FacetArrays, ordered: np.ndarray,
              limit: int | None = None) -> np.ndarray:
    """The first ``limit`` of ``ordered`` that truly match: all of them, unless the query has a
    phrase of three or more words, whose candidates are checked in their text, in chunks."""
    if query is None or not _long_phrases(query, arrays):
        return ordered[:limit]
    kept: list[np.ndarray] = []
    found, chunk = 0, 64
    for begin in range(0, len(ordered), chunk):
        docs = ordered[begin:begin + chunk]
        ascending = np.argsort(docs, kind="stable")
        truly = np.zeros(len(docs), dtype=bool)
        truly[ascending] = _exact(query, searcher, arrays, docs[ascending])
        kept.append(docs[truly])
        found += int(np.count_nonzero(truly))
        if limit is not None and found >= limit:
            break
        chunk = min(chunk * 2, 4096)
    return np.concatenate(kept)[:limit] if kept else ordered[:0]


def _ranked(query: wq.Query, searcher, arrays: _FacetArrays, final: np.ndarray, limit: int
            ) -> list[tuple[int, float]]:
    """The best ``limit`` of the ``final`` matches by score, best first."""
    candidates = np.flatnonzero(final)
    if not len(candidates) or limit <= 0:
        return []
    scores = _scores(query, searcher, arrays, np.zeros(arrays.doc_count, dtype=np.float64))
    if not _long_phrases(query, arrays):
        return postings.top(scores[candidates], candidates, limit)
    # Most candidates hold the phrase: check the best few first, and sort them all only if not.
    best = np.array([doc for doc, _ in postings.top(scores[candidates], candidates, limit + 16)])
    kept = _verified(query, searcher, arrays, best, limit)
    if len(kept) < limit and len(best) < len(candidates):
        ordered = candidates[np.lexsort((candidates, -scores[candidates]))]
        kept = _verified(query, searcher, arrays, ordered, limit)
    return [(int(doc), float(scores[doc])) for doc in kept]


SIMILAR_TERMS = 12  # key terms of a rationale that more-like-this searches for


def similar(slug: str, position: int, text: str, *, facet: str, value: str, limit: int) -> list[tuple[str, int]]:
    """(slug, position) of up to ``limit`` items of other determinations that share ``value`` in
    ``facet`` and whose rationale is nearest ``text``, best first, one item per determination.

    Whoosh's more-like-this, answered like every search here: the text's key terms (Whoosh's
    Bo1 model over this index) as an OR of terms boosted by their weight, scored by BM25F in
    numpy. Whoosh's own ``more_like`` walked every item of a common drug in Python: 50 ms of a
    case page at 10,000 determinations, and ten times that at 100,000.
    """
    searcher, arrays = _reader.get()
    docnum = searcher.document_number(key=f"{slug}#{position}")
    if docnum is None:
        return []
    scope = _filter_mask(arrays, facet, [value]) & arrays.live & (arrays.group != arrays.group[docnum])
    scores = np.zeros(arrays.doc_count, dtype=np.float64)
    for word, weight in searcher.key_terms_from_text("rationale", text, numterms=SIMILAR_TERMS):
        _add_term_scores(searcher, arrays, "rationale", [word], scores, boost=weight)
    candidates = np.flatnonzero(scope & (scores > 0))
    ordered = candidates[np.lexsort((candidates, -scores[candidates]))]
    _, firsts = np.unique(arrays.group[ordered], return_index=True)  # each determination's best item
    keys = []
    for doc in ordered[np.sort(firsts)[:limit]]:
        fields = searcher.stored_fields(int(doc))
        fields = fields.get("hit", fields)  # an index from before the one stored value
        keys.append((fields["slug"], fields["position"]))
    return keys


def _parse(q: str, arrays: _FacetArrays, searcher) -> wq.Query:
    """The user's query, with fielded facet terms matched against this index's facet values.

    A wildcard that expands to more than MAX_EXPANSION words is refused with a message:
    Whoosh would OR together every one of them, and a two-letter prefix can mean thousands.
    """
    by_field = {facet_field(name): values for name, values in arrays.values.items()}
    reader = searcher.reader()
    query = parse_query(q, QUERY_FIELDS, lambda field: by_field.get(field, ()),
                        lambda field, text: (field, text.encode("utf-8")) in reader)
    for leaf in query.leaves() if query.children() else [query]:
        if isinstance(leaf, (wq.Prefix, wq.Wildcard)):
            words = itertools.islice(leaf._btexts(reader), MAX_EXPANSION + 1)
            if sum(1 for _ in words) > MAX_EXPANSION:
                raise QueryError(f"'{leaf.text}*' matches more than {MAX_EXPANSION:,} different words; "
                                 "give it more letters")
    return query


def _by_date(arrays: _FacetArrays, final: np.ndarray, *, oldest: bool) -> np.ndarray:
    docnums = np.flatnonzero(final)
    keys = arrays.decision_date[docnums]
    return docnums[np.argsort(keys if oldest else -keys, kind="stable")]


def search(params: SearchParams) -> SearchResult:
    """Run one search: matches, facet counts over all of them, one highlighted page.

    Raises ``QueryError`` for a query that cannot be read and ``PageOutOfRange``.
    """
    searcher, arrays = _reader.get()
    key = _cache_key(params)
    if (cached := arrays.results.get(key)) is not None:
        arrays.results.move_to_end(key)
        return cached
    result = _search(params, searcher, arrays)
    arrays.results[key] = result
    if len(arrays.results) > RESULT_CACHE_SIZE:
        arrays.results.popitem(last=False)
    return result


RESULT_CACHE_SIZE = 256


def clear_result_cache() -> bool:
    """Forget cached results (the benchmark times the work, not a lookup); False if none is open."""
    arrays = _reader.arrays
    if arrays is None:
        return False
    arrays.results.clear()
    return True


def _cache_key(params: SearchParams) -> tuple:
    filters = tuple(sorted((name, tuple(sorted(v.strip().lower() for v in values)))
                           for name, values in params.filters.items() if values))
    return (params.q.strip(), filters, params.date_from, params.date_to, params.sort, params.page,
            params.per_page, params.added_after)


def _search(params: SearchParams, searcher, arrays: _FacetArrays) -> SearchResult:
    query = _parse(params.q, arrays, searcher) if params.q.strip() else None
    scope = _scope(params, arrays)
    start = (params.page - 1) * params.per_page
    ranked: list[tuple[int, float]] | None = None
    if query is None:
        base = scope.within
    else:
        base = scope.within & _matching(query, searcher, arrays)
        if params.sort == "relevance":
            ranked = _ranked(query, searcher, arrays, base & scope.keep, start + params.per_page)
    final = base & scope.keep
    count = int(np.count_nonzero(final))
    pages = max(1, -(-count // params.per_page))
    if params.page < 1 or params.page > pages:
        raise PageOutOfRange(f"there is no page {params.page}: the results have {pages} page(s)")
    if ranked is not None:
        page_docs = ranked[start:start + params.per_page]
    else:
        ordered = _verified(query, searcher, arrays, _by_date(arrays, final, oldest=params.sort == "oldest"),
                            start + params.per_page)
        page_docs = [(int(d), None) for d in ordered[start:start + params.per_page]]

    terms = _highlighter_terms(query, searcher)
    return SearchResult(
        params=params,
        count=count,
        page=params.page,
        pages=pages,
        hits=_with_summary_snippets([_hit(searcher, docnum, terms, score) for docnum, score in page_docs], terms),
        facets=_count_facets(arrays, base, scope.masks, params),
        terms={(f, t) for f, ts in terms.items() for t in ts},
    )


def _final(params: SearchParams) -> tuple:
    """(searcher, arrays, query, mask of every matching item) without ranking."""
    searcher, arrays = _reader.get()
    query = _parse(params.q, arrays, searcher) if params.q.strip() else None
    scope = _scope(params, arrays)
    final = scope.keep if query is None else scope.keep & _matching(query, searcher, arrays)
    return searcher, arrays, query, final


def count(params: SearchParams) -> int:
    """How many items match, without ranking, facets or highlighting (a phrase of three or more
    words counted by its word pairs, as on the results page)."""
    return int(np.count_nonzero(_final(params)[3]))


def iter_matches(params: SearchParams) -> Iterator[Hit]:
    """Every matching item (for export), newest first, without snippets; phrases checked word by word."""
    searcher, arrays, query, final = _final(params)
    for docnum in _verified(query, searcher, arrays, _by_date(arrays, final, oldest=False)):
        yield _hit(searcher, int(docnum), {}, None)


# -- checking ------------------------------------------------------------------------------------

@dataclass
class IndexCheck:
    """What differs between the index and the database (the truth)."""

    missing: list[str]  # items stored but not in the index
    extra: list[str]  # items in the index that the database no longer has
    stale: list[str]  # items whose indexed version is older than the stored one
    duplicates: list[str]  # items indexed more than once

    @property
    def ok(self) -> bool:
        return not (self.missing or self.extra or self.stale or self.duplicates)


def check_against_database() -> IndexCheck:
    from collections import Counter

    from .models import DisputedItem

    stored = {
        f"{slug}#{position}": int(updated.timestamp() * 1000)
        for slug, position, updated in DisputedItem.objects.values_list(
            "determination__slug", "position", "determination__updated_at").iterator(chunk_size=5000)
    }
    searcher, _ = _reader.get()
    reader = searcher.reader()
    indexed: dict[str, int] = {}
    seen: Counter = Counter()
    for docnum in reader.all_doc_ids():
        fields = reader.stored_fields(docnum)["hit"]
        indexed[fields["key"]] = fields["added"]
        seen[fields["key"]] += 1
    return IndexCheck(
        missing=sorted(stored.keys() - indexed.keys()),
        extra=sorted(indexed.keys() - stored.keys()),
        stale=sorted(key for key in stored.keys() & indexed.keys() if indexed[key] < stored[key]),
        duplicates=sorted(key for key, n in seen.items() if n > 1),
    )


def sync_with_database() -> IndexCheck:
    """Bring this machine's index in line with the database: what check_against_database finds,
    mended in one write (for a web server whose index a shared database has moved ahead of)."""
    from .models import Determination

    check = check_against_database()
    slugs = {key.rsplit("#", 1)[0] for key in (*check.missing, *check.extra, *check.stale, *check.duplicates)}
    if not slugs:
        return check
    with _writing(open_index()) as writer:
        _replace(writer, slugs, Determination.objects.filter(slug__in=slugs).prefetch_related("items"))
    return check
