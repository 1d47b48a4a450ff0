"""Synthetic IMR final determinations: a record, and the text it would have been read from.

``generate`` makes records in the real archive's proportions (items per document,
outcomes, requests, reviewer states and specialties, guideline citations) and
renders each as text in one of the layouts the archive really has: with or without
the header table, credentials as two labelled lines or in prose, blank lines after
every line, CRLF, page breaks with footers, wrapped headings, partial
certifications. Every field of the record is what a correct parse of its text
gives, so the parser can be tested by round trip and the site filled with demo data.

No Django here, no global random state, no clock: one seed, one corpus. What the guidelines
say about each kind of request, and the findings for and against it, are tables in guidelines.py.
"""
from __future__ import annotations

import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TypeVar

from search import vocab
from search.parser import make_item
from search.record import GENERATED_NOTICE, OVERTURNED, UPHELD, Determination, Item

from .guidelines import (
    _ACOEM_CHAPTER_NUMBERS,
    _GENERIC_AGAINST,
    _GENERIC_FAVOR,
    _MTUS_CHAPTERS,
    _OTHER_CITATIONS,
    _TOPICS,
    _Topic,
)

T = TypeVar("T")

# -- small helpers -------------------------------------------------------------------


def _weighted(rng: random.Random, table: Sequence[tuple[float, T]]) -> T:
    """One value of a (weight, value) table."""
    total = sum(weight for weight, _ in table)
    point = rng.random() * total
    for weight, value in table:
        point -= weight
        if point < 0:
            return value
    return table[-1][1]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _join_words(words: Sequence[str], conjunction: str = "and") -> str:
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _fill(template: str, **values: str) -> str:
    for key, value in values.items():
        template = template.replace("{" + key + "}", value)
    return template


# -- dates ---------------------------------------------------------------------------

_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December")
# How a summary writes its dates; one style per document, as one author would.
_DATE_STYLES = (
    (30, "dash2"),      # 10-13-16
    (30, "slash4"),     # 10/13/2016, zero-padded
    (14, "slash2"),     # 9/3/02
    (16, "long"),       # February 29, 2012
    (10, "dash4"),      # 10-20-2016
)


def _format_date(day: date, style: str) -> str:
    if style == "dash2":
        return f"{day.month}-{day.day}-{day.year % 100:02d}"
    if style == "slash4":
        return f"{day.month:02d}/{day.day:02d}/{day.year}"
    if style == "slash2":
        return f"{day.month}/{day.day}/{day.year % 100:02d}"
    if style == "dash4":
        return f"{day.month:02d}-{day.day:02d}-{day.year}"
    return f"{_MONTH_NAMES[day.month - 1]} {day.day}, {day.year}"


def _header_date(day: date) -> str:
    return f"{day.month:02d}/{day.day:02d}/{day.year}"


def _between(rng: random.Random, start: date, end: date) -> date:
    if end <= start:
        return start
    return start + timedelta(days=rng.randint(0, (end - start).days))


# -- reviewers -----------------------------------------------------------------------

# Licensure: the first state of a reviewer, by how often the archive shows it.
_STATE_WEIGHTS = (
    (52, "California"), (9, "Texas"), (6, "New York"), (5, "Florida"), (3, "North Carolina"),
    (2.5, "Ohio"), (2.5, "Arizona"), (2, "Pennsylvania"), (2, "New Jersey"), (2, "Washington"),
    (1.5, "Illinois"), (1.5, "Maryland"), (1.5, "Virginia"), (1.2, "Michigan"),
    (1.2, "Massachusetts"), (1, "Colorado"), (1, "Georgia"), (1, "Tennessee"), (1, "Oregon"),
    (0.8, "Nevada"), (0.8, "Utah"), (0.8, "Missouri"), (0.7, "Connecticut"),
    (0.7, "South Carolina"), (0.6, "Oklahoma"), (0.5, "Kansas"), (0.5, "New Mexico"),
    (0.5, "Mississippi"), (0.5, "West Virginia"), (0.5, "Minnesota"), (0.5, "Wisconsin"),
    (0.4, "Louisiana"), (0.4, "Indiana"), (0.3, "Hawaii"), (0.3, "Kentucky"),
    (0.3, "New Hampshire"), (0.3, "Alabama"), (0.2, "Iowa"), (0.2, "Idaho"),
)
# Later states of a multi-state reviewer: California most often.
_EXTRA_STATE_WEIGHTS = ((30, "California"),) + tuple(
    (weight, name) for weight, name in _STATE_WEIGHTS if name != "California"
)

# (weight, specialties as the archive writes them, subspecialties a prose credential may add).
_SPECIALTY_SETS: tuple[tuple[float, tuple[str, ...], tuple[str, ...]], ...] = (
    (22, ("Preventive Medicine", "Occupational Medicine"), ("Medical Toxicology",)),
    (3, ("Preventive Medicine", "Occupational Medicine", "Family Practice"), ()),
    (2, ("Preventive Medicine", "Occupational Medicine", "Medical Toxicology"), ()),
    (2, ("Occupational Medicine",), ("Addiction Medicine",)),
    (1, ("Preventive Medicine",), ()),
    (10, ("Physical Medicine & Rehabilitation",), ("Pain Medicine", "Interventional Spine")),
    (6, ("Physical Medicine & Rehabilitation", "Pain Management"), ()),
    (2, ("Physical Medicine & Rehabilitation", "Sports Medicine"), ()),
    (0.7, ("Physical Medicine & Rehabilitation", "Spinal Cord Injury Medicine"), ()),
    (0.5, ("Physical Medicine & Rehabilitation", "Pediatric Rehabilitation Medicine"), ()),
    (15, ("Family Practice",), ("Sports Medicine", "Geriatric Medicine")),
    (2.5, ("Family Practice", "Sports Medicine"), ()),
    (4, ("Orthopedic Surgery",), ("Sports Medicine", "Spine Surgery", "Hand Surgery")),
    (1.5, ("Orthopedic Surgery", "Sports Medicine"), ()),
    (0.5, ("Orthopedic Surgery", "Hand Surgery"), ()),
    (1.5, ("Anesthesiology",), ("Pain Medicine",)),
    (3, ("Anesthesiology", "Pain Management"), ()),
    (0.5, ("Anesthesiology", "Pain Management", "Hospice & Palliative Medicine"), ()),
    (1, ("Pain Management",), ()),
    (3, ("Internal Medicine",), ("Rheumatology", "Pulmonary Medicine", "Cardiology")),
    (0.5, ("Internal Medicine", "Rheumatology"), ()),
    (2.5, ("Chiropractor",), ()),
    (0.4, ("Acupuncturist",), ()),
    (1.5, ("Psychiatry",), ("Forensic Psychiatry", "Addiction Psychiatry", "Psychosomatic Medicine")),
    (1.5, ("Psychology",), ()),
    (1, ("Neurology",), ("Clinical Neurophysiology", "Neuromuscular Medicine")),
    (0.5, ("Neurology", "Pain Management"), ()),
    (0.7, ("Neurological Surgery",), ()),
    (0.4, ("Surgery", "Surgical Critical Care"), ()),
    (0.4, ("Plastic Surgery",), ("Hand Surgery",)),
    (0.8, ("Emergency Medicine",), ()),
    (0.5, ("Podiatrist",), ()),
    (0.3, ("Rheumatology",), ()),
    (0.3, ("Dermatology",), ()),
    (0.3, ("Urology",), ()),
)
# Reviewers match the dispute now and then: a psychologist for psychotherapy.
_MATCHED_SPECIALTIES = {
    "psych": ((1, ("Psychiatry",), ()), (1, ("Psychology",), ())),
    "chiro": ((1, ("Chiropractor",), ()),),
    "surgery": ((1, ("Orthopedic Surgery",), ("Sports Medicine", "Spine Surgery")),),
}
# Other ways the archive writes a canonical name; the parse folds them back.
_SPECIALTY_SPELLINGS = {
    "Physical Medicine and Rehabilitation": ("Physical Medicine & Rehabilitation", "Physical Medicine & Rehabilitation",
                                             "Physical Medicine and Rehabilitation"),
    "Hospice and Palliative Medicine": ("Hospice & Palliative Medicine", "Hospice and Palliative Medicine"),
    "Orthopedic Surgery": ("Orthopedic Surgery",) * 8 + ("Orthopaedic Surgery",),
    "Family Practice": ("Family Practice",) * 12 + ("Family Medicine",),
}
# A prose credential says "certified in Chiropractic", not "in Chiropractor".
_PROSE_SPELLINGS = {
    "Physical Medicine and Rehabilitation": ("Physical Medicine Rehabilitation", "Physical Medicine & Rehabilitation",
                                             "Physical Medicine and Rehabilitation"),
    "Chiropractor": ("Chiropractic",), "Psychology": ("Clinical Psychology", "Psychology"),
    "Acupuncturist": ("Acupuncture",), "Podiatrist": ("Podiatric Surgery", "Podiatry"),
}
_NOT_BOARDS = frozenset({"Chiropractor", "Psychology", "Acupuncturist", "Podiatrist"})


@dataclass
class _Reviewer:
    states: list[str]
    specialties: list[str]      # canonical
    subspecialties: list[str]   # canonical; only a prose credential can carry them


def _reviewer(rng: random.Random, *, theme: str, early: bool) -> _Reviewer:
    count = _weighted(rng, ((64, 1), (25, 2), (11, 3)))
    states: list[str] = []
    while len(states) < count:
        state = _weighted(rng, _STATE_WEIGHTS if not states else _EXTRA_STATE_WEIGHTS)
        if state not in states:
            states.append(state)
    if len(states) > 1 and "California" in states and rng.random() < 0.3:
        states.remove("California")
        states.append("California")  # "Texas,New York,California"
    matched = _MATCHED_SPECIALTIES.get(theme)
    table = matched if matched and rng.random() < 0.35 else _SPECIALTY_SETS
    _, written, subs = _weighted(rng, [(entry[0], entry) for entry in table])
    # Only prose names a subspecialty, and prose is mostly the older layout.
    chosen = [rng.choice(subs)] if subs and rng.random() < (0.2 if early else 0.03) else []
    return _Reviewer(states, vocab.split_specialties(", ".join(written)),
                     vocab.split_specialties(", ".join(chosen)))


# -- patients and their injuries -------------------------------------------------------

@dataclass(frozen=True)
class _Region:
    key: str
    sided: bool
    part: str                   # "lumbar spine", "shoulder"
    complaint: str              # "low back pain"
    mtus: str                   # MTUS chapter key
    odg: str                    # ODG chapter
    diagnoses: tuple[str, ...]
    findings: tuple[str, ...]
    therapy_site: tuple[str, ...]
    injections: tuple[str, ...]
    surgeries: tuple[str, ...]
    equipment: tuple[str, ...]


_REGIONS: tuple[tuple[float, _Region], ...] = (
    (34, _Region(
        "lumbar", False, "lumbar spine", "low back pain", "low_back", "Low Back",
        ("lumbar radiculopathy", "lumbar degenerative disc disease", "lumbar sprain/strain",
         "post laminectomy syndrome", "lumbar disc herniation", "lumbar spinal stenosis",
         "chronic low back pain", "lumbosacral spondylosis", "sciatica"),
        ("tenderness to palpation of the lumbar paraspinal muscles", "decreased lumbar range of motion",
         "a positive straight leg raise on the right", "decreased sensation in the L5 dermatome",
         "muscle spasm of the lumbar spine", "an antalgic gait", "4/5 strength of the extensor hallucis longus"),
        ("to the low back", "for the lumbar spine", "for the low back"),
        ("Lumbar epidural steroid injection L4-5", "Right L4-5 and L5-S1 transforaminal epidural steroid injection",
         "Bilateral L5-S1 transforaminal epidural steroid injection under fluoroscopy",
         "Facet joint injections L4-5, L5-S1", "Bilateral lumbar medial branch blocks at L3-4 and L4-5",
         "Radiofrequency ablation bilateral L4-5 and L5-S1", "Right sacroiliac joint injection",
         "Caudal epidural steroid injection"),
        ("L4-5 posterior lumbar interbody fusion", "Lumbar laminectomy and discectomy at L5-S1",
         "L4-S1 decompression and fusion", "Right L4-5 microdiscectomy", "Spinal cord stimulator trial"),
        ("Lumbar support brace", "Lumbosacral orthosis", "Back support", "Orthopedic mattress",
         "Home traction unit", "Custom back heat therapy pad"),
    )),
    (18, _Region(
        "cervical", False, "cervical spine", "neck pain", "neck", "Neck and Upper Back",
        ("cervical radiculopathy", "cervicalgia", "cervical disc displacement", "cervical sprain/strain",
         "cervical spondylosis", "cervical degenerative disc disease"),
        ("tenderness over the cervical paraspinal muscles", "restricted cervical range of motion",
         "a positive Spurling's test on the left", "decreased sensation in the C6 dermatome",
         "spasm of the upper trapezius muscles"),
        ("to the cervical spine", "for the neck", "for the cervical spine"),
        ("Cervical epidural steroid injection at C5-6", "Cervical epidural steroid injection C6-7",
         "Bilateral C4-5 and C5-6 facet joint injections", "Trigger point injections to the trapezius x 4",
         "Cervical medial branch blocks at C3-4, C4-5"),
        ("Anterior cervical discectomy and fusion C5-6", "C5-6 and C6-7 anterior cervical discectomy and fusion",
         "Cervical disc replacement at C5-6", "Posterior cervical laminectomy C4-6"),
        ("Cervical pillow", "Cervical traction unit for home use", "Soft cervical collar"),
    )),
    (16, _Region(
        "shoulder", True, "shoulder", "shoulder pain", "shoulder", "Shoulder",
        ("shoulder impingement syndrome", "rotator cuff tear", "adhesive capsulitis of the shoulder",
         "rotator cuff tendinitis", "shoulder sprain/strain", "labral tear of the shoulder"),
        ("a positive Hawkins impingement sign", "a positive Neer test", "tenderness over the subacromial bursa",
         "flexion limited to 120 degrees", "4/5 strength with abduction", "crepitus with range of motion"),
        ("for the {side} shoulder", "to the {side} shoulder"),
        ("{Side} shoulder subacromial cortisone injection", "{Side} shoulder intra-articular steroid injection",
         "Suprascapular nerve block, {side} shoulder"),
        ("{Side} shoulder arthroscopy with subacromial decompression and distal clavicle excision",
         "{Side} shoulder arthroscopic rotator cuff repair", "{Side} shoulder arthroscopy with labral repair",
         "{Side} shoulder manipulation under anesthesia"),
        ("Shoulder sling with abduction pillow", "Home shoulder pulley kit", "Shoulder wrap for purchase"),
    )),
    (12, _Region(
        "knee", True, "knee", "knee pain", "knee", "Knee & Leg",
        ("knee sprain/strain", "medial meniscus tear", "osteoarthritis of the knee", "patellofemoral syndrome",
         "anterior cruciate ligament tear", "chondromalacia patellae"),
        ("medial joint line tenderness", "a positive McMurray's test", "mild effusion of the knee",
         "crepitus with flexion and extension", "flexion limited to 100 degrees", "an antalgic gait"),
        ("for the {side} knee", "to the {side} knee"),
        ("Synvisc-One injection to the {side} knee", "Orthovisc injections x 3 for the {side} knee",
         "{Side} knee cortisone injection", "Genicular nerve block, {side} knee"),
        ("{Side} knee arthroscopy with partial medial meniscectomy", "{Side} total knee arthroplasty",
         "{Side} knee anterior cruciate ligament reconstruction", "{Side} knee arthroscopic chondroplasty"),
        ("{Side} knee brace", "Hinged knee brace", "Knee immobilizer", "Front wheeled walker"),
    )),
    (9, _Region(
        "hand", True, "wrist", "wrist and hand pain", "hand", "Forearm, Wrist, & Hand",
        ("carpal tunnel syndrome", "de Quervain's tenosynovitis", "trigger finger", "wrist sprain/strain",
         "triangular fibrocartilage complex tear"),
        ("a positive Tinel's sign at the wrist", "a positive Phalen's test", "decreased grip strength",
         "tenderness over the first dorsal compartment", "a positive Finkelstein's test"),
        ("for the {side} wrist", "to the {side} hand"),
        ("{Side} carpal tunnel cortisone injection", "{Side} first dorsal compartment injection",
         "Trigger finger injection, {side} long finger"),
        ("{Side} carpal tunnel release", "{Side} trigger finger release, long finger",
         "{Side} de Quervain's release", "{Side} wrist arthroscopy with debridement"),
        ("{Side} wrist splint", "{Side} thumb spica splint", "Paraffin bath unit"),
    )),
    (4, _Region(
        "elbow", True, "elbow", "elbow pain", "elbow", "Elbow",
        ("lateral epicondylitis", "medial epicondylitis", "cubital tunnel syndrome", "elbow sprain/strain"),
        ("tenderness over the lateral epicondyle", "pain with resisted wrist extension",
         "a positive Tinel's sign at the cubital tunnel"),
        ("for the {side} elbow", "to the {side} elbow"),
        ("Platelet rich plasma injection to the {side} elbow", "{Side} lateral epicondyle cortisone injection"),
        ("{Side} lateral epicondyle release", "{Side} cubital tunnel release", "{Side} ulnar nerve transposition"),
        ("{Side} elbow brace", "Counterforce strap"),
    )),
    (4, _Region(
        "hip", True, "hip", "hip pain", "general", "Hip & Pelvis",
        ("hip sprain/strain", "trochanteric bursitis", "osteoarthritis of the hip", "labral tear of the hip"),
        ("tenderness over the greater trochanter", "pain with internal rotation of the hip",
         "a positive FABER test"),
        ("for the {side} hip", "to the {side} hip"),
        ("{Side} hip intra-articular injection under fluoroscopy", "{Side} greater trochanteric bursa injection"),
        ("{Side} hip arthroscopy with labral repair", "{Side} total hip arthroplasty"),
        ("Cane", "Raised toilet seat", "Shower chair"),
    )),
    (3, _Region(
        "ankle", True, "ankle", "ankle and foot pain", "ankle", "Ankle & Foot",
        ("ankle sprain/strain", "plantar fasciitis", "Achilles tendinitis", "ankle instability"),
        ("tenderness over the anterior talofibular ligament", "swelling of the lateral ankle",
         "tenderness at the plantar fascia insertion"),
        ("for the {side} ankle", "to the {side} foot"),
        ("{Side} ankle cortisone injection", "{Side} plantar fascia injection"),
        ("{Side} ankle arthroscopy with debridement", "{Side} ankle lateral ligament reconstruction"),
        ("{Side} ankle brace", "Custom orthotics", "Controlled ankle motion walking boot"),
    )),
)

_MECHANISMS = (
    "a slip and fall", "lifting a heavy box", "cumulative trauma", "repetitive work activities",
    "a motor vehicle accident", "a fall from a ladder", "pulling a pallet jack", "restraining a patient",
    "pushing a heavy cart", "being struck by a falling object", "twisting while carrying supplies",
    "repetitive keyboarding", "unloading a truck", "tripping over a hose",
)
_MECHANISM_VERBS = (
    "slipped and fell on a wet floor", "lifted a heavy box", "fell from a ladder", "was pulling a pallet jack",
    "was restraining a patient", "was pushing a heavy cart", "was struck by a falling object",
    "twisted while carrying supplies", "was unloading a truck", "tripped over a hose",
)
_TREATMENTS = (
    "physical therapy", "chiropractic treatment", "acupuncture", "medications", "epidural steroid injections",
    "a TENS unit", "a home exercise program", "activity modification", "modified work duties",
    "diagnostic imaging", "psychotherapy", "cortisone injections", "a spinal cord stimulator", "bracing",
    "ice and heat", "work restrictions", "oral and topical analgesics", "massage therapy",
)
_OCCUPATIONS = (
    "truck driver", "warehouse worker", "office worker", "nurse", "correctional officer", "custodian",
    "cashier", "mechanic", "teacher", "laborer", "caregiver", "police officer", "firefighter",
    "bus driver", "machine operator", "clerk",
)


@dataclass
class _Patient:
    age: int
    sex: str
    he: str = ""
    his: str = ""
    him: str = ""

    def __post_init__(self) -> None:
        male = self.sex == "male"
        self.he, self.his, self.him = ("he", "his", "him") if male else ("she", "her", "her")


# -- requests -------------------------------------------------------------------------

# (weight, name as written, topic, strengths, quantities, form)
_MEDICATIONS: tuple[tuple[float, str, str, tuple[str, ...], tuple[int, ...], str], ...] = (
    (9, "Norco", "opioid", ("10/325mg", "7.5/325mg", "5/325mg"), (60, 90, 120, 180), ""),
    (3, "Hydrocodone/APAP", "opioid", ("10/325mg", "7.5/325mg"), (60, 90, 120), ""),
    (2, "Percocet", "opioid", ("10/325mg", "5/325mg"), (60, 90, 120), ""),
    (2.5, "Oxycodone", "opioid", ("10mg", "15mg", "30mg"), (60, 90, 120), ""),
    (1.5, "OxyContin", "opioid", ("20mg", "40mg", "10mg"), (60, 90), ""),
    (2, "MS Contin", "opioid", ("30mg", "60mg", "15mg"), (60, 90), ""),
    (3.5, "Tramadol", "opioid", ("50mg",), (60, 90, 120), ""),
    (1.5, "Tramadol ER", "opioid", ("150mg", "100mg"), (30, 60), ""),
    (1.5, "Ultram", "opioid", ("50mg",), (30, 60, 90), ""),
    (1, "Dilaudid", "opioid", ("2mg", "4mg"), (60, 90, 180), ""),
    (0.8, "Nucynta", "opioid", ("50mg", "75mg"), (60, 90), ""),
    (0.6, "Butrans", "opioid", ("10mcg/hr", "5mcg/hr"), (4,), "patch"),
    (0.6, "Fentanyl", "opioid", ("25mcg/hr", "50mcg/hr"), (10, 15), "patch"),
    (0.5, "Methadone", "opioid", ("10mg",), (90, 120), ""),
    (0.4, "Tylenol with Codeine #3", "opioid", ("",), (60, 90), ""),
    (1.5, "Xanax", "benzo", ("0.5mg", "1mg"), (30, 60), ""),
    (1, "Valium", "benzo", ("5mg", "10mg"), (60, 90, 120), ""),
    (0.8, "Klonopin", "benzo", ("0.5mg", "1mg"), (30, 60), ""),
    (0.5, "Ativan", "benzo", ("1mg",), (30, 60), ""),
    (5, "Cyclobenzaprine", "muscle_relaxant", ("7.5mg", "10mg", "5mg"), (30, 60, 90), ""),
    (2.5, "Flexeril", "muscle_relaxant", ("10mg", "7.5mg"), (30, 60, 90), ""),
    (1.5, "Soma", "muscle_relaxant", ("350mg",), (30, 60, 90), ""),
    (1, "Baclofen", "muscle_relaxant", ("10mg", "20mg"), (60, 90), ""),
    (1.5, "Tizanidine", "muscle_relaxant", ("4mg", "2mg"), (60, 90), ""),
    (0.8, "Norflex", "muscle_relaxant", ("100mg",), (60, 90), ""),
    (0.6, "Orphenadrine ER", "muscle_relaxant", ("100mg",), (60,), ""),
    (0.5, "Methocarbamol", "muscle_relaxant", ("750mg", "500mg"), (60, 90), ""),
    (0.4, "Skelaxin", "muscle_relaxant", ("800mg",), (60, 90), ""),
    (3, "Naproxen", "nsaid", ("550mg", "500mg"), (60, 90), ""),
    (1.5, "Naproxen sodium", "nsaid", ("550mg",), (60, 100), ""),
    (0.8, "Anaprox DS", "nsaid", ("550mg",), (60,), ""),
    (1.5, "Ibuprofen", "nsaid", ("800mg", "600mg"), (60, 90), ""),
    (0.6, "Motrin", "nsaid", ("800mg",), (60, 90), ""),
    (1.5, "Meloxicam", "nsaid", ("15mg", "7.5mg"), (30, 60), ""),
    (1, "Celebrex", "nsaid", ("200mg", "100mg"), (30, 60), ""),
    (0.8, "Diclofenac sodium ER", "nsaid", ("100mg",), (30, 60), ""),
    (0.7, "Etodolac", "nsaid", ("400mg", "300mg"), (60, 90), ""),
    (0.6, "Nabumetone", "nsaid", ("750mg", "500mg"), (60, 90), ""),
    (3, "Omeprazole", "gi", ("20mg", "40mg"), (30, 60, 90), ""),
    (1.5, "Prilosec", "gi", ("20mg",), (30, 60), ""),
    (1, "Pantoprazole", "gi", ("40mg", "20mg"), (30, 60), ""),
    (0.6, "Protonix", "gi", ("40mg",), (30, 60), ""),
    (0.8, "Ranitidine", "gi", ("150mg",), (60,), ""),
    (0.5, "Pepcid", "gi", ("20mg",), (60,), ""),
    (0.8, "Ondansetron", "medication_other", ("4mg", "8mg"), (10, 30), ""),
    (0.5, "Colace", "medication_other", ("100mg",), (60, 100), ""),
    (0.4, "Senna", "medication_other", ("8.6mg",), (60,), ""),
    (3.5, "Gabapentin", "anticonvulsant", ("300mg", "600mg", "800mg"), (90, 120, 180), ""),
    (1.5, "Neurontin", "anticonvulsant", ("300mg", "600mg"), (90, 120), ""),
    (1.5, "Lyrica", "anticonvulsant", ("75mg", "50mg", "150mg"), (60, 90), ""),
    (0.6, "Topamax", "anticonvulsant", ("25mg", "50mg"), (60,), ""),
    (1.5, "Cymbalta", "antidepressant", ("30mg", "60mg"), (30, 60), ""),
    (0.8, "Duloxetine", "antidepressant", ("60mg", "30mg"), (30,), ""),
    (0.8, "Amitriptyline", "antidepressant", ("25mg", "10mg"), (30, 60), ""),
    (0.8, "Trazodone", "antidepressant", ("50mg", "100mg"), (30, 60), ""),
    (0.5, "Effexor XR", "antidepressant", ("75mg", "150mg"), (30,), ""),
    (0.5, "Sertraline", "antidepressant", ("50mg", "100mg"), (30,), ""),
    (0.4, "Wellbutrin", "antidepressant", ("150mg",), (30, 60), ""),
    (2, "Ambien", "sleep", ("10mg", "5mg"), (30,), ""),
    (1, "Zolpidem", "sleep", ("10mg", "5mg"), (30,), ""),
    (0.5, "Lunesta", "sleep", ("3mg", "2mg"), (30,), ""),
    (3, "Lidoderm", "topical", ("5%",), (30, 60, 90), "patch"),
    (2, "Lidocaine", "topical", ("5%",), (30, 60), "patch"),
    (1, "Flector", "topical", ("1.3%",), (30, 60), "patch"),
    (1, "Voltaren gel", "topical", ("1%",), (3, 5), "tube"),
    (0.8, "Terocin", "topical", ("",), (10, 30), "patch"),
    (0.7, "Menthoderm gel", "topical", ("",), (1, 2), "bottle"),
    (2, "compound", "topical", ("",), (), "cream"),
    (0.5, "Medrol Dosepak", "medication_other", ("4mg",), (1, 21), ""),
    (0.4, "Imitrex", "medication_other", ("50mg", "100mg"), (9, 18), ""),
    (0.4, "Sildenafil", "medication_other", ("100mg", "50mg"), (10, 30), ""),
    (0.5, "Theramine", "medication_other", ("",), (90, 120), ""),
    (0.3, "Sentra PM", "medication_other", ("",), (60,), ""),
)
_COMPOUNDS = (
    "Flurbiprofen 20%/Lidocaine 5% cream", "Flurbiprofen 20%, Baclofen 5%, Lidocaine 4% cream",
    "Compound cream: Ketoprofen 10%, Gabapentin 6%, Lidocaine 5%", ("Gabapentin 10%, Amitriptyline 5%, "
    "Bupivacaine 5% in cream base"), "Compounded topical cream: Cyclobenzaprine 2%, Flurbiprofen 25%",
    "Capsaicin 0.025%, Menthol 2%, Camphor 2% cream", "Tramadol 8%, Gabapentin 10%, Menthol 2% cream",
)
_SCHEDULES = ("1 tab PO BID", "1 tablet by mouth twice daily", "1 PO TID PRN", "every 8 hours as needed",
              "1 at bedtime", "1 PO q6h PRN pain")


@dataclass
class _Request:
    request: str                 # the request as the heading names it
    topic: str
    kind: str                    # the generator's own category, for proportions
    drug: str = ""               # how a rationale names it ("Norco", "the requested imaging")
    name: str = ""               # a medication's name, for drug-information citations
    partial: str = ""            # the heading sentence of a partial certification ("" if none)
    authorized: str = ""


def _medication_request(rng: random.Random) -> _Request:
    _, name, topic, strengths, quantities, form = _weighted(rng, [(m[0], m) for m in _MEDICATIONS])
    if name == "compound":
        base = rng.choice(_COMPOUNDS)
        grams = rng.choice((120, 180, 240, 30, 60))
        request = rng.choice((f"{base} {grams}gm", f"{base} {grams}g", f"{base}, {grams} grams", base))
        return _Request(request, topic, "medication", "the compounded cream")
    strength = rng.choice(strengths)
    quantity = rng.choice(quantities) if quantities else None
    named = f"{name} {strength}".strip()
    if form == "patch":
        named = rng.choice((f"{named} patch", f"{named} patches", f"{named} transdermal patch", named))
    elif form == "tube" or form == "bottle":
        named = f"{named} {rng.choice(('100gm', '120gm'))}" if rng.random() < 0.5 else named
    shape = _weighted(rng, ((58, "count"), (11, "plain"), (8, "prescription"), (4, "refills"),
                            (4, "comma"), (5, "name"), (3, "schedule"), (3, "retro"), (2, "qty"), (2, "count2")))
    if quantity is None or shape == "plain":
        request = named
    elif shape == "count":
        request = f"{named} #{quantity}"
    elif shape == "prescription":
        request = f"1 prescription of {named} #{quantity}"
    elif shape == "refills":
        request = f"{named} #{quantity} with {rng.choice(('1', '2', '3'))} refills"
    elif shape == "comma":
        request = f"{named}, #{quantity}"
    elif shape == "name":
        request = name
    elif shape == "schedule":
        request = f"{named} {rng.choice(_SCHEDULES)} #{quantity}"
    elif shape == "retro":
        request = f"Retrospective request for {named} #{quantity}"
    elif shape == "qty":
        request = f"{named} Qty {quantity}"
    else:
        request = f"{named} {quantity} tablets"
    return _Request(request, topic, "medication", name if rng.random() < 0.7 else "the requested medication",
                    name=name)


def _partial_medication(rng: random.Random) -> _Request | None:
    _, name, topic, strengths, quantities, form = _weighted(rng, [(m[0], m) for m in _MEDICATIONS])
    if name == "compound" or not quantities or form:
        return None
    strength = rng.choice(strengths)
    named = f"{name} {strength}".strip()
    whole = rng.choice((60, 90, 120, 180))
    allowed = rng.randint(whole // 4, whole * 3 // 4)
    remaining = f"{named} #{whole - allowed}"
    authorized = f"{named} #{allowed}"
    if rng.random() < 0.75:
        partial = (f"{named} #{whole} was the original request. {authorized} was authorized by the Claims "
                   f"Administrator. The remaining IMR eligible portion of the original request, {remaining} is")
    else:
        remaining = f"{named} #{whole}"
        partial = (f"{remaining} was the original request. The Claims Administrator authorized {authorized}, "
                   f"leaving the original request IMR eligible. The original request, {remaining} is")
    return _Request(remaining, topic, "medication", name, name=name, partial=partial, authorized=authorized)


_FREQUENCIES = (
    ("2 times a week for 6 weeks", 12), ("3 times a week for 4 weeks", 12), ("2 times a week for 4 weeks", 8),
    ("2x6", 12), ("3x4", 12), ("2x4", 8), ("two times a week for three weeks", 6),
    ("1 time a week for 6 weeks", 6), ("3 times a week for 2 weeks", 6), ("two times a week times six weeks", 12),
    ("x 6", 6), ("x 8", 8), ("12 sessions", 12), ("6 sessions", 6), ("8 visits", 8), ("10 sessions", 10),
)
_THERAPIES = (
    (30, "Physical therapy", "physical"), (8, "Additional physical therapy", "physical"),
    (12, "Acupuncture", "physical"), (3, "Additional acupuncture", "physical"),
    (10, "Chiropractic treatment", "physical"), (3, "Chiropractic manipulation", "physical"),
    (3, "Aquatic therapy", "physical"), (3, "Occupational therapy", "physical"), (2, "Massage therapy", "physical"),
    (2, "Electro acupuncture", "physical"), (1, "Myofascial release", "physical"),
    (1, "Infrared therapy", "physical"), (1, "Work hardening program", "physical"),
    (1, "Work conditioning", "physical"), (1, "Therapeutic exercise", "physical"),
)


def _therapy_request(rng: random.Random, region: _Region, side: str) -> _Request:
    _, therapy, topic = _weighted(rng, [(t[0], t) for t in _THERAPIES])
    frequency, sessions = rng.choice(_FREQUENCIES)
    site = _sided(rng.choice(region.therapy_site), side)
    shape = _weighted(rng, ((45, "plain"), (35, "site"), (10, "sessions_of"), (10, "continue")))
    if shape == "plain":
        request = f"{therapy} {frequency}"
    elif shape == "site":
        request = f"{therapy} {site} {frequency}" if rng.random() < 0.5 else f"{therapy} {frequency} {site}"
    elif shape == "sessions_of":
        request = f"{_cap(_number_word(sessions))} sessions of {therapy.lower()} {site}"
    else:
        request = f"Continue {therapy.lower()} {frequency}"
    return _Request(request, topic, "physical medicine", "the requested therapy")


def _partial_therapy(rng: random.Random, region: _Region, side: str) -> _Request:
    _, therapy, topic = _weighted(rng, [(t[0], t) for t in _THERAPIES])
    site = _sided(rng.choice(region.therapy_site), side)
    whole = rng.choice((8, 10, 12, 18, 24))
    allowed = rng.choice([n for n in (2, 3, 4, 6) if n < whole])
    words = rng.random() < 0.4
    shape = rng.choice(("{therapy} {site} {count} sessions", "{therapy} {count} sessions",
                        "{therapy} {site} x {count}"))

    def sessions(n: int) -> str:
        return _fill(shape, therapy=therapy, site=site, count=_number_word(n) if words else str(n))
    remaining = sessions(whole - allowed)
    authorized = sessions(allowed)
    if rng.random() < 0.7:
        partial = (f"{sessions(whole)} was the original request. {authorized} was authorized by the Claims "
                   f"Administrator. The remaining IMR eligible portion of the original request, {remaining} is")
    else:
        remaining = sessions(whole)
        partial = (f"{remaining} was the original request. The Claims Administrator authorized {authorized}, "
                   f"leaving the original request IMR eligible. The original request, {remaining} is")
    return _Request(remaining, topic, "physical medicine", "the requested therapy", partial=partial,
                    authorized=authorized)


def _number_word(n: int) -> str:
    words = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
             "twelve")
    return words[n] if n < len(words) else str(n)


def _sided(text: str, side: str) -> str:
    return text.replace("{side}", side).replace("{Side}", _cap(side))


def _imaging_request(rng: random.Random, region: _Region, side: str) -> _Request:
    part = f"{side} {region.part}" if region.sided else region.part
    study = _weighted(rng, ((46, "MRI of the {p}"), (10, "MRI of the {p} without contrast"),
                            (3, "MRI of the {p} with and without contrast"), (4, "Repeat MRI of the {p}"),
                            (2, "Open MRI of the {p}"), (12, "X-rays of the {p}"), (4, "X-ray of the {p}, 3 views"),
                            (5, "CT scan of the {p}"), (2, "Bone scan"), (2, "MR arthrogram of the {p}"),
                            (3, "Ultrasound of the {p}"), (3, "MRI (magnetic resonance imaging) of the {p}"),
                            (2, "{P} MRI")))
    if study.startswith("{P}"):
        request = f"{_cap(part)} MRI"
    else:
        request = study.replace("{p}", part)
    return _Request(request, "imaging", "imaging", "the requested imaging study")


_TESTS = (
    (20, "Urine drug screen", "the urine drug screen"), (6, "Urine toxicology screen", "the toxicology screen"),
    (4, "Retrospective urine drug screen", "the urine drug screen"),
    (16, "EMG/NCV of the bilateral lower extremities", "the electrodiagnostic study"),
    (12, "EMG/NCV of the bilateral upper extremities", "the electrodiagnostic study"),
    (4, "EMG (electromyography)/NCV (nerve conduction velocity) of the bilateral upper extremities",
     "the electrodiagnostic study"),
    (4, "NCV of the right upper extremity", "the nerve conduction study"),
    (8, "Functional capacity evaluation", "the functional capacity evaluation"),
    (3, "Sleep study", "the sleep study"), (4, "Labs: CBC, CMP", "the laboratory testing"),
    (2, "Genetic testing for opioid risk", "the genetic testing"), (2, "Electroencephalogram", "the EEG"),
    (2, "Comprehensive metabolic panel", "the laboratory testing"),
)


def _testing_request(rng: random.Random, region: _Region, side: str) -> _Request:
    _, request, noun = _weighted(rng, [(t[0], t) for t in _TESTS])
    return _Request(request, "testing", "testing", noun)


_PSYCH = (
    (12, "Cognitive behavioral therapy 6 sessions"), (10, "Psychological evaluation"),
    (8, "Psychotherapy 1 time a week for 6 weeks"), (6, "Biofeedback 6 sessions"), (6, "Psychiatric consultation"),
    (6, "Individual psychotherapy 12 sessions"), (4, "Psychological testing"), (3, "Group psychotherapy 6 sessions"),
    (2, "Hypnotherapy 6 sessions"), (3, "Cognitive behavioral therapy x 10 visits"),
    (3, "Psychiatric follow-up visits x 4"),
)
_OTHER = (
    (10, "Functional restoration program 80 hours"), (5, "Functional restoration program evaluation"),
    (6, "Home health care 4 hours a day, 5 days a week for 4 weeks"), (8, "Pain management consultation"),
    (8, "Orthopedic surgeon consultation"), (5, "Follow-up visit with pain management"),
    (4, "Referral to a spine surgeon"), (3, "Neurology consultation"), (3, "Gym membership for 6 months"),
    (3, "Transportation to and from medical appointments"), (2, "Weight loss program"),
    (2, "Detoxification program"), (2, "Inpatient rehabilitation 14 days"), (3, "Internal medicine consultation"),
)
_ASSOCIATED = (
    (10, "Associated surgical service: Assistant surgeon"),
    (10, "Associated surgical service: Cold therapy unit 7 day rental"),
    (5, "Associated surgical service: Continuous passive motion unit 21 day rental"),
    (5, "Associated surgical service: Post-operative sling"),
    (4, "Associated surgical service: Lumbar brace"), (6, "Associated surgical service: 2 day inpatient stay"),
    (4, "Associated surgical service: Front wheeled walker"),
    (3, "Associated surgical service: Bone growth stimulator"),
    (3, "Associated surgical service: Home health nursing evaluation"),
    (3, "Associated surgical service: Cold compression therapy 30 day rental"),
    (10, "Pre-operative medical clearance"), (5, "Pre-operative labs: CBC, CMP, PT/PTT"),
    (4, "Pre-operative EKG"), (3, "Pre-operative chest X-ray"),
    (10, "Post-op physical therapy 12 sessions"), (6, "Post-operative physical therapy 2 times a week for 6 weeks"),
    (3, "Post-op occupational therapy 8 sessions"),
)
_EQUIPMENT_COMMON = (
    (12, "TENS unit"), (4, "TENS unit 30 day trial"), (3, "TENS unit supplies (electrodes and batteries)"),
    (4, "Interferential unit"), (3, "H-wave device 30 day rental"), (4, "Hot/cold therapy unit"),
    (2, "Cold therapy unit purchase"), (2, "Motorized scooter"), (2, "Home exercise kit"),
    (2, "Hot/cold therapy wrap"),
)


def _equipment_request(rng: random.Random, region: _Region, side: str) -> _Request:
    if rng.random() < 0.5:
        request = _sided(rng.choice(region.equipment), side)
    else:
        request = _weighted(rng, _EQUIPMENT_COMMON)
    return _Request(request, "equipment", "equipment", "the requested equipment")


def _injection_request(rng: random.Random, region: _Region, side: str) -> _Request:
    request = _sided(rng.choice(region.injections), side)
    if rng.random() < 0.1:
        request = rng.choice(("Trigger point injections x 4", "Toradol injection 60mg",
                              "B12 injection", "Right occipital nerve block"))
    return _Request(request, "injection", "injection", "the requested injection")


def _surgery_request(rng: random.Random, region: _Region, side: str) -> _Request:
    return _Request(_sided(rng.choice(region.surgeries), side), "surgery", "surgery", "the requested surgery")


# -- items -------------------------------------------------------------------------------

# Items per determination: about half have one, the mean is about 2, a few have 21.
_ITEM_COUNTS = (
    (52, 1), (20, 2), (10, 3), (6, 4), (3.5, 5), (2.5, 6), (1.6, 7), (1.1, 8), (0.7, 9), (0.5, 10),
    (0.35, 11), (0.25, 12), (0.18, 13), (0.13, 14), (0.1, 15), (0.08, 16), (0.06, 17), (0.05, 18),
    (0.04, 19), (0.03, 20), (0.03, 21),
)
_THEMES = (
    (36, "meds"), (16, "workup"), (13, "therapy"), (8, "surgery"), (7, "injection"), (6, "equipment"),
    (4, "psych"), (3, "chiro"), (7, "mixed"),
)
_KIND_WEIGHTS = (
    (42, "medication"), (16, "physical medicine"), (11, "imaging"), (7, "equipment"), (6, "testing"),
    (6, "injection"), (4, "surgery"), (4, "psychological"), (4, "other"),
)


def _requests(rng: random.Random, region: _Region, side: str, count: int, theme: str) -> list[_Request]:
    out: list[_Request] = []
    seen: set[str] = set()
    if theme == "surgery":
        out.append(_surgery_request(rng, region, side))
    for attempt in range(count * 8):
        if len(out) >= count:
            break
        kind = _theme_kind(rng, theme, len(out))
        partial = rng.random() < 0.06
        if kind == "medication":
            request = (partial and _partial_medication(rng)) or _medication_request(rng)
        elif kind == "physical medicine":
            request = (_partial_therapy(rng, region, side) if partial
                       else _therapy_request(rng, region, side))
        elif kind == "imaging":
            request = _imaging_request(rng, region, side)
        elif kind == "testing":
            request = _testing_request(rng, region, side)
        elif kind == "equipment":
            request = _equipment_request(rng, region, side)
        elif kind == "injection":
            request = _injection_request(rng, region, side)
        elif kind == "surgery":
            request = _surgery_request(rng, region, side)
        elif kind == "associated":
            request = _Request(_weighted(rng, _ASSOCIATED), "associated", "surgery", "the requested service")
        elif kind == "psychological":
            request = _Request(_weighted(rng, _PSYCH), "psych", "psychological", "the requested treatment")
        else:
            request = _Request(_weighted(rng, _OTHER), "program", "other", "the requested service")
        if request.request in seen and attempt < count * 6:
            continue
        seen.add(request.request)
        out.append(request)
    for request in out:
        if request.kind != "medication":
            kind = "associated" if request.topic == "associated" else request.kind
            request.topic = _service_topic(request.request, kind, region)
    return out


# What a rationale cites and says for a service: the first words of the request that match.
_SERVICE_TOPICS = (
    ("post-op physical", "postop_pt"), ("post-operative physical", "postop_pt"), ("post-op occupational", "postop_pt"),
    ("pre-operative", "preop"), ("acupunct", "acupuncture"), ("chiropract", "chiro"), ("manipulation", "chiro"),
    ("aquatic", "aquatic"), ("massage", "massage"), ("myofascial", "massage"), ("infrared", "modalities"),
    ("work hardening", "work_hardening"), ("work conditioning", "work_hardening"), ("epidural", "esi"),
    ("facet", "facet"), ("medial branch", "facet"), ("radiofrequency", "facet"), ("trigger point", "tpi"),
    ("synvisc", "hyaluronic"), ("orthovisc", "hyaluronic"), ("platelet", "prp"), ("x-ray", "xray"),
    ("emg", "emg"), ("ncv", "emg"), ("drug screen", "uds"), ("toxicology", "uds"),
    ("functional capacity", "fce"), ("spinal cord stimulator", "scs"), ("cold", "cold"), ("tens", "tens"),
    ("interferential", "tens"), ("h-wave", "tens"), ("brace", "brace"), ("orthosis", "brace"),
    ("splint", "brace"), ("support", "brace"), ("collar", "brace"), ("immobilizer", "brace"),
    ("biofeedback", "biofeedback"), ("functional restoration", "frp"), ("home health", "home_health"),
    ("consult", "consult"), ("follow-up", "consult"), ("referral", "consult"),
)
_DEFAULT_TOPICS = {
    "physical medicine": "pt", "testing": "labs", "injection": "joint_injection", "equipment": "dme",
    "psychological": "psych", "other": "program_other", "associated": "associated",
}
_ASSOCIATED_TOPICS = frozenset({"preop", "postop_pt", "cold"})


def _service_topic(request: str, kind: str, region: _Region) -> str:
    spine = region.key in ("lumbar", "cervical")
    lowered = request.lower()
    if kind == "imaging":
        return "xray" if "x-ray" in lowered else "imaging_spine" if spine else "imaging_joint"
    if kind == "surgery":
        return "scs" if "stimulator" in lowered else "surgery_spine" if spine else "surgery_joint"
    for words, topic in _SERVICE_TOPICS:
        if re.search(rf"(?<![a-z]){re.escape(words)}", lowered):
            if kind == "associated" and topic not in _ASSOCIATED_TOPICS:
                continue
            if kind == "psychological" and topic != "biofeedback":
                continue
            return topic
    return _DEFAULT_TOPICS[kind]


def _theme_kind(rng: random.Random, theme: str, position: int) -> str:
    if theme == "meds":
        return "medication" if rng.random() < 0.9 else _weighted(rng, _KIND_WEIGHTS)
    if theme == "workup":
        return _weighted(rng, ((40, "imaging"), (22, "testing"), (20, "physical medicine"), (18, "medication")))
    if theme in ("therapy", "chiro"):
        return "physical medicine" if rng.random() < 0.75 else _weighted(rng, _KIND_WEIGHTS)
    if theme == "surgery":
        return "associated" if rng.random() < 0.85 else "medication"
    if theme == "injection":
        return "injection" if position == 0 or rng.random() < 0.3 else _weighted(rng, _KIND_WEIGHTS)
    if theme == "equipment":
        return "equipment" if position == 0 or rng.random() < 0.5 else _weighted(rng, _KIND_WEIGHTS)
    if theme == "psych":
        return "psychological" if position == 0 or rng.random() < 0.6 else "medication"
    return _weighted(rng, _KIND_WEIGHTS)


# -- the words of a determination --------------------------------------------------------

_OPENINGS_MTUS = (
    "According to CA MTUS guidelines, {says}.",
    "The California MTUS guidelines state that {says}.",
    "Per the California MTUS, {says}.",
    "Regarding the request for {request}, the MTUS states that {says}.",
    "The MTUS guidelines state that {says}.",
    "As per MTUS, {says}.",
)
_OPENINGS_CHRONIC = (
    "CA MTUS Chronic Pain Medical Treatment Guidelines indicate that {says}.",
    "The MTUS Chronic Pain Guidelines note that {says}.",
    "The California chronic pain medical treatment guidelines section on {topic} states that {says}.",
    "The Chronic Pain Medical Treatment Guidelines state that {says}.",
)
_OPENINGS_MTUS_2016 = (
    "The California MTUS 2016 Chronic Pain Guidelines state that {says}.",
    "The California MTUS 2016 Chronic Pain Guidelines indicate that {says}.",
)
_OPENINGS_ACOEM = (
    "The ACOEM Guidelines state that {says}.",
    "CA MTUS/ACOEM Guidelines state that {says}.",
    "Per the MTUS ACOEM Guidelines, {says}.",
    "According to the ACOEM chapter on {complaints}, {says}.",
    "The MTUS Guideline in ACOEM Chapter {chapter}, page {page}, notes that {says}.",
    "ACOEM guidelines indicate that {says}.",
)
_OPENINGS_ODG = (
    "Per ODG, {says}.",
    "According to ODG, {says}.",
    "The Official Disability Guidelines indicate that {says}.",
    "The MTUS is silent regarding {topic}. The Official Disability Guidelines state that {says}.",
    ("CA MTUS does not address {topic}; therefore, the Official Disability Guidelines were consulted, which "
    "state that {says}."),
    ("The California MTUS/ACOEM Guidelines do not address this request. Per the Official Disability "
    "Guidelines, {says}."),
    "ODG states that {says}.",
)
_OPENINGS_ANY = (
    "Evidence based guidelines state that {says}.",
    "The guidelines state that {says}.",
    "The referenced guidelines note that {says}.",
)
_SECOND = (
    "Additionally, {says}.", "Furthermore, {says}.", "The guidelines also note that {says}.",
    "In addition, {says}.", "It is also noted that {says}.",
)
_FINDINGS_AGAINST = (
    "In this case, {finding}.", "The medical records reviewed indicate that {finding}.",
    "Based on the clinical notes submitted for review, {finding}.",
    "Within the documentation available for review, {finding}.", "However, {finding}.",
    "Review of the submitted records reveals that {finding}.", "In this instance, {finding}.",
    "In the case of this injured worker, {finding}.", "Here, {finding}.",
)
_MORE_AGAINST = (
    "Additionally, {finding}.", "Furthermore, {finding}.", "Moreover, {finding}.", "Also, {finding}.",
    "In addition, {finding}.",
)
_FINDINGS_FAVOR = (
    "In this case, {finding}.", "The records document that {finding}.",
    "The submitted documentation shows that {finding}.", "Guideline criteria have been met, as {finding}.",
    "Here, {finding}.", "In the case of this injured worker, {finding}.",
)
_REINFORCE_AGAINST = (
    ("There are no exceptional factors noted within the documentation which would demonstrate medical necessity "
    "for the requested treatment outside of the recommended guidelines."),
    "Medical necessity of the requested {noun} has not been established.",
    "Guideline criteria have not been met.",
    "There is no compelling rationale to support deviation from the guidelines.",
    "The request is not supported by the evidence based guidelines.",
    ("There is a lack of evidence based rationale provided by the physician as to the medical necessity for "
    "this request."),
)
_REINFORCE_FAVOR = (
    "Guideline criteria have been met.", "Medical necessity has been established.",
    "The request is consistent with the evidence based guidelines.",
)
_CONCLUDE_AGAINST = (
    "Therefore, the request for {request} is not medically necessary.",
    "As such, the request is not medically necessary.",
    "Given the above, the request for {request} is not medically necessary.",
    "Consequently, the request for {request} is not medically necessary.",
    "The requested {noun} is not medically necessary.",
    "Therefore, the request for \"{request}\" is not medically necessary.",
    "{request} is not medically necessary.",
    "The request for {request} IS NOT medically necessary.",
    "For this reason, the request is not medically necessary.",
    "Given the above, this request is not medically necessary.",
    "Therefore, the request is determined to be not medically necessary.",
)
_CONCLUDE_FAVOR = (
    "Therefore, the request for {request} is medically necessary.",
    "As such, the request is medically necessary.",
    "The request for {request} is medically necessary and appropriate.",
    "Given the above, the request is considered medically necessary at this time.",
    "The requested {noun} is medically necessary.",
    "Therefore, the request for {request} is medically necessary and the prior denial is overturned.",
)
_OPIOID_NOTICE = (
    "This decision addresses the medical necessity of opioids as they have been prescribed to this patient. This "
    "medical necessity decision should not be interpreted as a recommendation to stop long term opioids abruptly "
    "and the patient is advised to speak with their treating physician. The treating physician and the patient "
    "are advised to consult the MTUS Opioids Treatment Guidelines (\"Tapering opioids\"), and if necessary, "
    "other relevant guidelines, regarding the most appropriate method for weaning and terminating opioids for "
    "this patient."
)


@dataclass
class _Case:
    """Everything one determination says, before it is written out."""
    decision: date
    received: date
    ur_denial: date
    assigned: date
    injury: date
    patient: _Patient
    region: _Region
    side: str
    date_style: str
    reviewer: _Reviewer
    requests: list[_Request]
    outcomes: list[str]
    with_header: bool
    visits: list[date] = field(default_factory=list)


def _chronic_2016(decision: date) -> bool:
    """Determinations cite the 2016 Chronic Pain chapter from its adoption late in 2016."""
    return decision >= date(2016, 10, 1)


def _mtus_citation(rng: random.Random, topic: _Topic, case: _Case) -> str:
    chapter_key, section, pages = rng.choice(topic.mtus)
    if chapter_key == "region":
        chapter_key = case.region.mtus
    year = case.decision.year
    if chapter_key == "opioid":
        if year < 2017:
            chapter_key, section, pages = "chronic", "Opioids, criteria for use", "76-80"
        else:
            return f"MTUS Opioid Treatment 2016, Section(s): {section}"
    if chapter_key == "chronic":
        if _chronic_2016(case.decision):
            chapter = rng.choice(("Chronic Pain Medical Treatment 2016", "Chronic Pain Medical Treatment 2016",
                                  "Chronic Pain Medical Treatment 2016 Guidelines"))
        else:
            if rng.random() < 0.45:
                text = f"MTUS Chronic Pain Treatment Guidelines {section or 'Medications for chronic pain'}"
                return f"{text} Page(s): {pages}" if pages else text
            chapter = "Chronic Pain Medical Treatment 2009"
        return f"MTUS {chapter}, Section(s): {section}" if section else f"MTUS {chapter}"
    chapter = _MTUS_CHAPTERS[chapter_key]
    if section is None or chapter_key in ("acupuncture",):
        return f"MTUS {chapter}"
    if chapter_key == "postsurgical":
        return f"MTUS {chapter}, Section(s): {case.region.part.title()}"
    return f"MTUS {chapter}, Section(s): {section}"


def _odg_citation(rng: random.Random, topic: _Topic, case: _Case) -> str:
    chapter = topic.odg_chapter or case.region.odg
    subject = rng.choice(topic.odg)
    updated = _format_date(case.decision - timedelta(days=rng.randint(30, 400)), "slash2")
    return _weighted(rng, (
        (30, f"Official Disability Guidelines (ODG) {chapter}, {subject}"),
        (20, f"Official Disability Guidelines (ODG), {chapter} Chapter, {subject}"),
        (10, f"Official Disability Guidelines (ODG) {chapter} (updated {updated}), {subject}"),
        (10, f"ODG {chapter}, {subject}"),
        (8, f"Official Disability Guidelines (ODG), {chapter}"),
        (6, (f"Official Disability Guidelines Treatment Integrated/Disability Duration Guidelines {chapter} "
            f"(Acute & Chronic)")),
        (5, f"Official Disability Guidelines, {chapter} Chapter"),
        (3, (f"Official Disability Guidelines (ODG) {chapter}, {subject} and Other Medical Treatment Guidelines "
            f"ACOEM {case.region.part.title()} Disorders, Diagnostic Testing")),
    ))


def _other_citation(rng: random.Random, topic: _Topic, case: _Case, request: _Request) -> str:
    return _fill(rng.choice(_OTHER_CITATIONS), Drug=_cap(request.name or topic.name), topic=topic.name,
                 date=_format_date(case.decision - timedelta(days=rng.randint(1, 20)), "slash4"))


def _acoem_citation(rng: random.Random, case: _Case) -> str:
    part = case.region.part.title()
    return rng.choice((
        f"ACOEM Occupational Medicine Practice Guidelines, 3rd ed., {part} Disorders, pg. {rng.randint(200, 900)}",
        f"ACOEM: {part} disorders, diagnostic and treatment recommendations",
        f"ACOEM {part} Chapter/Diagnostic and treatment recommendations",
    ))


def _guideline(rng: random.Random, topic: _Topic, case: _Case, request: _Request, *, who: str) -> str:
    """A "Claims Administrator guideline:" or "MAXIMUS guideline:" text, without its label."""
    actor = "The Claims Administrator" if who == "claims" else "The Expert Reviewer"
    shape = _weighted(rng, (
        (40, "mtus"), (17, "mtus+odg"), (19 if who == "maximus" else 14, "outside"),
        (5 if who == "maximus" else 16, "none"), (5, "two"), (4, "mtus+acoem"), (4, "other"),
        (6 if who == "claims" else 0, "chapter"),
    ))
    if shape == "none":
        return f"{actor} did not cite any medical evidence for its decision."
    if shape == "chapter":
        return f"Decision based on MTUS {_mtus_citation(rng, topic, case).split(',')[0][5:]}."
    if shape in ("outside", "other"):
        if shape == "other":
            cited = _other_citation(rng, topic, case, request)
        elif rng.random() < 0.12:
            cited = _acoem_citation(rng, case)
        else:
            cited = _odg_citation(rng, topic, case)
        return (f"{actor} based their decision on recommendation(s) outside of the MTUS Guidelines. "
                f"Decision based on Non-MTUS Citation {cited}.")
    mtus = _mtus_citation(rng, topic, case)
    if shape == "two":
        other_topic = _TOPICS[rng.choice(("pt", "imaging_spine", "medication_other", "dme"))]
        second = _mtus_citation(rng, other_topic, case)
        if second != mtus:
            mtus = f"{mtus}, and {second[5:]}"
    text = f"Decision based on {mtus}."
    if shape == "mtus+odg":
        text += f" Decision based on Non-MTUS Citation {_odg_citation(rng, topic, case)}."
    elif shape == "mtus+acoem":
        text += f" Decision based on Non-MTUS Citation {_acoem_citation(rng, case)}."
    return text


def _rationale(rng: random.Random, topic: _Topic, case: _Case, request: _Request, outcome: str,
               maximus: str) -> str:
    region = case.region
    drug = request.drug
    fill = {"request": request.request, "topic": topic.name, "noun": topic.noun, "part": region.part,
            "chapter": str(_ACOEM_CHAPTER_NUMBERS.get(region.mtus, 12)), "page": str(rng.randint(170, 330)),
            "n": str(rng.choice((6, 8, 12, 18, 24))),
            "complaints": _MTUS_CHAPTERS[region.mtus].rsplit(" ", 1)[0]}
    says = list(topic.says)
    rng.shuffle(says)
    cites_odg = "ODG" in maximus or "Official Disability" in maximus
    cites_mtus = "Decision based on MTUS" in maximus
    if cites_odg and (not cites_mtus or rng.random() < 0.3):
        openings = _OPENINGS_ODG
    elif topic.acoem and rng.random() < 0.6:
        openings = _OPENINGS_ACOEM
    elif cites_mtus or rng.random() < 0.7:
        openings = _OPENINGS_MTUS
        if any(chapter in ("chronic", "opioid") for chapter, _, _ in topic.mtus):
            openings += _OPENINGS_CHRONIC + (_OPENINGS_MTUS_2016 if _chronic_2016(case.decision) else ())
    else:
        openings = _OPENINGS_ANY
    sentences = [_fill(rng.choice(openings), says=says[0], **fill)]
    if len(says) > 1 and rng.random() < 0.55:
        sentences.append(_fill(rng.choice(_SECOND), says=says[1], **fill))
    if request.partial and rng.random() < 0.6:
        sentences.append(f"The Claims Administrator authorized {request.authorized}.")
    against = outcome == UPHELD
    pool = list(topic.against if against else topic.favor)
    pool += list(_GENERIC_AGAINST if against else _GENERIC_FAVOR)[: 2 if rng.random() < 0.5 else 0]
    rng.shuffle(pool)
    named = drug if not drug.startswith("the ") else "this medication"
    findings = [_fill(f, drug=named, n=fill["n"]) for f in pool[: rng.randint(1, 3 if against else 2)]]
    sentences.append(_cap(_fill(rng.choice(_FINDINGS_AGAINST if against else _FINDINGS_FAVOR),
                                finding=findings[0])))
    for finding in findings[1:]:
        sentences.append(_fill(rng.choice(_MORE_AGAINST), finding=finding))
    if against and topic.name in ("opioids", "benzodiazepines") and rng.random() < 0.3:
        sentences.append(f"Of note, discontinuation of {named} should include a taper to avoid withdrawal "
                         "symptoms.")
    if rng.random() < 0.45:
        reinforce = _fill(rng.choice(_REINFORCE_AGAINST if against else _REINFORCE_FAVOR), **fill)
        if reinforce[:20] not in " ".join(sentences):
            sentences.append(reinforce)
    sentences.append(_cap(_fill(rng.choice(_CONCLUDE_AGAINST if against else _CONCLUDE_FAVOR), **fill)))
    if against and topic.name == "opioids" and case.decision.year >= 2017 and rng.random() < 0.7:
        sentences.append(_OPIOID_NOTICE)
    return _collapse(" ".join(sentences))


def _summary(rng: random.Random, case: _Case) -> str:
    p, region, style = case.patient, case.region, case.date_style
    age, sex = str(p.age), p.sex
    doi = _format_date(case.injury, style)
    sex_word = sex if rng.random() < 0.8 else {"male": "man", "female": "woman"}[sex]
    aged = rng.choice((f"{age} year old", f"{age}-year-old", f"{age}-year-old", f"{age} year old"))
    article = "an" if age.startswith("8") or age in ("11", "18") else "a"
    occupation = rng.choice(_OCCUPATIONS)
    complaint = region.complaint if not region.sided else f"{case.side} {region.complaint}"
    opening = _weighted(rng, (
        (24, f"The injured worker is {article} {aged} {sex_word} who sustained an industrial injury on {doi}."),
        (10, f"The injured worker is a(n) {age}-year-old {sex_word}, who sustained an industrial injury on {doi}."),
        (10, f"The patient is {article} {aged} {sex_word} with a date of injury of {doi}."),
        (10, (f"This case involves a now {age}-year-old {sex_word} with a history of an occupational claim from "
             f"{doi}.")),
        (8, f"This is {article} {aged} {sex_word} with a date of injury on {doi}."),
        (7, (f"The claimant is {article} {aged} {sex_word} {occupation} who was injured on {doi} when {p.he} "
            f"{rng.choice(_MECHANISM_VERBS)}.")),
        (7, (f"The applicant is {article} {aged} {sex_word} who has filed a claim for chronic {complaint} "
            f"reportedly associated with an industrial injury of {doi}.")),
        (6, f"This {aged} {sex_word} sustained an industrial injury on {doi} while working as a {occupation}."),
        (6, f"According to the records, this {aged} {sex_word} reported an industrial injury on {doi}."),
        (5, (f"The injured worker is {article} {aged} {sex_word} with a date of injury of {doi}, who "
            f"reported {complaint} after {rng.choice(_MECHANISMS)}.")),
    ))
    sentences = [opening]
    if rng.random() < 0.4 and " when " not in opening and " after " not in opening:
        sentences.append(f"The mechanism of injury is detailed as {rng.choice(_MECHANISMS)}.")
    diagnoses = rng.sample(region.diagnoses, k=min(len(region.diagnoses), rng.randint(1, 3)))
    sentences.append(rng.choice((
        f"The injured worker was diagnosed as having {_join_words(diagnoses)}.",
        f"The current diagnosis is documented as {diagnoses[0]}.",
        f"The diagnoses have included {_join_words(diagnoses)}.",
        (f"A review of the medical records indicates that the injured worker is undergoing treatment for "
        f"{_join_words(diagnoses)}."),
        f"{_cap(p.he)} has been diagnosed with {_join_words(diagnoses)}.",
    )))
    treatments = rng.sample(_TREATMENTS, k=rng.randint(2, 5))
    sentences.append(rng.choice((
        f"Treatment to date has included {_join_words(treatments)}.",
        f"Past treatments were noted to include {_join_words(treatments)}.",
        f"{_cap(p.his)} treatment history has included {_join_words(treatments)}.",
        f"Prior treatment has consisted of {_join_words(treatments)}.",
    )))
    for visit in case.visits:
        when = _format_date(visit, style)
        pain = rng.randint(4, 10)
        finding = rng.choice(region.findings)
        sentences.append(rng.choice((
            f"On {when}, the injured worker reported {complaint} rated {pain}/10.",
            f"As of the PR2 dated {when}, the injured worker reports {complaint} rated {pain} out of 10.",
            f"According to the progress report dated {when}, {p.he} presented with continued {complaint}.",
            f"Medical records dated {when} indicate pain rated at {pain} out of 10.",
            f"During the assessment on {when}, the patient complained of {complaint}.",
            (f"The progress note dated {when} documents {complaint} that {p.he} rates {pain}/10 without "
            f"medications and {max(pain - 3, 1)}/10 with medications."),
        )))
        sentences.append(rng.choice((
            f"Examination revealed {finding}.",
            f"Physical examination revealed {finding}.",
            f"Objective findings included {finding}.",
            f"Examination of the {region.part} revealed {finding}.",
            f"On examination there was {finding}.",
        )))
    if rng.random() < 0.5:
        sentences.append(rng.choice((
            "The injured worker was noted to be temporarily totally disabled.",
            f"{_cap(p.he)} is currently working with restrictions.",
            f"{_cap(p.his)} work status is modified duty.",
            f"{_cap(p.he)} has not returned to work.",
            "The patient is permanent and stationary.",
        )))
    if rng.random() < 0.3:
        sentences.append(rng.choice((
            f"{_cap(p.he)} reports difficulty sleeping because of pain.",
            f"{_cap(p.he)} denies bowel or bladder dysfunction.",
            f"{_cap(p.he)} reports that medications help {p.him} to perform household chores.",
            f"{_cap(p.he)} reports increased anxiety and depression since the injury.",
        )))
    named = []
    for request in case.requests:
        text = request.partial.split(" was the original request")[0] if request.partial else request.request
        if request.kind != "medication" and text[1:2].islower():
            text = text[:1].lower() + text[1:]  # "requested physical therapy", but "requested MRI"
        named.append(text)
    listed = _join_words(named[:5]) + (" and other services" if len(named) > 5 else "")
    sentences.append(rng.choice((
        f"The treating physician requested {listed}.",
        f"The treatment plan included {listed}.",
        f"A Request for Authorization was received for {listed}.",
        f"The plan includes {listed}.",
    )))
    ur = _format_date(case.ur_denial, style)
    sentences.append(rng.choice((
        f"On {ur}, Utilization Review non-certified a request for {listed}.",
        f"The original utilization review ({ur}) denied a request for {listed}.",
        f"On {ur}, utilization review determined that the requests were not medically necessary.",
        f"A prior determination dated {ur} found the requests not medically necessary.",
        f"The original utilization review dated {ur} non-certified the requests.",
    )))
    if rng.random() < 0.3:
        sentences.append(f"On {_format_date(case.received, style)}, an application for independent medical "
                         f"review was received.")
    return _collapse(" ".join(sentences))


# -- a determination ------------------------------------------------------------------------

_FIRST_DAY, _LAST_DAY = date(2014, 1, 6), date(2017, 12, 22)


def _case(rng: random.Random) -> _Case:
    received = _between(rng, _FIRST_DAY, _LAST_DAY)
    ur_denial = received - timedelta(days=rng.randint(2, 35))
    assigned = received + timedelta(days=rng.randint(1, 25))
    decision = assigned + timedelta(days=rng.randint(12, 45))
    span = _weighted(rng, ((45, (7, 365)), (35, (365, 365 * 8)), (20, (365 * 8, 365 * 25))))
    injury = ur_denial - timedelta(days=rng.randint(*span))
    age = max(19, min(82, int(rng.gauss(48, 11))))
    patient = _Patient(age, "male" if rng.random() < 0.55 else "female")
    region = _weighted(rng, _REGIONS)
    side = rng.choice(("right", "left")) if region.sided else ""
    theme = _weighted(rng, _THEMES)
    count = _weighted(rng, _ITEM_COUNTS)
    early = decision.year < 2016
    reviewer = _reviewer(rng, theme=theme, early=early)
    requests = _requests(rng, region, side, count, theme)
    generous = rng.random() < 0.15
    outcomes = [OVERTURNED if rng.random() < (0.42 if generous else 0.045) else UPHELD for _ in requests]
    first_visit = max(injury + timedelta(days=1), ur_denial - timedelta(days=300))
    visits = sorted(_between(rng, first_visit, ur_denial - timedelta(days=1)) for _ in range(rng.randint(1, 3)))
    with_header = rng.random() < (0.65 if early else 0.9)
    return _Case(decision, received, ur_denial, assigned, injury, patient, region, side,
                 _weighted(rng, _DATE_STYLES), reviewer, requests, outcomes, with_header, visits)


def _item(rng: random.Random, case: _Case, request: _Request, outcome: str) -> Item:
    topic = _TOPICS[request.topic]
    claims = _guideline(rng, topic, case, request, who="claims")
    maximus = _guideline(rng, topic, case, request, who="maximus")
    rationale = _rationale(rng, topic, case, request, outcome, maximus)
    return make_item(
        request=_collapse(request.request),
        outcome=outcome,
        claims_guideline=_collapse(claims),
        maximus_guideline=_collapse(maximus),
        rationale=rationale,
        original_request=_collapse(request.partial),
    )


def _record(rng: random.Random, case: _Case, case_number: str) -> Determination:
    reviewer = case.reviewer
    record = Determination(
        reviewer_states=list(reviewer.states),
        reviewer_specialties=list(reviewer.specialties),
        reviewer_subspecialties=list(reviewer.subspecialties),
        patient_age=case.patient.age,
        patient_sex=case.patient.sex,
        summary=_summary(rng, case),
        injury_date=case.injury,
    )
    if case.with_header:
        record.case_number = case_number
        record.date_assigned = case.assigned
        record.decision_date = case.decision
        record.ur_denial_date = case.ur_denial
    record.items = [_item(rng, case, request, outcome) for request, outcome in zip(case.requests, case.outcomes)]
    return record


def generate(count: int, *, seed: int = 0, demo: bool = False) -> Iterator[tuple[str, str, Determination]]:
    """``count`` determinations as (file name, text, the record the text was made from).

    The same seed gives the same documents. Case numbers ("CM15-0123456", the
    year the application was received) are unique within one call; a document
    rendered without its header table keeps the number in its file name only.
    ``demo``: every document has its header table (a case number and dates, like a real
    one) and opens with GENERATED_NOTICE, so the site marks it as generated wherever it
    shows it; the parser's test corpus keeps the headerless variants.
    """
    rng = random.Random(seed)
    used: set[str] = set()
    for _ in range(count):
        case = _case(rng)
        if demo:
            case.with_header = True
        while True:
            case_number = f"CM{case.received.year % 100:02d}-{rng.randint(1, 299999):07d}"
            if case_number not in used:
                used.add(case_number)
                break
        record = _record(rng, case, case_number)
        text = render(record, rng=rng)
        if demo:
            record.generated = True
            text = f"{GENERATED_NOTICE}\n{text}"
        yield f"{case_number}.txt", text, record


# -- rendering ------------------------------------------------------------------------------

_HOW_HEADING = "HOW THE IMR FINAL DETERMINATION WAS MADE"
_HOW_FIRST = ("MAXIMUS Federal Services sent the complete case file to an expert reviewer. He/she has no "
              "affiliation with the employer, employee, providers or the claims administrator.")
_HOW_REST = ("He/she has been in active clinical practice for more than five years and is currently working at "
             "least 24 hours a week in active practice. The expert reviewer was selected based on his/her "
             "clinical experience, education, background, and expertise in the same or similar specialties that "
             "evaluate and/or treat the medical condition and disputed items/{service}. He/she is familiar with "
             "governing laws and regulations, including the strength of evidence hierarchy that applies to "
             "Independent Medical Review determinations.")
_PREAMBLE = ("The expert reviewer developed the following clinical case summary based on a review of the case "
             "file, including all medical records:")
_SET_FORTH = "The Final Determination was based on decisions for the disputed items/services set forth below:"


@dataclass
class _Layout:
    """The typography of one document: none of it changes what the document says."""
    width: int
    trailing: str          # "none", "wrapped" (PDF: every line but a paragraph's last), "all"
    blank: str             # "none", "every" (after every line), "paragraph"
    crlf: bool
    page_breaks: int
    footer: float          # chance a page break leaves a footer line
    double_outcome: float  # "Norco 10/325mg #90:  Upheld"
    double_sentence: bool  # two spaces after a full stop
    hyphenate: float       # "medi-" / "cally" at a line end
    split_word: float      # pdfium's U+FFFE inside a word it split at a line end
    glue_label: float      # "2004.\fMAXIMUS guideline:", "2004.MAXIMUS guideline:"
    glue_heading: float    # "...not medically necessary.\fX-rays of the pelvis: Upheld"
    glue_set_forth: bool   # "...set forth below:\fNorco 10/325mg #90: Upheld"
    formfeed_issues: bool  # "IMR ISSUES, DECISIONS AND RATIONALES\fThe Final Determination..."
    header: str            # "pdfium", "rows", "pairs"
    prose: bool            # credentials in the HOW paragraph instead of two labelled lines
    ampersand: bool        # "Physical Medicine & Rehabilitation"
    state_separator: str   # "," or ", "
    split_paragraphs: bool  # summary and long rationales in two paragraphs
    leading_space: bool    # " HOW THE IMR FINAL DETERMINATION WAS MADE"
    spacer_lines: bool     # lines holding a single space between sections


def _layout(rng: random.Random, record: Determination) -> _Layout:
    early = record.decision_date is None or record.decision_date.year < 2016
    blank = _weighted(rng, ((55, "none"), (25, "every"), (20, "paragraph")))
    return _Layout(
        width=rng.randint(84, 100),
        trailing=_weighted(rng, ((40, "wrapped"), (35, "all" if blank == "every" else "none"), (25, "none"))),
        blank=blank,
        crlf=rng.random() < 0.35,
        page_breaks=_weighted(rng, ((45, 0), (30, 1), (15, 2), (10, 4))),
        footer=rng.choice((0.0, 0.0, 0.5, 1.0)),
        double_outcome=rng.choice((0.0, 0.0, 0.0, 0.5, 1.0)),
        double_sentence=rng.random() < 0.2,
        hyphenate=rng.choice((0.0, 0.0, 0.0, 0.3)),
        split_word=rng.choice((0.0, 0.0, 0.0, 0.0, 0.2)),
        glue_label=rng.choice((0.0, 0.0, 0.0, 0.15)),
        glue_heading=rng.choice((0.0,) * 9 + (0.3,)),
        glue_set_forth=rng.random() < 0.12,
        formfeed_issues=rng.random() < 0.2,
        header=_weighted(rng, ((70, "pdfium"), (20, "rows"), (10, "pairs"))),
        prose=bool(record.reviewer_subspecialties) or rng.random() < (0.2 if early else 0.05),
        ampersand=rng.random() < 0.75,
        state_separator="," if rng.random() < 0.55 else ", ",
        split_paragraphs=rng.random() < 0.3,
        leading_space=rng.random() < 0.15,
        spacer_lines=blank != "none" and rng.random() < 0.5,
    )


class _Page:
    """Lines of text with what separates each from the next, so layouts can change joins."""

    def __init__(self, layout: _Layout, rng: random.Random) -> None:
        self.layout = layout
        self.rng = rng
        self.lines: list[str] = []
        self.seps: list[str] = []       # after each line: "\n", "" (glued), ...
        self.tags: list[str] = []       # what each line belongs to
        self.ends: list[bool] = []      # last line of a paragraph

    def line(self, text: str, *, tag: str = "", glue: str = "") -> None:
        """``glue``: what joins this line to the one before instead of a newline."""
        if glue and self.lines:
            self.seps[-1] = "" if glue == "bare" else glue
        self.lines.append(text)
        self.seps.append("\n")
        self.tags.append(tag)
        self.ends.append(True)

    def paragraph(self, text: str, *, tag: str, breakable: bool = False, glue: str = "") -> None:
        lines = self._wrap(text, breakable=breakable)
        for index, text_line in enumerate(lines):
            self.line(text_line, tag=tag, glue=glue if index == 0 else "")
            self.ends[-1] = index == len(lines) - 1

    def spacer(self) -> None:
        if self.layout.spacer_lines and self.rng.random() < 0.5:
            self.line(" ", tag="spacer")

    def _wrap(self, text: str, *, breakable: bool) -> list[str]:
        layout, rng = self.layout, self.rng
        width = layout.width
        lines: list[str] = []
        current = ""
        for word in text.split():
            if not current:
                current = word
                continue
            gap = "  " if layout.double_sentence and current.endswith(".") and word[:1].isupper() else " "
            if len(current) + len(gap) + len(word) <= width:
                current += gap + word
                continue
            if breakable and len(word) >= 8 and word.isalpha() and word.islower():
                cut = _hyphen_point(word, width - len(current) - 2)
                if cut and rng.random() < layout.hyphenate:
                    lines.append(f"{current} {word[:cut]}-")
                    current = word[cut:]
                    continue
                if rng.random() < layout.split_word:
                    cut = rng.randint(3, len(word) - 3)
                    current += f" {word[:cut]}\ufffe{word[cut:]}"
                    continue
            lines.append(current)
            current = word
        if current:
            lines.append(current)
        return lines

    def text(self, record: Determination) -> str:
        layout, rng = self.layout, self.rng
        seps = list(self.seps)
        blank_every = layout.blank == "every"
        for index, sep in enumerate(seps):
            if sep != "\n":
                continue
            if blank_every:
                seps[index] = "\n\n" if rng.random() < 0.9 else "\n \n"
            elif layout.blank == "paragraph" and self.ends[index]:
                seps[index] = "\n\n"
        self._page_breaks(seps, record)
        out = []
        for index, (text_line, sep) in enumerate(zip(self.lines, seps)):
            trailing = layout.trailing == "all" or (layout.trailing == "wrapped" and not self.ends[index])
            if trailing and sep and not text_line.endswith(" "):
                text_line += " "
            out.append(text_line)
            out.append(sep if index < len(self.lines) - 1 else ("\n" if rng.random() < 0.7 else ""))
        text = "".join(out)
        return text.replace("\n", "\r\n") if layout.crlf else text

    def _page_breaks(self, seps: list[str], record: Determination) -> None:
        """Form feeds where pages end, most inside a rationale, some with a footer line."""
        layout, rng = self.layout, self.rng
        if not layout.page_breaks:
            return
        inside = [i for i in range(len(seps) - 1)
                  if self.tags[i] == "rationale" and self.tags[i + 1] == "rationale" and seps[i].strip(" \n") == ""
                  and seps[i]]
        anywhere = [i for i in range(len(seps) - 1)
                    if self.tags[i] not in ("header", "how") and seps[i] and seps[i].strip(" \n") == ""]
        if not anywhere:
            return
        chosen = set()
        for number in range(layout.page_breaks):
            pool = inside if inside and (number == 0 or rng.random() < 0.5) else anywhere
            chosen.add(rng.choice(pool))
        pages = len(chosen) + 1
        for page, index in enumerate(sorted(chosen), start=2):
            if rng.random() < layout.footer:
                footer = _weighted(rng, (
                    (60, f"Page {page} of {pages}"), (10, f"{page} of {pages}"), (10, f"- {page} -"),
                    (10, str(page)), (10, record.case_number or f"Page {page} of {pages}"),
                ))
                seps[index] = f"\n{footer}\f" if rng.random() < 0.6 else f"\f{footer}\n"
            else:
                seps[index] = rng.choice(("\f", "\f", "\n\f"))


_VOWELS = frozenset("aeiouy")


def _hyphen_point(word: str, room: int) -> int:
    """Where a typesetter might break ``word`` within ``room`` letters: after a vowel
    and before a consonant that starts a syllable ("medi-cally", "conser-vative"); 0 if nowhere."""
    for cut in range(min(room, len(word) - 3), 2, -1):
        if word[cut - 1] in _VOWELS and word[cut] not in _VOWELS and word[cut + 1] in _VOWELS:
            return cut
    return 0


def _specialty_text(layout: _Layout, rng: random.Random, names: Sequence[str], *, prose: bool) -> list[str]:
    out = []
    for name in names:
        spellings = (_PROSE_SPELLINGS.get(name) if prose else None) or _SPECIALTY_SPELLINGS.get(name) or (name,)
        written = rng.choice(spellings)
        if " and " in written and layout.ampersand and name != "Physical Medicine and Rehabilitation":
            written = written.replace(" and ", " & ") if rng.random() < 0.5 else written
        elif not layout.ampersand:
            written = written.replace(" & ", " and ")
        out.append(written)
    return out


def _prose_credentials(layout: _Layout, rng: random.Random, record: Determination) -> str:
    specialties = _specialty_text(layout, rng, record.reviewer_specialties, prose=True)
    if set(record.reviewer_specialties) & _NOT_BOARDS:
        board = "certified"
    else:
        board = "Board Eligible" if rng.random() < 0.05 else "Board Certified"
    joined = _join_words(specialties) if rng.random() < 0.5 else ", ".join(specialties)
    text = f"The expert reviewer is {board} in {joined}"
    if record.reviewer_subspecialties:
        subs = _specialty_text(layout, rng, record.reviewer_subspecialties, prose=True)
        text += f", has a subspecialty in {_join_words(subs)}"
    states = record.reviewer_states
    where = _join_words(states) if rng.random() < 0.6 else ", ".join(states)
    return f"{text} and is licensed to practice in {where}."


def _header(page: _Page, record: Determination, rng: random.Random) -> None:
    layout = page.layout
    received = None
    if record.ur_denial_date and record.date_assigned:
        received = _between(rng, record.ur_denial_date + timedelta(days=1), record.date_assigned)
    fields = {
        "Case Number:": record.case_number,
        "Date Assigned:": record.date_assigned and _header_date(record.date_assigned),
        "Date of Injury:": record.injury_date and _header_date(record.injury_date),
        "Decision Date:": record.decision_date and _header_date(record.decision_date),
        "UR Denial Date:": record.ur_denial_date and _header_date(record.ur_denial_date),
    }
    present = [(label, value) for label, value in fields.items() if value]
    priority = "Expedited" if rng.random() < 0.03 else "Standard"
    got = dict(present)
    if layout.header == "pdfium" and len(present) == 5:
        page.line(f"Case Number: {got['Case Number:']}", tag="header")
        page.line(f"Date Assigned: {got['Date Assigned:']} Date of Injury: {got['Date of Injury:']}", tag="header")
        page.line(f"Decision Date: {got['Decision Date:']} UR Denial Date: {got['UR Denial Date:']}", tag="header")
        page.line(f"Priority: {priority} Application ", tag="header")
        page.line("Received: ", tag="header")
        if received:
            page.line(_header_date(received), tag="header")
        return
    if layout.header == "pairs":
        for first in range(0, len(present), 2):
            pair = present[first:first + 2]
            page.line(" ".join(f"{label} {value}" for label, value in pair), tag="header")
    else:
        for label, value in present:
            page.line(f"{label} {value}", tag="header")
    if received:
        page.line(f"Priority: {priority}", tag="header")
        page.line(f"Application Received: {_header_date(received)}", tag="header")


def _sentences(text: str) -> list[str]:
    """Split prose at sentence ends, keeping each sentence's full stop."""
    out, start = [], 0
    for index in range(len(text) - 2):
        if text[index] == "." and text[index + 1] == " " and text[index + 2].isupper() and text[index - 1].islower():
            out.append(text[start:index + 1])
            start = index + 2
    out.append(text[start:])
    return out


def _paragraphs(layout: _Layout, rng: random.Random, text: str) -> list[str]:
    if not layout.split_paragraphs or len(text) < 500:
        return [text]
    sentences = _sentences(text)
    if len(sentences) < 4:
        return [text]
    cut = rng.randint(2, len(sentences) - 2)
    return [" ".join(sentences[:cut]), " ".join(sentences[cut:])]


def render(record: Determination, *, rng: random.Random) -> str:
    """The text of a final determination that says what ``record`` holds.

    Typography is drawn from ``rng`` (see ``_Layout``); content is the record's own:
    the header table appears only when the record has a case number or header
    dates, a subspecialty forces the prose credential (the two labelled lines have
    no place for one), and each item's heading is its ``original_request`` sentence
    for a partial certification.
    """
    layout = _layout(rng, record)
    page = _Page(layout, rng)
    lead = " " if layout.leading_space else ""
    if record.case_number or record.decision_date or record.date_assigned or record.ur_denial_date:
        _header(page, record, rng)
    page.line(lead + _HOW_HEADING, tag="how")
    service = "Service" if rng.random() < 0.6 else "services"
    how_rest = _HOW_REST.replace("{service}", service)
    if layout.prose:
        how = f"{_HOW_FIRST} {_prose_credentials(layout, rng, record)} {how_rest}"
    else:
        how = f"{_HOW_FIRST} {how_rest}"
    page.paragraph(how, tag="how")
    page.spacer()
    if not layout.prose:
        page.line("The Expert Reviewer has the following credentials:", tag="credentials")
        states = layout.state_separator.join(record.reviewer_states)
        page.line(f"State(s) of Licensure: {states}", tag="credentials")
        specialties = ", ".join(_specialty_text(layout, rng, record.reviewer_specialties, prose=False))
        page.line(f"Certification(s)/Specialty: {specialties}", tag="credentials")
        page.spacer()
    page.line(lead + "CLINICAL CASE SUMMARY", tag="summary")
    page.paragraph(_PREAMBLE, tag="summary")
    page.spacer()
    for paragraph in _paragraphs(layout, rng, record.summary):
        page.paragraph(paragraph, tag="summary", breakable=True)
    page.spacer()
    page.line(lead + "IMR ISSUES, DECISIONS AND RATIONALES", tag="issues")
    if layout.formfeed_issues:
        page.seps[-1] = "\f"
    page.line(_SET_FORTH, tag="issues")
    for number, item in enumerate(record.items):
        _render_item(page, item, glue_to_set_forth=number == 0 and layout.glue_set_forth, first=number == 0)
    return page.text(record)


def _render_item(page: _Page, item: Item, *, glue_to_set_forth: bool, first: bool) -> None:
    layout, rng = page.layout, page.rng
    head = item.original_request or item.request
    heading = page._wrap(f"{head}: {item.outcome}", breakable=False)
    if heading[-1].endswith(f": {item.outcome}") and rng.random() < layout.double_outcome:
        heading[-1] = heading[-1][: -len(item.outcome) - 1] + " " + " " + item.outcome
    # A page that ends where a heading starts: pdfium puts the form feed where the newline was.
    glue = "\f" if glue_to_set_forth or (not first and rng.random() < layout.glue_heading) else ""
    if not first and not glue:
        page.spacer()
    for index, text_line in enumerate(heading):
        page.line(text_line, tag="heading", glue=glue if index == 0 else "")
        page.ends[-1] = index == len(heading) - 1
    blocks = (("Claims Administrator guideline: ", item.claims_guideline, "guideline"),
              ("MAXIMUS guideline: ", item.maximus_guideline, "guideline"),
              ("Decision rationale: ", item.rationale, "rationale"))
    for label, text, tag in blocks:
        # A label after a page break ("Upheld\fClaims Administrator guideline:"), or glued
        # to the text before it by an extractor that drops page breaks ("2004.MAXIMUS guideline:").
        glue = ("\f" if rng.random() < 0.7 else "bare") if rng.random() < layout.glue_label else ""
        if tag == "rationale":
            paragraphs = _paragraphs(layout, rng, text) if len(text) > 900 else [text]
            page.paragraph(label + paragraphs[0], tag=tag, breakable=True, glue=glue)
            for more in paragraphs[1:]:
                page.paragraph(more, tag=tag, breakable=True)
        else:
            page.paragraph(label + text, tag=tag, glue=glue)
