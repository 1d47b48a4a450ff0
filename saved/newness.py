"""What is new in a saved search: counted for the list, marked when it is opened.

"New" means stored (or replaced) by the site after the user last opened the
search, or after saving it if never opened: the index's ``added`` time, compared
in whole milliseconds exactly as ``SearchParams.added_after`` compares it.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from django.http import QueryDict

from search import engine
from search.engine import Hit, IndexMissing, PageOutOfRange, QueryError, SearchResult
from search.forms import SearchForm, error_text
from search.models import Determination

from .models import SavedQuery
from .queries import InvalidQuery, describe, params_for


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def is_new(hit: Hit, since: datetime) -> bool:
    return hit.added is not None and round(hit.added.timestamp() * 1000) > _ms(since)


def new_count(saved: SavedQuery) -> int:
    """Matching items stored since the user last opened it; raises InvalidQuery, QueryError, IndexMissing."""
    params = params_for(saved.query)
    params.added_after = saved.seen_baseline
    return engine.count(params)


@dataclass
class Row:
    saved: SavedQuery
    description: str
    new: int | None = None
    problem: str = ""


def overview(saved_queries) -> list[Row]:
    """The saved-search list: each with its new-item count, or why there is none."""
    rows = []
    for saved in saved_queries:
        row = Row(saved, describe(saved.query))
        try:
            row.new = new_count(saved)
        except (InvalidQuery, QueryError) as error:
            row.problem = f"This search cannot be run: {error}"
        except IndexMissing:
            row.problem = "The search index is unavailable."
        rows.append(row)
    return rows


@dataclass
class Rerun:
    """A saved search run again: what search/results.html needs, plus what is new."""

    form: SearchForm
    query: QueryDict
    since: datetime
    first_opening: bool
    result: SearchResult | None = None
    error: str = ""
    status: int = 200
    new_count: int = 0
    new_keys: set[str] = field(default_factory=set)


def rerun(saved: SavedQuery, *, page: str | None) -> Rerun:
    """Run the saved search (at ``page``, when paging through it) and find its new items.

    A first opening (no page asked for) marks what is new since the last opening;
    paging on marks against the same moment, kept in ``marked_since``.
    """
    query = QueryDict(saved.query, mutable=True)
    if page is not None:
        query["page"] = page
    first_opening = page is None
    since = saved.seen_baseline if first_opening else (saved.marked_since or saved.seen_baseline)
    run = Rerun(SearchForm(query), query, since, first_opening)
    if not run.form.is_valid():
        run.error, run.status = error_text(run.form), 400
        return run
    params = run.form.to_params(query)
    try:
        run.result = engine.search(params)
        run.new_count = engine.count(replace(params, added_after=since, page=1))
    except QueryError as error:
        run.error, run.status = f"The query could not be read: {error}.", 400
    except PageOutOfRange as error:
        run.error, run.status = f"Sorry, {error}.", 404
    except IndexMissing as error:
        run.error, run.status = str(error), 503
    if run.result is not None:
        run.new_keys = {hit.key for hit in run.result.hits if is_new(hit, since)}
    return run


def seen_until(opened_at: datetime) -> datetime:
    """The moment up to which an opening at ``opened_at`` has really shown everything.

    A determination is stored (its ``added`` time) a little before the index holds
    it; one still waiting for the index was not shown, so the next opening must
    still count it as new: "seen" stops just before the oldest of them.
    """
    pending = Determination.objects.filter(indexed=False).order_by("updated_at").values_list("updated_at", flat=True)
    oldest = pending.first()
    return min(opened_at, oldest - timedelta(milliseconds=1)) if oldest else opened_at


def mark_seen(saved: SavedQuery, *, since: datetime, opened_at: datetime) -> None:
    """Record an opening: the next one counts from it; this one's later pages mark against ``since``."""
    saved.last_seen_at = seen_until(opened_at)
    saved.marked_since = since
    saved.save(update_fields=["last_seen_at", "marked_since"])
