"""Why an item was decided, as the reviewer states it: its rationale's sentences classified into
the reasons below (several may apply), each with the sentences that state it.

Rule-based and pure (no Django): each rule is a pattern over one sentence of the rationale, read
in the item's outcome (an upheld item's reasons are those for a request found not necessary, an
overturned item's those for one found necessary). Sentences that quote or paraphrase a guideline
("Per MTUS, ...", "The guidelines recommend ...") state what the guideline says, not what the
reviewer found in this patient's records: only the ``not_recommended`` and ``exceeds_limits``
rules read them. The labels measured against hand labels of real items are in
tests/labels/reasons.json; tests/test_reasons.py gives precision and recall per label.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .patterns import Screen, quick
from .record import OVERTURNED

# label -> what the page calls it. The names are part of the API: never rename one.
LABELS = {
    "not_recommended": "Not recommended by the guideline",
    "no_functional_improvement": "No functional improvement documented",
    "no_monitoring": "Drug monitoring not documented",
    "exceeds_limits": "Exceeds the guideline's limits",
    "criteria_not_met": "Criteria not met",
    "insufficient_information": "Insufficient information",
    "primary_not_certified": "Primary procedure not certified",
    "duplicate": "Already approved or done",
    "criteria_met": "Criteria met",
    "documented_improvement": "Improvement documented",
    "other": "Other",
}
NOT_NECESSARY = ("not_recommended", "no_functional_improvement", "no_monitoring", "exceeds_limits",
                 "criteria_not_met", "insufficient_information", "primary_not_certified", "duplicate")
NECESSARY = ("criteria_met", "documented_improvement")
OTHER = "other"


@dataclass(frozen=True)
class Reason:
    label: str
    sentences: tuple[tuple[int, int], ...]  # (start, end) in the rationale of each sentence stating it

    @property
    def name(self) -> str:
        return LABELS.get(self.label, self.label)


_I = re.IGNORECASE


def _R(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """A rule's pattern, compiled to search fast (patterns.quick)."""
    return quick(re.compile(pattern, flags))


_NEGATED = _R(
    r"\b(?:no|not|non|lack(?:s|ed|ing)?|(?<!\bor\s)without|absen(?:ce|t)|neither|nor|none|never|fail(?:s|ed)?\s+to|"
    r"insufficient|inadequate(?:ly)?|unclear|unable|missing|minimal|limited|n't)\b|\bun(?:documented|specified)\b", _I)
_GUIDELINE_SENTENCE = _R(
    r"^\W*(?:(?:More\s+specifically|In\s+addition|Additionally|Furthermore|Moreover|Also|However|Specifically|Further"
    r"|Similarly|Likewise|In\s+this\s+regard),?\s+)?(?:(?:Per|According\s+to|Based\s+on|As\s+per|Under|In)\s+(?:the\s+)?(?:California\s+|CA\s+)?"
    r"(?:MTUS|ODG|ACOEM|Official|Chronic\s+Pain|guidelines?|evidence|referenced|cited|Medical\s+Treatment)"
    r"|(?:The\s+)?(?:California\s+|CA\s+)?(?:MTUS|ODG|ACOEM|Official\s+Disability|Chronic\s+Pain|evidence[-\s]based"
    r"|[Gg]uidelines?|ACOEM)\b[^.]{0,120}?\b(?:states?|recommends?|indicates?|notes?|supports?|suggests?"
    r"|describes?|specif(?:y|ies)|allows?|do(?:es)?\s+not|are|is|criteria|makes?|recommendations?)\b"
    r"|[\"“'])", _I)

# A sentence that reports what a guideline says, wherever it names it; "They are not recommended ...".
_GUIDELINE_SAYS = _R(
    r"\b(?:MTUS|ODG|ACOEM|[Gg]uidelines?)\b(?:\s+page\s+\d+)?\s+(?:states?|recommends?|indicates?|notes?|suggests?|"
    r"specif(?:y|ies))\b|^\W*(?:They|These|This\s+(?:medication|drug|class|treatment|modality))\s+(?:are|is)\s+(?:not\s+)?"
    r"(?:recommended|indicated)\b|\b(?:efficacy|effectiveness)\s+(?:is|has\s+been)\s+(?:unproven|not\s+(?:been\s+)?(?:proven|established))",
    _I)

# The provider gave no reason for the request ("failed to furnish a clear or compelling rationale", "without
# ... explanation of the need"): insufficient_information reads it, and it is never a criterion not met.
_NO_REASON_GIVEN = (
    r"\b(?:fail(?:s|ed)?\s+to|did\s+not|does\s+not)\s+(?:furnish|provide|give|offer|articulate|present|include)\s+"
    r"(?:a\s+|any\s+)?(?:(?:clear|compelling|specific|medical|clinical|or)\s+)*rationale"
    r"|\b(?:no|lack\s+of|without)\b[^.]{0,60}\bexplanation\s+(?:of|for)\s+(?:the\s+)?(?:rationale|need|why)\b")

# Each rule: a label, a pattern one sentence must match, and whether the sentence must also be
# negated (a finding of something missing) or must not be.
_RULES: tuple[tuple[str, re.Pattern[str], bool | None, bool], ...] = (
    # (label, pattern, negated: True must / False must not / None either, reads guideline sentences)
    ("not_recommended", _R(
        r"\bnot\s+(?:be\s+|been\s+|generally\s+|currently\s+|routinely\s+)?recommended\b(?!\s+(?:for\s+(?:long|chronic|prolonged|"
        r"extended|use\s+(?:longer|beyond|more))|longer|more|over|unless|except|without|until|as\s+a\s+(?:primary|first|sole)"
        r"|to\s+(?:abruptly\s+)?(?:discontinue|stop|taper|wean|exceed|change|switch)))"
        r"|\bshould\s+be\s+avoided\b|\bdetrimental\b|\b(?:use\s+of|for)\b[^.]{0,80}\bis\s+not\s+indicated\b"
        r"|\bdo(?:es)?\s+not\s+(?:generally\s+|routinely\s+)?recommend(?:ed)?\b(?!\s+\w+\s+(?:for|beyond|past|longer|more|unless|except|without))"
        r"|\brecommends?\s+against\b|\bnot\s+supported\s+by\s+(?:the\s+)?(?:evidence|guidelines?|literature|MTUS|ODG)"
        r"|\b(?:little|no|insufficient|limited|inconsistent)\s+(?:to\s+no\s+)?(?:research|(?:high[-\s]quality|scientific|"
        r"published|medical)\s+evidence|studies|literature)\s+(?:to\s+support|supporting|that\s+supports?|for|of\s+(?:efficacy|benefit))"
        r"|\black\s+of\s+(?:sufficient\s+)?(?:literature|scientific|published)\s+evidence"
        r"|\bexperimental\b|\binvestigational\b|\bnot\s+(?:an?\s+)?(?:FDA[-\s])?approved\b"
        r"|\bnot\s+(?:a\s+)?(?:first|second)[-\s]line\b|\bnot\s+recommended\s+as\s+a\s+(?:primary|first|sole)"
        r"|\bno\s+longer\s+recommended\b|\bnot\s+(?:considered\s+)?(?:a\s+)?standard\s+of\s+care"
        r"|\bnot\s+(?:been\s+|be\s+)?(?:proven|shown|demonstrated)\s+(?:to\s+be\s+)?(?:effective|efficacious|beneficial)"
        r"|\bnot\s+an?\s+(?:appropriate\s+|accepted\s+|recommended\s+)?(?:long[-\s]?term\s+)?indication\s+for\b", _I), None, True),
    ("exceeds_limits", _R(
        r"\bexceed(?:s|ed|ing)?\b|\bexcessive\b|\bin\s+excess\s+of\b|\bbeyond\s+(?:the\s+)?(?:recommended|guidelines?|\d)"
        r"|\b(?:more|longer|greater)\s+than\s+(?:the\s+)?(?:recommended|guidelines?|allowed|suggested|maximum"
        r"|\d+(?:\s*-\s*\d+)?\s+(?:weeks?|months?|sessions?|visits?|days?))"
        r"|\bonly\s+(?:recommended|indicated)\s+for\s+(?:a\s+)?(?:short|limited|brief)"
        r"|\bnot\s+(?:be\s+)?recommended\s+(?:for\s+)?(?:long[-\s]?term|chronic|prolonged|extended|beyond|past|longer|more\s+than)"
        r"|\bnot\s+recommended\s+for\s+use\s+(?:longer|beyond|more)|\blong[-\s]?term\s+(?:use|treatment|therapy)\b|\bprolonged\s+use\b"
        r"|\bchronic\s+use\b|\bextended\s+(?:use|period)\b"
        r"|\bmorphine\s+(?:milligram\s+)?equivalen|\bMED\b|\bMME\b|\bmaximum\s+(?:of|dose|daily)|\btoo\s+(?:many|long|frequent)"
        r"|\bnumber\s+of\s+(?:sessions|visits|treatments)\b[^.]{0,60}\b(?:recommended|guidelines?)"
        r"|\b(?:recommended|allowed|guidelines?)\s+(?:number|quantity|duration|frequency)\b", _I), None, False),
    ("exceeds_limits", _R(
        r"\b(?:request(?:ed)?|additional|this\s+(?:patient|claimant|individual)|the\s+(?:patient|claimant|injured\s+worker))\b"
        r"[^.]{0,80}\b(?:exceeds?|in\s+excess\s+of)\b", _I), None, True),
    ("no_functional_improvement", _R(
        r"\bfunctional\s+(?:improvement|benefit|gains?|improvements|response|progress)"
        r"|\bobjective\s+(?:evidence\s+of\s+)?(?:improvement|benefit|gains?)|\bfunctional\s+(?:objective\s+)?measures"
        r"|\bobjective\s+functional\s+measures|\bclinical\s+progression\b"
        r"|\bimprove(?:ment|d)?\s+(?:in|of)\s+(?:function|pain|activities|ADLs?|symptoms|the\s+patient's\s+function)"
        r"|\b(?:pain\s+relief|relief\s+of\s+pain|efficacy|effectiveness|(?:any|significant|documented|objective|measurable|"
        r"functional|clinical|therapeutic)\s+benefit|increased\s+function|improved\s+function"
        r"|pain\s+reduction|reduction\s+in\s+pain|decrease\s+in\s+pain|response\s+to\s+(?:the\s+)?(?:prior\s+|previous\s+)?"
        r"(?:treatment|therapy|medication|sessions|injections?))"
        r"|\bdid\s+not\s+(?:improve|help|benefit)|\bno\s+(?:significant\s+)?improvement\b"
        r"|\b(?:not|in)effective\b|\bfailed\s+to\s+(?:improve|provide\s+(?:relief|benefit|improvement)|respond)|\bcontinued\s+(?:pain|symptoms)\b"
        r"|\bVAS\b|\bpain\s+(?:scores?|levels?|ratings?)\b", _I), True, False),
    ("no_functional_improvement", _R(
        r"\bcontingent\s+(?:up)?on\s+(?:the\s+)?(?:patient'?s?\s+|documented\s+)?(?:response|improvement|results?)"
        r"|\b(?:until|after|pending|before)\b[^.]{0,60}\bresults?\s+(?:of|from)\b"
        r"|\bresults?\s+(?:of|from)\s+(?:the\s+)?(?:initial|prior|previous|first|completed|recent|previously)\b[^.]{0,80}"
        r"\b(?:not|unknown|pending|unclear)\b", _I), None, False),
    ("no_monitoring", _R(
        r"\burine\s+(?:drug|toxicology)|\bdrug\s+(?:screen|test)|\bUDS\b|\bUDT\b|\bCURES\b|\bPDMP\b|\bprescription\s+drug\s+monitoring"
        r"|\b(?:opioid|pain|narcotic|medication)\s+(?:treatment\s+)?(?:agreement|contract)"
        r"|\b(?:4|four)\s+A'?s\b|\baberrant\b|\bdrug[-\s]seeking\b|\brisk\s+(?:assessment|stratification)\b"
        r"|\bscreening\s+for\s+(?:risk|addiction|misuse)|\b(?:ongoing|appropriate)\s+(?:opioid\s+)?monitoring\b", _I), True, False),
    ("criteria_not_met", _R(
        r"\bred[-\s]flags?\b|\bneurolog(?:ic|ical)\s+(?:deficits?|dysfunction|findings|compromise|abnormalit|changes|signs)"
        r"|\bradiculopathy\b|\bradicular\b|\bnerve\s+(?:root\s+)?(?:compromise|impairment|dysfunction|entrapment|involvement)"
        r"|\b(?:physical\s+)?exam(?:ination)?\s+findings|\bobjective\s+(?:findings|evidence|signs|deficits?|abnormalit)"
        r"|\bclinical\s+(?:signs|findings|indications?|evidence|rationale\s+for)|\bfocal\b|\bdermatomal\b"
        r"|\b(?:trial(?:ed)?\s+and\s+)?failed?\s+(?:a\s+)?(?:course\s+of\s+|proper\s+)?conservative|\bconservative\s+(?:care|treatment|therapy|measures)"
        r"|\bfailure\s+of\s+(?:conservative|first[-\s]line)|\bfirst[-\s]line\b|\btrial\s+of\b"
        r"|\bindications?\b|\bcriteria\b|\bcandidate\b|\bsurgical\s+(?:intervention|consideration|lesion)"
        r"|\bdiagnos(?:is|ed|tic\s+findings)\b|\bsignificant\s+(?:objective\s+)?(?:deficits?|findings|change|pathology)"
        r"|\bmuscle\s+spasms?\b|\bspasm\b|\b(?:gastrointestinal|GI)\s+(?:events?|symptoms|risk|complaints)|\brisk\s+factors?"
        r"|\binstability\b|\btrauma\b|\bchange\s+in\s+(?:the\s+(?:patient's|injured\s+worker's|claimant's)\s+)?(?:condition|symptoms)"
        r"|\bprogressive\b|\bdeficits?\b|\bneuropathic\b|\binfection\b|\btumor\b|\bfracture\b"
        r"|\bsymptoms\s+of\b|\bhome\s+exercise\b|\bhomebound\b|\bsleep\b|\binsomnia\b|\bnot\s+(?:been\s+)?met\b"
        r"|\bunremarkable\b|\bfailure\s+of\b|\bunable\s+to\s+tolerate\b|\bcannot\s+tolerate\b", _I), True, False),
    ("insufficient_information", _R(
        r"(?<!,\s)\bunspecified\b(?!\s+(?:muscle|site|part\s+of)|\s*\(?\s*ICD)|\bvague\b|\bunclear\b"
        r"|\bnot\s+clearly\s+(?:stated|documented|indicated|specified|explained|defined)"
        r"|\b(?:fail(?:s|ed)?\s+to|does\s+not|did\s+not|do\s+not|not)\s+(?:provide|include|specify|indicate|state|list|identify|"
        r"mention)\s+(?:the\s+|a\s+|if\s+)?(?:quantity|frequency|duration|dosage|dose|strength|number|body\s+part|type|nature|"
        r"rental|purchase|length|site|which|what|how\s+many|the\s+specific|it\s+will\s+be)"
        r"|\b(?:quantity|frequency|duration|dosage|dose|strength|number\s+of\s+(?:sessions|visits|tests)|body\s+part|nature\s+of)"
        r"\b[^.]{0,60}\b(?:not\s+(?:specified|provided|indicated|stated|included)|unspecified|unknown)"
        r"|\bnot\s+included\s+(?:with|in)\s+the\s+request|\bunknown\s+quantity\b"
        r"|\b(?:no|lack\s+of|without)\s+(?:a\s+)?(?:clear\s+|clinical\s+|evidence[-\s]?based\s+|evidenced\s+)?rationale\b"
        r"|\brationale\b[^.]{0,60}\b(?:was|is|has\s+been)\s+not\s+(?:provided|given)|\bspecifying\s+(?:when|what|which|how)"
        r"|\bmedical\s+necessity\b[^.]{0,60}\bnot\s+(?:provided|addressed|explained)|\bnot\s+address\s+(?:the\s+)?medical\s+necessity"
        r"|\brecords?\b[^.]{0,40}\bnot\s+(?:provided|available|submitted|included)|\bnot\s+(?:provided|available|submitted)\s+for\s+review"
        r"|\b(?:date|start|onset|first\s+use|duration\s+of\s+use|frequency\s+of\s+use)\b[^.]{0,40}\b(?:could\s+not|cannot|can\s*not|"
        r"was\s+not|is\s+not)\s+(?:be\s+)?(?:established|determined|confirmed|ascertained)"
        r"|\bnot\s+clear\s+(?:what|why|how|which|whether|if)\b"
        r"|" + _NO_REASON_GIVEN +
        r"|\bwhy\b|\bhow\s+(?:the|this|it|results)\b[^.]{0,80}\b(?:would|will|was\s+to)\b|\billegible\b", _I), True, False),
    ("duplicate", _R(
        r"\balready\s+(?:been\s+)?(?:approved|authorized|certified|performed|done|completed|undergone|had|received|obtained|"
        r"in\s+place)|\brecently\s+(?:had|undergone|performed|completed|received|approved|certified)"
        r"|\bpreviously\s+(?:approved|authorized|certified)\b[^.]{0,40}\b(?:same|this)\b|\bduplicat|\bredundant\b"
        r"|\bprior\s+(?:lumbar\s+|cervical\s+|shoulder\s+|knee\s+)?(?:MRI|x-?rays?|CT|study|imaging|EMG|NCV|urine\s+drug\s+screen)"
        r"\b[^.]{0,40}\b(?:in|on|dated|from)\b|\b(?:was|were|had\s+been)\s+(?:already\s+)?(?:obtained|performed|done|completed)"
        r"\s+(?:following|after|on|in)\b|\bhad\s+(?:a\s+)?(?:urine\s+drug\s+screen|UDS|MRI|x-?ray|CT|EMG|NCV)\s+(?:on|in)\b", _I),
        None, False),
    ("documented_improvement", _R(
        r"\bfunctional\s+(?:improvement|benefit|gains?)|\bimprove(?:ment|d|s)?\b|\bpain\s+relief\b|\b(?:decrease|reduction)\s+in\s+pain\b"
        r"|\bincreased?\s+(?:function|activity|ability)\b|\bbenefit(?:ed|s)?\b|\bresponded\b|\befficacy\b|\beffective\b"
        r"|\breturn(?:ed)?\s+to\s+work\b|\bpain\s+(?:from|decreas|reduc)", _I), False, False),
    ("criteria_met", _R(
        r"\b(?:meets?|met|satisf(?:y|ies|ied)|fulfill(?:s|ed)?)\b|\bcriteria\b|\bindicated\b|\bwithin\s+(?:the\s+)?(?:guidelines?|recommend)"
        r"|\bin\s+accordance\s+with\b|\bconsistent\s+with\s+(?:the\s+)?(?:guidelines?|recommendations?|MTUS|ODG)"
        r"|\bsupported\s+by\b|\b(?:is|are|was|were)\s+(?:supported|appropriate|reasonable|recommended|warranted)\b"
        r"|\brecommend(?:s|ed)?\b|\bdocumentation\s+of\b|\bevidence\s+of\b|\bfindings\b|\bwarrant(?:s|ed)?\b|\bsupports?\b", _I),
        False, True),
)
# A finding that the records lack something, when no other reason names what: a criterion not met.
_FINDING = _R(
    r"\b(?:document(?:ed|ation|s)?|records?|evidence|exam(?:ination)?|findings|notes?|reports?|indicat(?:e|ed|ion|ing))\b"
    r"|\bthe\s+(?:patient|claimant|injured\s+worker|applicant)\b", _I)

# A guideline's words applied to this patient: "... for severe acute injuries which this individual has experienced".
_APPLIED = _R(r"\b(?:this|the)\s+(?:individual|patient|claimant|injured\s+worker|applicant|employee)\b"
                      r"|\b(?:have|has)\s+been\s+met\b|\bmeets?\b", _I)
# "not recommended as a primary treatment modality, but a trial ...": a condition, not a verdict.
_CONDITIONAL = _R(
    r"^\W*Any\b|(?:^|\s)\(\d{1,2}\)\s"
    r"|\bnot\s+(?:routinely|generally|usually)\s+recommended|\bnot\s+recommended\b[^.]{0,160}?\b(?:unless|except|if|"
    r"reserved|when)\b|\bnot\s+recommended\s+as\s+(?:a|the)\s+(?:primary|sole|stand-?alone)|\bnot\s+recommended\s*:"
    r"|\bdo(?:es)?\s+not\s+recommend\b[^.]{0,80}?\bas\s+(?:a|the)\s+(?:primary|sole|stand-?alone)", _I)

# The closing formula ("..., the request for X is not medically necessary") states the outcome,
# not a reason: it is cut off a sentence before the rules read it.
_OUTCOME_CLAUSE = _R(
    r"(?:^|[,;:]\s*|\b(?:then|therefore|thus|hence|so|and|that)\s+)(?:(?:it\s+is\s+(?:deemed|determined|found)\s+that\s+)?"
    r"(?:the|this|that|these|such|a)\s+)?(?:original\s+|current\s+|additional\s+|continued\s+|requested\s+)?"
    r"(?:request(?:ed)?|treatment|procedure|medication|service|item|study|imaging|therapy|referral)\b[^.;]{0,250}?"
    r"\b(?:is|was|are|were|be|has\s+been|have\s+been)\s+(?:(?:therefore|thus|deemed|considered|determined|found|not|also|"
    r"currently)\s+(?:to\s+)?(?:be\s+)?){0,3}(?:not\s+)?(?:medically\s+(?:necessary|appropriate|indicated)|supported|certified|"
    r"warranted|established)\b[^.;]*[.;]?\W*$", _I)
# An item that falls with the one it serves: "As the requested surgical intervention is not medically
# necessary ..., the requested ancillary service is not medically necessary."
_FALLS_WITH = _R(
    r"\b(?:as|since|because|given(?:\s+that)?)\s+(?:the\s+)?(?:requested\s+|primary\s+|proposed\s+|associated\s+)?"
    r"(?:surgical\s+(?:intervention|procedure|request)|surgery|procedure|operation|request\s+for\s+[^,.]{1,60}?)\s+"
    r"(?:is|was|has\s+been|have\s+been|were|are)\s+not\b[^.]*?(?:,|\bthe\s+requested\b|\btherefore\b)"
    r"|\bnot\s+(?:appropriate|medically\s+necessary|supported)\s+(?:and\s+)?therefore,?\s+the\s+(?:continued\s+)?need\s+for"
    r"|\b(?:ancillary|associated\s+surgical)\s+(?:services?|requests?|items?)\b[^.]*\bnot\s+(?:medically\s+necessary|certified|supported)",
    _I)
# "There was no clear rationale for the need of X prior to ...": the provider's missing reason, not a criterion.
_NO_RATIONALE = _R(
    r"\b(?:no|lack\s+of|without)\s+(?:a\s+)?(?:clear\s+|clinical\s+|evidence[-\s]based\s+)?rationale\b"
    r"|" + _NO_REASON_GIVEN, _I)
# "Long-term use is not recommended": a limit on duration (exceeds_limits), not a verdict on the treatment.
_LIMITED_USE = _R(r"\b(?:long[-\s]?term|chronic|prolonged|extended|continued|ongoing)\s+(?:use|usage|treatment|therapy)\b"
                          r"[^.]{0,60}\bnot\s+(?:be\s+)?recommended\b", _I)
# A limit stated, or an exception to it, rather than found exceeded: "Sessions should not exceed 18 visits".
_LIMIT_STATED = _R(r"\b(?:should|must|shall)\s+not\s+(?:exceed|be\s+more\s+than)|\bnot\s+to\s+exceed\b|\bunless\b"
                           r"|\bexcept\s+(?:when|if|in|for|after)\b", _I)
# What a guideline allows, told as a possibility or a list, not found of this patient: "Long-term use may be
# appropriate if ...", "(e) Use of drug screening ...", "Home exercise can include ...".
_GENERAL = _R(r"\b(?:may|can|might|could)\s+(?:be\s+)?(?:appropriate|indicated|recommended|considered|warranted|"
                      r"helpful|useful|include|required|necessary)\b|\bin\s+most\s+instances\b|(?:^|\s)\((?:[a-h]|\d{1,2})\)\s"
                      r"|\bmay\s+(?:actually\s+|also\s+)?(?:increase|lead|cause|result)\b|\bthere\s+must\s+be\b|\bto\s+be\s+supported\b"
                      r"|\bintended\s+to\s+address\b|\bdefined\s+as\b", _I)
# Failed conservative care is a prerequisite (criteria_not_met); studies and evidence speak of the treatment in
# general (not_recommended): neither says this patient's prior treatment did not work.
_EVIDENCE_BASE = _R(r"\b(?:studies|study|literature|research|trials|randomi[sz]ed)\b"
                            r"|\b(?:available|scientific|published|medical|insufficient|limited)\s+evidence\b"
                            r"|\bevidence\s+(?:does|do)\s+not\s+support\b", _I)
_CONSERVATIVE = _R(r"\bconservative\b", _I)
# A phase of care (the acute phase, the first 72 hours) is when a treatment is recommended, not a limit on its amount.
_PHASE = _R(r"\bbeyond\s+(?:the\s+)?(?:acute|initial|subacute|early)\s+(?:phase|period|stage)|\bbeyond\s+\d+\s+(?:hours|days)\b", _I)
# A generic line ("medical necessity has not been established", "no exceptional factors"): it names a
# reason only when no other sentence does.
_GENERIC_LINE = _R(r"\b(?:exceptional|extenuating|compelling)\s+(?:factors|circumstances)\b"
                           r"|\bmedical\s+necessity\s+(?:has|have|was|is)\s+not\s+been\s+established\b"
                           r"|\bnot\s+sufficient\s+clinical\s+information\b", _I)
_UNCLEAR_WHAT = _R(r"\b(?:not\s+clear|unclear)\s+(?:what|why|how|which|whether|if)\b", _I)
# "It is unclear what conservative care the patient has tried": a prerequisite undocumented, not the request unclear.
_UNCLEAR_CRITERION = _R(r"\b(?:unclear|not\s+clear)\b[^.]{0,60}\b(?:conservative|tried\s+and\s+failed|red\s+flags?|"
                                r"deficits?|radiculopathy)\b", _I)
# A closing line: what it says is stated again, more specifically, by the sentences before it.
_CLOSING = _R(r"^\W*(?:Therefore|Thus|Hence|As\s+such|Consequently|Accordingly|In\s+summary|Given\s+the\s+above|"
                      r"Based\s+on\s+the\s+above)\b", _I)
_DISCLAIMER = _R(r"should\s+not\s+be\s+interpreted|advised\s+to\s+(?:speak|consult)|weaning\s+and\s+terminating", _I)


# Every pattern a sentence is searched for: one pass of RE2 over a sentence rules out most of them.
_SCREEN = Screen([_DISCLAIMER, _FALLS_WITH, _OUTCOME_CLAUSE, _GUIDELINE_SENTENCE, _GUIDELINE_SAYS, _GENERAL, _NEGATED,
                  _CLOSING, *(pattern for _, pattern, _, _ in _RULES), _NO_RATIONALE, _CONDITIONAL, _LIMITED_USE,
                  _LIMIT_STATED, _PHASE, _CONSERVATIVE, _EVIDENCE_BASE, _UNCLEAR_WHAT, _UNCLEAR_CRITERION, _APPLIED,
                  _FINDING, _GENERIC_LINE])


class _Sentence:
    """A sentence's text, searched only for the patterns _SCREEN does not rule out (the same
    answers as searching it for every one, in a fraction of the time)."""

    __slots__ = ("ruled_out", "text")

    def __init__(self, text: str):
        self.text = text
        self.ruled_out = _SCREEN.ruled_out(text)

    def search(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        return None if id(pattern) in self.ruled_out else pattern.search(self.text)

    def match(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        return None if id(pattern) in self.ruled_out else pattern.match(self.text)


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text``, its trailing space left out: the sentences /s means."""
    from .engine.sentences import sentence_starts  # here: the engine's facets import this module's LABELS

    starts, _ = sentence_starts(text)
    spans = []
    for start, end in zip(starts, [*starts[1:], len(text)]):
        while end > start and text[end - 1].isspace():
            end -= 1
        while start < end and text[start].isspace():
            start += 1
        if end > start:
            spans.append((start, end))
    return spans


def _quoted(text: str, start: int) -> bool:
    """Whether ``start`` lies inside a quotation opened before it (the guideline quoted at length)."""
    before = text[max(0, start - 3000):start]
    return before.count('"') % 2 == 1 or before.count("\u201c") > before.count("\u201d")


def stated_reasons(rationale: str, outcome: str) -> list[Reason]:
    """The reasons the rationale states for ``outcome``, in LABELS order; [Reason("other")] when none."""
    allowed = NECESSARY if outcome == OVERTURNED else NOT_NECESSARY
    found: dict[str, list[tuple[int, int]]] = {}
    closing: dict[str, list[tuple[int, int]]] = {}
    for start, end in sentences(rationale):
        sentence = _Sentence(rationale[start:end])
        if sentence.search(_DISCLAIMER):
            continue
        falls_with = "primary_not_certified" in allowed and bool(sentence.search(_FALLS_WITH))
        if falls_with:  # the sentence says nothing else about this item
            found.setdefault("primary_not_certified", []).append((start, end))
            continue
        if outcome_clause := sentence.search(_OUTCOME_CLAUSE):
            sentence = _Sentence(sentence.text[:outcome_clause.start()])
        reads_guideline = (bool(sentence.match(_GUIDELINE_SENTENCE) or sentence.search(_GUIDELINE_SAYS))
                           or _quoted(rationale, start) or bool(sentence.search(_GENERAL)))
        negated = bool(sentence.search(_NEGATED))
        weak = bool(sentence.match(_CLOSING))
        named = falls_with
        for label, pattern, needs_negation, guideline_ok in _RULES:
            if label not in allowed or (reads_guideline and not guideline_ok):
                continue
            if needs_negation is not None and negated != needs_negation:
                continue
            if not sentence.search(pattern):  # before the guards below: most rules do not match a sentence
                continue
            if label == "criteria_not_met" and sentence.search(_NO_RATIONALE):
                continue
            if label == "not_recommended" and (sentence.search(_CONDITIONAL) or sentence.search(_LIMITED_USE)):
                continue
            if label == "exceeds_limits" and (sentence.search(_LIMIT_STATED) or sentence.search(_PHASE)):
                continue
            if label == "no_functional_improvement" and (sentence.search(_CONSERVATIVE) or sentence.search(_EVIDENCE_BASE)):
                continue
            if label == "criteria_not_met" and (sentence.search(_EVIDENCE_BASE)
                                                or (sentence.search(_UNCLEAR_WHAT) and not sentence.search(_UNCLEAR_CRITERION))):
                continue
            if label == "insufficient_information" and sentence.search(_UNCLEAR_CRITERION):
                continue
            if label == "criteria_met" and reads_guideline and not sentence.search(_APPLIED):
                continue
            (closing if weak else found).setdefault(label, []).append((start, end))
            named = True
        if (not named and negated and not reads_guideline and "criteria_not_met" in allowed
                and sentence.search(_FINDING) and not sentence.search(_NO_RATIONALE) and not sentence.search(_EVIDENCE_BASE)
                and not sentence.search(_GENERIC_LINE)):
            (closing if weak else found).setdefault("criteria_not_met", []).append((start, end))
    for label, spans in closing.items():  # a closing line names a reason only when no sentence before it did
        if not found or label in found:
            found.setdefault(label, []).extend(spans)
    reasons = [Reason(label, tuple(found[label])) for label in LABELS if label in found]
    return reasons or [Reason(OTHER, ())]


def labels(rationale: str, outcome: str) -> list[str]:
    """Just the labels of ``stated_reasons``: what the parse, the database and the index hold."""
    return [reason.label for reason in stated_reasons(rationale, outcome)]
