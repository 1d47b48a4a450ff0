"""Tests for search.vocab, on request and credential lines copied from real IMR
determinations (the 2016 DWC PDFs and the seed corpus)."""
from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from search import vocab
from search.vocab import (
    CATEGORIES,
    DRUGS,
    GUIDELINE_SOURCES,
    SPECIALTIES,
    STATES,
    canonical_specialty,
    canonical_state,
    categorize,
    find_drug,
    find_quantity,
    find_strength,
    guideline_sources,
    split_specialties,
    split_states,
)

# ---------------------------------------------------------------------------
# Real request lines (text before ": Upheld"/": Overturned")
# ---------------------------------------------------------------------------

REAL_DRUG_REQUESTS = [
    # (request as in the archive, canonical generic, name as written)
    ("MS Contin 30mg #90", "morphine", "MS Contin"),
    ("1 prescription of MS Contin 60mg #72", "morphine", "MS Contin"),
    ("1 prescription of Norco 10/325mg #140", "hydrocodone/acetaminophen", "Norco"),
    ("1 prescription of Xanax 1mg #30", "alprazolam", "Xanax"),
    ("Norco 10.325mg #90", "hydrocodone/acetaminophen", "Norco"),
    ("Norco 5/325mg oral tablet, one tablet twice daily 14 days #40",
     "hydrocodone/acetaminophen", "Norco"),
    ("Valium 5mg #60", "diazepam", "Valium"),
    ("Dilaudid 4mg #180", "hydromorphone", "Dilaudid"),
    ("Anecream cream 4% #30", "lidocaine", "Anecream"),
    ("Baclofen 100mg #3", "baclofen", "Baclofen"),
    ("Bupropion HCL 150mg #90", "bupropion", "Bupropion HCL"),
    ("Celecoxib 200mg #90", "celecoxib", "Celecoxib"),
    ("Cyclobenzaprine 5% in cream base 240g", "cyclobenzaprine", "Cyclobenzaprine"),
    ("Cyclobenzaprine 7.5mg #60", "cyclobenzaprine", "Cyclobenzaprine"),
    ("Deprizine (unknown quantity)", "ranitidine", "Deprizine"),
    ("Diclofenac ER 100mg #60", "diclofenac", "Diclofenac ER"),
    ("Dicopanol (unknown quantity)", "diphenhydramine", "Dicopanol"),
    ("Etodolac", "etodolac", "Etodolac"),
    ("Fanatrex (unknown quantity)", "gabapentin", "Fanatrex"),
    ("Flector 1.3% transdermal patch", "diclofenac", "Flector"),
    ("Flexeril 10mg #60", "cyclobenzaprine", "Flexeril"),
    ("Ketophene (unknown quantity)", "ketoprofen", "Ketophene"),
    ("Ketoprofen 20% in cream base 240g", "ketoprofen", "Ketoprofen"),
    ("Lidocaine 5% patch #1", "lidocaine", "Lidocaine"),
    ("Lidocaine ointment 5% 106.32gm", "lidocaine", "Lidocaine"),
    ("Naproxen 550mg #60", "naproxen", "Naproxen"),
    ("Norflex 100mg #60", "orphenadrine", "Norflex"),
    ("Omeprazole", "omeprazole", "Omeprazole"),
    ("Orphenadrine Citrate ER 100mg tabs #30", "orphenadrine", "Orphenadrine Citrate"),
    ("Pantoprazole sodium 20mg #60", "pantoprazole", "Pantoprazole sodium"),
    ("Pepcid 20mg", "famotidine", "Pepcid"),
    ("Post-op Percocet 5/325mg", "oxycodone/acetaminophen", "Percocet"),
    ("Post-op Zofran", "ondansetron", "Zofran"),
    ("Prilosec 20mg #90", "omeprazole", "Prilosec"),
    ("Retrospective Cyclobenzaprine 5mg tab #30 DOS: 11/14/16", "cyclobenzaprine",
     "Cyclobenzaprine"),
    ("Salonpas pad #60", "methyl salicylate/menthol", "Salonpas"),
    ("Synapryn (unknown quantity)", "tramadol", "Synapryn"),
    ("Tabradol (unknown quantity)", "cyclobenzaprine", "Tabradol"),
    ("Ultram 50mg #30", "tramadol", "Ultram"),
    ("Venlafaxine HCL ER 37.5mg #90", "venlafaxine", "Venlafaxine HCL"),
    ("Oxycodone HCL ER 20mg #60 day supply: 30", "oxycodone", "Oxycodone HCL"),
    ("Gabapentin 10%, Cyclobenzaprine 6%, Bupivacaine 5% in cream base",
     "gabapentin/cyclobenzaprine/bupivacaine", "Gabapentin/Cyclobenzaprine/Bupivacaine"),
]

REAL_SERVICE_REQUESTS = [
    # (request as in the archive, category)
    ("Acupuncture 3 times a week for 2 weeks, neck, right hand and head", "physical medicine"),
    ("Acupuncture therapy sessions lumbar spine #6", "physical medicine"),
    ("Associated surgical service: Cold compression therapy 30 day rental", "surgery"),
    ("Associated surgical service: Shoulder sling with abduction pillow", "surgery"),
    ("Associated surgical service: Physical therapy, times 12", "surgery"),
    ("Back support", "equipment"),
    ("CT scan of head", "imaging"),
    ("Cervical spine MRI without contrast", "imaging"),
    ("Chiropractic care to the low back two times a week for four weeks", "physical medicine"),
    ("Continue physical therapy 3 times a week for 2 weeks", "physical medicine"),
    ("Custom touch back heat therapy pad", "equipment"),
    ("EMG/NCS of the bilateral upper extremities", "testing"),
    ("EMG/NCV of the lower extremities", "testing"),
    ("Elbow braces #2", "equipment"),
    ("Electrical stimulation 1 times 8", "physical medicine"),
    ("Electro acupuncture to the low back two times a week times six weeks",
     "physical medicine"),
    ("Electroencephalogram", "testing"),
    ("Facet joint injections L4-5, L5-S1", "injection"),
    ("Four sessions of biofeedback two times a week times 2 weeks", "psychological"),
    ("Four sessions of infrared therapy two times a week times 2 weeks", "physical medicine"),
    ("Four sessions of manual therapy two times a week times 2 weeks", "physical medicine"),
    ("Functional capacity evaluation (FCE)", "testing"),
    ("Hot/cold therapy wrap", "equipment"),
    ("Infrared heat to the low back two times a week times six weeks", "physical medicine"),
    ("Injection of neurolytic substance, lumbar spine", "injection"),
    ("Labs to include: Chest X-ray", "imaging"),
    ("Labs to include: EKG", "testing"),
    ("Left L5-S1 epidural steroid injection", "injection"),
    ("Left shoulder arthroscopy with Bankart repair, possible biceps tenodesis", "surgery"),
    ("Lumbar support", "equipment"),
    ("MARS MRI scan of right hip", "imaging"),
    ("MRI (magnetic resonance imaging) of the cervical spine", "imaging"),
    ("MRI/CT of the spine and pelvis", "imaging"),
    ("Medical Clearance", "surgery"),
    ("NCV bilateral lower extremities QTY: 2", "testing"),
    ("Neuroplasty, lumbar spine", "surgery"),
    ("Physical therapy 2-3 times a week for 6 weeks", "physical medicine"),
    ("Post-op physical therapy 2 times a week for 4 weeks", "physical medicine"),
    ("Right shoulder arthroscopy RCR (rotator cuff repair) and decompression", "surgery"),
    ("Single positional MRI of the cervical spine", "imaging"),
    ("Spinal manipulation 1 times 8", "physical medicine"),
    ("Spine surgery evaluation for the lumbar", "other"),
    ("TENS unit", "physical medicine"),
    ("Comprehensive psychological testing", "psychological"),
    ("Ultrasound 1 times 8", "physical medicine"),
    ("Unknown shockwave treatments", "physical medicine"),
    ("Urine Test", "testing"),
    ("Wedge pillow", "equipment"),
    ("X-Ray of the lumbar spine", "imaging"),
    ("X-rays of right hip", "imaging"),
    ("Chiropractic joint manipulation times 6", "physical medicine"),
    ("Spinolator therapy (traction) times 6", "physical medicine"),
    ("standard wheelchair for a 2 month rental", "equipment"),
    ("purchase of a bedside 3 in 1 commode", "equipment"),
    ("purchase of a bath/shower chair", "equipment"),
    ("Occupational therapy for six sessions", "physical medicine"),
    ("Initial exam", "other"),
    ("Home aide 6 hours per day, 5 times per week", "other"),
]

# Every credential value in the 2016 PDFs and the seed corpus.
REAL_SPECIALTY_LINES = {
    "Anesthesiology": ["Anesthesiology"],
    "Anesthesiology, Pain Management": ["Anesthesiology", "Pain Management"],
    "Anesthesiology, Pain Management, Hospice & Palliative Medicine":
        ["Anesthesiology", "Pain Management", "Hospice and Palliative Medicine"],
    "Chiropractor": ["Chiropractor"],
    "Family Practice": ["Family Practice"],
    "Family Practice, Sports Medicine": ["Family Practice", "Sports Medicine"],
    "Internal Medicine": ["Internal Medicine"],
    "Neurology, Pain Management": ["Neurology", "Pain Management"],
    "Orthopedic Surgery": ["Orthopedic Surgery"],
    "Orthopedic Surgery, Sports Medicine": ["Orthopedic Surgery", "Sports Medicine"],
    "Orthopedic Surgery, Sports Medicinea": ["Orthopedic Surgery", "Sports Medicine"],
    "Physical Medicine & Rehabilitation": ["Physical Medicine and Rehabilitation"],
    "Physical Medicine & Rehabilitation, Pain Management":
        ["Physical Medicine and Rehabilitation", "Pain Management"],
    "Physical Medicine & Rehabilitation, Pediatric Rehabilitation Medicine":
        ["Physical Medicine and Rehabilitation", "Pediatric Rehabilitation Medicine"],
    "Physical Medicine & Rehabilitation, Sports Medicine":
        ["Physical Medicine and Rehabilitation", "Sports Medicine"],
    "Preventive Medicine": ["Preventive Medicine"],
    "Preventive Medicine, Occupational Medicine": ["Preventive Medicine", "Occupational Medicine"],
    "Preventive Medicine, Occupational Medicine, Family Practice":
        ["Preventive Medicine", "Occupational Medicine", "Family Practice"],
    "Preventive Medicine, Occupational Medicine, Medical Toxicology":
        ["Preventive Medicine", "Occupational Medicine", "Medical Toxicology"],
    "Psychiatry": ["Psychiatry"],
    "Surgery, Surgical Critical Care": ["Surgery", "Surgical Critical Care"],
}

REAL_STATE_LINES = {
    "Arizona,California": ["Arizona", "California"],
    "California": ["California"],
    "California, Arizona": ["California", "Arizona"],
    "California, Maryland": ["California", "Maryland"],
    "California, Oregon, Washington": ["California", "Oregon", "Washington"],
    "California,Arizona": ["California", "Arizona"],
    "California,Missouri,Mississippi": ["California", "Missouri", "Mississippi"],
    "California,North Carolina": ["California", "North Carolina"],
    "California,South Carolina": ["California", "South Carolina"],
    "California,Texas": ["California", "Texas"],
    "California,Texas,Florida": ["California", "Texas", "Florida"],
    "California,Virginia": ["California", "Virginia"],
    "California,Washington": ["California", "Washington"],
    "Colorado, Texas, Arizona": ["Colorado", "Texas", "Arizona"],
    "Connecticut": ["Connecticut"],
    "Florida": ["Florida"],
    "Maryland, Kansas, Pennsylvania": ["Maryland", "Kansas", "Pennsylvania"],
    "Massachusetts, New Hampshire, New York": ["Massachusetts", "New Hampshire", "New York"],
    "Missouri": ["Missouri"],
    "New Jersey": ["New Jersey"],
    "New Jersey, New York": ["New Jersey", "New York"],
    "New York": ["New York"],
    "North Carolina": ["North Carolina"],
    "North Carolina, Georgia": ["North Carolina", "Georgia"],
    "Ohio,West Virginia,California": ["Ohio", "West Virginia", "California"],
    "Pennsylvania": ["Pennsylvania"],
    "Tennessee,Florida,Ohio": ["Tennessee", "Florida", "Ohio"],
    "Texas": ["Texas"],
    "Texas, California, New Mexico": ["Texas", "California", "New Mexico"],
    "Texas, New York": ["Texas", "New York"],
    "Texas, New York, California": ["Texas", "New York", "California"],
    "Texas, Oklahoma": ["Texas", "Oklahoma"],
    "Texas,California": ["Texas", "California"],
    "Texas,Illinois": ["Texas", "Illinois"],
    "Texas,New York,California": ["Texas", "New York", "California"],
    "Texas,Ohio": ["Texas", "Ohio"],
    "Utah": ["Utah"],
}

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "seeds"


# ---------------------------------------------------------------------------
# DRUGS table
# ---------------------------------------------------------------------------

def test_drug_table_has_a_few_hundred_lowercase_names():
    assert len(DRUGS) >= 300
    for name, generic in DRUGS.items():
        assert name == name.lower() and name == name.strip()
        assert generic == generic.lower()


def test_every_generic_is_a_name_of_itself():
    for generic in set(DRUGS.values()):
        assert DRUGS[generic] == generic


def test_brands_map_to_their_generics():
    expected = {
        "norco": "hydrocodone/acetaminophen", "vicodin": "hydrocodone/acetaminophen",
        "lortab": "hydrocodone/acetaminophen", "hydrocodone/apap": "hydrocodone/acetaminophen",
        "hydrocodone-acetaminophen": "hydrocodone/acetaminophen", "ms contin": "morphine",
        "valium": "diazepam", "xanax": "alprazolam", "dilaudid": "hydromorphone",
        "percocet": "oxycodone/acetaminophen", "ultram": "tramadol",
        "ultracet": "tramadol/acetaminophen", "flexeril": "cyclobenzaprine",
        "fexmid": "cyclobenzaprine", "amrix": "cyclobenzaprine", "soma": "carisoprodol",
        "norflex": "orphenadrine", "lidoderm": "lidocaine",
        "terocin": "methyl salicylate/capsaicin/menthol/lidocaine", "neurontin": "gabapentin",
        "lyrica": "pregabalin", "cymbalta": "duloxetine", "ambien": "zolpidem",
        "prilosec": "omeprazole", "pepcid": "famotidine", "viagra": "sildenafil",
        "nucynta": "tapentadol", "opana": "oxymorphone", "duragesic": "fentanyl",
        "butrans": "buprenorphine", "belbuca": "buprenorphine", "hysingla": "hydrocodone",
        "zohydro": "hydrocodone", "xtampza": "oxycodone", "suboxone": "buprenorphine/naloxone",
        "zanaflex": "tizanidine", "robaxin": "methocarbamol", "skelaxin": "metaxalone",
        "motrin": "ibuprofen", "anaprox": "naproxen", "naprosyn": "naproxen",
        "mobic": "meloxicam", "voltaren": "diclofenac", "arthrotec": "diclofenac/misoprostol",
        "celebrex": "celecoxib", "relafen": "nabumetone", "toradol": "ketorolac",
        "topamax": "topiramate", "gralise": "gabapentin", "horizant": "gabapentin",
        "zoloft": "sertraline", "wellbutrin": "bupropion", "effexor": "venlafaxine",
        "pennsaid": "diclofenac", "lunesta": "eszopiclone", "sonata": "zaleplon",
        "belsomra": "suvorexant", "protonix": "pantoprazole", "nexium": "esomeprazole",
        "zantac": "ranitidine", "cialis": "tadalafil", "medrol": "methylprednisolone",
        "zofran": "ondansetron", "colace": "docusate", "amitiza": "lubiprostone",
        "movantik": "naloxegol", "relistor": "methylnaltrexone", "narcan": "naloxone",
        "theramine": "theramine", "gabapentin": "gabapentin", "hydrocodone": "hydrocodone",
    }
    for name, generic in expected.items():
        assert DRUGS[name] == generic, name


def test_products_with_the_same_ingredients_share_one_canonical_string():
    assert DRUGS["lidopro"] == DRUGS["terocin"]
    assert DRUGS["menthoderm"] == DRUGS["salonpas"]


# ---------------------------------------------------------------------------
# find_drug
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("request_line, generic, written", REAL_DRUG_REQUESTS)
def test_every_real_drug_request_finds_its_generic(request_line, generic, written):
    assert find_drug(request_line) == (generic, written)


@pytest.mark.parametrize("request_line, _category", REAL_SERVICE_REQUESTS)
def test_real_service_requests_name_no_drug(request_line, _category):
    assert find_drug(request_line) is None


def test_norco_is_hydrocodone_with_acetaminophen():
    assert find_drug("Norco 10/325mg #90") == ("hydrocodone/acetaminophen", "Norco")


def test_ms_contin_beats_contin_as_the_longer_name():
    assert find_drug("MS Contin 30mg #90") == ("morphine", "MS Contin")
    # A PDF line break split the name; the brand comes back on one line.
    assert find_drug("MS\nContin 60 mg #72") == ("morphine", "MS Contin")
    assert find_drug("Contin 60 mg #72") == ("morphine", "Contin")


def test_name_lookup_ignores_case():
    assert find_drug("NORCO 10/325") == ("hydrocodone/acetaminophen", "NORCO")
    assert find_drug("xanax 1mg") == ("alprazolam", "xanax")


def test_lidoderm_patch_is_lidocaine():
    assert find_drug("Lidoderm patch 5% #30") == ("lidocaine", "Lidoderm")


@pytest.mark.parametrize("request_line, written", [
    ("Hydrocodone/APAP 10/325mg #90", "Hydrocodone/APAP"),
    ("Hydrocodone-Acetaminophen 10/325 #60", "Hydrocodone-Acetaminophen"),
    ("Hydrocodone / Acetaminophen 5/325", "Hydrocodone / Acetaminophen"),
    ("Hydrocodone APAP 7.5/325", "Hydrocodone APAP"),
])
def test_hyphen_and_slash_spellings_of_a_combination_are_one_name(request_line, written):
    assert find_drug(request_line) == ("hydrocodone/acetaminophen", written)


@pytest.mark.parametrize("request_line, generic", [
    ("Hydrocodone 10/325mg #120", "hydrocodone/acetaminophen"),
    ("Hydrocodone bitartrate 7.5/325mg", "hydrocodone/acetaminophen"),
    ("Oxycodone 5/325 #60", "oxycodone/acetaminophen"),
    ("Tramadol 37.5/325mg #60", "tramadol/acetaminophen"),
    ("Codeine 30/300", "codeine/acetaminophen"),
    ("Hydrocodone 10.325mg #90", "hydrocodone/acetaminophen"),
])
def test_plain_opioid_with_acetaminophen_strength_is_the_combination(request_line, generic):
    assert find_drug(request_line)[0] == generic


@pytest.mark.parametrize("request_line, generic", [
    ("Hydrocodone ER 20mg #30", "hydrocodone"),
    ("Oxycodone 30mg #120", "oxycodone"),
    ("Tramadol ER 150mg #30", "tramadol"),
])
def test_plain_opioid_with_a_single_strength_stays_plain(request_line, generic):
    assert find_drug(request_line)[0] == generic


@pytest.mark.parametrize("request_line, generic", [
    ("Hydrocodone bitartrate and acetaminophen 5/325", "hydrocodone/acetaminophen"),
    ("Tylenol w/ codeine #3", "codeine/acetaminophen"),
    ("APAP/Codeine 300/30mg #60", "codeine/acetaminophen"),
    ("Tylenol #3 #60", "codeine/acetaminophen"),
    ("Oxycodone HCl/APAP 10/325", "oxycodone/acetaminophen"),
])
def test_combination_written_part_by_part_gets_its_fixed_order(request_line, generic):
    assert find_drug(request_line)[0] == generic


def test_compound_cream_keeps_its_parts_in_written_order():
    found = find_drug("Flurbiprofen 20%/Baclofen 5%/Lidocaine 4% cream 180gm")
    assert found == ("flurbiprofen/baclofen/lidocaine", "Flurbiprofen/Baclofen/Lidocaine")


def test_first_drug_in_the_line_wins():
    assert find_drug("Colace 100mg for constipation from Norco")[0] == "docusate"


def test_name_glued_to_its_strength_is_found():
    assert find_drug("Norco10/325mg #90") == ("hydrocodone/acetaminophen", "Norco")


@pytest.mark.parametrize("request_line", [
    "Continue physical therapy 3 times a week for 2 weeks",
    "Somatic nerve block",
    "Sonatas",
    "",
])
def test_a_name_inside_another_word_is_not_a_drug(request_line):
    assert find_drug(request_line) is None


@pytest.mark.parametrize("request_line, generic, written", [
    ("Nucynta ER 100mg #60", "tapentadol", "Nucynta ER"),
    ("Opana ER 20mg", "oxymorphone", "Opana ER"),
    ("Fentanyl patch 25mcg/hr #10", "fentanyl", "Fentanyl"),
    ("Butrans 10mcg/hour patch #4", "buprenorphine", "Butrans"),
    ("Suboxone 8/2mg film", "buprenorphine/naloxone", "Suboxone"),
    ("Terocin patches #30", "methyl salicylate/capsaicin/menthol/lidocaine", "Terocin"),
    ("LidoPro lotion 4 oz", "methyl salicylate/capsaicin/menthol/lidocaine", "LidoPro"),
    ("Theramine #120", "theramine", "Theramine"),
    ("Senokot-S #60", "sennosides/docusate", "Senokot-S"),
    ("Depo-Medrol 80mg injection", "methylprednisolone", "Depo-Medrol"),
    ("Medrol Dosepak", "methylprednisolone", "Medrol Dosepak"),
    ("Tizanidine 4mg #90", "tizanidine", "Tizanidine"),
])
def test_other_common_products_are_known(request_line, generic, written):
    assert find_drug(request_line) == (generic, written)


# ---------------------------------------------------------------------------
# find_strength, find_quantity
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("request_line, strength", [
    ("Norco 10/325mg #90", "10/325mg"),
    ("Lidocaine ointment 5% 106.32gm", "5%"),
    ("MS Contin 30 mg", "30 mg"),
    ("Cyclobenzaprine 7.5mg #60", "7.5mg"),
    ("Xanax 0.5mg #30", "0.5mg"),
    ("Fentanyl patch 100mcg/hr #10", "100mcg/hr"),
    ("Flector 1.3% transdermal patch", "1.3%"),
    ("1 prescription of Xanax 1mg #30", "1mg"),
    ("Gabapentin 10%, Cyclobenzaprine 6%, Bupivacaine 5% in cream base", "10%"),
    ("Norco 10/325 #90", "10/325"),
    ("Norco10/325mg #90", "10/325mg"),
    ("Oxycodone HCL ER 20mg #60 day supply: 30", "20mg"),
])
def test_strength_is_the_first_dose_as_written(request_line, strength):
    assert find_strength(request_line) == strength


def test_dotted_strength_typo_reads_as_the_combination_strength():
    assert find_strength("Norco 10.325mg #90") == "10/325mg"


@pytest.mark.parametrize("request_line", [
    "MRI of the lumbar spine", "Left L5-S1 epidural steroid injection", "Omeprazole",
    "Physical therapy 2-3 times a week for 6 weeks",
])
def test_lines_without_a_dose_have_no_strength(request_line):
    assert find_strength(request_line) is None


@pytest.mark.parametrize("request_line, quantity", [
    ("Norco 10/325mg #90", 90),
    ("Lyrica 75 mg # 60", 60),
    ("Oxycodone HCL ER 20mg #60 day supply: 30", 60),
    ("Retrospective Cyclobenzaprine 5mg tab #30 DOS: 11/14/16", 30),
    ("NCV bilateral lower extremities QTY: 2", 2),
    ("Ambien 10mg Qty 30", 30),
    ("Ambien 10mg quantity 30", 30),
    ("Tylenol #3 #60", 60),
    ("Ambien 10mg (30 tablets)", 30),
])
def test_quantity_is_the_count_asked_for(request_line, quantity):
    assert find_quantity(request_line) == quantity


@pytest.mark.parametrize("request_line", [
    "MS Contin 30mg", "Deprizine (unknown quantity)", "MRI of the lumbar spine",
])
def test_no_count_gives_no_quantity(request_line):
    assert find_quantity(request_line) is None


# ---------------------------------------------------------------------------
# categorize
# ---------------------------------------------------------------------------

def test_categories_are_the_fixed_nine():
    assert CATEGORIES == ("medication", "imaging", "physical medicine", "injection",
                          "surgery", "equipment", "testing", "psychological", "other")


@pytest.mark.parametrize("request_line, _generic, _written", REAL_DRUG_REQUESTS)
def test_a_drug_request_is_medication(request_line, _generic, _written):
    found = find_drug(request_line)
    assert categorize(request_line, found[0]) == "medication"


@pytest.mark.parametrize("request_line, category", REAL_SERVICE_REQUESTS)
def test_real_service_requests_land_in_their_category(request_line, category):
    assert categorize(request_line, None) == category


@pytest.mark.parametrize("request_line", [
    "Toradol injection 60mg IM", "Depo-Medrol 80mg", "Cortisone injection right shoulder",
    "Synvisc-One left knee", "Trigger point injections with lidocaine",
])
def test_an_injected_drug_is_an_injection(request_line):
    found = find_drug(request_line)
    assert found is not None
    assert categorize(request_line, found[0]) == "injection"


def test_associated_surgical_service_is_surgery_even_for_equipment():
    line = "Associated surgical service: Cold compression therapy 30 day rental"
    assert categorize(line, None) == "surgery"
    assert categorize("Cold compression therapy 30 day rental", None) == "equipment"


def test_post_op_physical_therapy_is_physical_medicine():
    assert categorize("Post-op physical therapy 2 times a week for 4 weeks", None) == \
        "physical medicine"


def test_a_drug_screen_is_testing_even_when_it_names_a_drug():
    line = "Urine drug screen for Norco compliance"
    assert categorize(line, find_drug(line)[0]) == "testing"


@pytest.mark.parametrize("request_line, category", [
    ("Ultrasound guided injection of the right knee", "injection"),
    ("Diagnostic ultrasound of the right shoulder", "imaging"),
    ("Bone scan", "imaging"),
    ("Radiofrequency ablation L4-5", "injection"),
    ("Medial branch block bilateral L3-L5", "injection"),
    ("Lumbar fusion L4-S1", "surgery"),
    ("L5-S1 discectomy", "surgery"),
    ("Pre-op clearance", "surgery"),
    ("Interferential unit rental", "equipment"),
    ("Work hardening program", "physical medicine"),
    ("Functional restoration program 160 hours", "physical medicine"),
    ("Massage therapy 6 sessions", "physical medicine"),
    ("Myofascial release 6 sessions", "physical medicine"),
    ("Cognitive behavioral therapy 6 sessions", "psychological"),
    ("Psychiatric evaluation", "psychological"),
    ("Sleep study", "testing"),
    ("Cane", "equipment"),
    ("Front wheeled walker", "equipment"),
    ("Compounded topical cream 240gm", "medication"),
    ("Orthopedic consultation", "other"),
])
def test_other_services_land_in_their_category(request_line, category):
    assert categorize(request_line, find_drug(request_line) and find_drug(request_line)[0]) \
        == category


def test_categorize_always_answers_one_of_the_categories():
    for line, *_ in REAL_DRUG_REQUESTS + REAL_SERVICE_REQUESTS:
        found = find_drug(line)
        assert categorize(line, found and found[0]) in CATEGORIES


def test_find_drug_and_categorize_are_fast_enough_for_the_whole_archive():
    lines = [line for line, *_ in REAL_DRUG_REQUESTS + REAL_SERVICE_REQUESTS]
    start = time.perf_counter()
    for i in range(20_000):
        line = lines[i % len(lines)]
        found = find_drug(line)
        categorize(line, found and found[0])
    # ~10 µs a pair on a laptop; the bound is loose so slow CI does not flake.
    assert time.perf_counter() - start < 4.0


# ---------------------------------------------------------------------------
# Specialties
# ---------------------------------------------------------------------------

def test_specialty_list_is_canonical_and_unique():
    assert len(SPECIALTIES) == len(set(SPECIALTIES)) >= 60
    for name in SPECIALTIES:
        assert canonical_specialty(name) == name


@pytest.mark.parametrize("text, expected", sorted(REAL_SPECIALTY_LINES.items()))
def test_every_real_credential_line_gives_known_specialties(text, expected):
    found = split_specialties(text)
    assert found == expected
    assert all(name in SPECIALTIES for name in found)


@pytest.mark.parametrize("written, canonical", [
    ("Physical Medicine & Rehabilitation", "Physical Medicine and Rehabilitation"),
    ("Physical Medicine Rehabilitation", "Physical Medicine and Rehabilitation"),
    ("PM&R", "Physical Medicine and Rehabilitation"),
    ("  physical   medicine & rehabilitation. ", "Physical Medicine and Rehabilitation"),
    ("Family Medicine", "Family Practice"),
    ("Orthopaedic Surgery", "Orthopedic Surgery"),
    ("Hospice & Palliative Medicine", "Hospice and Palliative Medicine"),
    ("Neurosurgery", "Neurological Surgery"),
    ("OB/GYN", "Obstetrics and Gynecology"),
])
def test_specialty_spellings_land_on_their_canonical_name(written, canonical):
    assert canonical_specialty(written) == canonical


@pytest.mark.parametrize("written, canonical", [
    ("Sports Medicinea", "Sports Medicine"),
    ("Occupational Medicin", "Occupational Medicine"),
    ("Anesthesiolog", "Anesthesiology"),
    ("Physical Medicine & Rehab", "Physical Medicine and Rehabilitation"),
])
def test_cut_off_specialty_lands_on_its_canonical_name(written, canonical):
    assert canonical_specialty(written) == canonical


@pytest.mark.parametrize("written", ["Pain", "Family", "Orthopedic", "Astrology", ""])
def test_unknown_or_ambiguous_specialty_is_none(written):
    assert canonical_specialty(written) is None


def test_and_splits_two_specialties_but_not_one_name():
    assert split_specialties("Anesthesiology and Pain Management") == \
        ["Anesthesiology", "Pain Management"]
    assert split_specialties("Obstetrics and Gynecology") == ["Obstetrics and Gynecology"]
    assert split_specialties("Hospice and Palliative Medicine") == \
        ["Hospice and Palliative Medicine"]
    assert split_specialties("Physical Medicine and Rehabilitation and Pain Management") == \
        ["Physical Medicine and Rehabilitation", "Pain Management"]
    assert split_specialties("Internal Medicine/Pain Management") == \
        ["Internal Medicine", "Pain Management"]


def test_specialties_split_on_commas_and_semicolons_without_repeats():
    assert split_specialties("Neurology;Psychiatry,Neurology") == ["Neurology", "Psychiatry"]


def test_unknown_specialty_is_kept_title_cased():
    assert split_specialties("internal medicine,  wound care ") == \
        ["Internal Medicine", "Wound Care"]


# ---------------------------------------------------------------------------
# States
# ---------------------------------------------------------------------------

def test_states_are_fifty_plus_dc_and_puerto_rico():
    assert len(STATES) == 52
    assert STATES["CA"] == "California" and STATES["DC"] == "District of Columbia"
    assert STATES["PR"] == "Puerto Rico"


@pytest.mark.parametrize("text, expected", sorted(REAL_STATE_LINES.items()))
def test_every_real_licensure_line_gives_full_state_names(text, expected):
    assert split_states(text) == expected


@pytest.mark.parametrize("written, state", [
    ("california", "California"), ("CA", "California"), (" N.Y. ", "New York"),
    ("texas.", "Texas"), ("NORTH CAROLINA", "North Carolina"),
])
def test_state_name_or_code_lands_on_the_full_name(written, state):
    assert canonical_state(written) == state


def test_unknown_state_is_none():
    assert canonical_state("Ontario") is None
    assert canonical_state("XX") is None


@pytest.mark.parametrize("text, expected", [
    ("California and Arizona", ["California", "Arizona"]),
    ("CA, NV", ["California", "Nevada"]),
    ("Texas, Ontario, Texas", ["Texas"]),
])
def test_split_states_drops_unknowns_and_repeats(text, expected):
    assert split_states(text) == expected


# ---------------------------------------------------------------------------
# Guideline sources
# ---------------------------------------------------------------------------

def test_guideline_sources_are_the_fixed_four():
    assert GUIDELINE_SOURCES == ("MTUS", "ACOEM", "ODG", "other")


@pytest.mark.parametrize("text, expected", [
    (("Decision based on MTUS Chronic Pain Treatment Guidelines Opioids Page(s): 91-97. "
     "Decision based on Non-MTUS Citation Official Disability Guidelines (ODG) Opioids."),
     ["MTUS", "ODG"]),
    (("The Expert Reviewer based their decision on recommendation(s) outside of the MTUS "
     "Guidelines. Decision based on Non-MTUS Citation Sildenafil: Drug information, "
     "accessed from UpToDate.com on 12/17/2016."), ["other"]),
    (("The Expert Reviewer based their decision on recommendation(s) outside  of the MTUS "
     "Guidelines. Decision based on Non-MTUS Citation Official Disability Guidelines  (ODG) "
     "Hips and Pelvis (Acute and Chronic), MRI (magnetic resonance imaging) and Other  "
     "Medical Treatment Guidelines ACOEM Hip and Groin Disorders, Diagnostic Testing, MRI."),
     ["ACOEM", "ODG"]),
    ("Decision based on MTUS Low Back Complaints 2004, Section(s):  Special Studies.",
     ["MTUS"]),
    ("The Expert Reviewer did not cite any medical evidence for its decision.", []),
    (("The Expert Reviewer based their decision on recommendation(s) outside of the MTUS "
     "Guidelines."), []),
    (("Decision based on MTUS Low Back Complaints 2004, Section(s): Summary, and Chronic Pain "
     "Medical Treatment 2016, Section(s): Facet blocks. Decision based on Non-MTUS Citation "
     "ACOEM Occupational Medicine Practice Guidelines, 3rd ed., Low Back Disorders, pg. 607."),
     ["MTUS", "ACOEM"]),
    (("The Claims Administrator based their decision on recommendation(s) outside of the MTUS "
     "Guidelines. Decision based on Non-MTUS Official Disability Guidelines (ODG), Pain."),
     ["ODG"]),
    (("The Expert Reviewer based their decision on recommendation(s) outside of the MTUS "
     "Guidelines. Decision based on Non-MTUS Citation http://www.slideshare.net/julenemcalister"
     "/differences-between-inpatient-rehabilitation-skilled-nursing-care."), ["other"]),
    (("Decision based on Non-MTUS Citation Official Disability Guidelines (ODG) Pain and Other "
     "Medical Treatment Guideline or Medical Evidence: FDA label."), ["ODG", "other"]),
])
def test_guideline_line_names_its_sources_in_fixed_order(text, expected):
    assert guideline_sources(text) == expected


# ---------------------------------------------------------------------------
# The seed corpus, when shared/ is beside the checkout
# ---------------------------------------------------------------------------

def _seed_expectations() -> list[tuple[str, dict, str]]:
    expected_file = SEEDS / "expected.json"
    if not expected_file.exists():
        return []
    expected = json.loads(expected_file.read_text())
    return [(name, facts, (SEEDS / name).read_text())
            for name, facts in expected.items() if not name.startswith("_")]


@pytest.mark.skipif(not (SEEDS / "expected.json").exists(), reason="shared seed corpus absent")
def test_seed_corpus_requests_and_credentials_read_as_expected():
    for name, facts, text in _seed_expectations():
        for item in facts["items"]:
            found = find_drug(item["request"])
            if item.get("drug_has"):
                assert found is not None, (name, item["request"])
                assert all(word in found[0] for word in item["drug_has"]), (name, found)
            assert find_quantity(item["request"]) == item["quantity"], (name, item["request"])
        # Some determinations print no credentials at all.
        states = re.search(r"State\(s\) of Licensure:(.*)", text)
        if states:
            assert split_states(states.group(1)) == facts["reviewer_states"], name
        specialties = re.search(r"Certification\(s\)/Specialty:(.*)", text)
        if specialties:
            assert split_specialties(specialties.group(1)) == facts["reviewer_specialties"], name


def test_module_has_no_django_dependency():
    source = Path(vocab.__file__).read_text()
    assert not re.search(r"^\s*(?:import|from)\s+django", source, re.MULTILINE)
