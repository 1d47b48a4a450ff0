"""The case page: one determination as an attorney reads, cites, navigates and prints it.

Plain functions over the stored record and the index's public functions; the
view only picks the request's parameters and renders what ``case_page`` returns.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from urllib.parse import urlencode

from django.db.models import Q
from django.http import QueryDict
from django.urls import reverse
from django.utils.html import format_html

from . import engine
from .engine import Hit, IndexMissing, PageOutOfRange, QueryError, SearchParams
from .forms import SearchForm
from .models import GUIDELINE_SEPARATOR, Determination, DisputedItem
from .reasons import LABELS, Reason, stated_reasons

SIMILAR_COUNT = 5
# Bluebook month abbreviations (T12): the citation is meant to be pasted into a brief.
_MONTHS = ("Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.")


@dataclass
class Similar:
    slug: str
    case_number: str
    request: str
    outcome: str
    decision_date: date | None
    url: str
    generated: bool = False  # demonstration text, not a real decision


@dataclass
class ReasonView:
    label: str
    name: str
    search_url: str  # every item with this stated reason, of the same drug or kind of request
    stated: bool  # a sentence of the rationale states it (highlighted); "other" has none


@dataclass
class CitedSection:
    title: str
    url: str  # its citator page
    pages: str
    edition: str


@dataclass
class ItemView:
    item: DisputedItem
    rationale: str  # HTML: escaped text, the query's words in <mark>, stated reasons' sentences in spans
    request: str  # HTML, the query's words marked, as the rationale: a hit may match only here
    maximus_guideline: str  # HTML, marked: the cited guidelines are searched by default too
    claims_guideline: str
    matches: int  # marked words in the item's request, guidelines and rationale
    citation: str
    similar: list[Similar] | None  # for the page's one focus item; None for the others
    similar_url: str  # this page, listing the similar items of this one
    reasons: list[ReasonView] = field(default_factory=list)
    sections: list[CitedSection] = field(default_factory=list)


@dataclass
class Neighbour:
    """The previous or next hit of the search the reader came from."""

    slug: str
    case_number: str
    request: str
    url: str


@dataclass
class Trail:
    """The way back to a search, and along its hits."""

    back_url: str
    number: int | None = None  # this hit's place in the search (1-based), when found
    count: int = 0
    previous: Neighbour | None = None
    next: Neighbour | None = None


@dataclass
class CasePage:
    record: Determination
    citation: str
    summary: str  # HTML, as the rationales
    items: list[ItemView]
    q: str
    matches: int  # marked words on the page
    trail: Trail | None
    address: str  # the page's permanent address, printed on paper
    without_marks_url: str


# -- citations -------------------------------------------------------------------------------

def citation_date(value: date | None) -> str:
    return f"{_MONTHS[value.month - 1]} {value.day}, {value.year}" if value else "n.d."


def determination_citation(record: Determination) -> str:
    """``IMR Final Determination CM16-0213037 (Dec. 9, 2016)``."""
    name = record.case_number or f"without case number, ref. {record.slug}"
    return f"IMR Final Determination {name} ({citation_date(record.decision_date)})"


def item_citation(record: Determination, item: DisputedItem) -> str:
    """``IMR Final Determination CM16-0213037 (Dec. 9, 2016), item 2: MRI … — Upheld``."""
    return f"{determination_citation(record)}, item {item.position}: {item.request} — {item.outcome}"


# -- links that keep the search -----------------------------------------------------------

def _case_url(slug: str, position: int, *, q: str = "", back: QueryDict | None = None) -> str:
    params: dict[str, str] = {}
    if q:
        params["q"] = q
    if back is not None:
        params["back"] = back.urlencode()
        params["item"] = str(position)
    query = f"?{urlencode(params)}" if params else ""
    return f"{reverse('determination', args=[slug])}{query}#item-{position}"


def _search_on_page(search: QueryDict, page: int) -> QueryDict:
    copy = search.copy()
    if page > 1:
        copy["page"] = str(page)
    else:
        copy.pop("page", None)
    return copy


# -- the search trail ---------------------------------------------------------------------------

def _page_hits(params: SearchParams, page: int) -> list[Hit]:
    if page < 1:
        return []
    try:
        return engine.search(replace(params, page=page)).hits
    except PageOutOfRange:
        return []


def _locate(hits: list[Hit], slug: str, position: int | None) -> int | None:
    for at, hit in enumerate(hits):
        if hit.slug == slug and (position is None or hit.position == position):
            return at
    if position is not None:  # the item is not a hit (a stale link): the determination's first hit will do
        return _locate(hits, slug, None)
    return None


def _neighbour(hit: Hit, page: int, search: QueryDict) -> Neighbour:
    back = _search_on_page(search, page)
    return Neighbour(
        slug=hit.slug,
        case_number=hit.case_number,
        request=hit.request,
        url=_case_url(hit.slug, hit.position, q=search.get("q", ""), back=back),
    )


def _step(params: SearchParams, search: QueryDict, hits: list[Hit], at: int, slug: str, step: int) -> Neighbour | None:
    """The nearest hit of another determination before (step -1) or after (+1) ``hits[at]``.

    Hits of this same determination are skipped: they are on this page already. The
    neighbouring result page is read only when this hit is at the edge of its own.
    """
    on_this_page = hits[at + 1:] if step > 0 else hits[:at][::-1]
    for candidate in on_this_page:
        if candidate.slug != slug:
            return _neighbour(candidate, params.page, search)
    page = params.page + step
    on_that_page = _page_hits(params, page)
    for candidate in on_that_page if step > 0 else on_that_page[::-1]:
        if candidate.slug != slug:
            return _neighbour(candidate, page, search)
    return None


def item_param(value: str) -> int | None:
    """The ``item`` a hit link names, or None for anything that is not a small number."""
    return int(value) if value.isascii() and value.isdigit() and len(value) < 5 else None


def search_trail(*, slug: str, position: int | None, back: str) -> Trail | None:
    """Where this determination sits in the search ``back`` (a results page's query string)."""
    if not back:
        return None
    search = QueryDict(back)
    trail = Trail(back_url=f"{reverse('search')}?{search.urlencode()}")
    form = SearchForm(search)
    if not form.is_valid():
        return trail
    params = form.to_params(search)
    try:
        result = engine.search(params)
    except (QueryError, PageOutOfRange, IndexMissing):
        return trail
    trail.count = result.count
    at = _locate(result.hits, slug, position)
    if at is None:
        return trail
    trail.number = (params.page - 1) * params.per_page + at + 1
    trail.previous = _step(params, search, result.hits, at, slug, -1)
    trail.next = _step(params, search, result.hits, at, slug, +1)
    return trail


# -- similar determinations ----------------------------------------------------------------------

def similar_items(*, slug: str, item: DisputedItem, limit: int = SIMILAR_COUNT) -> list[Similar]:
    """Other determinations' items on the same drug (or, for services, the same category) whose
    rationale is nearest this one's (index.similar); one per determination, none without an index.

    The index picks them; what the list shows comes from the database, the truth.
    """
    facet, value = ("drug", item.drug) if item.drug else ("category", item.category)
    try:
        chosen = dict(engine.similar(slug, item.position, item.rationale, facet=facet, value=value, limit=limit))
    except IndexMissing:
        return []
    if not chosen:
        return []
    wanted = Q()
    for other, position in chosen.items():
        wanted |= Q(determination__slug=other, position=position)
    rows = {(row.determination.slug, row.position): row
            for row in DisputedItem.objects.filter(wanted).select_related("determination")}
    return [
        Similar(
            slug=other,
            case_number=row.determination.case_number or other,
            request=row.request,
            outcome=row.outcome,
            decision_date=row.determination.decision_date,
            url=_case_url(other, position),
            generated=row.determination.generated,
        )
        for other, position in chosen.items()
        if (row := rows.get((other, position))) is not None
    ]


def _focus(items: list[DisputedItem], rationales: list[str], *,
           similar: int | None, position: int | None) -> int | None:
    """The item the similar list is for: the one asked for, else the hit the reader came from,
    else the first whose rationale the query marks, else the first."""
    positions = [item.position for item in items]
    for wanted in (similar, position):
        if wanted in positions:
            return wanted
    marked = [item.position for item, html in zip(items, rationales) if "<mark" in html]
    return (marked or positions or [None])[0]


# -- the page -------------------------------------------------------------------------------------

def _marked_guidelines(item: DisputedItem, words: engine.Marks) -> tuple[str, str]:
    """The item's MAXIMUS and claims administrator lines, marked as the one text the index reads
    (so a connector holding across the two is marked as it was matched): the HTML of each."""
    html = engine.highlight_text(item.cited_text, words, whole=True)
    if not (item.maximus_guideline and item.claims_guideline):
        return (html, "") if item.maximus_guideline else ("", html)
    lines = html.split(GUIDELINE_SEPARATOR)  # a mark holds one word, never the separator
    cut = item.maximus_guideline.count(GUIDELINE_SEPARATOR) + 1
    return GUIDELINE_SEPARATOR.join(lines[:cut]), GUIDELINE_SEPARATOR.join(lines[cut:])


def _item_view(record: Determination, item: DisputedItem, rationale: str, reasons: list[Reason], *,
               words: engine.Marks, focus: int | None, q: str, back: str, position: int | None) -> ItemView:
    request = engine.highlight_text(item.request, words, whole=True)
    maximus, claims = _marked_guidelines(item, words)
    return ItemView(
        item=item,
        rationale=rationale,
        request=request,
        maximus_guideline=maximus,
        claims_guideline=claims,
        # the two guideline lines are one text: a connector's match across them counts once
        matches=sum(engine.match_count(html) for html in (request, maximus + claims, rationale)),
        citation=item_citation(record, item),
        similar=similar_items(slug=record.slug, item=item) if item.position == focus else None,
        similar_url=_page_url(q=q, back=back, item=position, similar=item.position) + f"#{item.anchor}-similar",
        reasons=[_reason_view(item, reason) for reason in reasons],
        sections=[CitedSection(c.section.title, c.section.get_absolute_url(), c.pages, c.edition)
                  for c in item.citations.all()],
    )

def _stated(item: DisputedItem) -> list[Reason]:
    """The item's stored reasons, each with the sentences of its rationale that state it."""
    found = {reason.label: reason for reason in stated_reasons(item.rationale, item.outcome)}
    return [found.get(label) or Reason(label, ()) for label in item.reasons]


def _reason_regions(reasons: list[Reason]) -> list[tuple[int, int, str]]:
    """One span per sentence that states a reason, naming every reason it states."""
    by_sentence: dict[tuple[int, int], list[str]] = {}
    for reason in reasons:
        for sentence in reason.sentences:
            by_sentence.setdefault(sentence, []).append(reason.label)
    return [(start, end, format_html('class="reason-sentence" data-reasons="{}" title="Stated reason: {}"',
                                     " ".join(labels), "; ".join(LABELS.get(label, label) for label in labels)))
            for (start, end), labels in by_sentence.items()]


def _reason_view(item: DisputedItem, reason: Reason) -> ReasonView:
    narrow = {"drug": item.drug} if item.drug else {"category": item.category}
    return ReasonView(reason.label, reason.name, f"{reverse('search')}?{urlencode({'reason': reason.label, **narrow})}",
                      bool(reason.sentences))


def _page_url(**params: str | int | None) -> str:
    """This page with the given parameters (the empty ones left out)."""
    kept = {name: value for name, value in params.items() if value}
    return f"?{urlencode(kept)}" if kept else "?"


def case_page(record: Determination, *, q: str, back: str, position: int | None, similar: int | None,
              address: str) -> CasePage:
    """Everything the case page shows: marked text, citations, the search trail, similar items.

    Similar items are listed for one item only: a more-like-this query costs a few
    milliseconds, and twenty of them took longer than all the rest of a twenty-item page.
    Every other item links to the page listing its own.
    """
    words = engine.highlight_words(q)
    items = list(record.items.all())
    stated = [_stated(item) for item in items]
    rationales = [engine.highlight_text(item.rationale, words, whole=True, regions=_reason_regions(reasons))
                  for item, reasons in zip(items, stated)]
    focus = _focus(items, rationales, similar=similar, position=position)
    views = [_item_view(record, item, rationale, reasons, words=words, focus=focus, q=q, back=back, position=position)
             for item, rationale, reasons in zip(items, rationales, stated)]
    summary = engine.highlight_text(record.summary, words, whole=True)
    return CasePage(
        record=record,
        citation=determination_citation(record),
        summary=summary,
        items=views,
        q=q,
        matches=engine.match_count(summary) + sum(view.matches for view in views),
        trail=search_trail(slug=record.slug, position=position, back=back),
        address=address,
        without_marks_url=_page_url(back=back, item=position, similar=similar),
    )
