"""The guidelines an item's reviewer cites, as structured citations: source, guideline (the
chapter or book), section, pages and edition, with the same section cited in other words, spacing
or case grouped under one key and one name.

Pure standard library, no Django, like vocab.py: the parser calls it for every item. The tables
of canonical guidelines and sections were built from the real determinations (the DWC letters of
2016-17 and the seeds) and from the MTUS and ODG tables of contents; a section not in them keeps
the name it was cited by, tidied, and still groups with its other spellings by its key.

The "MAXIMUS guideline:" line reads, in the archive's words:
    Decision based on MTUS Chronic Pain Medical Treatment 2016, Section(s): Opioids, criteria for
    use, and Low Back Complaints 2004, Section(s): Special Studies. Decision based on Non-MTUS
    Citation Official Disability Guidelines (ODG) Pain (Chronic), Urine drug testing (UDT).
or, in the older letters, "MTUS Chronic Pain Treatment Guidelines Opioids Page(s): 91-97".
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache

MTUS, ACOEM, ODG = "MTUS", "ACOEM", "ODG"
OTHER = "Other"

# -- canonical guidelines: source -> canonical name -> the patterns it is cited by -------------

_COMPLAINT_AREAS = {
    "Neck and Upper Back": r"Neck\s*(?:and|&)\s*Upper\s+Back",
    "Shoulder": r"Shoulders?",
    "Elbow": r"Elbows?",
    "Forearm, Wrist, and Hand": r"Forearm,?\s*Wrist,?\s*(?:and|&)?\s*Hand",
    "Low Back": r"Low(?:er)?\s+Back",
    "Knee": r"Knees?",
    "Ankle and Foot": r"Ankle\s*(?:and|&)\s*Foot",
}

GUIDELINES: dict[str, dict[str, str]] = {
    MTUS: {
        "Chronic Pain Medical Treatment Guidelines":
            r"Chronic\s+Pain(?:\s+Medical)?\s+Treatment(?:\s+Guidelines?)?|9792\.2[0-6]\s*-\s*9792\.2[0-6]",
        "Opioid Treatment Guidelines": r"Opioids?\s+Treatment(?:\s+Guidelines?)?",
        "Acupuncture Medical Treatment Guidelines": r"Acupuncture(?:\s+Medical)?\s+Treatment(?:\s+Guidelines?)?",
        "Postsurgical Treatment Guidelines": r"Post-?\s*surgical\s+Treatment(?:\s+Guidelines?)?",
        "General Approaches": r"General\s+Approach(?:es)?",
        "Stress Related Conditions": r"Stress[-\s]+Related\s+Conditions",
        **{f"{area} Complaints": rf"{pattern}\s+Complaints" for area, pattern in _COMPLAINT_AREAS.items()},
    },
    ODG: {
        "Pain (Chronic)": r"Pain\s*\(\s*Chronic\s*\)|Chronic\s+Pain|Pain(?=\s*(?:Chapter|Section|,|/|$))",
        "Low Back": r"Low(?:er)?\s+Back(?:\s*[-\u2013]\s*Lumbar\s*(?:and|&)\s*Thoracic)?",
        "Neck and Upper Back": r"Neck\s*(?:and|&)\s*Upper\s+Back",
        "Shoulder": r"Shoulder",
        "Elbow": r"Elbow",
        "Forearm, Wrist and Hand": r"Forearm,?\s*Wrist,?\s*(?:and|&)?\s*Hand",
        "Hip and Pelvis": r"Hips?\s*(?:and|&)\s*Pelvis",
        "Knee and Leg": r"Knee\s*(?:and|&)\s*Leg",
        "Ankle and Foot": r"Ankle\s*(?:and|&)\s*Foot",
        "Head": r"Head",
        "Mental Illness and Stress": r"Mental\s+(?:Illness|Health)\s*(?:and|&)\s*Stress|Mental\s+Illness",
        "Carpal Tunnel Syndrome": r"Carpal\s+Tunnel(?:\s+Syndrome)?",
        "Traumatic Brain Injury": r"Traumatic\s+Brain\s+Injury|TBI",
        "Eye": r"Eye",
        "Hernia": r"Hernia",
        "Pulmonary": r"Pulmonary",
        "Burns": r"Burns",
        "Diabetes": r"Diabetes",
        "Fitness for Duty": r"Fitness\s+for\s+Duty",
    },
    ACOEM: {  # the 3rd edition's chapters, named with "Disorders" or "Chapter" after the body part
        **{name: rf"(?:{area})\s*(?:Disorders|Complaints|Chapter)\b" for name, area in {
            "Low Back Disorders": r"Low(?:er)?\s+Back|Lumbar(?:\s+Spine)?",
            "Cervical and Thoracic Spine Disorders": r"Cervical(?:\s+and\s+Thoracic)?(?:\s+Spine)?|Neck(?:\s+and\s+Upper\s+Back)?",
            "Shoulder Disorders": r"Shoulder",
            "Elbow Disorders": r"Elbow",
            "Hand, Wrist, and Forearm Disorders": r"(?:Hand,?\s*)?Wrist(?:,?\s*(?:and\s+|&\s*)?(?:Hand|Forearm))*|Hand|Forearm",
            "Hip and Groin Disorders": r"Hip(?:\s*(?:and|&)\s*Groin)?",
            "Knee Disorders": r"Knee",
            "Ankle and Foot Disorders": r"Ankle(?:\s*(?:and|&)\s*Foot)?|Foot",
            "Eye Disorders": r"Eye",
        }.items()},
        "Chronic Pain": r"Chronic\s+Pain",
        "Opioids": r"Opioids",
        "Occupational Interstitial Lung Disease": r"Interstitial\s+Lung\s+Disease",
        "Work-Related Asthma": r"Work[-\s]Related\s+Asthma",
    },
}

# ACOEM Practice Guidelines (2nd ed., 2004) chapters by number, as MTUS adopted them.
ACOEM_CHAPTERS = {
    **dict.fromkeys(range(1, 8), "General Approaches"),
    8: "Neck and Upper Back Complaints", 9: "Shoulder Complaints", 10: "Elbow Complaints",
    11: "Forearm, Wrist, and Hand Complaints", 12: "Low Back Complaints", 13: "Knee Complaints",
    14: "Ankle and Foot Complaints", 15: "Stress Related Conditions",
}

# -- canonical sections: (source, guideline) -> canonical name -> other names it is cited by -----
# Only where the words differ beyond case, spacing, punctuation and plural (section_key folds those).

SECTIONS: dict[tuple[str, str], dict[str, tuple[str, ...]]] = {
    (MTUS, "Chronic Pain Medical Treatment Guidelines"): {
        "Opioids, criteria for use": ("criteria for use of opioids", "opioids criteria for use", "opioid criteria"),
        "Opioids for chronic pain": ("opioids chronic pain",),
        "Opioids": ("opioids section", "opioid"),
        "Medications for chronic pain": ("medication for chronic pain",),
        "Physical medicine treatment": ("physical medicine", "physical medicine guidelines"),
        "NSAIDs (non-steroidal anti-inflammatory drugs)": ("nsaids", "non-steroidal anti-inflammatory drugs"),
        "NSAIDs, GI symptoms & cardiovascular risk": ("nsaids gi symptoms and cardiovascular risk",),
        "Proton pump inhibitors (PPIs)": ("proton pump inhibitors", "ppis", "ppi"),
        "Muscle relaxants (for pain)": ("muscle relaxants",),
        "Cyclobenzaprine (Flexeril)": ("cyclobenzaprine", "flexeril"),
        "Topical analgesics": ("topical analgesic",),
        "Lidoderm (lidocaine patch)": ("lidoderm", "lidocaine patch", "lidocaine"),
        "TENS, chronic pain (transcutaneous electrical nerve stimulation)": ("tens chronic pain", "tens"),
        "Electrodiagnostic testing (EMG/NCS)": ("electrodiagnostic testing", "emg ncs"),
        "Weaning of medications": ("weaning of medication",),
        "Benzodiazepines": ("benzodiazepine",),
        "Antidepressants for chronic pain": ("antidepressants",),
        "Anti-epilepsy drugs (AEDs)": ("anti-epilepsy drugs", "antiepilepsy drugs (aeds)", "aeds"),
        "Manual therapy & manipulation": ("manual therapy and manipulation", "chiropractic manipulation"),
        "Compound drugs": ("compounded drugs",),
        "Urine drug testing": ("drug testing", "urine drug screen"),
    },
    (MTUS, "Opioid Treatment Guidelines"): {},
}

_LONGEST_KEY = 200
# Words a citation wraps around a section's name without being part of it.
_SECTION_NOISE = re.compile(r"^(?:section|topic|chapter)s?\b\s*|\s*\b(?:section|topic|chapter)s?$", re.IGNORECASE)


@dataclass(frozen=True)
class Citation:
    source: str  # MTUS, ACOEM, ODG, or another source's name (UpToDate, a journal, "Web")
    guideline: str  # the guideline or chapter, canonical; "" when none is named
    section: str  # the section or topic, canonical; "" when the citation names none
    pages: str = ""  # "76-78, 88-89"
    edition: str = ""  # "2016", "3rd ed."
    as_written: str = ""  # the words of the citation in the determination

    @property
    def key(self) -> str:
        """One key per section however it was written: the facet value and the URL of its page."""
        return section_key(self.source, self.guideline, self.section)

    @property
    def title(self) -> str:
        """The section with its guideline, as a page names it."""
        return section_title(self.source, self.guideline, self.section)


@lru_cache(maxsize=1 << 16)  # a few thousand names and sections are most of what is cited
def _fold(text: str) -> str:
    """Case, spacing, punctuation and plural folded away: "Cervical Pillows." -> "cervical-pillow"."""
    text = text.casefold().replace("&", " and ").replace("®", "").replace("™", "")
    words = re.findall(r"[a-z0-9]+", text)
    return "-".join(_singular(word) for word in words)


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@lru_cache(maxsize=1024)  # one per guideline cited: the tables name a few dozen
def _canonical_names(source: str, guideline: str) -> dict[str, str]:
    """Each folded name of the guideline's sections (SECTIONS) -> its canonical name; a name two
    sections share goes to the first."""
    found: dict[str, str] = {}
    for canonical, others in SECTIONS.get((source, guideline), {}).items():
        for name in (canonical, *others):
            found.setdefault(_fold(name), canonical)
    return found


def _canonical_section(source: str, guideline: str, section: str) -> str:
    canonical = _canonical_names(source, guideline).get(_fold(section))
    return _tidy(section) if canonical is None else canonical


def _tidy(section: str) -> str:
    """A section not in the tables, as cited: spacing, stray stops and shouting tidied."""
    section = " ".join(section.split()).strip(" .,;:-/")
    if section.isupper() and len(section) > 5:
        section = section.capitalize()
    elif section[:1].islower():
        section = section[:1].upper() + section[1:]
    return section


def section_key(source: str, guideline: str, section: str) -> str:
    """``mtus--chronic-pain-medical-treatment-guideline--opioid-criteria-for-use``: lowercase,
    no commas (it is a facet value) and a URL path segment."""
    key = "--".join(_fold(part) or "none" for part in (source, guideline, section))
    if len(key) > _LONGEST_KEY:  # a long title cited as a section: cut, and kept apart by a digest
        key = f"{key[:_LONGEST_KEY - 13].rstrip('-')}--{hashlib.sha1(key.encode()).hexdigest()[:10]}"
    return key


def section_title(source: str, guideline: str, section: str) -> str:
    return " · ".join(part for part in (source, guideline, section) if part)


# -- reading a MAXIMUS guideline line ---------------------------------------------------------

_NO_CITATION = re.compile(r"did\s+not\s+cite\s+any\s+(?:medical\s+)?evidence", re.IGNORECASE)
_OUTSIDE_MTUS = re.compile(
    r"The\s+Expert\s+Reviewer\s+based\s+(?:their|his|her|its)\s+decision\s+on\s+recommendations?(?:\(s\))?\s+"
    r"outside\s+of\s+the\s+MTUS(?:\s+Guidelines?)?\.?", re.IGNORECASE)
_DECISION_BASED_ON = re.compile(r"\b(?:Decision|Determination)\s+(?:was\s+)?based\s+on\b:?", re.IGNORECASE)
_NON_MTUS = re.compile(r"^\s*Non[-\s]?MTUS(?:\s+Citations?)?\s*:?\s*", re.IGNORECASE)
_OTHER_GUIDELINES = re.compile(r"\s*(?:\band\s+)?\bOther\s+Medical\s+Treatment\s+Guidelines?\b:?\s*", re.IGNORECASE)
_MTUS_WORD = re.compile(
    r"^\s*(?:the\s+)?(?:California\s+)?(?:MTUS|Medical\s+Treatment\s+Utilization\s+Schedule)(?:\s*\(MTUS\))?"
    r"(?:\s+Guidelines?)?\s*[:,]?\s*", re.IGNORECASE)
_ODG_WORD = re.compile(r"(?:Official\s+Disability\s+Guidelines?\s*(?:\(ODG\))?|\bODG\b)\s*[:,]?\s*", re.IGNORECASE)
_ACOEM_WORD = re.compile(
    r"(?:American\s+College\s+of\s+Occupational\s+and\s+Environmental\s+Medicine\s*(?:\(ACOEM\))?|\bACOEM\b)"
    r"(?:\s+Occupational\s+Medicine)?(?:\s+Practice)?(?:\s+Guidelines?)?\s*[:,]?\s*", re.IGNORECASE)
_PAGES = re.compile(
    r"[,;.]?\s*\b(?:Page\s*\(s\)|Pages?|pgs?\.?|pp\.?|p\.)\s*:?\s*(?P<pages>\d[\d\s,;&and-]*\d|\d)", re.IGNORECASE)
_SECTIONS_LABEL = re.compile(r",?\s*Sections?\s*\(s\)\s*:\s*|,?\s*Sections?\s*:\s*", re.IGNORECASE)
_EDITION = re.compile(
    r"^[\s,]*(?:\(?(?P<year>(?:19|20)\d\d)\)?|(?P<ed>\d(?:st|nd|rd|th)\s+ed(?:ition|\.)?(?:\s*\((?:19|20)\d\d\))?))"
    r"(?:\s+Guidelines?)?[\s,]*", re.IGNORECASE)
_CHAPTER_NUMBER = re.compile(r"\bChapter\s+(\d{1,2})\b\s*[,:-]?\s*", re.IGNORECASE)
# The ODG's full title, which the 2014-15 letters put before the chapter.
_ODG_TITLE = re.compile(r"^\s*(?:Treatment\s+Integrated|Integrated\s+Treatment)\s*/\s*Disability\s+Duration\s+Guidelines?\s*[,:]?\s*",
                        re.IGNORECASE)
_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
# Two section names a PDF extractor glued together: "CRITERIA FOR USE OF OPIOIDSMedication for".
_GLUED = re.compile(r"(?<=[A-Z]{4})(?=[A-Z][a-z]{2,})")
# The regulation's section numbers stand for the whole Chronic Pain guideline: not a section.
_REGULATION = re.compile(r"\b9792\.\d+(?:\s*-\s*9792\.\d+)?")
# A second guideline of one MTUS citation follows ", and " or "and ": "Special Studies, and Chronic Pain ...".
_NEXT_GUIDELINE = re.compile(r"(?:,|\band)\s*$")
# Named sources other than the three guidelines, by the words that name them.
OTHER_SOURCES = {
    "UpToDate": r"UpToDate",
    "Medscape": r"Medscape",
    "Micromedex": r"Micromedex",
    "FDA": r"\bFDA\b|Food\s+and\s+Drug\s+Administration",
    "Drugs.com": r"drugs\.com",
    "National Guideline Clearinghouse": r"National\s+Guidelines?\s+Clearinghouse",
    "AAOS": r"\bAAOS\b|American\s+Academy\s+of\s+Orthopa?edic\s+Surgeons",
    "ASIPP": r"\bASIPP\b|American\s+Society\s+of\s+Interventional\s+Pain\s+Physicians",
    "ACC/AHA": r"\bACC/AHA\b|American\s+Heart\s+Association",
    "Work Loss Data Institute": r"Work\s+Loss\s+Data\s+Institute",
    "MedlinePlus": r"MedlinePlus",
    "PubMed": r"PubMed",
    "Cochrane": r"Cochrane",
}
_OTHER_SOURCE_PATTERNS = [(name, re.compile(pattern, re.IGNORECASE)) for name, pattern in OTHER_SOURCES.items()]
_GUIDELINE_PATTERNS = {
    source: [(name, re.compile(rf"(?:{pattern})(?:\s+(?:Chapter|Section))?", re.IGNORECASE))
             for name, pattern in names.items()]
    for source, names in GUIDELINES.items()
}


def parse_citations(text: str) -> list[Citation]:
    """Every citation of a MAXIMUS guideline line, in the order written; [] when it cites none."""
    text = " ".join(text.split())
    if not text or _NO_CITATION.search(text):
        return []
    text = _OUTSIDE_MTUS.sub(" ", text)
    found: list[Citation] = []
    for part in _DECISION_BASED_ON.split(text):
        part = part.strip(" .")
        if not part:
            continue
        if non_mtus := _NON_MTUS.match(part):
            for cited in _OTHER_GUIDELINES.split(part[non_mtus.end():]):
                found += _non_mtus(cited.strip(" .,;"))
        elif mtus := _MTUS_WORD.match(part):
            found += _mtus(part[mtus.end():])
        else:
            found += _non_mtus(part)
    return _unique(found)


def _unique(citations: list[Citation]) -> list[Citation]:
    seen: set[tuple[str, str]] = set()
    kept = []
    for citation in citations:
        if (citation.key, citation.pages) not in seen:
            seen.add((citation.key, citation.pages))
            kept.append(citation)
    return kept


def _pages(text: str) -> tuple[str, str]:
    """(the text without its pages, the pages as "76-78, 88-89")."""
    match = _PAGES.search(text)
    if match is None:
        return text, ""
    numbers = re.findall(r"\d+(?:\s*-\s*\d+)?", match["pages"])
    pages = ", ".join(re.sub(r"\s*-\s*", "-", number) for number in numbers)
    return (text[:match.start()] + " " + text[match.end():]).strip(" .,;"), pages


def _find_guideline(source: str, text: str, *, anywhere: bool = False) -> tuple[str, re.Match[str]] | None:
    """The guideline of ``source`` named at the start of ``text`` (or, with ``anywhere``, first in it)."""
    best = None
    for name, pattern in _GUIDELINE_PATTERNS[source]:
        match = pattern.search(text) if anywhere else pattern.match(text)
        if match and (best is None or (match.start(), -len(match[0])) < (best[1].start(), -len(best[1][0]))):
            best = (name, match)
    return best


def _mtus(text: str) -> list[Citation]:
    """"Chronic Pain Medical Treatment 2016, Section(s): A, B, and Low Back Complaints 2004, ..." """
    text = _ACOEM_WORD.sub("", text, count=1) if _ACOEM_WORD.match(text) else text
    starts = []
    position = 0
    while position < len(text):
        found = _find_guideline(MTUS, text[position:], anywhere=True)
        chapter = _CHAPTER_NUMBER.search(text, position)
        if chapter and (found is None or chapter.start() < position + found[1].start()):
            name = ACOEM_CHAPTERS.get(int(chapter[1]))
            if name:
                # "Chapter 12 Low Back Complaints": the number and the name are one mention.
                after = _find_guideline(MTUS, text[chapter.end():])
                end = chapter.end() + (after[1].end() if after and after[0] == name else 0)
                starts.append((chapter.start(), end, name))
                position = end
                continue
        if found is None:
            break
        name, match = found
        if starts and not _NEXT_GUIDELINE.search(text[:position + match.start()]):
            position += match.end()  # words of a section's title ("Chronic Opioid Treatment: ...")
            continue
        starts.append((position + match.start(), position + match.end(), name))
        position += match.end()
    if not starts:
        return [_citation(MTUS, "", text, text)]
    citations = []
    for number, (start, end, name) in enumerate(starts):
        stop = starts[number + 1][0] if number + 1 < len(starts) else len(text)
        body = re.sub(r"[\s,]*\band\s*$", "", text[end:stop]).strip(" ,;.")
        citations += _sections_of(MTUS, name, body, text[start:stop].strip(" ,;."))
    return citations


def _sections_of(source: str, guideline: str, body: str, written: str, *, whole: bool = False) -> list[Citation]:
    """The citations of one guideline: its edition, its sections (one citation each, or with
    ``whole`` the rest as one section: ACOEM's path of headings) and pages."""
    edition = ""
    if match := _EDITION.match(body):
        edition = match["year"] or match["ed"]
        body = body[match.end():]
    body, pages = _pages(body)
    body = _REGULATION.sub("", body)
    body = _SECTIONS_LABEL.sub(", ", body).strip(" ,;.")
    names = ([body] if body else []) if whole else _split_sections(source, guideline, body)
    return [Citation(source, guideline, _canonical_section(source, guideline, name), pages, edition, written)
            for name in names or [""]]


def _split_sections(source: str, guideline: str, body: str) -> list[str]:
    """"Diagnostic Criteria, Special Studies" -> two; "Opioids, criteria for use" is one section
    (what follows the comma is lowercase), and so is any name in the canonical table."""
    body = _GLUED.sub(", ", body)
    body = re.sub(r"\s+Section\s+(?=[A-Z])", ", ", body)  # "Opioids Section Weaning of Medications Section"
    body = re.sub(r"\s+&\s+(?=[A-Z][a-z])", ", ", body)  # "Surgery for shoulder dislocation & Surgery for ..."
    known = [canonical for canonical in SECTIONS.get((source, guideline), {}) if "," in canonical]
    pieces = [piece.strip() for piece in re.split(r"\s*[,;]\s*", body) if piece.strip()]
    names: list[str] = []
    index = 0
    while index < len(pieces):
        joined = next((count for count in range(len(pieces) - index, 1, -1)
                       if _fold(", ".join(pieces[index:index + count])) in {_fold(k) for k in known}), 1)
        piece = ", ".join(pieces[index:index + joined])
        index += joined
        piece = _SECTION_NOISE.sub("", piece).strip(" .")
        if not piece:
            continue
        if names and joined == 1 and (piece[:1].islower() or piece.startswith("(")):
            names[-1] = f"{names[-1]}, {piece}"  # "Opioids, criteria for use"
        else:
            names.append(piece)
    return names


def _non_mtus(text: str) -> list[Citation]:
    """ODG, ACOEM or another named source, cited outside MTUS."""
    if not text:
        return []
    if match := _ODG_WORD.search(text):
        return _odg(text[match.end():], text)
    if match := _ACOEM_WORD.search(text):
        return _acoem(text[match.end():], text)
    urls = _URL.findall(text)
    if urls and not _URL.sub("", text).strip(" ,;."):
        return [Citation("Web", url.rstrip(".,;"), "", "", "", url) for url in urls]
    for name, pattern in _OTHER_SOURCE_PATTERNS:
        if pattern.search(text):
            return [_document(name, _other_title(text, pattern), text)]
    return [_document(OTHER, text, text)]


def _document(source: str, title: str, written: str) -> Citation:
    """A citation of a source other than the guidelines: the document it names is its "guideline"."""
    title, pages = _pages(title)
    return Citation(source, _tidy(title)[:200], "", pages, "", written)


def _other_title(text: str, source: re.Pattern[str]) -> str:
    """What another source's citation names: the title before "accessed from", without the source."""
    title = re.split(r",?\s*(?:accessed|retrieved|available)\b", text, maxsplit=1, flags=re.IGNORECASE)[0]
    title = source.sub("", title).strip(" ,;.:-")
    return title or text


def _citation(source: str, guideline: str, section: str, written: str) -> Citation:
    section, pages = _pages(section)
    return Citation(source, guideline, _canonical_section(source, guideline, section[:200]) if section else "",
                    pages, "", written)


def _odg(text: str, written: str) -> list[Citation]:
    """"Knee & Leg, Durable medical equipment (DME)"; "Low back, Manipulation; Neck and Upper back,
    Manipulation"; "MRI Elbow"; "Pain Section/Lidoderm® (lidocaine patch) Topic"; "Opioids"."""
    citations: list[Citation] = []
    text = _ODG_TITLE.sub("", text)
    for chunk in re.split(r"\s*;\s*(?=[A-Z])", text):
        chunk = chunk.strip(" .,")
        found = _find_guideline(ODG, chunk)
        if found is None:
            trailing = _find_guideline(ODG, chunk, anywhere=True)
            if trailing and trailing[1].end() == len(chunk) and trailing[1].start() > 0:  # "MRI Elbow"
                citations += _sections_of(ODG, trailing[0], chunk[:trailing[1].start()], written)
                continue
            citations += _sections_of(ODG, "", chunk, written)
            continue
        name, match = found
        body = chunk[match.end():].strip()
        body = re.sub(r"^\((?:Acute\s*(?:and|&)\s*Chronic|Chronic)\)", "", body, flags=re.IGNORECASE).strip()
        body = re.sub(r"^(?:Chapter|Section)\b", "", body, flags=re.IGNORECASE).strip(" ,/:-")
        if body.startswith("(") and body.endswith(")") and body.count("(") == 1:
            body = body[1:-1]  # "Low Back (Shock wave therapy)"
        citations += _sections_of(ODG, name, body, written)
    return citations


def _acoem(text: str, written: str) -> list[Citation]:
    """"Low back disorders, diagnostic ... MRI"; "Hip and Groin Chapter/Diagnostic and treatment
    recommendations"; "3rd ed., Low Back Disorders, pg. 607"."""
    edition = ""
    if match := _EDITION.match(text):
        edition, text = match["year"] or match["ed"], text[match.end():]
    found = _find_guideline(ACOEM, text, anywhere=True)
    if found is None:
        citation = _citation(ACOEM, "", text, written)
        return [Citation(citation.source, "", citation.section, citation.pages, edition, written)]
    name, match = found
    before = text[:match.start()].strip(" ,;.")
    if more := _EDITION.match(before + " "):
        edition = edition or more["year"] or more["ed"] or ""
    body = text[match.end():].strip(" ,/:")
    citations = _sections_of(ACOEM, name, body, written, whole=True)
    return [Citation(c.source, c.guideline, c.section, c.pages, c.edition or edition, c.as_written) for c in citations]
