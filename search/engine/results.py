"""The plain values the engine takes and returns."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

PER_PAGE = 20
SORTS = {"relevance": "Relevance", "newest": "Newest first", "oldest": "Oldest first"}
# Where words without a field are looked for (schema.SCOPE_FIELDS): the label the form shows.
SCOPES = {"item": "Each item's own text", "summary": "Also the case summary"}


class IndexMissing(RuntimeError):
    """No usable index: the message names the command that mends it."""


class PageOutOfRange(ValueError):
    pass


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
    scope: str = "item"  # a key of SCOPES


@dataclass(slots=True)  # made by the thousand for each search (guideline sections)
class FacetValue:
    value: str
    count: int
    overturned: int  # of ``count``
    selected: bool = False
    # The value's items and overturned items under every filter but the outcome's: with
    # "Overturned" chosen, each drug's rate is still its share overturned, not 100%.
    rate_items: int = 0
    rate_overturned: int = 0
    # What the page shows when it is not ``value`` itself: a stated reason's name, a section's title
    # (``value`` is then the key the filter takes: "no_monitoring", a section key).
    label: str = ""
    group: str = ""  # a guideline section's source, which the page groups sections under

    @property
    def shown(self) -> str:
        return self.label or self.value

    @property
    def items_either_outcome(self) -> int:
        """The value's items under every filter but the outcome's (its own count when not given)."""
        return self.rate_items or self.count

    @property
    def overturned_either_outcome(self) -> int:
        return self.rate_overturned if self.rate_items else self.overturned

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
    request_html: str = ""  # HTML: the request with the query's matches marked ("" where not made)
    score: float | None = None
    rationale: str = ""
    generated: bool = False  # demonstration text, not a real decision
    reasons: list[str] = field(default_factory=list)  # stated reasons' labels (search/reasons.py)
    sections: list[str] = field(default_factory=list)  # cited guideline sections' keys

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


@dataclass
class IndexedItem:
    """What the index holds for one item, for comparing with the database."""

    key: str
    added: int  # epoch milliseconds of the version indexed
    digest: str  # ItemDocument.digest() of what was indexed; "" in an index from before digests
