"""The plain record a parsed determination becomes: no Django, no I/O.

The parser produces these, the corpus generator renders text from them, the
ingest stores them; ``as_json`` is the shape ``parse_determination --json`` prints.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from .citations import Citation

UPHELD = "Upheld"
OVERTURNED = "Overturned"
OUTCOMES = (UPHELD, OVERTURNED)


@dataclass
class Item:
    request: str
    outcome: str
    drug: str | None = None  # canonical generic name, None for services
    brand: str | None = None  # the drug name as written in the request
    strength: str | None = None  # "10/325mg", "5%", "30 mg"
    quantity: int | None = None  # "#90" -> 90
    category: str = "other"
    guidelines: list[str] = field(default_factory=list)  # MTUS, ACOEM, ODG, other
    claims_guideline: str = ""
    maximus_guideline: str = ""
    rationale: str = ""
    original_request: str = ""  # partial certifications: what was asked and authorised
    citations: list[Citation] = field(default_factory=list)  # the MAXIMUS guideline line, read (citations.py)
    reasons: list[str] = field(default_factory=list)  # the stated reasons for the outcome (reasons.py)


@dataclass
class Determination:
    case_number: str | None = None
    date_assigned: date | None = None
    decision_date: date | None = None
    injury_date: date | None = None
    ur_denial_date: date | None = None
    reviewer_states: list[str] = field(default_factory=list)
    reviewer_specialties: list[str] = field(default_factory=list)
    reviewer_subspecialties: list[str] = field(default_factory=list)
    patient_age: int | None = None
    patient_sex: str | None = None  # "male" | "female"
    summary: str = ""
    items: list[Item] = field(default_factory=list)
    generated: bool = False  # the document opens with GENERATED_NOTICE: demonstration text, not a decision

    def as_json(self) -> dict:
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, date):
                data[key] = value.isoformat()
        for item, written in zip(self.items, data["items"]):
            for citation, shown in zip(item.citations, written["citations"]):
                shown["key"] = citation.key
        return data


# The first line of every document the corpus generator writes for demonstration: the parser
# marks such a document as generated, and the site says so wherever it shows it.
GENERATED_NOTICE = "IMR SEARCH DEMONSTRATION DOCUMENT: generated text, not a real IMR determination"


class ParseError(ValueError):
    """The text is not a determination this parser can read; the message says why."""
