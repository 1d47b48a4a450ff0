"""What the writer takes: one plain ``ItemDocument`` per disputed item, and how it becomes a
Whoosh document. The caller (search/indexing.py) builds them from the database."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields
from datetime import date, datetime

from .analysis import breaks
from .schema import BREAKS_FIELD, GUIDELINE_FIELD, PAIR_FIELDS, SHARED_FIELDS, facet_field


@dataclass(frozen=True)
class ItemDocument:
    """One disputed item with its determination's fields, as the index holds it."""

    slug: str
    position: int
    first: bool  # the determination's first item: it carries the shared fields (the summary)
    case_number: str  # "" when the determination has none
    decision_date: date | None
    added: datetime  # when the site stored this version of the determination
    request: str
    rationale: str
    summary: str
    outcome: str
    drug: str  # "" for a service
    brand: str
    category: str
    states: list[str] = field(default_factory=list)
    specialties: list[str] = field(default_factory=list)  # specialties, then subspecialties
    guidelines: list[str] = field(default_factory=list)  # their sources: MTUS, ACOEM, ODG, other
    citations: str = ""  # the guidelines cited, as written: source, title, section, pages
    sections: list[str] = field(default_factory=list)  # the cited sections' keys (citations.section_key)
    reasons: list[str] = field(default_factory=list)  # the stated reasons' labels (reasons.LABELS)
    generated: bool = False  # demonstration text from the corpus generator, not a real decision

    @property
    def key(self) -> str:
        return f"{self.slug}#{self.position}"

    def facets(self) -> dict[str, list[str]]:
        return {
            "outcome": [self.outcome],
            "reason": list(self.reasons),
            "drug": [self.drug] if self.drug else [],
            "category": [self.category],
            "specialty": list(self.specialties),
            "state": list(self.states),
            "guideline": list(self.guidelines),
            "section": list(self.sections),
            "year": [str(self.decision_date.year)] if self.decision_date else [],
            "source": ["generated" if self.generated else "real"],
        }

    def digest(self) -> str:
        """A fingerprint of everything indexed for this item: the index keeps the one it was
        written with, so a check finds an item whose text changed behind the index's back."""
        fields = {name: getattr(self, name) for name in _FIELD_NAMES}  # asdict's deep copy, without the copying
        if not self.first:
            fields["summary"] = ""  # not indexed with this item
        return hashlib.sha256(json.dumps(fields, sort_keys=True, default=str).encode()).hexdigest()[:32]


_FIELD_NAMES = tuple(item.name for item in fields(ItemDocument))


def datenum(value: date | None) -> int:
    return value.year * 10000 + value.month * 100 + value.day if value else 0


def whoosh_document(item: ItemDocument) -> dict:
    """The Whoosh fields of one item (the first of its determination carries SHARED_FIELDS)."""
    facets = item.facets()
    texts = {"request": item.request, "rationale": item.rationale, "summary": item.summary}
    if not item.first:  # the summary is its determination's first item's
        texts = {name: text for name, text in texts.items() if name not in SHARED_FIELDS}
    words = {name: text for field_name, text in texts.items()
             for name in (field_name, PAIR_FIELDS[field_name])}  # each text and its word pairs
    added = int(item.added.timestamp() * 1000)
    return {
        "key": item.key,
        "slug": item.slug,
        "case": item.case_number or item.slug,
        "decision_date": datenum(item.decision_date),
        "added": added,
        "starts": int(item.first),
        **words,
        "drug": " ".join(filter(None, [item.drug, item.brand])),
        GUIDELINE_FIELD: item.citations,
        BREAKS_FIELD: breaks({**texts, GUIDELINE_FIELD: item.citations}),
        "hit": {
            "key": item.key,
            "slug": item.slug,
            "position": item.position,
            "case": item.case_number,
            "decision_date": datenum(item.decision_date),
            "added": added,
            "request": item.request,
            "rationale": item.rationale,
            "outcome": item.outcome,
            "drug": item.drug,
            "brand": item.brand,
            "category": item.category,
            "states": facets["state"],
            "specialties": facets["specialty"],
            "citations": item.citations,
            "sections": item.sections,
            "reasons": item.reasons,
            "digest": item.digest(),
            "generated": item.generated,
        },
        **{facet_field(name): ",".join(v.replace(",", " ") for v in values) for name, values in facets.items()},
    }
