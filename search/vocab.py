"""Controlled vocabularies for IMR determinations: drugs, categories, specialties,
states and guideline sources.

This is the one place these lists live, so the parser, the corpus generator, the
ingest and the search facets all agree on spelling. Pure standard library, no
Django: it is imported by code that runs outside the web app and by tests that do
not configure settings. Every regex is compiled once at import because the
parser calls these functions for every item of every determination (millions of
calls over the full archive).
"""
from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = [
    "CATEGORIES",
    "DRUGS",
    "GUIDELINE_SOURCES",
    "SPECIALTIES",
    "STATES",
    "canonical_specialty",
    "canonical_state",
    "categorize",
    "find_drug",
    "find_quantity",
    "find_strength",
    "guideline_sources",
    "split_specialties",
    "split_states",
]

# ---------------------------------------------------------------------------
# Drugs
# ---------------------------------------------------------------------------

# Canonical generic -> the names requests use for it (brands, salts, spellings).
# Canonical names are lowercase generics. Combination products join their parts
# with "/" in one fixed order so that every product with the same ingredients
# lands on the same string (search facets count them together):
#   * oral combinations: the conventional generic name, active drug first and
#     acetaminophen last ("hydrocodone/acetaminophen", "codeine/acetaminophen");
#   * topical counter-irritant blends: Terocin's label order, methyl salicylate,
#     capsaicin, menthol, camphor, lidocaine (LidoPro, Medrox, Menthoderm... then
#     share Terocin's wording for the ingredients they share).
# Each canonical name is also a name of itself, so it needs no entry here.
# Products without a generic (medical foods) keep their own name as canonical:
# that is what a reader searches for.
_DRUG_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # --- opioids -----------------------------------------------------------
    ("hydrocodone/acetaminophen", (
        "norco", "vicodin", "vicodin es", "vicodin hp", "lortab", "lorcet",
        "lorcet plus", "lorcet hd", "xodol", "hycet", "zydone", "verdrocet",
        "maxidone", "anexsia", "co-gesic", "zamicet", "stagesic",
        "hydrocodone/apap", "hydrocodone-acetaminophen",
        "hydrocodone bitartrate/acetaminophen", "hydrocodone bitartrate/apap",
        "hydrocodone apap", "hydrocodone/paracetamol",
    )),
    ("hydrocodone/ibuprofen", ("vicoprofen", "reprexain", "ibudone", "xylon")),
    ("hydrocodone", (
        "hydrocodone bitartrate", "hysingla", "hysingla er", "zohydro",
        "zohydro er", "vantrela", "vantrela er",
    )),
    ("oxycodone/acetaminophen", (
        "percocet", "endocet", "roxicet", "tylox", "primlev", "xartemis",
        "xartemis xr", "nalocet", "prolate", "oxycodone/apap", "oxycodone apap",
    )),
    ("oxycodone/ibuprofen", ("combunox",)),
    ("oxycodone/naloxone", ("targiniq",)),
    ("oxycodone", (
        "oxycontin", "oxycodone hcl", "oxycodone hydrochloride", "roxicodone",
        "roxybond", "xtampza", "xtampza er", "oxaydo", "oxecta", "oxyir",
    )),
    ("morphine", (
        "ms contin", "mscontin", "morphine sulfate", "morphine sulphate", "kadian",
        "avinza", "msir", "ms ir", "arymo", "arymo er", "morphabond", "roxanol",
        # A PDF line break can leave "MS" on the line above; in a request
        # "Contin" on its own is always MS Contin. "MS Contin" still wins as the
        # longer name when both words are there.
        "contin",
    )),
    ("morphine/naltrexone", ("embeda",)),
    ("hydromorphone", ("dilaudid", "exalgo", "hydromorphone hcl")),
    ("oxymorphone", ("opana", "opana er", "oxymorphone hcl")),
    ("tapentadol", ("nucynta", "nucynta er")),
    ("tramadol", (
        "ultram", "ultram er", "conzip", "ryzolt", "rybix", "tramadol hcl",
        "tramadol er", "synapryn",  # Synapryn: tramadol oral suspension kit
    )),
    ("tramadol/acetaminophen", ("ultracet", "tramadol/apap")),
    ("codeine/acetaminophen", (
        "tylenol with codeine", "tylenol #3", "tylenol #4", "tylenol-codeine",
        "tylenol 3", "tylenol 4", "apap/codeine", "acetaminophen/codeine",
        "acetaminophen with codeine",
    )),
    ("codeine", ("codeine sulfate",)),
    ("fentanyl", (
        "duragesic", "fentora", "actiq", "subsys", "abstral", "lazanda", "onsolis",
    )),
    ("buprenorphine", (
        "butrans", "belbuca", "subutex", "buprenex", "probuphine", "sublocade",
    )),
    ("buprenorphine/naloxone", ("suboxone", "zubsolv", "bunavail")),
    ("methadone", ("dolophine", "methadose")),
    ("meperidine", ("demerol",)),
    ("levorphanol", ()),
    ("pentazocine", ("talwin",)),
    ("butorphanol", ("stadol",)),
    ("naloxone", ("narcan", "evzio")),
    ("naltrexone", ("revia", "vivitrol")),
    ("butalbital/acetaminophen/caffeine", ("fioricet", "esgic")),
    ("butalbital/aspirin/caffeine", ("fiorinal",)),
    # --- benzodiazepines -----------------------------------------------------
    ("alprazolam", ("xanax", "xanax xr")),
    ("diazepam", ("valium",)),
    ("lorazepam", ("ativan",)),
    ("clonazepam", ("klonopin",)),
    ("temazepam", ("restoril",)),
    ("chlordiazepoxide", ("librium",)),
    ("oxazepam", ("serax",)),
    ("triazolam", ("halcion",)),
    ("clorazepate", ("tranxene",)),
    ("estazolam", ("prosom",)),
    ("flurazepam", ("dalmane",)),
    # --- muscle relaxants ----------------------------------------------------
    ("cyclobenzaprine", (
        "flexeril", "fexmid", "amrix", "cyclobenzaprine hcl",
        "tabradol",  # cyclobenzaprine oral suspension kit
    )),
    ("carisoprodol", ("soma",)),
    ("orphenadrine", ("norflex", "orphenadrine citrate", "orphenadrine er")),
    ("orphenadrine/aspirin/caffeine", ("norgesic", "norgesic forte")),
    ("tizanidine", ("zanaflex",)),
    ("baclofen", ("lioresal", "gablofen", "ozobax")),
    ("methocarbamol", ("robaxin", "robaxin-750")),
    ("metaxalone", ("skelaxin", "metaxall")),
    ("chlorzoxazone", ("parafon forte", "parafon", "lorzone")),
    ("dantrolene", ("dantrium",)),
    # --- NSAIDs and other analgesics -------------------------------------------
    ("ibuprofen", ("motrin", "advil", "ibu")),
    ("ibuprofen/famotidine", ("duexis",)),
    ("naproxen", (
        "naprosyn", "ec-naprosyn", "anaprox", "anaprox ds", "naproxen sodium",
        "aleve", "naprelan",
    )),
    ("naproxen/esomeprazole", ("vimovo",)),
    ("sumatriptan/naproxen", ("treximet",)),
    ("meloxicam", ("mobic", "vivlodex")),
    ("diclofenac", (
        "voltaren", "voltaren gel", "voltaren xr", "voltaren-xr", "cataflam",
        "zipsor", "zorvolex", "cambia", "flector", "pennsaid", "solaraze",
        "dyloject", "diclofenac sodium", "diclofenac potassium",
        "diclofenac epolamine", "diclofenac er",
    )),
    ("diclofenac/misoprostol", ("arthrotec",)),
    ("celecoxib", ("celebrex",)),
    ("nabumetone", ("relafen",)),
    ("etodolac", ("lodine", "etodolac er")),
    ("ketoprofen", ("orudis", "oruvail", "ketophene")),
    ("ketorolac", ("toradol", "sprix", "ketorolac tromethamine")),
    ("indomethacin", ("indocin", "tivorbex")),
    ("piroxicam", ("feldene",)),
    ("oxaprozin", ("daypro",)),
    ("sulindac", ("clinoril",)),
    ("diflunisal", ("dolobid",)),
    ("fenoprofen", ("nalfon",)),
    ("flurbiprofen", ("ansaid",)),
    ("salsalate", ()),
    ("mefenamic acid", ("ponstel",)),
    ("meclofenamate", ()),
    ("tolmetin", ()),
    ("aspirin", ("ecotrin",)),
    ("acetaminophen", ("apap", "tylenol", "paracetamol")),
    # --- anticonvulsants ------------------------------------------------------
    ("gabapentin", (
        "neurontin", "gralise", "horizant", "gabapentin enacarbil",
        "fanatrex",  # gabapentin oral suspension kit
    )),
    ("pregabalin", ("lyrica", "lyrica cr")),
    ("topiramate", ("topamax", "trokendi", "qudexy")),
    ("carbamazepine", ("tegretol",)),
    ("oxcarbazepine", ("trileptal",)),
    ("lamotrigine", ("lamictal",)),
    ("levetiracetam", ("keppra",)),
    ("valproate", ("depakote", "depakene", "divalproex", "valproic acid")),
    ("zonisamide", ("zonegran",)),
    # --- antidepressants, anxiolytics, antipsychotics ---------------------------
    ("amitriptyline", ("elavil",)),
    ("nortriptyline", ("pamelor", "aventyl")),
    ("desipramine", ("norpramin",)),
    ("imipramine", ("tofranil",)),
    ("clomipramine", ("anafranil",)),
    ("doxepin", ("sinequan", "silenor")),
    ("trazodone", ("desyrel", "oleptro")),
    ("sertraline", ("zoloft",)),
    ("fluoxetine", ("prozac", "sarafem")),
    ("paroxetine", ("paxil", "pexeva")),
    ("citalopram", ("celexa",)),
    ("escitalopram", ("lexapro",)),
    ("bupropion", (
        "wellbutrin", "wellbutrin sr", "wellbutrin xl", "zyban", "aplenzin",
        "bupropion hcl", "bupropion xl", "bupropion sr",
    )),
    ("venlafaxine", ("effexor", "effexor xr", "venlafaxine hcl", "venlafaxine er")),
    ("desvenlafaxine", ("pristiq",)),
    ("duloxetine", ("cymbalta", "drizalma")),
    ("milnacipran", ("savella",)),
    ("mirtazapine", ("remeron",)),
    ("vilazodone", ("viibryd",)),
    ("vortioxetine", ("trintellix", "brintellix")),
    ("buspirone", ("buspar",)),
    ("hydroxyzine", ("vistaril", "atarax")),
    ("quetiapine", ("seroquel",)),
    ("aripiprazole", ("abilify",)),
    ("olanzapine", ("zyprexa",)),
    ("risperidone", ("risperdal",)),
    ("lurasidone", ("latuda",)),
    ("lithium", ()),
    ("modafinil", ("provigil",)),
    ("armodafinil", ("nuvigil",)),
    # --- sleep aids -----------------------------------------------------------
    ("zolpidem", ("ambien", "ambien cr", "intermezzo", "edluar", "zolpimist",
                  "zolpidem tartrate")),
    ("eszopiclone", ("lunesta",)),
    ("zaleplon", ("sonata",)),
    ("suvorexant", ("belsomra",)),
    ("ramelteon", ("rozerem",)),
    ("melatonin", ()),
    ("diphenhydramine", (
        "benadryl",
        "dicopanol",  # diphenhydramine oral suspension kit
    )),
    # --- stomach protection ---------------------------------------------------
    ("omeprazole", ("prilosec", "omeprazole dr")),
    ("omeprazole/sodium bicarbonate", ("zegerid",)),
    ("pantoprazole", ("protonix", "pantoprazole sodium")),
    ("esomeprazole", ("nexium",)),
    ("lansoprazole", ("prevacid",)),
    ("rabeprazole", ("aciphex",)),
    ("dexlansoprazole", ("dexilant",)),
    ("ranitidine", (
        "zantac",
        "deprizine",  # ranitidine oral suspension kit
    )),
    ("famotidine", ("pepcid",)),
    ("cimetidine", ("tagamet",)),
    ("sucralfate", ("carafate",)),
    ("misoprostol", ("cytotec",)),
    # --- nausea, constipation -------------------------------------------------
    ("ondansetron", ("zofran", "zuplenz", "ondansetron odt")),
    ("promethazine", ("phenergan",)),
    ("metoclopramide", ("reglan",)),
    ("prochlorperazine", ("compazine",)),
    ("meclizine", ("antivert",)),
    ("docusate", ("colace", "docusate sodium")),
    ("sennosides", ("senokot", "senna")),
    ("sennosides/docusate", (
        "senokot-s", "senokot s", "senna-s", "senna s", "senna plus", "peri-colace",
        "laxacin",
    )),
    ("polyethylene glycol", ("miralax", "glycolax")),
    ("bisacodyl", ("dulcolax",)),
    ("lactulose", ("enulose", "kristalose")),
    ("psyllium", ("metamucil",)),
    ("lubiprostone", ("amitiza",)),
    ("naloxegol", ("movantik",)),
    ("methylnaltrexone", ("relistor",)),
    ("linaclotide", ("linzess",)),
    ("naldemedine", ("symproic",)),
    # --- steroids -------------------------------------------------------------
    ("methylprednisolone", (
        "medrol", "medrol dosepak", "medrol dose pack", "depo-medrol",
        "solu-medrol",
    )),
    ("prednisone", ("deltasone",)),
    ("prednisolone", ()),
    ("dexamethasone", ("decadron",)),
    ("triamcinolone", ("kenalog",)),
    ("betamethasone", ("celestone",)),
    ("cortisone", ()),
    ("hydrocortisone", ()),
    # --- topicals and local anaesthetics -------------------------------------
    ("lidocaine", (
        "lidoderm", "xylocaine", "lidocaine hcl",
        "anecream",  # lidocaine 4% cream
        "lidomark", "ztlido",
    )),
    ("lidocaine/prilocaine", ("emla",)),
    ("menthol/lidocaine", ("lidothol",)),
    ("methyl salicylate/capsaicin/menthol/lidocaine", ("terocin", "lidopro")),
    ("methyl salicylate/capsaicin/menthol", ("medrox", "dendracin")),
    ("methyl salicylate/menthol", (
        "menthoderm", "salonpas", "bengay", "icy hot", "kera-tek",
    )),
    ("methyl salicylate", ()),
    ("menthol", ("biofreeze",)),
    ("camphor", ()),
    ("capsaicin", ("zostrix", "qutenza", "capzasin")),
    ("flurbiprofen/cyclobenzaprine", ("fluriflex",)),
    ("tramadol/gabapentin/menthol/camphor/capsaicin", ("tghot",)),
    ("bupivacaine", ("marcaine", "sensorcaine")),
    ("ropivacaine", ("naropin",)),
    ("ketamine", ()),
    ("dextromethorphan", ()),
    ("clonidine", ("catapres",)),
    # --- injectables met as drugs --------------------------------------------
    ("hyaluronic acid", (
        "hyaluronan", "synvisc", "synvisc-one", "euflexxa", "orthovisc", "supartz",
        "hyalgan", "gel-one", "monovisc", "gelsyn", "durolane", "hylan g-f 20",
    )),
    ("botulinum toxin", ("botox", "onabotulinumtoxina")),
    ("cyanocobalamin", ("vitamin b12", "b12")),
    # --- other medicines reviews meet -----------------------------------------
    ("sildenafil", ("viagra", "revatio")),
    ("tadalafil", ("cialis",)),
    ("vardenafil", ("levitra",)),
    ("testosterone", ("androgel", "depo-testosterone", "axiron")),
    ("sumatriptan", ("imitrex",)),
    ("rizatriptan", ("maxalt",)),
    ("glucosamine", ("genicin",)),
    ("glucosamine/chondroitin", ("cosamin", "osteo bi-flex")),
    # --- medical foods (no generic: their own name is canonical) --------------
    ("theramine", ()),
    ("sentra am", ()),
    ("sentra pm", ()),
    ("sentra", ()),
    ("gabadone", ()),
    ("trepadone", ()),
    ("percura", ()),
    ("apptrim", ()),
    ("hypertensa", ()),
    ("somnicin", ()),
)


def _drug_table(groups: Iterable[tuple[str, tuple[str, ...]]]) -> dict[str, str]:
    table: dict[str, str] = {}
    for canonical, names in groups:
        for name in (canonical, *names):
            if table.setdefault(name, canonical) != canonical:
                raise ValueError(f"drug name {name!r} listed under two generics")
    return table


DRUGS: dict[str, str] = _drug_table(_DRUG_GROUPS)

# Inside a drug name a space, slash or hyphen (with stray spaces) are the same
# thing: "Hydrocodone/APAP", "Hydrocodone-APAP" and "Hydrocodone APAP" are one
# name. Names are matched and looked up with separators folded to one space.
_SEP = r"(?:\s*[-/]\s*|\s+)"
_SEP_RUN = re.compile(r"[\s/-]+")


def _fold(name: str) -> str:
    return _SEP_RUN.sub(" ", name.strip().lower())


_DRUG_LOOKUP: dict[str, str] = {}
for _name, _generic in DRUGS.items():
    if _DRUG_LOOKUP.setdefault(_fold(_name), _generic) != _generic:
        raise ValueError(f"drug spellings of {_name!r} fold onto two generics")

# A combination written out part by part ("Hydrocodone bitartrate and
# acetaminophen", "Tylenol w/ codeine") is recognised by its set of parts.
_COMBINATION_BY_PARTS: dict[frozenset[str], str] = {
    frozenset(g.split("/")): g for g in DRUGS.values() if "/" in g
}


def _trie_pattern(names: Iterable[str]) -> str:
    """One regex for all names, shaped as a prefix trie.

    A flat alternation of ~500 names makes the engine try every name at every
    position; a trie shares prefixes, so a position is rejected after a letter or
    two. Within a node the end-of-name branch comes last, so the engine tries the
    longer name first ("MS Contin" before "MS", "Anaprox DS" before "Anaprox").
    """
    trie: dict = {}
    for name in names:
        node = trie
        for token in _SEP_RUN.sub(" ", name):
            node = node.setdefault(token, {})
        node[""] = {}  # end of a name

    def emit(node: dict, last: str) -> str:
        branches = []
        for token in sorted(node, key=lambda t: (t == "", t)):
            if token == "":
                # A name ends here unless a letter follows ("Sonata" not in
                # "Sonatas"). Digits may follow a name that ends in a letter:
                # requests write "Norco10/325mg".
                branches.append(r"(?![a-z])" if last.isalpha() else r"(?![a-z0-9])")
            elif token == " ":
                branches.append(_SEP + emit(node[token], token))
            else:
                branches.append(re.escape(token) + emit(node[token], token))
        if len(branches) == 1:
            return branches[0]
        return "(?:" + "|".join(branches) + ")"

    return r"(?<![a-z0-9])" + emit(trie, " ")


_DRUG_RE = re.compile(_trie_pattern(_DRUG_LOOKUP), re.IGNORECASE)

# What may sit between one part of a compound and the joiner before the next:
# salts, release forms, dosage forms and strengths ("Gabapentin 10%, ...").
_FILLER = (
    r"(?:\s*(?:\(|\)|,(?=\s*\d)|"
    r"(?:bitartrate|bit|hcl|hydrochloride|sulfate|sulphate|sodium|potassium|"
    r"citrate|tartrate|phosphate|besylate|er|ir|sr|xr|cr|xl|dr|la|ds|odt|"
    r"extended[-\s]release|immediate[-\s]release|oral|tabs?|tablets?|caps?|"
    r"capsules?|cream|gel|ointment|lotion|patch(?:es)?|solution|suspension)\b\.?|"
    r"\d+(?:\.\d+)?(?:\s*/\s*\d+(?:\.\d+)?)*\s?(?:%|mg|mcg|gm|g|ml)(?![a-z])))*"
)
# Plain hydrocodone/oxycodone/tramadol/codeine with an acetaminophen-sized second
# strength ("Hydrocodone 10/325mg", "Tramadol 37.5/325", the dotted typo
# "10.325") is the acetaminophen combination: those are the only products sold
# at those strengths.
_APAP_DOSES = r"(?:300|325|500|650|750)"
_APAP_TAIL_RE = re.compile(
    r"(?:\s*(?:bitartrate|bit|hcl|hydrochloride|sulfate|phosphate|oral|tabs?|"
    r"tablets?)\b\.?)*\s*\(?\s*\d+(?:\.\d+)?\s*(?:mg)?\s*[/.]\s*"
    + _APAP_DOSES + r"(?!\d)",
    re.IGNORECASE,
)
_APAP_OPIOIDS = frozenset({"hydrocodone", "oxycodone", "tramadol", "codeine"})
# What joins the parts of a compound or combination written out in full:
# "Gabapentin 10%, Cyclobenzaprine 6%, Bupivacaine 5%", "Flurbiprofen/Baclofen",
# "Hydrocodone bitartrate and acetaminophen", "Tylenol w/ codeine".
_JOIN_RE = re.compile(
    _FILLER + r"\s*(?:[/,+&]|-|\band\b|\bwith\b|\bw/|\bplus\b)\s*", re.IGNORECASE
)


def find_drug(request: str) -> tuple[str, str] | None:
    """First known drug in a request line: (canonical generic, name as written).

    The leftmost name wins, and at one position the longest ("MS Contin" over
    "Contin"). A compound written part by part ("Gabapentin 10%, Cyclobenzaprine
    6%, Bupivacaine 5% in cream base") comes back as all its parts joined with "/"
    in the order written, or in the fixed order of the known product when the
    parts make one ("Hydrocodone bitartrate and acetaminophen"); its written name
    is then the parts as written joined with "/". None when no drug is named.
    """
    match = _DRUG_RE.search(request)
    if match is None:
        return None
    written = [match.group(0)]
    generic = _DRUG_LOOKUP[_fold(match.group(0))]
    end = match.end()
    if generic in _APAP_OPIOIDS and _APAP_TAIL_RE.match(request, end):
        return f"{generic}/acetaminophen", " ".join(written[0].split())
    parts = generic.split("/")
    while True:
        joint = _JOIN_RE.match(request, end)
        if joint is None:
            break
        more = _DRUG_RE.match(request, joint.end())
        if more is None:
            break
        written.append(more.group(0))
        for part in _DRUG_LOOKUP[_fold(more.group(0))].split("/"):
            if part not in parts:
                parts.append(part)
        end = more.end()
    # A PDF line break inside a name ("MS\nContin") is not part of how it is written.
    written = [" ".join(name.split()) for name in written]
    if len(written) == 1:
        return generic, written[0]
    joined = _COMBINATION_BY_PARTS.get(frozenset(parts), "/".join(parts))
    return joined, "/".join(written)


# ---------------------------------------------------------------------------
# Strength and quantity
# ---------------------------------------------------------------------------

_NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+"
# Longer units first so "mcg/hr" is not cut to "mcg".
_UNITS = (
    r"mcg/hr|mcg/h|mcg/hour|mg/hr|mg/5\s?ml|mg/ml|mg/g|mg/day|mg/kg|"
    r"mcg|µg|ug|mg|gms|gm|grams?|g|ml|cc|meq|iu|units?"
)
_STRENGTH_RE = re.compile(
    # Not inside another number; a letter may come right before: "Norco10/325mg".
    rf"(?<![\d.])((?:{_NUMBER})(?:\s?(?:mg|mcg))?(?:\s*/\s*(?:{_NUMBER}))*)"
    rf"(?:\s?%|\s?(?:{_UNITS})(?![a-zµ]))"
    # A bare acetaminophen-combination strength with no unit: "Norco 10/325 #90".
    rf"|(?<![\w./])\d+(?:\.5)?[/.]{_APAP_DOSES}(?![\d/])",
    re.IGNORECASE,
)
# "Norco 10.325mg" is a typo for 10/325: no tablet is 10.325mg.
_DOTTED_COMBO_RE = re.compile(rf"^([1-9]\d?(?:\.5)?)\.({_APAP_DOSES})(?!\d)")


def find_strength(request: str) -> str | None:
    """The first strength in a request, as written: "10/325mg", "5%", "30 mg",
    "100mcg/hr". The dotted typo "10.325mg" comes back as "10/325mg"."""
    match = _STRENGTH_RE.search(request)
    if match is None:
        return None
    return _DOTTED_COMBO_RE.sub(r"\1/\2", match.group(0))


_COUNT_RE = re.compile(r"#\s*(\d[\d,]*)")
_QTY_RE = re.compile(r"\b(?:qty|quantity)\b\s*(?:of\s*)?[:#.=]?\s*(\d[\d,]*)", re.IGNORECASE)
_UNITS_COUNT_RE = re.compile(
    r"\b(\d[\d,]*)\s*(?:tablets|tabs|capsules|caps|pills|patches|count)\b", re.IGNORECASE
)
# "Tylenol #3" and "Tylenol with Codeine #4" name a product, not a count.
_PRODUCT_NUMBER_RE = re.compile(r"(?<![a-z])(?:tylenol|codeine|no\.?)\s*$", re.IGNORECASE)


def find_quantity(request: str) -> int | None:
    """How many units were asked for: "#90" -> 90, "# 60" -> 60, "Qty 30" -> 30.

    The first "#" count wins ("#60 day supply: 30" is 60); then a "Qty"/"quantity"
    label; then a plain "60 tablets". None when the request gives no count.
    """
    for match in _COUNT_RE.finditer(request):
        if not _PRODUCT_NUMBER_RE.search(request, 0, match.start()):
            return int(match.group(1).replace(",", ""))
    for regex in (_QTY_RE, _UNITS_COUNT_RE):
        match = regex.search(request)
        if match:
            return int(match.group(1).replace(",", ""))
    return None


# ---------------------------------------------------------------------------
# Categories
# ---------------------------------------------------------------------------

CATEGORIES = (
    "medication",
    "imaging",
    "physical medicine",
    "injection",
    "surgery",
    "equipment",
    "testing",
    "psychological",
    "other",
)


# Keywords of each categorize rule, in the order the rules are tried (see
# categorize). A keyword matches at a word start only ("ct" not in "TOC") and
# begins with a literal letter or digit (see _keywords_pattern).
_CATEGORY_RULES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    # A drug screen names the drugs it screens for; it is a test, not a medication.
    ("drug_test", "testing", (
        r"drug\s+(?:screen|test|testing|panel)", r"uds\b", r"toxicology",
        r"urine\s+(?:drug|screen|test|testing|analysis|toxicology)",
        r"urinalysis", r"confirmatory\s+testing",
    )),
    # Brands sold only as injections.
    ("injected_brand", "injection", (
        r"depo-?\s?medrol", r"solu-?\s?medrol", r"kenalog", r"celestone",
        r"depo-?\s?testosterone",
    )),
    ("associated", "surgery", (r"associated\s+surgical\s+services?", r"under\s+anesthesia")),
    ("psychological", "psychological", (
        r"psycholog", r"psychiatr", r"psychotherap", r"psych\b", r"cbt\b",
        r"cognitive\s+behavio", r"biofeedback", r"counsel", r"hypnotherap",
        r"mental\s+health", r"behavio(?:u)?ral\s+(?:health|medicine|therapy|evaluation)",
    )),
    ("injection", "injection", (
        r"inject", r"epidural", r"esi\b", r"facet", r"trigger\s+point", r"tpi\b",
        *(rf"{site}\s+blocks?\b" for site in (
            "nerve", r"medial\s+branch", "ganglion", "genicular", "occipital", "sympathetic",
            "selective", "root", "joint", "si", "sacroiliac", "suprascapular")),
        r"mbb\b", r"blocks?\s+(?:at|of|to|injection)", r"radiofrequency",
        r"rf\s+(?:ablation|neurotomy)", r"rfa\b", r"ablation", r"neurotomy", r"rhizotomy",
        r"neurolytic", r"prp\b", r"platelet[-\s]rich", r"prolotherapy", r"viscosupplement",
        r"intra-?articular", r"shots?\b", r"infusion", r"aspiration",
    )),
    # Sessions of therapeutic ultrasound are a physical-therapy modality, not imaging.
    ("therapeutic_ultrasound", "physical medicine", (
        r"therapeutic\s+ultrasound", r"ultrasound\s+(?:therapy|treatment)",
        r"ultrasound\s+(?:\d+\s*(?:times|x)|x\s*\d|times)",
    )),
    ("imaging", "imaging", (
        r"mri", r"mra\b", r"magnetic\s+resonance", r"ct\b", r"cat\s+scan",
        r"computed\s+tomograph", r"x-?\s?rays?", r"radiograph", r"ultrasound", r"sonogra",
        r"bone\s+scan", r"dexa\b", r"myelogra", r"arthrogra", r"discogra", r"pet\s+scan",
        r"scintigra", r"imaging", r"fluoroscop(?!ic(?:ally)?\s+guid)",
    )),
    ("testing", "testing", (
        r"emg", r"ncv", r"ncs", r"nerve\s+conduction", r"electromyogra", r"electrodiagnostic",
        r"ekg", r"ecg", r"electrocardiogra", r"eeg", r"electroencephalogra", r"labs?\b",
        r"laboratory", r"blood\s+(?:work|test|draw|panel)", r"cbc\b", r"cmp\b", r"panel\b",
        r"fce\b", r"functional\s+capacity", r"sleep\s+stud", r"polysomnogra", r"genetic",
        r"dna\b", r"pulmonary\s+function", r"holter", r"audiogra", r"echocardiogra",
        r"qst\b", r"quantitative\s+sensory", r"vng\b", r"testing\b", r"tests?\b",
    )),
    # Physical medicine by name stays physical medicine even with a device word
    # in it: "TENS unit" and "Post-op physical therapy" belong here.
    ("physical", "physical medicine", (
        r"physical\s+therap", r"physiotherap", r"pt\b", r"occupational\s+therap", r"ot\b",
        r"hand\s+therap", r"aqua(?:tic)?\s+therap", r"pool\s+therap", r"chiro", r"acupunct",
        r"massage", r"manipulation", r"manual\s+therap", r"mobilization", r"tens\b",
        r"transcutaneous", r"work\s+(?:hardening|conditioning)", r"functional\s+restoration",
        r"therapeutic\s+exercise", r"myofascial", r"rehabilitation\s+program",
    )),
    ("equipment", "equipment", (
        r"dme\b", r"durable\s+medical", r"brace", r"orthosis", r"orthotic", r"splint",
        *(rf"{part}\s+support" for part in (
            "back", "lumbar", "lumbosacral", "spinal", "knee", "ankle", "wrist", "arch",
            "abdominal", "cervical")),
        r"lso\b", r"wheelchair", r"scooter", r"walker", r"canes?\b", r"crutch", r"commode",
        *(rf"{room}\s*(?:/\s*\w+\s*)?(?:chair|bench|seat)" for room in ("shower", "bath", "tub")),
        r"hospital\s+bed", r"mattress", r"pillow", r"sling", r"wrap\b", r"pads?\b",
        r"packs?\b", r"cold\s+therapy\s+unit", r"cryotherapy", r"cold\s+compression",
        r"compression\s+(?:device|garment|stocking|pump|sleeve)", r"vasopneumatic",
        r"game\s*ready", r"polar\s+care", r"interferential", r"if\s+unit", r"h-?wave",
        r"muscle\s+stimulator", r"ems\s+unit", r"units?\b", r"rental", r"purchase",
        r"collar", r"reacher", r"grabber", r"toilet\s+seat", r"electrodes",
        r"batter(?:y|ies)", r"equipment", r"device", r"supplies",
    )),
    # Modalities come after equipment so a "heat pad" is equipment while
    # "Infrared heat ... two times a week" is treatment.
    ("modality", "physical medicine", (
        r"traction", r"spinolator", r"infrared", r"heat", r"ice\b", r"cold\s+therap",
        r"electrical\s+stimulation", r"e-?stim", r"shock\s*wave", r"eswt\b", r"exercise",
        r"modalit", r"gym",
    )),
    # Pre-operative work exists only because of the surgery.
    ("pre_op", "surgery", (r"pre-?\s?op", r"clearance")),
    # A visit to a surgeon is a consultation, not the procedure.
    ("consult", "other", (
        r"consult", r"evaluation", r"eval\b", r"referral", r"office\s+visit",
        r"follow[-\s]?up", r"re-?exam", r"exam\b", r"examination", r"visit", r"toc\b",
        r"transfer\s+of\s+care",
    )),
    ("surgery", "surgery", (
        r"surg", r"arthroscop", r"fusion", r"disc?k?ectomy", r"laminectomy", r"laminotomy",
        r"foraminotomy", r"decompression", r"repair", r"reconstruction", r"replacement",
        r"arthroplasty", r"release", r"orif\b", r"fixation", r"debridement", r"excision",
        r"removal", r"implant", r"spinal\s+cord\s+stimulator", r"scs\b", r"intrathecal",
        r"pain\s+pump", r"rcr\b", r"operative", r"inpatient\s+stay", r"hospital\s+stay",
        r"length\s+of\s+stay", r"anesthesia",
    )),
    ("post_op", "surgery", (r"post-?\s?op",)),
    ("medication", "medication", (
        r"compound", r"cream", r"ointment", r"lotion", r"gel\b", r"tablets?", r"capsules?",
        r"prescription", r"refill", r"medication(?!\s+management)",
    )),
)


def _keywords_pattern(keywords: Iterable[str]) -> re.Pattern[str]:
    """One rule's keywords as one regex, matched at word starts only.

    The keywords' first letters lead the pattern as a lookahead, so the engine
    rejects most positions on one character test; that halves categorize's time.
    (One regex for all rules is slower still: the union of first letters is
    most of the alphabet and every position then tries every keyword.)
    """
    keywords = tuple(keywords)
    for keyword in keywords:
        if not re.match(r"[a-z0-9]", keyword):
            raise ValueError(f"keyword must start with a letter or digit: {keyword!r}")
    first = "".join(sorted({keyword[0] for keyword in keywords}))
    return re.compile(
        f"(?=[{first}])(?<![a-z0-9])(?:" + "|".join(keywords) + ")", re.IGNORECASE
    )


_RULE_RE: dict[str, re.Pattern[str]] = {
    name: _keywords_pattern(keywords) for name, _category, keywords in _CATEGORY_RULES
}
# Procedures named by a suffix anywhere in a word: "discectomy", "neuroplasty",
# "tenodesis". Checked with the "surgery" rule.
_SURGICAL_SUFFIX = re.compile(r"[a-z](?:ectomy|otomy|plasty|desis)\b", re.IGNORECASE)
# A strength means a medication even when no drug name is known: checked with
# the "medication" rule.
_DOSE = re.compile(r"\d\s?(?:mg|mcg)\b", re.IGNORECASE)
# The rules a request without a drug goes through, in order (drug_test was
# checked first already), each with the regexes that make it match.
_SERVICE_RULES: tuple[tuple[tuple[re.Pattern[str], ...], str], ...] = tuple(
    (
        (_RULE_RE[name], *{"surgery": (_SURGICAL_SUFFIX,), "medication": (_DOSE,)}.get(name, ())),
        category,
    )
    for name, category, _keywords in _CATEGORY_RULES
    if name != "drug_test"
)
# Drugs that only come as injections: naming them means an injection.
_INJECTED_ONLY = frozenset({"hyaluronic acid", "botulinum toxin"})


def categorize(request: str, drug: str | None) -> str:
    """One of CATEGORIES for a request line; ``drug`` is find_drug's generic.

    The rules of _CATEGORY_RULES are tried in order and the first that matches
    wins; the order carries these choices:
      * a drug screen is testing, whatever drugs it names;
      * then a drug is medication, or an injection when the line injects it
        ("Toradol injection", "Depo-Medrol", "Cortisone injection") or the drug
        is only ever injected (Synvisc, Botox);
      * "Associated surgical service: ..." is surgery whatever the service,
        "Cold compression therapy" included: the item exists only because of the
        surgery and the archive files it under that surgery. "Post-op" is weaker,
        it only says when: "Post-op physical therapy" is physical medicine and
        only a post-op item that nothing else claims is surgery;
      * psychological before testing ("Comprehensive psychological testing");
      * injection before imaging ("Ultrasound-guided injection");
      * therapeutic ultrasound sessions ("Ultrasound 1 times 8") before imaging;
      * imaging before testing ("Labs to include: Chest X-ray");
      * physical medicine by name, then equipment, then modalities (heat,
        traction, e-stim), so "TENS unit" is physical medicine and "Hot/cold
        therapy wrap" equipment;
      * pre-op work and clearance are surgery, but a consultation or evaluation
        ("Spine surgery evaluation") is other, before the surgery words;
      * a medication form or strength with no known drug ("cream base") is
        medication; anything left is other.
    """
    if _RULE_RE["drug_test"].search(request):
        return "testing"
    if drug:
        if (drug in _INJECTED_ONLY or _RULE_RE["injection"].search(request)
                or _RULE_RE["injected_brand"].search(request)):
            return "injection"
        return "medication"
    for regexes, category in _SERVICE_RULES:
        for regex in regexes:
            if regex.search(request):
                return category
    return "other"


# ---------------------------------------------------------------------------
# Specialties
# ---------------------------------------------------------------------------

# Canonical names follow the archive's own wording where it has one ("Family
# Practice", "Chiropractor", "Pain Management"), ABMS board names otherwise.
SPECIALTIES: tuple[str, ...] = (
    "Acupuncturist",
    "Addiction Medicine",
    "Addiction Psychiatry",
    "Allergy and Immunology",
    "Anesthesiology",
    "Brain Injury Medicine",
    "Cardiology",
    "Child and Adolescent Psychiatry",
    "Chiropractor",
    "Clinical Neurophysiology",
    "Colon and Rectal Surgery",
    "Critical Care Medicine",
    "Dentist",
    "Dermatology",
    "Emergency Medicine",
    "Endocrinology",
    "Family Practice",
    "Forensic Psychiatry",
    "Gastroenterology",
    "Geriatric Medicine",
    "Geriatric Psychiatry",
    "Hand Surgery",
    "Hematology",
    "Hospice and Palliative Medicine",
    "Infectious Disease",
    "Internal Medicine",
    "Medical Oncology",
    "Medical Toxicology",
    "Nephrology",
    "Neurological Surgery",
    "Neurology",
    "Neuromuscular Medicine",
    "Nuclear Medicine",
    "Obstetrics and Gynecology",
    "Occupational Medicine",
    "Occupational Therapist",
    "Ophthalmology",
    "Optometrist",
    "Oral and Maxillofacial Surgery",
    "Orthopedic Surgery",
    "Otolaryngology",
    "Pain Management",
    "Pathology",
    "Pediatric Rehabilitation Medicine",
    "Pediatrics",
    "Physical Medicine and Rehabilitation",
    "Physical Therapist",
    "Plastic Surgery",
    "Podiatrist",
    "Preventive Medicine",
    "Psychiatry",
    "Psychology",
    "Psychosomatic Medicine",
    "Pulmonary Medicine",
    "Radiology",
    "Rheumatology",
    "Sleep Medicine",
    "Spinal Cord Injury Medicine",
    "Spine Surgery",
    "Sports Medicine",
    "Surgery",
    "Surgical Critical Care",
    "Thoracic Surgery",
    "Undersea and Hyperbaric Medicine",
    "Urology",
    "Vascular Surgery",
)

_SPECIALTY_ALIASES: dict[str, str] = {
    "Physical Medicine Rehabilitation": "Physical Medicine and Rehabilitation",
    "Physical Medicine and Rehab": "Physical Medicine and Rehabilitation",
    "Physical and Rehabilitation Medicine": "Physical Medicine and Rehabilitation",
    "Rehabilitation Medicine": "Physical Medicine and Rehabilitation",
    "PM&R": "Physical Medicine and Rehabilitation",
    "PMR": "Physical Medicine and Rehabilitation",
    "Physiatry": "Physical Medicine and Rehabilitation",
    "Family Medicine": "Family Practice",
    "Orthopaedic Surgery": "Orthopedic Surgery",
    "Orthopaedics": "Orthopedic Surgery",
    "Orthopedics": "Orthopedic Surgery",
    "Orthopedic Surgeon": "Orthopedic Surgery",
    "Orthopaedic Surgeon": "Orthopedic Surgery",
    "Orthopedic Sports Medicine": "Sports Medicine",
    "Orthopaedic Sports Medicine": "Sports Medicine",
    "Orthopedic Spine Surgery": "Spine Surgery",
    "Orthopaedic Spine Surgery": "Spine Surgery",
    "Orthopedic Surgery of the Spine": "Spine Surgery",
    "Spinal Surgery": "Spine Surgery",
    "Neurosurgery": "Neurological Surgery",
    "Neurosurgeon": "Neurological Surgery",
    "Pain Medicine": "Pain Management",
    "Interventional Pain Management": "Pain Management",
    "Interventional Pain Medicine": "Pain Management",
    "General Surgery": "Surgery",
    "Anesthesia": "Anesthesiology",
    "Chiropractic": "Chiropractor",
    "Chiropractic Medicine": "Chiropractor",
    "Doctor of Chiropractic": "Chiropractor",
    "Psychologist": "Psychology",
    "Clinical Psychology": "Psychology",
    "Clinical Psychologist": "Psychology",
    "Podiatry": "Podiatrist",
    "Podiatric Medicine": "Podiatrist",
    "Podiatric Surgery": "Podiatrist",
    "Podiatric Medicine and Surgery": "Podiatrist",
    "Acupuncture": "Acupuncturist",
    "Acupuncture and Oriental Medicine": "Acupuncturist",
    "Licensed Acupuncturist": "Acupuncturist",
    "Dentistry": "Dentist",
    "Optometry": "Optometrist",
    "Physical Therapy": "Physical Therapist",
    "Occupational Therapy": "Occupational Therapist",
    "OB/GYN": "Obstetrics and Gynecology",
    "OBGYN": "Obstetrics and Gynecology",
    "Obstetrics Gynecology": "Obstetrics and Gynecology",
    "ENT": "Otolaryngology",
    "Otolaryngology Head and Neck Surgery": "Otolaryngology",
    "Otorhinolaryngology": "Otolaryngology",
    "Cardiovascular Disease": "Cardiology",
    "Pulmonary Disease": "Pulmonary Medicine",
    "Pulmonology": "Pulmonary Medicine",
    "Infectious Diseases": "Infectious Disease",
    "Endocrinology Diabetes and Metabolism": "Endocrinology",
    "Diagnostic Radiology": "Radiology",
    "Surgery of the Hand": "Hand Surgery",
    "Palliative Medicine": "Hospice and Palliative Medicine",
    "Palliative Care": "Hospice and Palliative Medicine",
    "Toxicology": "Medical Toxicology",
    "General Internal Medicine": "Internal Medicine",
    "Public Health and General Preventive Medicine": "Preventive Medicine",
    "General Preventive Medicine": "Preventive Medicine",
    "Preventative Medicine": "Preventive Medicine",
    "Occupational and Environmental Medicine": "Occupational Medicine",
    "Pediatric Medicine": "Pediatrics",
    "Geriatrics": "Geriatric Medicine",
    "Oncology": "Medical Oncology",
    "Critical Care": "Critical Care Medicine",
    "Cardiothoracic Surgery": "Thoracic Surgery",
    "Thoracic and Cardiac Surgery": "Thoracic Surgery",
    "Plastic and Reconstructive Surgery": "Plastic Surgery",
}

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def _key(text: str) -> str:
    """Comparison key: case, "&" vs "and", punctuation and spacing all fold away."""
    return _NOT_ALNUM.sub(" ", text.lower().replace("&", " and ")).strip()


_SPECIALTY_BY_KEY: dict[str, str] = {_key(s): s for s in SPECIALTIES}
for _alias, _canonical in _SPECIALTY_ALIASES.items():
    assert _canonical in SPECIALTIES, _canonical
    _SPECIALTY_BY_KEY[_key(_alias)] = _canonical

# A cut-off name must be this long before a prefix match is trusted: shorter
# stubs ("Pain", "Family") are too likely to be something else.
_MIN_PREFIX = 8


def _fuzzy_lookup(key: str, table: dict[str, str], min_prefix: int) -> str | None:
    """Exact key, else one stray trailing letter ("Sports Medicinea"), else a
    cut-off name ("Occupational Medicin") when every name it starts points to
    the same canonical one."""
    if not key:
        return None
    found = table.get(key)
    if found is not None:
        return found
    if len(key) > min_prefix and key[-1].isalpha():
        found = table.get(key[:-1])
        if found is not None:
            return found
    if len(key) >= min_prefix:
        hits = {canonical for name, canonical in table.items() if name.startswith(key)}
        if len(hits) == 1:
            return hits.pop()
    return None


def canonical_specialty(name: str) -> str | None:
    """The canonical specialty for one name as written, or None if unknown."""
    return _fuzzy_lookup(_key(name), _SPECIALTY_BY_KEY, _MIN_PREFIX)


# Commas and semicolons always separate; " and ", "/" and "&" separate only when
# the pieces on both sides are known specialties ("Anesthesiology and Pain
# Management") and not when they are part of one ("Obstetrics and Gynecology").
_HARD_SPLIT = re.compile(r"\s*[,;]\s*")
_SOFT_SPLIT = re.compile(r"(\s+and\s+|\s*/\s*|\s*&\s*)", re.IGNORECASE)
_SMALL_WORDS = frozenset({"and", "of", "the", "in", "for", "or"})


def _segment(piece: str) -> list[str] | None:
    """Split ``piece`` at its soft separators into the fewest known specialties,
    or None if it cannot be read entirely as known specialties."""
    tokens = _SOFT_SPLIT.split(piece)
    words = tokens[0::2]  # the pieces between separators
    n = len(words)
    # best[i]: fewest specialties covering words[:i], with the path to rebuild it.
    best: list[tuple[int, list[str]] | None] = [None] * (n + 1)
    best[0] = (0, [])
    for i in range(n):
        if best[i] is None:
            continue
        for j in range(i + 1, n + 1):
            text = "".join(tokens[2 * i: 2 * j - 1])
            found = canonical_specialty(text)
            if found is None:
                continue
            count, path = best[i]
            if best[j] is None or best[j][0] > count + 1:
                best[j] = (count + 1, [*path, found])
    return best[n][1] if best[n] is not None else None


def _title(text: str) -> str:
    """Title-case words written all lowercase, leave the rest ("ENT") alone."""
    words = text.split()
    return " ".join(
        w if not w.islower() or (i and w in _SMALL_WORDS) else w[:1].upper() + w[1:]
        for i, w in enumerate(words)
    )


def split_specialties(text: str) -> list[str]:
    """Canonical specialties in a credential value, in order, without repeats.

    "Anesthesiology, Pain Management, Hospice & Palliative Medicine" ->
    ["Anesthesiology", "Pain Management", "Hospice and Palliative Medicine"].
    A piece that is no known specialty is kept, title-cased, rather than lost.
    """
    out: list[str] = []
    for piece in _HARD_SPLIT.split(text):
        piece = " ".join(piece.split()).strip(" .:")
        if not piece:
            continue
        names = _segment(piece) or [_title(piece)]
        for name in names:
            if name not in out:
                out.append(name)
    return out


# ---------------------------------------------------------------------------
# States
# ---------------------------------------------------------------------------

STATES: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas",
    "CA": "California", "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware",
    "DC": "District of Columbia", "FL": "Florida", "GA": "Georgia", "HI": "Hawaii",
    "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa", "KS": "Kansas",
    "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland",
    "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi",
    "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma",
    "OR": "Oregon", "PA": "Pennsylvania", "PR": "Puerto Rico", "RI": "Rhode Island",
    "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas",
    "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington",
    "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
}

_STATE_BY_KEY: dict[str, str] = {_key(full): full for full in STATES.values()}
_STATE_BY_KEY.update({"washington dc": "District of Columbia", "d c": "District of Columbia"})
# Cut-off state names ("Californi") need fewer letters than specialties: the
# list is short and its names differ early.
_MIN_STATE_PREFIX = 5


def canonical_state(name: str) -> str | None:
    """Full state name for a full name (any case) or two-letter code, or None."""
    compact = name.replace(".", "").strip()
    if len(compact) == 2 and compact.isalpha():
        return STATES.get(compact.upper())
    return _fuzzy_lookup(_key(compact), _STATE_BY_KEY, _MIN_STATE_PREFIX)


_STATE_SPLIT = re.compile(r"\s*(?:[,;/&]|\band\b|\bor\b)\s*", re.IGNORECASE)


def split_states(text: str) -> list[str]:
    """Full state names in a licensure value, in order, without repeats; pieces
    that are no state are dropped."""
    out: list[str] = []
    for piece in _STATE_SPLIT.split(text):
        state = canonical_state(piece)
        if state is not None and state not in out:
            out.append(state)
    return out


# ---------------------------------------------------------------------------
# Guideline sources
# ---------------------------------------------------------------------------

GUIDELINE_SOURCES = ("MTUS", "ACOEM", "ODG", "other")

_WS = re.compile(r"\s+")
# Boilerplate that names MTUS without citing it.
_OUTSIDE_MTUS = re.compile(r"outside\s+of\s+the\s+MTUS(?:\s+Guidelines?)?", re.IGNORECASE)
_DECISION_BASED_ON = re.compile(r"\bDecision\s+based\s+on\b", re.IGNORECASE)
_NON_MTUS_CITATION = re.compile(r"\bNon[-\s]?MTUS(?:\s+Citations?)?\s*:?", re.IGNORECASE)
# One citation can hold a second source: "... (ODG) Hips and Pelvis ... and Other
# Medical Treatment Guidelines ACOEM Hip and Groin Disorders".
_OTHER_GUIDELINE = re.compile(r"\bOther\s+Medical\s+Treatment\s+Guidelines?\b", re.IGNORECASE)
_MTUS = re.compile(
    r"(?<![-\w])MTUS\b|Medical\s+Treatment\s+Utilization\s+Schedule", re.IGNORECASE
)
_ACOEM = re.compile(
    r"\bACOEM\b|American\s+College\s+of\s+Occupational\s+and\s+Environmental\s+Medicine",
    re.IGNORECASE,
)
_ODG = re.compile(r"\bODG\b|Official\s+Disability\s+Guidelines?", re.IGNORECASE)
_HAS_WORD = re.compile(r"[A-Za-z]{2}")


def guideline_sources(text: str) -> list[str]:
    """Guideline sources a MAXIMUS guideline line cites, in GUIDELINE_SOURCES order.

    Literal, as the archive states it: "Decision based on MTUS Low Back
    Complaints" is MTUS (ACOEM only if ACOEM is named); the "outside of the MTUS
    Guidelines" boilerplate and "Non-MTUS" are not MTUS; a Non-MTUS citation of
    ODG or ACOEM counts as that, of anything else (UpToDate, a journal) as
    "other". "did not cite any medical evidence" gives [].
    """
    text = _OUTSIDE_MTUS.sub(" ", _WS.sub(" ", text))
    found: set[str] = set()
    for sentence in _DECISION_BASED_ON.split(text):
        citation = _NON_MTUS_CITATION.search(sentence)
        own = sentence if citation is None else sentence[: citation.start()]
        if _MTUS.search(own):
            found.add("MTUS")
        for regex, source in ((_ACOEM, "ACOEM"), (_ODG, "ODG")):
            if regex.search(own):
                found.add(source)
        if citation is None:
            continue
        for cited in _OTHER_GUIDELINE.split(sentence[citation.end():]):
            named = False
            for regex, source in ((_ACOEM, "ACOEM"), (_ODG, "ODG")):
                if regex.search(cited):
                    found.add(source)
                    named = True
            # What is left after "and" joining two citations is no citation.
            if not named and _HAS_WORD.search(re.sub(r"\band\b", "", cited)):
                found.add("other")
    return [source for source in GUIDELINE_SOURCES if source in found]
