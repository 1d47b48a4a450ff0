"""The query language an attorney already knows, turned into Whoosh queries.

Words (implicit AND), ``"phrases"``, ``AND``/``OR``/``NOT`` and ``&``/``|``/``-``,
parentheses, ``"a b"~5`` (words within 5 of each other), Westlaw connectors
``/s`` (same sentence) and ``/p`` (same paragraph), answered on each text field's words and
the breaks between its sentences (sentences.py), ``/n`` and ``w/n`` (within n words, either order), ``+n`` (within n
words, the first first), a case number (its determination's items), the root expander ``!`` and the
wildcards ``*`` and ``?``, and fielded terms (``drug:``, ``outcome:``, ``state:``,
``specialty:``, ``guideline:``, ``category:``, ``case:``, ``year:``, ``request:``,
``rationale:``). A drug name also finds its brand and generic equivalents.

Whoosh's own query parser silently turns what it cannot read into terms; a
legal researcher needs to be told, so this is a small recursive-descent parser
that raises ``QueryError`` with a message fit for the page.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from whoosh import query as wq
from whoosh.analysis import Analyzer
from whoosh.query import spans

from search import vocab

from .sentences import SameUnit

MAX_QUERY_LENGTH = 1000
MAX_NESTING = 20  # parentheses within parentheses: more is no person's query, and deep trees recurse
# Without sentence breaks (Fields.sentences empty), /s and /p fall back to these word distances.
SENTENCE_SLOP = 20
PARAGRAPH_SLOP = 60

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<lparen>\()|(?P<rparen>\))
      | (?P<phrase>"[^"]*"(?:~\d+)?)
      | (?P<near>(?:/s|/p|\+s|\+p|/\d+|w/\d+|near/\d+|\+\d+)(?=[\s("]|$))
      | (?P<op>&|\|)
      | (?P<word>[^\s()"&|]+)
    )""",
    re.VERBOSE | re.IGNORECASE,
)


# An IMR case number as a reader types it: CM16-0213037, cm16-0213037, CM160213037.
_CASE_NUMBER = re.compile(r"([a-z]{2})(\d{2})-?(\d{5,8})", re.IGNORECASE)


def case_number(text: str) -> str | None:
    """The case number ``text`` is, as the documents write it ("CM16-0213037"), or None."""
    match = _CASE_NUMBER.fullmatch(text.strip())
    return f"{match[1].upper()}{match[2]}-{match[3]}" if match else None


class ExactWord(wq.Term):
    """``#word``: the word in exactly this form (Westlaw's ``#``), where a plain word also finds its
    other forms. The index holds stems, so this matches the stem and is then checked in the text."""

    def __init__(self, fieldname: str, text: str, form: str):
        super().__init__(fieldname, text)
        self.form = form.lower()

    def __eq__(self, other):
        return super().__eq__(other) and getattr(other, "form", None) == self.form

    def __hash__(self):
        return super().__hash__() ^ hash(self.form)


class QueryError(ValueError):
    """The query cannot be read; the message says where and why."""


@dataclass(frozen=True)
class Fields:
    """Which index fields a query searches, and the analyzer for each."""

    default: tuple[str, ...]
    aliases: dict[str, str]  # what the user types -> a text field
    analyzers: dict[str, Analyzer]
    facets: dict[str, str]  # what the user types -> the keyword field of a facet's exact values
    unpositioned: frozenset[str] = frozenset()  # text fields without word positions: no phrases there
    sentences: frozenset[str] = frozenset()  # the text fields whose sentence breaks are indexed (/s, /p)


# The values a facet field holds (lowercase), for matching ``state:carolina`` against them.
Lexicon = Callable[[str], Sequence[str]]
# Whether the index holds a term: (field, text) -> bool.
TermExists = Callable[[str, str], bool]


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _canonical(facet: str, text: str) -> str | None:
    """The exact facet value a user's text names, where the vocabulary knows it (TX -> texas)."""
    if facet == "f_state":
        name = vocab.canonical_state(text)
    elif facet == "f_specialty":
        name = vocab.canonical_specialty(text)
    elif facet == "f_drug":
        name = vocab.DRUGS.get(text.lower().strip())
    else:
        name = None
    return name.lower() if name else None


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    text = text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise QueryError(f"unexpected {text[position:position + 10]!r} at character {position + 1}")
        kind = match.lastgroup
        value = match.group(kind)
        position = match.end()
        if kind == "word" and value.upper() in ("AND", "OR", "NOT"):
            kind = value.upper()
        if kind == "phrase" and value.count('"') != 2:
            raise QueryError("a quotation mark is not closed")
        tokens.append((kind, value))
    return tokens


class _Parser:
    def __init__(self, text: str, fields: Fields, lexicon: Lexicon, term_exists: TermExists):
        if len(text) > MAX_QUERY_LENGTH:
            raise QueryError(f"the query is longer than {MAX_QUERY_LENGTH} characters")
        if text.count('"') % 2:
            raise QueryError("a quotation mark is not closed")
        self.tokens = _tokenize(text)
        self.at = 0
        self.depth = 0
        self.fields = fields
        self.lexicon = lexicon
        self.term_exists = term_exists

    # -- token stream
    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.tokens[self.at]
        self.at += 1
        return token

    # -- grammar
    def parse(self) -> wq.Query:
        if not self.tokens:
            raise QueryError("the query is empty")
        result = self.or_expr()
        if self.peek() is not None:
            kind, value = self.peek()
            raise QueryError(f"unexpected {value!r}" + (": a ')' without its '('" if kind == "rparen" else ""))
        return result

    def or_expr(self) -> wq.Query:
        parts = [self.and_expr()]
        while (token := self.peek()) and (token[0] == "OR" or token == ("op", "|")):
            self.take()
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else wq.Or(parts)

    def and_expr(self) -> wq.Query:
        positive: list[wq.Query] = []
        negative: list[wq.Query] = []
        while (token := self.peek()) and token[0] not in ("OR", "rparen") and token != ("op", "|"):
            if token[0] == "AND" or token == ("op", "&"):
                self.take()
                if not self.peek() or self.peek()[0] in ("OR", "rparen", "AND"):
                    raise QueryError("AND needs a term on each side")
                continue
            negate, part = self.unary()
            (negative if negate else positive).append(part)
        if not positive and not negative:
            raise QueryError("an operator is missing a term")
        if not positive:
            raise QueryError("NOT needs something to exclude from: add a term before it")
        query = positive[0] if len(positive) == 1 else wq.And(positive)
        for part in negative:
            query = wq.AndNot(query, part)
        return query

    def unary(self) -> tuple[bool, wq.Query]:
        kind, value = self.peek()
        if kind == "NOT":
            self.take()
            if not self.peek() or self.peek()[0] in ("OR", "rparen", "AND"):
                raise QueryError("NOT needs a term after it")
            return True, self.near_expr()
        if kind == "word" and value.startswith("-") and len(value) > 1:
            self.tokens[self.at] = ("word", value[1:])
            return True, self.near_expr()
        return False, self.near_expr()

    def near_expr(self) -> wq.Query:
        left = self.atom()
        while (token := self.peek()) and token[0] == "near":
            _, connector = self.take()
            if not self.peek() or self.peek()[0] in ("OR", "AND", "rparen", "near"):
                raise QueryError(f"{connector} needs a term on each side")
            right = self.atom()
            left = self.near(left, right, connector.lower())
        return left

    def atom(self) -> wq.Query:
        kind, value = self.take()
        if kind == "lparen":
            if self.peek() and self.peek()[0] == "rparen":
                raise QueryError("empty parentheses")
            self.depth += 1
            if self.depth > MAX_NESTING:
                raise QueryError(f"parentheses are nested more than {MAX_NESTING} deep")
            inner = self.or_expr()
            self.depth -= 1
            if not self.peek() or self.peek()[0] != "rparen":
                raise QueryError("a '(' is not closed")
            self.take()
            return inner
        if kind == "phrase":
            return self.phrase(value, self.fields.default)
        if kind == "word":
            field, _, rest = value.partition(":")
            if rest or value.endswith(":"):
                return self.fielded(field.lower(), rest)
            return self.word(value, self.fields.default, expand_drugs=True)
        raise QueryError(f"unexpected {value!r}")

    def fielded(self, name: str, rest: str) -> wq.Query:
        field = self.fields.aliases.get(name)
        facet = self.fields.facets.get(name)
        if field is None and facet is None:
            known = ", ".join(sorted({*self.fields.aliases, *self.fields.facets}))
            raise QueryError(f"unknown field {name!r}: use one of {known}")
        if not rest:  # state:"new york"
            token = self.peek()
            if token is None or token[0] != "phrase":
                raise QueryError(f"{name}: needs a value right after the colon")
            value = self.take()[1]
            if facet and not (field and not self.names_facet_value(facet, value.split('"')[1])):
                return self.facet_value(facet, value.split('"')[1])
            return self.phrase(value, (field,))
        if facet and not (field and not self.names_facet_value(facet, rest)):
            return self.facet_value(facet, rest)
        if field == "case":
            rest = case_number(rest) or rest
        return self.word(rest, (field,), expand_drugs=False)

    def names_facet_value(self, facet: str, text: str) -> bool:
        """Whether ``text`` is one of the facet's values as written (``guideline:odg``), so a name that
        is both a facet and a text field (``guideline:"chronic pain"``) searches the facet for its
        values and the text for anything else."""
        text = text.strip().lower()
        return text in self.lexicon(facet) or _canonical(facet, text) in self.lexicon(facet)

    def facet_value(self, facet: str, text: str) -> wq.Query:
        """The facet's values that the text names: exactly, by every word, or by a wildcard."""
        text = text.strip().lower()
        values = self.lexicon(facet)
        if text.endswith("!"):
            text = text.rstrip("!") + "*"
        if "*" in text or "?" in text:
            pattern = re.compile(re.escape(text).replace(r"\*", ".*").replace(r"\?", "."))
            matches = [v for v in values if pattern.fullmatch(v) or any(pattern.fullmatch(w) for w in _words(v))]
        else:
            exact = _canonical(facet, text) or text
            wanted = _words(text)
            matches = [v for v in values if v == exact or v == text or (wanted and contains_run(_words(v), wanted))]
        if not matches:
            return wq.Term(facet, text)  # matches nothing: an empty result, not an error
        return _either([wq.Term(facet, value) for value in matches])

    # -- leaves
    def exact(self, word: str, fields: tuple[str, ...]) -> wq.Query:
        """``#word``: that form only, in each positioned text field (no drug equivalents, no wildcards)."""
        if not re.fullmatch(r"[A-Za-z0-9]+", word):
            raise QueryError(f"#{word} : # takes one plain word (letters and digits)")
        options = []
        for field in fields:
            stems = [token.text for token in self.fields.analyzers[field](word)]
            if len(stems) == 1:
                options.append(ExactWord(field, stems[0], word) if field not in self.fields.unpositioned
                               else wq.Term(field, stems[0]))
        if not options:
            raise QueryError(f"#{word} has nothing to search for")
        return _either(options)

    def word(self, word: str, fields: tuple[str, ...], *, expand_drugs: bool) -> wq.Query:
        if word.startswith("#") and len(word) > 1:
            return self.exact(word[1:], fields)
        if word.endswith("!"):
            word = word.rstrip("!") + "*"
        if "*" in word or "?" in word:
            stem = word.strip("*?")
            if len(re.sub(r"\W", "", stem)) < 2:
                raise QueryError(f"{word!r} is too wide: give a wildcard at least two letters")
            return _either([self.wildcard(field, word.lower()) for field in fields])
        if expand_drugs and (number := case_number(word)):  # a pasted case number: its determination's items
            return wq.Term("case", number.lower())
        names = _drug_equivalents(word.lower()) if expand_drugs else ()
        options = [self.term(field, word) for field in fields]
        # Equivalent drug names only where the index holds them: every absent one would still
        # be a matcher in a deep OR that Whoosh steps through for each document.
        options += [q for q in (self.term(field, name) for field in fields for name in names)
                    if isinstance(q, wq.Term) and self.term_exists(q.fieldname, q.text)]
        options = [option for option in options if option is not None]
        if not options:
            raise QueryError(f"{word!r} has nothing to search for")
        return _either(options)

    def term(self, field: str, text: str) -> wq.Query | None:
        words = [token.text for token in self.fields.analyzers[field](text)]
        if not words:
            return None
        if len(words) == 1:
            return wq.Term(field, words[0])
        if field in self.fields.unpositioned:
            return wq.And([wq.Term(field, word) for word in words])
        return wq.Phrase(field, words)

    def wildcard(self, field: str, pattern: str) -> wq.Query:
        if pattern.endswith("*") and "*" not in pattern[:-1] and "?" not in pattern:
            prefix = pattern[:-1]
            # The text fields hold stems: "medication" is indexed as "medic", which "medicat*" does
            # not reach. So a stem the typed prefix starts with (a few letters shorter) counts too.
            stems = [wq.Term(field, prefix[:k]) for k in range(len(prefix) - 1, max(4, len(prefix) - 3) - 1, -1)
                     if self.term_exists(field, prefix[:k])]
            return _either([wq.Prefix(field, prefix), *stems])
        return wq.Wildcard(field, pattern)

    def phrase(self, token: str, fields: tuple[str, ...]) -> wq.Query:
        match = re.fullmatch(r'"([^"]*)"(?:~(\d+))?', token)
        text, slop = match[1], int(match[2] or 1)
        if not text.strip():
            raise QueryError("an empty phrase")
        options = []
        for field in fields:
            words = [t.text for t in self.fields.analyzers[field](text)]
            if len(words) == 1:
                options.append(wq.Term(field, words[0]))
            elif words and field not in self.fields.unpositioned:
                if slop > 1:  # "a b"~5: within 5 words, either order (as /5)
                    options.append(spans.SpanNear2([wq.Term(field, w) for w in words], slop=slop, ordered=False))
                else:
                    options.append(wq.Phrase(field, words))
        if not options:
            raise QueryError(f"the phrase {token} has nothing to search for")
        return _either(options)

    def near(self, left: wq.Query, right: wq.Query, connector: str) -> wq.Query:
        """Per field, both sides joined by ``connector`` (lowercase; ``+`` keeps the left side first):
        /s, /p, +s and +p within one sentence or paragraph of the field (sentences.SameUnit), the
        others within so many words."""
        in_sentences = connector in ("/s", "/p", "+s", "+p") and bool(self.fields.sentences)
        unit = "sentence" if connector.endswith("s") else "paragraph"
        ordered = connector.startswith("+")
        options = []
        for name in self.fields.default:
            if name in self.fields.unpositioned or (in_sentences and name not in self.fields.sentences):
                continue
            a, b = _spans_for(left, name), _spans_for(right, name)
            if a is None or b is None:
                continue
            if in_sentences:
                options.append(SameUnit([a, b], field=name, unit=unit, ordered=ordered))
            else:
                options.append(spans.SpanNear2([a, b], slop=_slop(connector), ordered=ordered, mindist=1))
        if not options:
            raise QueryError("/s, /p, +s and +p join words, phrases or OR-groups of them" if in_sentences
                             else "a proximity connector joins words, phrases or OR-groups of them")
        return _either(options)


def _slop(connector: str) -> int:
    """Words apart: /n and +n, and /s and /p where there are no sentence fields."""
    connector = connector.lower()
    if connector in ("/s", "+s"):
        return SENTENCE_SLOP
    if connector in ("/p", "+p"):
        return PARAGRAPH_SLOP
    return max(1, int(re.sub(r"\D", "", connector)))


def _either(options: list[wq.Query]) -> wq.Query:
    return options[0] if len(options) == 1 else wq.Or(options)


def _spans_for(query: wq.Query, field: str) -> wq.Query | None:
    """The part of ``query`` that searches ``field``, as something spans can use (a phrase is its
    words next to each other, and a #word counts as its stem)."""
    if isinstance(query, wq.Phrase):
        if query.fieldname != field:
            return None
        return spans.SpanNear2([wq.Term(field, w) for w in query.words], slop=1, ordered=True)
    if isinstance(query, (wq.Term, wq.Prefix, wq.Wildcard)):
        return query if query.fieldname == field else None
    if isinstance(query, spans.SpanNear2):  # an earlier connector of this field: usable as it is
        return query if {f for f, _ in query.iter_all_terms()} == {field} else None
    if isinstance(query, wq.Or):
        parts = [p for p in (_spans_for(q, field) for q in query.subqueries) if p is not None]
        return None if not parts else parts[0] if len(parts) == 1 else spans.SpanOr(parts)
    return None


@lru_cache(maxsize=4096)
def _drug_equivalents(word: str) -> tuple[str, ...]:
    """Other names of the same drug: "hydrocodone" -> norco, vicodin...; "norco" -> hydrocodone."""
    generic = vocab.DRUGS.get(word)
    if generic is None:
        return ()
    parts = generic.split("/")
    names = {name for name, other in vocab.DRUGS.items() if other == generic or word in other.split("/")}
    if word not in parts:
        names.add(parts[0])  # a brand also finds its main generic
    names.discard(word)
    # One-word names only: "hydrocodone/apap" adds nothing "hydrocodone" does not find, and its
    # words would be highlighted one by one ("acetaminophen" in a morphine rationale).
    return tuple(sorted(name for name in names if re.fullmatch(r"[a-z0-9]+", name)))[:40]


def contains_run(words: list[str], wanted: list[str]) -> bool:
    """``wanted`` appears in ``words`` as a run: "north carolina" in "north carolina", not "carolina north"."""
    return any(words[i:i + len(wanted)] == wanted for i in range(len(words) - len(wanted) + 1))


def parse_query(text: str, fields: Fields, lexicon: Lexicon = lambda facet: (),
                term_exists: TermExists = lambda field, text: False) -> wq.Query:
    """Parse a user's query; raises ``QueryError`` with a message for the page."""
    return _Parser(text, fields, lexicon, term_exists).parse()
