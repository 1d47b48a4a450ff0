"""Text of one IMR final determination -> a plain ``Determination`` record.

No Django here: the parser is a pure function of the text, so it is fast to test
and the corpus generator can round-trip through it.

The real archive's text comes from PDFs and from other people's extractions, so
the parser leans on the document's fixed labels ("Claims Administrator
guideline:", "MAXIMUS guideline:", "Decision rationale:") rather than on line
layout: labels glued to the previous word, blank lines after every line, CRLF,
page breaks and footers all reduce to the same sequence of labelled blocks.
"""
from __future__ import annotations

import re
from datetime import date

from . import reasons, vocab
from .citations import parse_citations
from .patterns import Twin
from .record import GENERATED_NOTICE, OUTCOMES, Determination, Item, ParseError

# -- normalisation -----------------------------------------------------------------

# Labels that always start a new line in the real layout; text extractors glue
# them to the previous word ("UpheldClaims Administrator guideline:") at page breaks.
_LABELS = (
    "Claims Administrator guideline:",
    "MAXIMUS guideline:",
    "Decision rationale:",
    "CLINICAL CASE SUMMARY",
    "IMR ISSUES, DECISIONS AND RATIONALES",
    "HOW THE IMR FINAL DETERMINATION WAS MADE",
    "The Expert Reviewer has the following credentials:",
    "State(s) of Licensure:",
    "Certification(s)/Specialty:",
)


def _label_pattern(label: str) -> str:
    """A label as extractors and retyped copies write it: any spacing, and a labelled field
    ("Decision Rationale :") in any case; the capitalised headings match as written, so the
    preamble's "following clinical case summary" stays prose."""
    words = r"\s+".join(re.escape(word) for word in label.rstrip(":").split())
    return rf"(?i:{words})\s*:" if label.endswith(":") else words


# Its matches found by RE2 in an ASCII text (nearly every one): a sixth of parsing a determination
# was Python's re trying the labels at each capital and each letter a labelled field begins with.
_LABEL_BREAKS = Twin(re.compile("|".join(f"(?P<l{i}>{_label_pattern(label)})" for i, label in enumerate(_LABELS))))
# Typographic ligatures that some PDF extractors leave in words ("ﬁbromyalgia").
_LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
                            "\ufb05": "st", "\ufb06": "st"})
_SET_FORTH = re.compile(
    r"(The Final Determination was based on decisions for the disputed\s+items/services"
    r"\s+set\s+forth\s+below:)"
)
_LONE_OUTCOME = re.compile(r"^(?:Upheld|Overturned)\.?$", re.IGNORECASE)
# Page furniture that a page break leaves inside a rationale.
_FOOTER = re.compile(
    r"^(?:page\s+\d+(?:\s+of\s+\d+)?|\d+\s+of\s+\d+|-\s*\d+\s*-|\d{1,3}|"
    r"(?:case\s+number:?\s*)?[A-Z]{2}\d{2}-\d{5,8}|"
    r"IMR\s+Final\s+Determination.*|Final\s+Determination\s+Letter.*)$",
    re.IGNORECASE,
)


def normalise(text: str) -> list[str]:
    """Non-blank, stripped lines, with labels on lines of their own and footers dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    # pdfium marks a hyphen it inserted at a line wrap with U+FFFE: the word was split.
    text = re.sub(r"\ufffe\s*", "", text)
    text = text.replace("\u00ad", "").replace("\xa0", " ").replace("\u200b", "").translate(_LIGATURES)
    text = _LABEL_BREAKS.sub(_canonical_label, text)
    text = _SET_FORTH.sub(r"\n\1\n", text)
    lines = [" ".join(raw.split()) for raw in text.split("\n")]
    lines = [line for line in lines if line]
    # The header table ("Case Number: CM16-0213037") is not page furniture; what follows it may be.
    body = next((i for i, line in enumerate(lines) if line.startswith(_LABELS)), 0)
    kept = lines[:body]
    for line in lines[body:]:
        if _FOOTER.match(line):
            continue
        # "...for the lumbar spine:" / "Upheld": an outcome wrapped onto a line of its own.
        if kept and _LONE_OUTCOME.match(line) and kept[-1].endswith(":"):
            kept[-1] = f"{kept[-1]} {line}"
        elif _outcome_line(line) and (glued := _GLUED_HEADING.match(line)):
            kept += [glued[1], line[len(glued[1]):]]
        else:
            kept.append(line)
    return kept


def _canonical_label(match: re.Match[str]) -> str:
    """The label as the parser looks for it, on a line of its own."""
    index = int(match.lastgroup[1:])  # type: ignore[index]
    return "\n" + _LABELS[index]


def join_lines(lines: list[str]) -> str:
    """Lines of one paragraph as one string: words split by a line-wrap hyphen joined back.

    Built as a list of pieces, in time linear in the text: adding each line to one growing string
    copied it every time, which took a minute for an 8 MB document."""
    pieces: list[str] = []
    tail, length = "", 0  # the text so far: its last two characters, and its length
    for line in lines:
        if tail.endswith("-") and length > 1 and tail[-2].isalpha() and line[:1].islower():
            pieces[-1] = pieces[-1][:-1]  # the line-wrap hyphen goes
            tail, length = tail[:-1], length - 1
        elif tail.endswith(("-", "/")) and tail[-2:-1].isdigit() and line[:1].isdigit():
            pass  # a date or a dose wrapped at its separator: "10-" / "17-2016"
        elif pieces:
            pieces.append(" ")
            tail, length = (tail + " ")[-2:], length + 1
        pieces.append(line)
        tail, length = (tail + line)[-2:], length + len(line)
    return " ".join("".join(pieces).split())


# -- dates -------------------------------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
         ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
         ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")],
        start=1,
    )
    for name in names
}
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
DATE_PATTERN = (
    r"(?:\d{1,2}\s?[/-]\s?\d{1,2}\s?[/-]\s?\d{2,4}"
    r"|\d{4}-\d{1,2}-\d{1,2}"
    rf"|(?:{_MONTH_NAMES})\.?\s+\d{{1,2}},?\s+\d{{4}})"
)
_NUMERIC_DATE = re.compile(r"(\d{1,2})\s?[/-]\s?(\d{1,2})\s?[/-]\s?(\d{2,4})$")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})$")
_NAMED_DATE = re.compile(rf"({_MONTH_NAMES})\.?\s+(\d{{1,2}}),?\s+(\d{{4}})$", re.IGNORECASE)


def parse_date(text: str, *, latest_year: int = 2035) -> date | None:
    """10-13-16, 10/13/2016, 9/3/02, February 29, 2012 or 2012-02-29; None if not a real date.

    Two-digit years belong to this century unless that would put them after
    ``latest_year`` (an injury in '92 is 1992, not 2092).
    """
    text = text.strip().rstrip(".,")
    if match := _NUMERIC_DATE.match(text):
        month, day, year = (int(group) for group in match.groups())
        if year < 100:
            year += 2000 if 2000 + year <= latest_year else 1900
    elif match := _ISO_DATE.match(text):
        year, month, day = (int(group) for group in match.groups())
    elif match := _NAMED_DATE.match(text):
        month, day, year = _MONTHS[match[1].lower()], int(match[2]), int(match[3])
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


# -- header ------------------------------------------------------------------------

# The header table: each label with its kind of value. Extractors keep a label beside its value
# ("Case Number: CM16-0229336"), put the value on the next line, give a column of labels and then
# a column of values (pdftotext's default order), or put a value above its label (pdfminer);
# _header_values reads them all.
_HEADER_LABELS = {
    "case_number": (r"(?:IMR\s+)?Case\s+Number", "case"),
    "date_assigned": (r"Date\s+Assigned", "date"),
    "decision_date": (r"Decision\s+Date", "date"),
    "injury_date": (r"Date\s+of\s+Injury", "date"),
    "ur_denial_date": (r"UR\s+Denial\s+Date", "date"),
    "application_received": (r"Application\s+Received", "date"),  # not kept; read so the columns line up
    "priority": (r"Priority", "priority"),
}
_HEADER_VALUES = {"case": r"\b[A-Z]{2}\d{2}-\d{5,8}\b", "date": DATE_PATTERN, "priority": r"\b(?:Standard|Expedited?)\b"}
_HEADER_TOKEN = re.compile(
    "|".join([rf"(?P<label_{field}>{label})\s*:?" for field, (label, _) in _HEADER_LABELS.items()]
             + [f"(?P<value_{kind}>{pattern})" for kind, pattern in _HEADER_VALUES.items()]),
    re.IGNORECASE,
)
_KEPT_HEADER_FIELDS = ("date_assigned", "decision_date", "injury_date", "ur_denial_date")


def _header_values(head: str) -> dict[str, str]:
    """Header label -> the text of its value, whatever order the extractor left them in.

    A value on its label's line, right after it, belongs to it. The others are paired in
    reading order by kind: a value goes to the first label still waiting for one (a column of
    labels, then a column of values), and a label takes the first value that came before any
    label wanted it (pdfminer puts some values above their labels).
    """
    tokens = [(*match.lastgroup.split("_", 1), match) for match in _HEADER_TOKEN.finditer(head)]  # type: ignore[union-attr]
    found: dict[str, str] = {}
    paired: set[int] = set()
    for position in range(1, len(tokens)):
        (role, name, label), (value_role, kind, value) = tokens[position - 1], tokens[position]
        if (role, value_role) == ("label", "value") and _HEADER_LABELS[name][1] == kind \
                and "\n" not in head[label.end():value.start()]:
            found[name] = value.group()
            paired |= {position - 1, position}
    waiting: list[str] = []  # labels, in order, still without a value
    unclaimed: list[tuple[str, str]] = []  # (kind, text) of values no label has taken yet
    for position, (role, name, match) in enumerate(tokens):
        if position in paired or name in found:
            continue
        kind = _HEADER_LABELS[name][1] if role == "label" else name
        if role == "label":
            earlier = next((entry for entry in unclaimed if entry[0] == kind), None)
            if earlier:
                unclaimed.remove(earlier)
                found[name] = earlier[1]
            else:
                waiting.append(name)
        elif label := next((label for label in waiting if _HEADER_LABELS[label][1] == kind), None):
            waiting.remove(label)
            found[label] = match.group()
        else:
            unclaimed.append((kind, match.group()))
    return found


def _parse_header(head: str, record: Determination) -> None:
    values = _header_values(head)
    if "case_number" in values:
        record.case_number = values["case_number"].upper()
    for field in _KEPT_HEADER_FIELDS:
        if field in values:
            setattr(record, field, parse_date(values[field]))


# -- reviewer ----------------------------------------------------------------------

_STATES_LINE = re.compile(r"State\(s\) of Licensure:(.*?)(?=Certification\(s\)/Specialty:|$)", re.DOTALL)
_SPECIALTY_LINE = re.compile(r"Certification\(s\)/Specialty:(.*?)(?=State\(s\) of Licensure:|$)", re.DOTALL)
_SUBSPECIALTY_LINE = re.compile(r"Sub-?specialt(?:y|ies)(?:\(s\))?:(.*?)(?=State\(s\)|Certification|$)", re.DOTALL)
_PROSE_CREDENTIALS = re.compile(
    r"expert\s+reviewer\s+is\s+(?:Board\s+Certified|certified|Board\s+Eligible)\s+in\s+(?P<specialties>.+?)"
    r"(?:,?\s+(?:and\s+)?has\s+a\s+subspecialty\s+in\s+(?P<subspecialties>.+?))?"
    r",?\s+and\s+is\s+licensed\s+to\s+practice\s+in\s+(?P<states>.+?)\.(?:\s|$)",
    re.IGNORECASE | re.DOTALL,
)


def _parse_reviewer(credentials: str, record: Determination) -> None:
    if match := _PROSE_CREDENTIALS.search(credentials):
        record.reviewer_specialties = vocab.split_specialties(match["specialties"])
        record.reviewer_subspecialties = vocab.split_specialties(match["subspecialties"] or "")
        record.reviewer_states = vocab.split_states(match["states"])
        return
    if match := _STATES_LINE.search(credentials):
        record.reviewer_states = vocab.split_states(match[1])
    if match := _SPECIALTY_LINE.search(credentials):
        value = _SUBSPECIALTY_LINE.split(match[1])[0]
        record.reviewer_specialties = vocab.split_specialties(value)
    if match := _SUBSPECIALTY_LINE.search(credentials):
        record.reviewer_subspecialties = vocab.split_specialties(match[1])


# -- case summary ------------------------------------------------------------------

_SUMMARY_PREAMBLE = re.compile(
    r"^The expert reviewer developed the following clinical case summary based on a review of"
    r"\s+the case file, including all medical records:\s*",
    re.IGNORECASE,
)
_GAP = r"[\s\-\u2010-\u2015]*"  # "48 year old", "48-year-old", "48–year–old"
_AGE_SEX = re.compile(
    rf"\b(\d{{1,3}}){_GAP}(?:year|yr)s?{_GAP}old,?\s+(?:\w+\s+){{0,2}}?"
    r"(male|female|man|woman|gentleman|lady|boy|girl)\b",
    re.IGNORECASE,
)
_AGE_ONLY = re.compile(rf"\b(\d{{1,3}}){_GAP}(?:year|yr)s?{_GAP}old\b", re.IGNORECASE)
_SEX_WORDS = {"male": "male", "man": "male", "gentleman": "male", "boy": "male",
              "female": "female", "woman": "female", "lady": "female", "girl": "female"}
_SUMMARY_INJURY = re.compile(
    rf"(?:injur(?:y|ies|ed)|claim)\b[^.]{{0,60}}?\b(?:on|from|of|dated|date)\s+({DATE_PATTERN})",
    re.IGNORECASE,
)
_DATE_OF_INJURY = re.compile(rf"(?:date of injury|DOI)\s*(?:of|was|is|:)?\s*({DATE_PATTERN})", re.IGNORECASE)


def _parse_summary(summary: str, record: Determination) -> None:
    if match := _AGE_SEX.search(summary):
        record.patient_age = int(match[1])
        record.patient_sex = _SEX_WORDS[match[2].lower()]
    elif match := _AGE_ONLY.search(summary):
        record.patient_age = int(match[1])
    if record.patient_sex is None:
        he = len(re.findall(r"\b(?:he|his|him)\b", summary, re.IGNORECASE))
        she = len(re.findall(r"\b(?:she|her|hers)\b", summary, re.IGNORECASE))
        if he != she and (he >= 2 or she >= 2):
            record.patient_sex = "male" if he > she else "female"
    if record.injury_date is None:
        latest = record.decision_date.year if record.decision_date else 2035
        for pattern in (_DATE_OF_INJURY, _SUMMARY_INJURY):
            if match := pattern.search(summary):
                record.injury_date = parse_date(match[1], latest_year=latest)
                break


# -- disputed items ----------------------------------------------------------------

_OUTCOME_LINE = re.compile(
    r"^(?P<head>.*?)\s*:\s*(?P<outcome>Upheld|Overturned)\s*\.?$", re.IGNORECASE
)
_OUTCOME_WORDS = ("upheld", "overturned")


def _outcome_line(line: str) -> re.Match[str] | None:
    """``_OUTCOME_LINE.match(line)``, tried only on a line that ends with an outcome word (past
    white space and full stops), as every match does: the pattern's lazy head was tried at every
    character of every line of prose, twice a document."""
    tail = line.rstrip().rstrip(".").rstrip()[-len(_OUTCOME_WORDS[1]):]
    return _OUTCOME_LINE.match(line) if tail.lower().endswith(_OUTCOME_WORDS) else None


_ITEM_LABELS = ("Claims Administrator guideline:", "MAXIMUS guideline:", "Decision rationale:")
# A rationale's last line that ends without a full stop still ends the rationale.
_RATIONALE_END = re.compile(
    r"(?:medically\s+necessary|not\s+(?:supported|recommended|indicated|certified|established)"
    r"|appropriate)\W*$",
    re.IGNORECASE,
)
# "necessary.X-rays of the lumbar spine: Upheld": a heading glued to the sentence before it.
_GLUED_HEADING = re.compile(r"^(.*[a-z]{3,}[.)])(?=[A-Z0-9])")
# "1. Norco 10/325mg #90: Upheld": a list number is not part of the request.
_ITEM_NUMBER = re.compile(r"^\(?\d{1,2}[.)]\s+(?=\S)")
_PARTIAL_REQUEST = re.compile(r"\boriginal\s+request,\s+(?P<request>.+?)(?:,?\s+is)?$", re.IGNORECASE)


def _is_outcome_line(lines: list[str], index: int) -> bool:
    """An outcome heading is followed by an item label, never by more prose."""
    if not _outcome_line(lines[index]):
        return False
    following = lines[index + 1] if index + 1 < len(lines) else ""
    return following.startswith(_ITEM_LABELS)


def _heading_start(lines: list[str], outcome_index: int, floor: int) -> int:
    """Walk back from the outcome line over the lines of a wrapped item heading."""
    start = outcome_index
    while start > floor:
        previous = lines[start - 1]
        if previous.startswith(_ITEM_LABELS) or previous.startswith("The Final Determination was based"):
            break
        ends_sentence = previous.endswith((".", "?", "!")) or _RATIONALE_END.search(previous)
        partial = outcome_index - start < 6 and _inside_partial(lines[start:outcome_index + 1])
        if ends_sentence and not lines[start][:1].islower() and not partial:
            break
        start -= 1
    return start


def _inside_partial(heading: list[str]) -> bool:
    """A partial certification's heading is several sentences: keep going back to its first one."""
    text = " ".join(heading)
    return bool(re.search(r"\boriginal\s+request\b", text, re.IGNORECASE)) and not re.search(
        r"\bwas\s+the\s+original\s+request\b", text, re.IGNORECASE)


def _split_label_blocks(lines: list[str]) -> dict[str, list[str]]:
    blocks: dict[str, list[str]] = {label: [] for label in _ITEM_LABELS}
    current = None
    for line in lines:
        for label in _ITEM_LABELS:
            if line.startswith(label):
                current = label
                line = line[len(label):].strip()
                break
        if current is not None and line:
            blocks[current].append(line)
    return blocks


def _parse_item(heading_lines: list[str], body: list[str], number: int) -> Item:
    heading = join_lines(heading_lines)
    match = _outcome_line(heading)
    assert match is not None  # the caller found this outcome line
    head, outcome = _ITEM_NUMBER.sub("", match["head"].strip()), match["outcome"].capitalize()
    original_request = ""
    if partial := _PARTIAL_REQUEST.search(head):
        original_request, head = head, partial["request"]
    blocks = _split_label_blocks(body)
    rationale = join_lines(blocks["Decision rationale:"])
    if not rationale:
        raise ParseError(f"disputed item {number} ({head!r}) has no decision rationale: the text is cut off")
    return make_item(
        request=head,
        outcome=outcome,
        claims_guideline=join_lines(blocks["Claims Administrator guideline:"]),
        maximus_guideline=join_lines(blocks["MAXIMUS guideline:"]),
        rationale=rationale,
        original_request=original_request,
    )


def make_item(*, request: str, outcome: str, claims_guideline: str, maximus_guideline: str, rationale: str,
              original_request: str = "") -> Item:
    """An item from its texts: what the request and the guideline line say is derived here, once."""
    found = vocab.find_drug(request)
    drug, brand = found if found else (None, None)
    return Item(
        request=request,
        outcome=outcome,
        drug=drug,
        brand=brand,
        strength=vocab.find_strength(request) if drug else None,
        quantity=vocab.find_quantity(request),
        category=vocab.categorize(request, drug),
        guidelines=vocab.guideline_sources(maximus_guideline),
        claims_guideline=claims_guideline,
        maximus_guideline=maximus_guideline,
        rationale=rationale,
        original_request=original_request,
        citations=parse_citations(maximus_guideline),
        reasons=reasons.labels(rationale, outcome),
    )


def _parse_items(lines: list[str]) -> list[Item]:
    outcome_indexes = [i for i in range(len(lines)) if _is_outcome_line(lines, i)]
    items = []
    floor = 0
    starts = []
    for index in outcome_indexes:
        starts.append(_heading_start(lines, index, floor))
        floor = index + 1
    for number, (start, index) in enumerate(zip(starts, outcome_indexes), start=1):
        end = starts[number] if number < len(starts) else len(lines)
        items.append(_parse_item(lines[start:index + 1], lines[index + 1:end], number))
    return items


# -- the document ------------------------------------------------------------------

# The 2013-14 letters: a "Notice of ... Determination", or a "Final Determination Letter" whose
# decisions sit under "INDEPENDENT MEDICAL REVIEW DECISION AND RATIONALE" as "Rationale for the Decision:".
_OLD_FORMAT = re.compile(
    r"Notice\s+of\s+Independent\s+Medical\s+Review\s+Determination|^MEDICAL PROFESSIONAL REVIEW\b"
    r"|^INDEPENDENT MEDICAL REVIEW DECISIONS? AND RATIONALES?\b|^Rationale\s+for\s+the\s+Decision\s*:"
    r"|Medical\s+Treatment\s+Guideline\(s\)\s+Used\s+by\s+the\s+Expert\s+Reviewer",
    re.IGNORECASE | re.MULTILINE,
)
_ISSUES_HEADING = "IMR ISSUES, DECISIONS AND RATIONALES"
_SUMMARY_HEADING = "CLINICAL CASE SUMMARY"
_HOW_HEADING = "HOW THE IMR FINAL DETERMINATION WAS MADE"


def _index_of(lines: list[str], heading: str) -> int | None:
    target = heading.upper()
    return next((i for i, line in enumerate(lines) if line.upper().startswith(target)), None)


def parse(text: str) -> Determination:
    """Parse one determination's text; raises ``ParseError`` saying why it cannot."""
    if not text or not text.strip():
        raise ParseError("the document is empty")
    if "\x00" in text[:4096]:
        raise ParseError("the document is binary, not text")
    lines = normalise(text)
    issues_at = _index_of(lines, _ISSUES_HEADING)
    summary_at = _index_of(lines, _SUMMARY_HEADING)
    if issues_at is None and _OLD_FORMAT.search("\n".join(lines[:200])):
        raise ParseError(
            "an older-format determination (a 2013-14 'Notice of Independent Medical Review "
            "Determination' or letter without 'IMR ISSUES, DECISIONS AND RATIONALES'); only the "
            "final determinations in the later format are read"
        )
    if issues_at is None:
        if summary_at is not None or _index_of(lines, _HOW_HEADING) is not None:
            raise ParseError(f"the text is cut off before its decisions (no '{_ISSUES_HEADING}')")
        raise ParseError("not an IMR final determination: none of its headings were found")

    record = Determination(generated=GENERATED_NOTICE in text[:1000])
    head_end = _index_of(lines, _HOW_HEADING)
    credentials_end = summary_at if summary_at is not None else issues_at
    _parse_header("\n".join(lines[: head_end if head_end is not None else credentials_end]), record)
    _parse_reviewer(" ".join(lines[head_end or 0:credentials_end]), record)
    if summary_at is not None:
        record.summary = _SUMMARY_PREAMBLE.sub("", join_lines(lines[summary_at + 1:issues_at]))
    _parse_summary(record.summary, record)

    decisions = lines[issues_at + 1:]
    if decisions and decisions[0].startswith("The Final Determination was based"):
        decisions = decisions[1:]
    record.items = _parse_items(decisions)
    if not record.items:
        raise ParseError("no disputed items with an outcome (Upheld or Overturned) were found")
    if any(item.outcome not in OUTCOMES for item in record.items):
        raise ParseError("an item has an outcome other than Upheld or Overturned")
    return record
