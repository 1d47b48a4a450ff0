"""What is indexed: the analyzers, the fields and the facets, in one place.

One Whoosh document per disputed item. What a determination's items share (its case summary)
is indexed once, in its first item's document (``starts`` = 1): a match there is a match for
every item of the determination.
"""
from __future__ import annotations

from functools import lru_cache

from whoosh import columns
from whoosh.analysis import BiWordFilter, LowercaseFilter, RegexTokenizer, StemmingAnalyzer
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, TEXT, Schema

from .query import Fields
from .sentences import BREAKS_FIELD

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

# The guidelines an item cites, as written (source, title, section, pages): words, not pairs.
GUIDELINE_FIELD = "guideline"

# The text fields whose sentence and paragraph breaks the breaks column holds (sentences.py): what /s
# and /p search.
SENTENCE_FIELDS = (*TEXT_BOOSTS, GUIDELINE_FIELD)

# Held by a determination's first item only. The summary is most of a determination's words;
# indexing it with every item made the index and the ingest about twice what they need to be.
# (Its breaks are in the first item's breaks column, beside those of the item's own texts.)
SHARED_FIELDS = frozenset({"summary", PAIR_FIELDS["summary"]})

# Facets, in the order the page shows them: name -> label.
FACETS = {
    "outcome": "Outcome",
    "reason": "Stated reason",
    "drug": "Drug",
    "category": "Request category",
    "specialty": "Reviewer specialty",
    "state": "Licensure state",
    "guideline": "Guideline source",
    "section": "Guideline section",
    "year": "Decision year",
    "source": "Source",
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
    **{GUIDELINE_FIELD: TEXT(analyzer=TEXT_ANALYZER)},
    # Where each text's sentences and paragraphs start (sentences.breaks_value): read a document
    # at a time, so its offsets are written whatever the segment's size (below 32,768 documents
    # Whoosh writes none, and each opening sums the lengths in Python).
    **{BREAKS_FIELD: COLUMN(columns.VarBytesColumn(write_offsets_cutoff=0))},
    hit=STORED(),  # what a result shows, in one stored value
    **{facet_field(name): KEYWORD(commas=True, lowercase=True, scorable=False) for name in FACETS},
)

# Where a word without a field is looked for, by scope: an item's own text (its request, drug
# names, rationale and cited guidelines), or that and its determination's case summary.
SCOPE_FIELDS = {
    "item": ("request", "rationale", GUIDELINE_FIELD, "drug"),
    "summary": ("request", "rationale", GUIDELINE_FIELD, "summary", "drug"),
}
DEFAULT_SCOPE = "item"
_TEXT_FIELDS = ("request", "rationale", "summary", "drug", "case", GUIDELINE_FIELD)


@lru_cache(maxsize=8)  # one per scope; built once, not on every search
def query_fields(scope: str) -> Fields:
    """The fields a query searches in ``scope``; ``summary:``, ``rationale:``... name one field in any scope."""
    return Fields(
        default=SCOPE_FIELDS.get(scope, SCOPE_FIELDS[DEFAULT_SCOPE]),
        aliases={"request": "request", "rationale": "rationale", "summary": "summary", "case": "case",
                 "guideline": GUIDELINE_FIELD},
        analyzers={name: SCHEMA[name].analyzer for name in _TEXT_FIELDS},
        facets={name: facet_field(name) for name in FACETS},
        unpositioned=frozenset({"drug"}),
        sentences=frozenset(SENTENCE_FIELDS),
    )


# The fields whose words are marked in snippets and on the case page.
MARKED_FIELDS = ("rationale", "request", "summary", GUIDELINE_FIELD)


def facet_key(name: str, value: str) -> str:
    """A facet value as its index field holds it: the indexer writes values comma-separated
    (a comma inside one becomes a space) and the field strips and lowercases each."""
    return next(iter(SCHEMA[facet_field(name)].process_text(value.replace(",", " "))), "")


def analysed(text: str) -> list[str]:
    """The words of ``text`` as the text fields index them."""
    return [token.text for token in TEXT_ANALYZER(text)]
